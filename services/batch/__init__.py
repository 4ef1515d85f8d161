"""Streaming, fault-tolerant, resumable batch runs for ``skillgraph extract`` and ``spans``.

Reading job ads from CSV, JSON Lines (optionally gzipped, or stdin) or Parquet; running a job
over them in batches, in worker processes if asked; writing results as JSON Lines, CSV or
Parquet, with rejected rows logged rather than dropped and a checkpoint to resume from.
"""

from services.batch.error_log import ErrorLog, errors_path_for
from services.batch.exceptions import (
    BatchError,
    BatchInputError,
    BatchOutputError,
    BatchResumeError,
    BatchWorkerError,
)
from services.batch.readers import read_records
from services.batch.records import InputRow, JsonRecord, RowError, RowResult, SpanRowResult
from services.batch.run import RunPlan, run_batches
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
    "BatchError",
    "BatchInputError",
    "BatchOutputError",
    "BatchResumeError",
    "BatchWorkerError",
    "ErrorLog",
    "InputRow",
    "JsonRecord",
    "JsonlResultWriter",
    "ResultWriter",
    "RowError",
    "RowResult",
    "RunPlan",
    "SpanRowResult",
    "batches",
    "errors_path_for",
    "infer_format",
    "open_writer",
    "read_records",
    "run_batches",
    "run_rows",
]
