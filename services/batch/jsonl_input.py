"""JSON Lines input: one JSON object per line.

Lines are read as bytes and decoded one at a time, so a bad line spoils only itself. A blank line
is not a record (it still counts as a physical line). Ids may be strings or numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from services.batch.policy import RowPolicy
from services.batch.records import InputRow, RowError
from services.batch.sources import BoundedLines, RecordTooLargeError

_BOM = b"\xef\xbb\xbf"


def json_objects(
    stream: BinaryIO, budget: int
) -> Iterator[tuple[int, int, dict[str, Any] | RowError]]:
    """``(record number, line number, object)`` per non-blank line of *stream*, or a
    ``RowError`` (without an id) in the object's place when the line holds none: the one
    JSON Lines reader every command reads records with, lines of at most *budget* bytes."""
    lines = BoundedLines(stream, budget, (b"\n",))
    number = 0
    while True:
        lines.start_record()
        try:
            raw = next(lines)
        except StopIteration:
            return
        except RecordTooLargeError:
            number += 1
            reason = f"line too long: over {lines.budget} bytes"
            yield number, lines.line_number, RowError(number, None, reason, lines.line_number)
            continue
        if lines.line_number == 1:
            raw = raw.removeprefix(_BOM)
        if raw and not raw.isspace():
            number += 1
            yield number, lines.line_number, _object(raw, number, lines.line_number)


def _object(raw: bytes, number: int, line: int) -> dict[str, Any] | RowError:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"undecodable bytes (not UTF-8) at byte offset {exc.start}"
        return RowError(number, None, reason, line)
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return RowError(number, None, f"invalid JSON: {exc.msg} at character {exc.pos}", line)
    except (ValueError, RecursionError) as exc:  # e.g. an over-long integer, absurd nesting
        return RowError(number, None, f"invalid JSON: {exc}", line)
    if not isinstance(record, dict):
        return RowError(number, None, f"expected a JSON object, got {_json_type(record)}", line)
    return record


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
        reason = f"field {policy.id_column!r} must be a string or number, got {_json_type(value)}"
        return RowError(row_number, None, reason, line)

    text = record.get(policy.text_column)
    if not isinstance(text, str):
        row_id = policy.row_id(raw_id, row_number)
        if policy.text_column not in record:
            return RowError(row_number, row_id, f"missing field {policy.text_column!r}", line)
        reason = f"field {policy.text_column!r} must be a string, got {_json_type(text)}"
        return RowError(row_number, row_id, reason, line)
    return policy.check(row_number, line, raw_id, text)


def _json_type(value: Any) -> str:
    """The JSON name for the type of a decoded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
