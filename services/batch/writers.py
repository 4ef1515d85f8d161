"""Result writers: stream ``RowResult``s out as JSON Lines, CSV or Parquet (and any other
JSON record, such as ``SpanRowResult``, as JSON Lines). Every format carries every field of a
skill; the columns, and what a run with occupations adds, are :mod:`services.batch.columns`.

JSON Lines and CSV go straight to the target as rows arrive (whole rows only, see
:mod:`services.batch.sinks`), so the output can be watched as it grows. Parquet, whose footer is
written last, collects its rows in part files beside the target (``OUT.parts/``) and joins them
into the target when it closes; a killed run leaves its parts, never a half file.

A writer's ``checkpoint()`` makes what was written durable and returns a mark (bytes written, or
parts); a writer opened with ``resume_at=mark`` carries on from there, dropping anything written
after it. Row groups and bytes are the same whether a run was resumed or not.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from ontology.files import atomic_write, leftover_temporaries
from services.batch.columns import (
    CSV_COLUMNS,
    OCCUPATION_CSV_COLUMNS,
    SKILL_COLUMNS,
    occupation_cells,
    parquet_row,
    parquet_schema,
)
from services.batch.exceptions import BatchOutputError
from services.batch.records import JsonRecord, RowResult
from services.batch.sinks import STDOUT, RowSink

logger = logging.getLogger(__name__)

# What a spreadsheet runs as a formula when a cell starts with it (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

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

    def checkpoint(self) -> int:
        """Make everything written so far durable; the mark to resume from."""
        if self._closed:
            raise ValueError("checkpoint of a closed ResultWriter")
        return self._checkpoint()

    def close(self, *, complete: bool = True) -> None:
        """Flush and finalise the output; further calls do nothing. An incomplete output (the
        run failed) keeps what a resumed run needs."""
        if not self._closed:
            self._closed = True
            self._close(complete)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(complete=exc_type is None)

    @abstractmethod
    def _write(self, result: RecordT) -> None: ...

    @abstractmethod
    def _checkpoint(self) -> int: ...

    @abstractmethod
    def _close(self, complete: bool) -> None: ...


class JsonlResultWriter(ResultWriter[JsonRecord]):
    """One JSON object per input row, e.g. ``{"id", "esco_version", "model",
    "model_fingerprint", "skills": [...]}``."""

    def __init__(
        self,
        target: str | os.PathLike[str],
        *,
        flush_every: int = 1000,
        resume_at: int | None = None,
    ) -> None:
        super().__init__()
        self._sink = RowSink(target, flush_every=flush_every, resume_at=resume_at)

    def _write(self, result: JsonRecord) -> None:
        # allow_nan=False: NaN is not JSON, and failing loudly beats a file no parser accepts.
        line = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
        self._sink.write_row((line + "\n").encode("utf-8"))

    def _checkpoint(self) -> int:
        return self._sink.checkpoint()

    def _close(self, complete: bool) -> None:
        self._sink.close()


def neutralise_formula(cell: str) -> str:
    """``cell`` with a leading ``'`` if a spreadsheet would run it as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


class CsvResultWriter(ResultWriter[RowResult]):
    """One line per (input row, skill), with a 1-based ``rank``, every field of JSON Lines.

    An input row without skills still gets one line, its skill columns empty, so that every input
    row shows up in the output. Text cells that a spreadsheet would run as a formula get a
    leading ``'`` unless *raw* (numbers are left alone: "-0.2" is a score). Lines end with "\\n";
    fields holding newlines are quoted. With *occupations*, ``OCCUPATION_CSV_COLUMNS`` follow.
    """

    def __init__(
        self,
        target: str | os.PathLike[str],
        *,
        flush_every: int = 1000,
        resume_at: int | None = None,
        raw: bool = False,
        occupations: bool = False,
    ) -> None:
        super().__init__()
        self._sink = RowSink(target, flush_every=flush_every, resume_at=resume_at)
        self._cell: Callable[[str], str] = str if raw else neutralise_formula
        self._occupations = occupations
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\n")
        if resume_at is None:
            self._line(CSV_COLUMNS + (OCCUPATION_CSV_COLUMNS if occupations else ()))

    def _line(self, values: tuple[Any, ...]) -> None:
        self._csv.writerow(values)
        self._sink.write_row(self._buffer.getvalue().encode("utf-8"))
        self._buffer.seek(0)
        self._buffer.truncate()

    def _write(self, result: RowResult) -> None:
        model = result.model
        lead = (
            self._cell(result.id),
            self._cell(result.esco_version),
            "" if model is None else self._cell(model.name),
            "" if model is None else self._cell(model.fingerprint),
        )
        if not result.skills:
            self._line((*lead, "", *("",) * len(SKILL_COLUMNS), *self._occupation(result, None)))
        for rank, skill in enumerate(result.skills, start=1):
            cells = self._cells(SKILL_COLUMNS, skill.to_dict())
            self._line((*lead, rank, *cells, *self._occupation(result, skill.uri)))

    def _occupation(self, result: RowResult, skill: str | None) -> Iterator[Any]:
        if self._occupations:
            values = occupation_cells(result, skill)
            yield from self._cells(
                OCCUPATION_CSV_COLUMNS, dict(zip(OCCUPATION_CSV_COLUMNS, values, strict=True))
            )

    def _cells(self, names: tuple[str, ...], values: dict[str, Any]) -> Iterator[Any]:
        for name in names:
            value = values.get(name)
            if value is None:
                yield ""
            elif name == "evidence":
                yield self._cell(json.dumps(value, ensure_ascii=False))
            elif isinstance(value, str):
                yield self._cell(value)
            else:
                yield value

    def _checkpoint(self) -> int:
        return self._sink.checkpoint()

    def _close(self, complete: bool) -> None:
        self._sink.close()


_PART = re.compile(r"part-\d{6}\.parquet")


def parts_dir_for(target: str | os.PathLike[str]) -> Path:
    """Where a Parquet output keeps its parts until it is complete."""
    return Path(os.fspath(target) + ".parts")


class ParquetResultWriter(ResultWriter[RowResult]):
    """Parquet with ``PARQUET_SCHEMA`` (with *occupations*, ``PARQUET_OCCUPATION_SCHEMA``), one
    row per input row, row groups of *row_group_size*.

    Rows go to part files every *row_group_size* rows and at each checkpoint, so memory stays
    flat; closing joins the parts, in order, into the target (atomically) and removes them
    (keeps them if the run failed, for ``--resume``). A run without rows still writes a valid
    file with the schema.
    """

    def __init__(
        self,
        target: str | os.PathLike[str],
        *,
        row_group_size: int = 10_000,
        resume_at: int | None = None,
        occupations: bool = False,
    ) -> None:
        super().__init__()
        self._schema = parquet_schema(occupations)
        name = os.fspath(target)
        if name == STDOUT:
            raise BatchOutputError("Parquet cannot be written to stdout; give an output path")
        if row_group_size < 1:
            raise ValueError(f"row_group_size must be positive, got {row_group_size}")
        self._target = Path(name)
        self._row_group_size = row_group_size
        self._rows: list[dict[str, Any]] = []
        self._parts = parts_dir_for(name)
        try:
            self._remove_leftovers()
            existing = self._existing_parts()
            keep = resume_at or 0
            if len(existing) < keep:
                raise BatchOutputError(
                    f"cannot resume {name!r}: {self._parts} holds {len(existing)} parts, fewer "
                    f"than the {keep} its checkpoint recorded"
                )
            for stale in existing[keep:]:
                stale.unlink()
            if resume_at is None:
                self._target.unlink(missing_ok=True)  # an earlier run's, until this one ends
            self._parts.mkdir(exist_ok=True)
            if not os.access(self._parts, os.W_OK):
                raise OSError(f"{self._parts} is not writable")
        except OSError as exc:
            raise BatchOutputError(f"cannot open output {name!r}: {exc}") from exc
        self._part_count = keep

    def _part(self, number: int) -> Path:
        return self._parts / f"part-{number:06d}.parquet"

    def _remove_leftovers(self) -> None:
        # What a killed run was writing: the joined target, or the part after the last whole
        # one (parts are written one at a time, in order).
        whole = len([path for path in self._parts.glob("part-*") if _PART.fullmatch(path.name)])
        for path in (*leftover_temporaries(self._target), *leftover_temporaries(self._part(whole))):
            logger.info("removing %s, left by a killed run", path)
            path.unlink()

    def _existing_parts(self) -> list[Path]:
        if not self._parts.is_dir():
            return []
        found = sorted(self._parts.iterdir())
        if any(not _PART.fullmatch(path.name) for path in found):
            raise BatchOutputError(
                f"{self._parts} holds files that are not SkillGraph parts; move it away"
            )
        return found

    def _write(self, result: RowResult) -> None:
        self._rows.append(parquet_row(result))
        if len(self._rows) >= self._row_group_size:
            self._write_part()

    def _write_part(self) -> None:
        if not self._rows:
            return
        table = pa.Table.from_pylist(self._rows, schema=self._schema)
        path = self._part(self._part_count)
        atomic_write(path, lambda temporary: pq.write_table(table, temporary))
        logger.debug("wrote Parquet part %s (%d rows)", path.name, len(self._rows))
        self._part_count += 1
        self._rows.clear()

    def _checkpoint(self) -> int:
        self._write_part()
        return self._part_count

    def _close(self, complete: bool) -> None:
        self._write_part()
        parts = self._existing_parts()
        # After a failure the target still shows what was done, and the parts stay for --resume.
        atomic_write(self._target, lambda temporary: self._join(parts, temporary))
        if complete:
            shutil.rmtree(self._parts)

    def _join(self, parts: list[Path], target: Path) -> None:
        # Row groups of exactly row_group_size rows, however the parts were cut: the same file
        # whether the run checkpointed often, rarely, or was resumed.
        with pq.ParquetWriter(target, self._schema) as writer:
            pending: list[pa.Table] = []
            held = 0
            for part in parts:
                table = pq.read_table(part, schema=self._schema)
                pending.append(table)
                held += table.num_rows
                while held >= self._row_group_size:
                    joined = pa.concat_tables(pending)
                    writer.write_table(
                        joined.slice(0, self._row_group_size), row_group_size=self._row_group_size
                    )
                    rest = joined.slice(self._row_group_size)
                    pending, held = [rest], rest.num_rows
            if held:
                writer.write_table(pa.concat_tables(pending), row_group_size=held)


class _WriterFactory(Protocol):
    def __call__(
        self,
        target: str,
        *,
        resume_at: int | None = None,
        raw_csv: bool = False,
        occupations: bool = False,
    ) -> ResultWriter[RowResult]: ...


# Each format's writer from the options every format is opened with (raw_csv is CSV's own;
# JSON Lines writes whatever a result holds, occupations included).
WRITERS: dict[str, _WriterFactory] = {
    "jsonl": lambda target, *, resume_at=None, raw_csv=False, occupations=False: JsonlResultWriter(
        target, resume_at=resume_at
    ),
    "csv": lambda target, *, resume_at=None, raw_csv=False, occupations=False: CsvResultWriter(
        target, resume_at=resume_at, raw=raw_csv, occupations=occupations
    ),
    "parquet": lambda target, *, resume_at=None, raw_csv=False, occupations=False: (
        ParquetResultWriter(target, resume_at=resume_at, occupations=occupations)
    ),
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
    target: str | os.PathLike[str],
    format: str | None = None,
    *,
    resume_at: int | None = None,
    raw_csv: bool = False,
    occupations: bool = False,
) -> ResultWriter[RowResult]:
    """A writer for *target*, a path or ``"-"`` for stdout, in *format* (inferred when None),
    carrying on from *resume_at* (a mark from ``checkpoint()``) when given; *raw_csv* leaves
    CSV cells that look like formulas as they are; *occupations*: the results carry them, and
    CSV and Parquet get their columns."""
    name = os.fspath(target)
    chosen = format if format is not None else infer_format(name)
    try:
        factory = WRITERS[chosen]
    except KeyError:
        raise BatchOutputError(
            f"unknown output format {chosen!r}; choose one of {', '.join(WRITERS)}"
        ) from None
    return factory(name, resume_at=resume_at, raw_csv=raw_csv, occupations=occupations)
