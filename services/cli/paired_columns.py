"""Each record of an input with other columns of the same record, read by further passes over
the same input in lockstep (each pass yields one item per record); stdin is spooled to a file
so that it can be read again. ``procedure extract`` pairs an ad with its group, ``occupations``
a title with its ad, ``extract --title-column/--occupation-column`` an ad with its title and
occupation."""

from __future__ import annotations

import contextlib
import functools
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence

from services.batch import BatchInputError, InputRow, RowError, read_records
from services.batch.jobs import Posting

Cell = InputRow | RowError
Paired = tuple[Cell, Cell | None]


@contextlib.contextmanager
def paired_records(
    path: str,
    text_column: str,
    id_column: str,
    other_column: str | None,
    input_format: str | None,
    max_chars: int,
) -> Iterator[Iterator[Paired]]:
    """``(record, the same record's other_column)`` per record; None when no other column is
    asked for. A missing column is a :class:`BatchInputError` on the first item."""
    columns = (other_column,)
    with _columns(path, text_column, id_column, columns, input_format, max_chars) as records:
        yield ((row, other) for row, (other,) in records)


@contextlib.contextmanager
def posting_records(
    path: str,
    text_column: str,
    id_column: str,
    title_column: str | None,
    occupation_column: str | None,
    input_format: str | None,
    max_chars: int,
) -> Iterator[Iterator[Posting]]:
    """``(ad, its title, its occupation)`` per record, None for a column not asked for. Either
    may be left out of a JSON Lines record, or null: read as empty."""
    columns = (title_column, occupation_column)
    with _columns(
        path, text_column, id_column, columns, input_format, max_chars, optional=True
    ) as records:
        yield ((row, title, occupation) for row, (title, occupation) in records)


@contextlib.contextmanager
def _columns(
    path: str,
    text_column: str,
    id_column: str,
    others: Sequence[str | None],
    input_format: str | None,
    max_chars: int,
    optional: bool = False,
) -> Iterator[Iterator[tuple[Cell, list[Cell | None]]]]:
    read = functools.partial(
        read_records, id_column=id_column, input_format=input_format, max_text_chars=max_chars
    )
    if not any(others):
        yield ((row, [None] * len(others)) for row in read(path, text_column=text_column))
        return
    with _rereadable(path, input_format) as source:
        yield _lockstep(read, source, text_column, others, optional)


def _lockstep(
    read: functools.partial[Iterator[Cell]],
    source: str,
    text_column: str,
    others: Sequence[str | None],
    optional: bool,
) -> Iterator[tuple[Cell, list[Cell | None]]]:
    passes = [
        read(source, text_column=column, text_optional=optional) for column in others if column
    ]
    for row, *cells in zip(read(source, text_column=text_column), *passes, strict=True):
        found = iter(cells)
        yield row, [next(found) if column else None for column in others]


@contextlib.contextmanager
def _rereadable(path: str, input_format: str | None) -> Iterator[str]:
    if path != "-":
        yield path
        return
    if input_format is None:
        raise BatchInputError("cannot tell the format of stdin: pass --input-format csv|jsonl")
    with tempfile.NamedTemporaryFile(prefix="skillgraph-stdin-") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.flush()
        yield spool.name
