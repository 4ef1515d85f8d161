"""Parquet input: one record per table row, streamed a record batch at a time with pyarrow.

Only the text and id columns are read. Column types are checked once, from the schema: the text
must be a string column, the id a string or integer one (or absent: ids are row numbers). A
null text is an empty text. Records have no line numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from services.batch.exceptions import BatchInputError
from services.batch.policy import RowPolicy
from services.batch.records import InputRow, RowError

READ_BATCH_ROWS = 1024


def parse_parquet(stream: BinaryIO, policy: RowPolicy) -> Iterator[InputRow | RowError]:
    """Read the rows of the Parquet file open as *stream* (seekable: Parquet's footer is last)."""
    if not stream.seekable():
        raise BatchInputError("Parquet input must be a file, not a stream (stdin or gzip)")
    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowInvalid, OSError) as exc:
        raise BatchInputError(f"not a readable Parquet file: {exc}") from exc
    schema = parquet.schema_arrow
    _check_column(schema, policy.text_column, pa.types.is_string, pa.types.is_large_string)
    has_id = policy.id_column in schema.names
    if has_id:
        _check_column(
            schema,
            policy.id_column,
            pa.types.is_string,
            pa.types.is_large_string,
            pa.types.is_integer,
        )
    columns = [policy.text_column, *([policy.id_column] if has_id else [])]
    row_number = 0
    try:
        for record_batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS, columns=columns):
            texts = record_batch.column(policy.text_column).to_pylist()
            ids = (
                record_batch.column(policy.id_column).to_pylist() if has_id else [None] * len(texts)
            )
            for text, raw_id in zip(texts, ids, strict=True):
                row_number += 1
                row_id = None if raw_id is None else str(raw_id)
                yield policy.check(row_number, None, row_id, text or "")
    except (pa.ArrowInvalid, OSError) as exc:
        raise BatchInputError(f"corrupt Parquet data after row {row_number}: {exc}") from exc


def _check_column(schema: pa.Schema, name: str, *accepted) -> None:
    if name not in schema.names:
        raise BatchInputError(
            f"no column {name!r} in the Parquet input (columns: {', '.join(schema.names)})"
        )
    kind = schema.field(name).type
    if not any(test(kind) for test in accepted):
        raise BatchInputError(f"Parquet column {name!r} holds {kind}, not text")
