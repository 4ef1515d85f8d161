"""Whole rows of bytes onto a file or stdout: what the text writers and the error log write with.

Rows are collected and written with one ``os.write`` of whole rows at a time, so a process
killed at any moment leaves only whole rows in the file (a buffered stream would flush at any
byte). ``checkpoint()`` puts everything written on disk and returns the file's length, the mark a
resumed run truncates the file back to before it appends.
"""

from __future__ import annotations

import os
import stat
import sys

from services.batch.exceptions import BatchOutputError

STDOUT = "-"


class RowSink:
    """Rows onto *target* (``"-"`` for stdout, left open), written every *flush_every* rows.

    With *resume_at*, an existing file is cut back to that many bytes and appended to; without,
    the file is created or emptied.
    """

    def __init__(
        self,
        target: str | os.PathLike[str],
        *,
        flush_every: int = 1000,
        resume_at: int | None = None,
    ) -> None:
        self.name = os.fspath(target)
        self._flush_every = flush_every
        self._rows: list[bytes] = []
        self._owned = self.name != STDOUT
        if not self._owned:
            if resume_at is not None:
                raise BatchOutputError("a run written to stdout cannot be resumed")
            sys.stdout.flush()  # keep anything printed earlier ahead of our rows
            self._fd = -1
            self._written = 0
            self._regular = False
            return
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if resume_at is None else 0)
        try:
            self._fd = os.open(self.name, flags, 0o666)
            if resume_at is not None:
                length = os.fstat(self._fd).st_size
                if length < resume_at:
                    os.close(self._fd)
                    raise BatchOutputError(
                        f"cannot resume {self.name!r}: it holds {length} bytes, fewer than the "
                        f"{resume_at} its checkpoint recorded; it was changed since"
                    )
                os.ftruncate(self._fd, resume_at)
                os.lseek(self._fd, resume_at, os.SEEK_SET)
        except OSError as exc:
            raise BatchOutputError(
                f"cannot open output {self.name!r}: {exc.strerror or exc}"
            ) from exc
        self._written = resume_at or 0
        # Only a regular file can be synced (not /dev/null or a pipe).
        self._regular = stat.S_ISREG(os.fstat(self._fd).st_mode)

    def write_row(self, row: bytes) -> None:
        self._rows.append(row)
        if len(self._rows) >= self._flush_every:
            self.flush()

    def flush(self) -> None:
        """Write the collected rows, whole."""
        if not self._rows:
            return
        data = memoryview(b"".join(self._rows))
        self._rows.clear()
        if not self._owned:
            _write_stdout(bytes(data))
            self._written += len(data)
            return
        try:
            while data:  # a regular file takes it in one call unless the disk is full
                done = os.write(self._fd, data)
                data = data[done:]
                self._written += done
        except OSError as exc:
            raise BatchOutputError(f"cannot write {self.name!r}: {exc.strerror or exc}") from exc

    def checkpoint(self) -> int:
        """Flush and sync; the number of bytes now safely in the file."""
        self.flush()
        if self._regular:
            os.fsync(self._fd)
        return self._written

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self._owned:
                os.close(self._fd)


def _write_stdout(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stand-in (a test runner's capture)
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
