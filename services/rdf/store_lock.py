"""A readers-writer lock between processes sharing the embedded store, on a lock file.

pyoxigraph lets one process open a store for writing, and says reading it (``Store.read_only``)
while another process writes is undefined. So every process takes this lock first: many readers
(API queries, ``skillgraph query``) or one writer (``skillgraph push``). ``flock`` locks die with
their process, so a killed push or query never leaves the store locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from services.rdf.errors import StoreUnavailableError

__all__ = ["StoreLock"]

_POLL_SECONDS = 0.01


class StoreLock:
    def __init__(self, path: Path, wait: float) -> None:
        self.path = path
        self.wait = wait

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._locked(fcntl.LOCK_SH, "read"):
            yield

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._locked(fcntl.LOCK_EX, "write"):
            yield

    def acquire_exclusive(self) -> int:
        """Take the write lock and return its file descriptor; :meth:`release` gives it back."""
        return self._acquire(fcntl.LOCK_EX, "write")

    @staticmethod
    def release(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)

    @contextmanager
    def _locked(self, mode: int, purpose: str) -> Iterator[None]:
        descriptor = self._acquire(mode, purpose)
        try:
            yield
        finally:
            self.release(descriptor)

    def _acquire(self, mode: int, purpose: str) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
                return descriptor
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(descriptor)
                    raise StoreUnavailableError(
                        f"the embedded store is busy: another process has held it for "
                        f"{self.wait:g} s (a push, or queries); cannot {purpose} it now, "
                        "retry later"
                    ) from None
                time.sleep(_POLL_SECONDS)
