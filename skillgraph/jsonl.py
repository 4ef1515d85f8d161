"""The one JSON Lines reader: one JSON object per line, a bad line spoiling only itself.

Lines are read as bytes with a cap on memory (:class:`~skillgraph.bounded_lines.BoundedLines`)
and decoded one at a time. A blank line is not a record (it still counts as a physical line);
a UTF-8 byte-order mark before the first line is ignored. The batch commands, the RDF export's
results input, the procedure commands and the example memory's sources all read with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from skillgraph.bounded_lines import BoundedLines, RecordTooLargeError

__all__ = ["json_objects", "json_type"]

_BOM = b"\xef\xbb\xbf"


def json_objects(stream: IO[bytes], budget: int) -> Iterator[tuple[int, int, dict[str, Any] | str]]:
    """``(record number, line number, object)`` per non-blank line of *stream*, with why the
    line holds no object (a string) in the object's place; lines of at most *budget* bytes."""
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
            yield number, lines.line_number, f"line too long: over {lines.budget} bytes"
            continue
        if lines.line_number == 1:
            raw = raw.removeprefix(_BOM)
        if raw and not raw.isspace():
            number += 1
            yield number, lines.line_number, _object(raw)


def _object(raw: bytes) -> dict[str, Any] | str:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"undecodable bytes (not UTF-8) at byte offset {exc.start}"
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} at character {exc.pos}"
    except (ValueError, RecursionError) as exc:  # e.g. an over-long integer, absurd nesting
        return f"invalid JSON: {exc}"
    if not isinstance(record, dict):
        return f"expected a JSON object, got {json_type(record)}"
    return record


def json_type(value: Any) -> str:
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
