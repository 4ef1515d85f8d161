"""The error log of a run: one JSON object per rejected input row, next to the output.

The log file is created with the first rejected row, so a run without errors leaves none; a
log left by an earlier run is removed when the log opens, so what is there always describes the
latest run. A resumed run cuts the log back to its checkpoint's mark and appends.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Self

from services.batch.exceptions import BatchOutputError
from services.batch.records import RowError
from services.batch.sinks import RowSink

ERRORS_SUFFIX = ".errors.jsonl"


def errors_path_for(output: str | os.PathLike[str]) -> str | None:
    """Where the error log of *output* goes: ``<output>.errors.jsonl``, or None for stdout."""
    name = os.fspath(output)
    return None if name == "-" else name + ERRORS_SUFFIX


class ErrorLog:
    """Writes ``RowError``s as JSON lines to *path*, or to stderr when it is None, and counts them.

    Lines are flushed as written: errors are rare, and should be visible while a run goes on.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, resume_at: int | None = None
    ) -> None:
        self.count = 0
        self._path = None if path is None else Path(path)
        self._sink: RowSink | None = None
        if self._path is None:
            if resume_at:
                raise BatchOutputError("an error log on stderr cannot be resumed")
            return
        try:
            if resume_at:
                self._sink = RowSink(self._path, flush_every=1, resume_at=resume_at)
            # An earlier run's log would mislead; but only a plain file is a log to remove
            # (never /dev/null, a FIFO, or what a symlink points at: those are written to).
            elif self._path.is_file() and not self._path.is_symlink():
                self._path.unlink()
            if not self._path.parent.is_dir() or not os.access(self._path.parent, os.W_OK):
                raise OSError(f"{self._path.parent} is not a writable directory")
        except OSError as exc:
            raise BatchOutputError(
                f"cannot open error log {os.fspath(self._path)!r}: {exc.strerror or exc}"
            ) from exc

    def write(self, error: RowError) -> None:
        line = json.dumps(error.to_dict(), ensure_ascii=False) + "\n"
        self.count += 1
        if self._path is None:
            sys.stderr.write(line)
            sys.stderr.flush()  # stderr may be block-buffered when redirected
            return
        if self._sink is None:
            self._sink = RowSink(self._path, flush_every=1)
        self._sink.write_row(line.encode("utf-8"))

    def checkpoint(self) -> int:
        """Bytes of the log now safely on disk (0 while there is none)."""
        return 0 if self._sink is None else self._sink.checkpoint()

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
