"""The error log of a run: one JSON object per rejected input row, next to the output.

The log file is created (or emptied) when the log opens, so it always describes the latest run:
an empty file means no row was rejected.
"""

from __future__ import annotations

import json
import os
import sys
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
        self._owned = path is not None
        self._stream: TextIO
        if path is None:
            self._stream = sys.stderr
        else:
            try:
                self._stream = open(path, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
            except OSError as exc:
                raise BatchOutputError(
                    f"cannot open error log {os.fspath(path)!r}: {exc.strerror or exc}"
                ) from exc

    def write(self, error: RowError) -> None:
        self._stream.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
        if not self._owned:
            self._stream.flush()  # stderr may be block-buffered when redirected
        self.count += 1

    def close(self) -> None:
        if self._owned:
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
