"""Physical lines of a stream with a cap on the memory one record may take.

The core of every line-based reader (JSON Lines here and in ``services.batch``, CSV there): a
record far beyond any real one costs its budget, is skipped unread, and reading goes on.
"""

from __future__ import annotations

from typing import AnyStr, Generic, Protocol, Self, TypeVar

from skillgraph.errors import RecordTooLargeError

__all__ = ["BoundedLines", "RecordTooLargeError"]

_SKIP_CHUNK = 1 << 16  # read size while skipping an oversized line

_T_co = TypeVar("_T_co", str, bytes, covariant=True)


class _LineReader(Protocol[_T_co]):
    def readline(self, size: int = -1, /) -> _T_co: ...


class BoundedLines(Generic[AnyStr]):
    """The physical lines of a stream, holding at most *budget* characters per record in memory.

    A record may span several lines (a quoted CSV field), so call ``start_record()`` before each.
    Once a record outgrows the budget, the rest of the current line is skipped unread into memory
    and ``RecordTooLargeError`` is raised; iterating again starts a new record at the next line.
    For a bytes stream the budget counts bytes.
    """

    def __init__(
        self, stream: _LineReader[AnyStr], budget: int, newlines: tuple[AnyStr, ...]
    ) -> None:
        if budget < 1:
            raise ValueError(f"budget must be positive, got {budget}")
        self._stream: _LineReader[AnyStr] = stream
        self._budget = budget
        self._newlines: tuple[AnyStr, ...] = newlines
        self._used = 0
        self.line_number = 0  # physical lines read so far

    @property
    def budget(self) -> int:
        return self._budget

    def start_record(self) -> None:
        self._used = 0

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> AnyStr:
        # One more than the budget allows tells an oversized line from one that fits exactly.
        line = self._stream.readline(self._budget - self._used + 1)
        if not line:
            raise StopIteration
        self.line_number += 1
        self._used += len(line)
        if self._used > self._budget:
            self._used = 0
            while line and not line.endswith(self._newlines):
                line = self._stream.readline(_SKIP_CHUNK)
            raise RecordTooLargeError(f"record over the budget of {self._budget}")
        return line
