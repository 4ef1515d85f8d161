"""Each record of an input with a second column of the same record, read by a second pass over
the same input in lockstep (each pass yields one item per record); stdin is spooled to a file
so that it can be read twice. ``procedure extract`` pairs an ad with its group, ``occupations``
a title with its ad."""

from __future__ import annotations

import contextlib
import functools
import shutil
import sys
import tempfile
from collections.abc import Iterator

from services.batch import BatchInputError, InputRow, RowError, read_records

Paired = tuple[InputRow | RowError, InputRow | RowError | None]


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
    read = functools.partial(
        read_records, id_column=id_column, input_format=input_format, max_text_chars=max_chars
    )
    if other_column is None:
        yield ((row, None) for row in read(path, text_column=text_column))
        return
    with _rereadable(path, input_format) as source:
        rows = read(source, text_column=text_column)
        others = read(source, text_column=other_column)
        yield zip(rows, others, strict=True)


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
