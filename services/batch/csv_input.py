"""CSV input: a header row naming the columns, then one record per row.

Bytes are decoded as UTF-8 with ``surrogateescape``, so a stray non-UTF-8 byte spoils only its own
row instead of the whole run. Quoting is strict: a quote left open is reported as a malformed row
rather than silently swallowing the records after it. After a parse error, reading resumes at the
next physical line; if the error struck inside a multi-line quoted field, the rest of that field
may surface as further malformed rows. A blank line is not a record.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from services.batch.exceptions import BatchInputError
from services.batch.policy import RowPolicy
from services.batch.records import InputRow, RowError
from skillgraph.bounded_lines import BoundedLines, RecordTooLargeError

logger = logging.getLogger(__name__)

# NUL, or a byte that was not UTF-8 (surrogateescape maps byte 0xNN to U+DCNN).
_SUSPECT_CHAR = re.compile("[\x00\udc80-\udcff]")

# csv's message for a quote still open at end of input.
_UNEXPECTED_END = "unexpected end of data"


def parse_csv(stream: BinaryIO, policy: RowPolicy) -> Iterator[InputRow | RowError]:
    """Read CSV records from *stream*, which the caller keeps open and closes.

    Raises BatchInputError, on the first ``next()``, when the header is unusable.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        yield from _parse(BoundedLines(text, policy.record_budget, ("\n", "\r")), policy)
    finally:
        text.detach()  # closing the wrapper would close the caller's stream


def _parse(lines: BoundedLines[str], policy: RowPolicy) -> Iterator[InputRow | RowError]:
    # csv caps fields at 131072 characters by default, process-wide; BoundedLines is the real cap.
    csv.field_size_limit(max(csv.field_size_limit(), lines.budget))
    reader = csv.reader(lines, strict=True)
    layout = _Layout.from_header(_read_header(reader, lines), policy)
    row_number = 0
    while True:
        line = lines.line_number + 1
        lines.start_record()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except RecordTooLargeError:
            row_number += 1
            span = _span(line, lines.line_number)
            reason = f"record too large: over {lines.budget} characters ({span} skipped)"
            yield RowError(row_number, None, reason, line)
            continue
        except csv.Error as exc:
            row_number += 1
            problem = "unterminated quoted field" if str(exc) == _UNEXPECTED_END else str(exc)
            reason = f"malformed CSV at {_span(line, lines.line_number)}: {problem}"
            yield RowError(row_number, None, reason, line)
            continue
        if fields:  # csv gives [] for a blank line
            row_number += 1
            yield layout.row(fields, row_number, line, policy)


def _read_header(reader: Iterator[list[str]], lines: BoundedLines[str]) -> list[str]:
    try:
        header: list[str] = []
        while not header:  # leading blank lines
            lines.start_record()
            header = next(reader)
    except StopIteration:
        raise BatchInputError("the CSV input is empty: a header row is required") from None
    except (csv.Error, RecordTooLargeError) as exc:
        raise BatchInputError(f"unreadable CSV header: {exc}") from exc
    if any(_SUSPECT_CHAR.search(name) for name in header):
        raise BatchInputError(
            "the CSV header is not UTF-8 text (NUL or undecodable bytes); "
            "if the file is UTF-16 or Latin-1, convert it to UTF-8"
        )
    return [name.strip() for name in header]


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the wanted columns sit in each row."""

    names: tuple[str, ...]
    text_index: int
    id_index: int | None

    @classmethod
    def from_header(cls, header: list[str], policy: RowPolicy) -> _Layout:
        text_index = _column_index(header, policy.text_column)
        if text_index is None:
            raise BatchInputError(
                f"the CSV input has no {policy.text_column!r} column; "
                f"columns: {', '.join(map(repr, header))}"
            )
        id_index = _column_index(header, policy.id_column)
        if id_index is None:
            logger.info("no %r column in the CSV input: row numbers serve as ids", policy.id_column)
        return cls(tuple(header), text_index, id_index)

    def row(
        self, fields: list[str], row_number: int, line: int, policy: RowPolicy
    ) -> InputRow | RowError:
        if len(fields) != len(self.names):
            reason = f"malformed row: expected {len(self.names)} fields, got {len(fields)}"
            return RowError(row_number, None, reason, line)
        raw_id = fields[self.id_index] if self.id_index is not None else None
        for name, value in zip(self.names, fields, strict=True):
            if (match := _SUSPECT_CHAR.search(value)) is not None:
                row_id = policy.row_id(raw_id, row_number)
                return RowError(row_number, row_id, _describe(match, name), line)
        return policy.check(row_number, line, raw_id, fields[self.text_index])


def _column_index(header: list[str], name: str) -> int | None:
    positions = [index for index, column in enumerate(header) if column == name]
    if len(positions) > 1:
        raise BatchInputError(f"the CSV header names column {name!r} {len(positions)} times")
    return positions[0] if positions else None


def _describe(match: re.Match[str], column: str) -> str:
    char = match.group()
    where = f"in column {column!r} at character {match.start()}"
    if char == "\x00":
        return f"NUL character {where}"
    return f"undecodable byte 0x{ord(char) - 0xDC00:02X} (not UTF-8) {where}"


def _span(first: int, last: int) -> str:
    return f"line {first}" if first >= last else f"lines {first}-{last}"
