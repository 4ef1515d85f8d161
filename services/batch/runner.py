"""The one batch runner: rows in batches through a function of many texts, in input order.

A batch that fails (one bad text among them) is retried row by row, so that the bad row costs
only itself: it comes back as a :class:`RowError` in its place, and the others as results.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from services.batch.records import InputRow, RowError
from skillgraph import InputError

Found = TypeVar("Found")
Result = TypeVar("Result")


def batches(items: Iterable[Found], size: int) -> Iterator[list[Found]]:
    """``items`` in lists of ``size`` (the last may be shorter)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def run_rows(
    records: Iterable[InputRow | RowError],
    batch_size: int,
    process: Callable[[list[str]], Sequence[Found]],
    result: Callable[[InputRow, Found], Result],
) -> Iterator[Result | RowError]:
    """``result(row, found)`` for each row, ``found`` being what ``process`` gives for its
    text; the input's own ``RowError``s pass through in place."""
    for batch in batches(records, batch_size):
        rows = [r for r in batch if isinstance(r, InputRow)]
        try:
            found: Iterator[Found] | None = iter(process([r.text for r in rows]))
        except InputError:
            found = None  # one bad text: retried row by row below
        for record in batch:
            if isinstance(record, RowError):
                yield record
                continue
            try:
                value = next(found) if found is not None else process([record.text])[0]
            except InputError as exc:
                yield RowError(record.row_number, record.id, str(exc), None)
                continue
            yield result(record, value)
