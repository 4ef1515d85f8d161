r"""JSON Lines input for the batch commands: the core reader (:mod:`skillgraph.jsonl`), its
unusable lines as :class:`RowError`\ s, and each object's id and text checked. Ids may be
strings or numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from services.batch.policy import RowPolicy
from services.batch.records import InputRow, RowError
from skillgraph import jsonl
from skillgraph.jsonl import json_type


def json_objects(
    stream: BinaryIO, budget: int
) -> Iterator[tuple[int, int, dict[str, Any] | RowError]]:
    """``(record number, line number, object)`` per non-blank line of *stream*, or a
    ``RowError`` (without an id) in the object's place when the line holds none."""
    for number, line, found in jsonl.json_objects(stream, budget):
        yield (
            number,
            line,
            found if isinstance(found, dict) else RowError(number, None, found, line),
        )


def parse_jsonl(stream: BinaryIO, policy: RowPolicy) -> Iterator[InputRow | RowError]:
    """Read JSON Lines records from *stream*, which the caller keeps open and closes."""
    for number, line, record in json_objects(stream, policy.record_budget):
        yield record if isinstance(record, RowError) else _row(record, number, line, policy)


def _row(
    record: dict[str, Any], row_number: int, line: int, policy: RowPolicy
) -> InputRow | RowError:
    raw_id: str | None
    value = record.get(policy.id_column)
    if value is None or isinstance(value, str):
        raw_id = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raw_id = str(value)
    else:
        reason = f"field {policy.id_column!r} must be a string or number, got {json_type(value)}"
        return RowError(row_number, None, reason, line)

    text = record.get(policy.text_column)
    if text is None and policy.text_optional:
        text = ""
    if not isinstance(text, str):
        row_id = policy.row_id(raw_id, row_number)
        if policy.text_column not in record:
            return RowError(row_number, row_id, f"missing field {policy.text_column!r}", line)
        reason = f"field {policy.text_column!r} must be a string, got {json_type(text)}"
        return RowError(row_number, row_id, reason, line)
    return policy.check(row_number, line, raw_id, text)
