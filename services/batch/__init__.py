"""Streaming, fault-tolerant batch input and output for ``skillgraph extract`` and ``spans``.

Pure I/O: reading job ads from CSV or JSON Lines (optionally gzipped, or stdin), and writing
results as JSON Lines, CSV or Parquet, with rejected rows logged rather than dropped.
"""

from services.batch.error_log import ErrorLog, errors_path_for
from services.batch.exceptions import BatchInputError, BatchOutputError
from services.batch.readers import read_records
from services.batch.records import InputRow, JsonRecord, RowError, RowResult, SpanRowResult
from services.batch.runner import batches, run_rows
from services.batch.writers import (
    WRITERS,
    JsonlResultWriter,
    ResultWriter,
    infer_format,
    open_writer,
)

__all__ = [
    "WRITERS",
    "BatchInputError",
    "BatchOutputError",
    "ErrorLog",
    "InputRow",
    "JsonRecord",
    "JsonlResultWriter",
    "ResultWriter",
    "RowError",
    "RowResult",
    "SpanRowResult",
    "batches",
    "errors_path_for",
    "infer_format",
    "open_writer",
    "read_records",
    "run_rows",
]
