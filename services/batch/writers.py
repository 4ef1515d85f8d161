"""Result writers: stream ``RowResult``s out as JSON Lines, CSV or Parquet (and any other
JSON record, such as ``SpanRowResult``, as JSON Lines).

Output goes straight to the target path as rows arrive, not to a temporary file renamed on
success. A run over millions of rows that stops part-way keeps what it wrote, for a later run to
resume from, and the output can be watched as it grows; the price is that a partial file looks
like a whole one, so callers must signal failure through their exit status. Closing a writer,
also after an exception, finalises what was written; only a killed process leaves a Parquet file
without its footer, and so unreadable.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import PurePath
from types import TracebackType
from typing import Any, Generic, Self, TextIO, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from services.batch.exceptions import BatchOutputError
from services.batch.records import SKILL_FIELDS, JsonRecord, RowResult

logger = logging.getLogger(__name__)

STDOUT = "-"
CSV_COLUMNS: tuple[str, ...] = ("id", "esco_version", "rank", *SKILL_FIELDS)
_NO_SKILL: tuple[str, ...] = ("",) * (1 + len(SKILL_FIELDS))  # rank and skill columns

_SKILL_STRUCT = pa.struct(
    [
        pa.field("uri", pa.string()),
        pa.field("label", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("skill_type", pa.string()),
        pa.field("sentence", pa.string()),
        pa.field("start", pa.int32()),
        pa.field("end", pa.int32()),
    ]
)
PARQUET_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("esco_version", pa.string(), nullable=False),
        pa.field("model", pa.string()),
        pa.field("model_fingerprint", pa.string()),
        pa.field("skills", pa.list_(_SKILL_STRUCT), nullable=False),
    ]
)


# What a writer takes: contravariant, so a writer of any JSON record serves where a writer of
# RowResults is asked for.
RecordT = TypeVar("RecordT", bound=JsonRecord, contravariant=True)


class ResultWriter(ABC, Generic[RecordT]):
    """Writes the results of one run to one target. Use it as a context manager."""

    def __init__(self) -> None:
        self._closed = False

    def write(self, result: RecordT) -> None:
        if self._closed:
            raise ValueError("write to a closed ResultWriter")
        self._write(result)

    def close(self) -> None:
        """Flush and finalise the output; further calls do nothing."""
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def _write(self, result: RecordT) -> None: ...

    @abstractmethod
    def _close(self) -> None: ...


class _TextSink:
    """UTF-8 text onto a file or stdout, flushed every *flush_every* rows; stdout is left open."""

    def __init__(self, target: str | os.PathLike[str], flush_every: int) -> None:
        name = os.fspath(target)
        self._flush_every = flush_every
        self._unflushed = 0
        self._owned = name != STDOUT
        self._stdout_wrapper: io.TextIOWrapper | None = None
        self.stream: TextIO
        if self._owned:
            try:
                self.stream = open(name, "w", encoding="utf-8", newline="")  # noqa: SIM115
            except OSError as exc:
                raise BatchOutputError(
                    f"cannot open output {name!r}: {exc.strerror or exc}"
                ) from exc
        elif (buffer := getattr(sys.stdout, "buffer", None)) is not None:
            sys.stdout.flush()  # keep anything printed earlier ahead of our rows
            # Our own wrapper pins UTF-8 and "\n" whatever the locale and platform.
            self._stdout_wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
            self.stream = self._stdout_wrapper
        else:
            self.stream = sys.stdout

    def wrote_row(self) -> None:
        # Often enough to watch progress, rarely enough not to cost a syscall per row.
        self._unflushed += 1
        if self._unflushed >= self._flush_every:
            self.stream.flush()
            self._unflushed = 0

    def close(self) -> None:
        if self._owned:
            self.stream.close()
            return
        self.stream.flush()
        if self._stdout_wrapper is not None:
            self._stdout_wrapper.detach()  # closing it would close stdout


class JsonlResultWriter(ResultWriter[JsonRecord]):
    """One JSON object per input row, e.g. ``{"id", "esco_version", "model",
    "model_fingerprint", "skills": [...]}``."""

    def __init__(self, target: str | os.PathLike[str], *, flush_every: int = 1000) -> None:
        super().__init__()
        self._sink = _TextSink(target, flush_every)

    def _write(self, result: JsonRecord) -> None:
        # allow_nan=False: NaN is not JSON, and failing loudly beats a file no parser accepts.
        line = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
        self._sink.stream.write(line + "\n")
        self._sink.wrote_row()

    def _close(self) -> None:
        self._sink.close()


class CsvResultWriter(ResultWriter[RowResult]):
    """One line per (input row, skill), with a 1-based ``rank``.

    An input row without skills still gets one line, its skill columns empty, so that every input
    row shows up in the output. Lines end with "\\n"; fields holding newlines are quoted.
    """

    def __init__(self, target: str | os.PathLike[str], *, flush_every: int = 1000) -> None:
        super().__init__()
        self._sink = _TextSink(target, flush_every)
        self._csv = csv.writer(self._sink.stream, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)

    def _write(self, result: RowResult) -> None:
        lead = (result.id, result.esco_version)
        if not result.skills:
            self._csv.writerow((*lead, *_NO_SKILL))
        for rank, skill in enumerate(result.skills, start=1):
            values = skill.to_dict()
            self._csv.writerow((*lead, rank, *(values[name] for name in SKILL_FIELDS)))
        self._sink.wrote_row()

    def _close(self) -> None:
        self._sink.close()


class ParquetResultWriter(ResultWriter[RowResult]):
    """Parquet with ``PARQUET_SCHEMA``, one row per input row.

    Rows are buffered and written as a row group every *row_group_size* rows, so memory stays flat.
    A run without rows still writes a valid file with the schema.
    """

    def __init__(self, target: str | os.PathLike[str], *, row_group_size: int = 10_000) -> None:
        super().__init__()
        name = os.fspath(target)
        if name == STDOUT:
            raise BatchOutputError("Parquet cannot be written to stdout; give an output path")
        if row_group_size < 1:
            raise ValueError(f"row_group_size must be positive, got {row_group_size}")
        self._row_group_size = row_group_size
        self._rows: list[dict[str, Any]] = []
        try:
            self._writer = pq.ParquetWriter(name, PARQUET_SCHEMA)
        except OSError as exc:
            raise BatchOutputError(f"cannot open output {name!r}: {exc}") from exc

    def _write(self, result: RowResult) -> None:
        self._rows.append(result.to_dict())
        if len(self._rows) >= self._row_group_size:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            table = pa.Table.from_pylist(self._rows, schema=PARQUET_SCHEMA)
            self._writer.write_table(table, row_group_size=len(self._rows))
            logger.debug("wrote a Parquet row group of %d rows", len(self._rows))
            self._rows.clear()

    def _close(self) -> None:
        try:
            self._flush()
        finally:
            self._writer.close()


WRITERS: dict[str, Callable[[str], ResultWriter[RowResult]]] = {
    "jsonl": JsonlResultWriter,
    "csv": CsvResultWriter,
    "parquet": ParquetResultWriter,
}

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def infer_format(target: str | os.PathLike[str]) -> str:
    """The output format for *target*: from its extension, or ``"jsonl"`` for stdout (``"-"``)."""
    name = os.fspath(target)
    if name == STDOUT:
        return "jsonl"
    try:
        return _EXTENSIONS[PurePath(name).suffix.lower()]
    except KeyError:
        raise BatchOutputError(
            f"cannot tell the output format of {name!r} from its extension; "
            "name it .jsonl, .csv or .parquet, or pass --format"
        ) from None


def open_writer(
    target: str | os.PathLike[str], format: str | None = None
) -> ResultWriter[RowResult]:
    """A writer for *target*, a path or ``"-"`` for stdout, in *format* (inferred when None)."""
    name = os.fspath(target)
    chosen = format if format is not None else infer_format(name)
    try:
        factory = WRITERS[chosen]
    except KeyError:
        raise BatchOutputError(
            f"unknown output format {chosen!r}; choose one of {', '.join(WRITERS)}"
        ) from None
    return factory(name)
