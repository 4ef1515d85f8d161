"""Time-limited read-only queries on the embedded store, each in a child process.

pyoxigraph cannot interrupt a running query, so a thread that gives up would leave the query
running (and the store's read lock held) for as long as it takes. A child process can be killed:
at the time limit it is, which frees its CPU and its lock at once. Children come from a fork
server that has pyoxigraph loaded, so starting one costs milliseconds, not an interpreter start.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from services.rdf.embedded_store import EmbeddedStore
from services.rdf.errors import QueryError, RdfError, StoreError, StoreUnavailableError
from services.rdf.store import QueryResult

__all__ = ["TimedQueries"]

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])


class TimedQueries:
    """Runs each query on the embedded store at ``path`` in a child killed after ``timeout``."""

    def __init__(self, path: Path, *, timeout: float, max_rows: int, lock_wait: float) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._max_rows = max_rows
        self._lock_wait = lock_wait

    def run(self, sparql: str) -> QueryResult:
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        arguments = (str(self.path), sparql, self._max_rows, self._lock_wait, sender)
        child = _CONTEXT.Process(target=_answer, args=arguments, daemon=True)
        child.start()
        sender.close()
        try:
            if not receiver.poll(self.timeout + self._lock_wait):
                child.kill()
                raise QueryError(
                    f"the query ran over the time limit of {self.timeout:g} s; narrow it, or "
                    "run it with `skillgraph query`, which has none",
                    "timeout",
                )
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise StoreError("the query process died without an answer") from None
        finally:
            receiver.close()
            child.join()
        if kind == "ok":
            return QueryResult(*payload)
        if kind == "query":
            raise QueryError(*payload)
        if kind == "busy":
            raise StoreUnavailableError(payload)
        raise StoreError(payload)


def _answer(path: str, sparql: str, max_rows: int, lock_wait: float, sender: Connection) -> None:
    outcome: tuple[str, Any]
    try:
        with EmbeddedStore(Path(path), lock_wait=lock_wait, max_rows=max_rows) as store:
            result = store.query(sparql)
        outcome = ("ok", (result.json, result.graph))
    except QueryError as exc:
        outcome = ("query", (str(exc), exc.reason))
    except StoreUnavailableError as exc:
        outcome = ("busy", str(exc))
    except RdfError as exc:
        outcome = ("store", str(exc))
    sender.send(outcome)
    sender.close()
