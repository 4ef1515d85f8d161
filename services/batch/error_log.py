"""The error log of a run: one JSON object per rejected input row, next to the output.

The log file is created with the first rejected row, so a run without errors leaves none; a
log left by an earlier run is removed when the log opens, so what is there always describes the
latest run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Self, TextIO

from services.batch.exceptions import BatchOutputError
from services.batch.records import RowError

ERRORS_SUFFIX = ".errors.jsonl"


def errors_path_for(output: str | os.PathLike[str]) -> str | None:
    """Where the error log of *output* goes: ``<output>.errors.jsonl``, or None for stdout."""
    name = os.fspath(output)
    return None if name == "-" else name + ERRORS_SUFFIX


class ErrorLog:
    """Writes ``RowError``s as JSON lines to *path*, or to stderr when it is None, and counts them.

    Lines are flushed as written: errors are rare, and should be visible while a run goes on.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.count = 0
        self._path = None if path is None else Path(path)
        self._stream: TextIO | None = sys.stderr if path is None else None
        if self._path is not None:
            try:
                # An earlier run's log would mislead; but only a plain file is a log to remove
                # (never /dev/null, a FIFO, or what a symlink points at: those are written to).
                if self._path.is_file() and not self._path.is_symlink():
                    self._path.unlink()
                if not self._path.parent.is_dir() or not os.access(self._path.parent, os.W_OK):
                    raise OSError(f"{self._path.parent} is not a writable directory")
            except OSError as exc:
                raise BatchOutputError(
                    f"cannot open error log {os.fspath(self._path)!r}: {exc.strerror or exc}"
                ) from exc

    def write(self, error: RowError) -> None:
        if self._stream is None:
            assert self._path is not None
            try:
                self._stream = open(self._path, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
            except OSError as exc:
                raise BatchOutputError(
                    f"cannot open error log {os.fspath(self._path)!r}: {exc.strerror or exc}"
                ) from exc
        self._stream.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
        if self._path is None:
            self._stream.flush()  # stderr may be block-buffered when redirected
        self.count += 1

    def close(self) -> None:
        if self._stream is None:
            return
        if self._path is not None:
            self._stream.close()
        else:
            self._stream.flush()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
