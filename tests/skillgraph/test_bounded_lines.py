"""BoundedLines: records never hold more than the budget in memory, and reading goes on after."""

from __future__ import annotations

import io

import pytest

from skillgraph.bounded_lines import BoundedLines, RecordTooLargeError


def _lines(data: str, budget: int) -> BoundedLines[str]:
    return BoundedLines(io.StringIO(data, newline=""), budget, ("\n", "\r"))


def test_lines_within_budget_pass_through() -> None:
    lines = _lines("ab\r\ncd\ref", budget=4)
    read = []
    for _ in range(3):
        lines.start_record()
        read.append(next(lines))
    assert read == ["ab\r\n", "cd\r", "ef"]
    assert lines.line_number == 3


def test_oversized_line_is_skipped_and_the_next_line_read() -> None:
    lines = _lines("short\n" + "x" * 100 + "\nafter\n", budget=10)
    assert next(lines) == "short\n"
    lines.start_record()
    with pytest.raises(RecordTooLargeError):
        next(lines)
    assert lines.line_number == 2
    assert next(lines) == "after\n"
    assert lines.line_number == 3


def test_budget_spans_the_lines_of_one_record() -> None:
    lines = _lines("abcd\nefgh\nij\n", budget=10)
    assert next(lines) == "abcd\n"
    assert next(lines) == "efgh\n"
    with pytest.raises(RecordTooLargeError):
        next(lines)  # 12 characters in one record
    lines.start_record()
    assert list(lines) == []


def test_bytes_lines() -> None:
    lines = BoundedLines(io.BytesIO(b"a\r\nb\n" + b"c" * 50), 8, (b"\n",))
    assert next(lines) == b"a\r\n"
    lines.start_record()
    assert next(lines) == b"b\n"
    lines.start_record()
    with pytest.raises(RecordTooLargeError):
        next(lines)
    assert list(lines) == []


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="budget"):
        _lines("", budget=0)
