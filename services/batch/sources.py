"""Input sources: open a path or stdin as bytes, and read its lines with a cap on memory.

Gzip is recognised by its magic number rather than the file name, so compressed stdin works too.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import AnyStr, BinaryIO, Generic, Protocol, Self, TypeVar, cast

from services.batch.exceptions import BatchInputError

GZIP_MAGIC = b"\x1f\x8b"
_SKIP_CHUNK = 1 << 16  # read size while skipping an oversized line

_T_co = TypeVar("_T_co", str, bytes, covariant=True)


class _LineReader(Protocol[_T_co]):
    def readline(self, size: int = -1, /) -> _T_co: ...


@contextmanager
def open_source(source: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open *source* (``"-"`` for stdin) for binary reading, gunzipping it when it is gzip data.

    A file is closed on exit; stdin is left open.
    """
    name = os.fspath(source)
    stream: BinaryIO
    if name == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(name, "rb")  # noqa: SIM115 - closed in the finally below
        except OSError as exc:
            raise BatchInputError(f"cannot open input {name!r}: {exc.strerror or exc}") from exc
    # Sniffing needs peek(); stand-ins for stdin such as BytesIO lack it.
    buffered = (
        stream
        if isinstance(stream, io.BufferedReader)
        else io.BufferedReader(cast(io.RawIOBase, stream))
    )
    try:
        if buffered.peek(len(GZIP_MAGIC)).startswith(GZIP_MAGIC):
            with gzip.GzipFile(fileobj=buffered, mode="rb") as unzipped:
                yield cast(BinaryIO, unzipped)  # typeshed's GzipFile is no BinaryIO
        else:
            yield buffered
    finally:
        if name != "-":
            buffered.close()
        elif buffered is not stream:
            buffered.detach()  # closing our wrapper would close stdin


class RecordTooLargeError(Exception):
    """A record outgrew the budget; the rest of its physical line has been skipped."""


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
