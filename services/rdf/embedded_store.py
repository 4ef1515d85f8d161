"""The embedded store: pyoxigraph on disk, in-process, with zero set-up.

Processes share it through :class:`StoreLock`. A writer holds the store open for a short lease
(``lease`` seconds) and then closes it and lets go of the lock before writing on, so that API
queries and ``skillgraph query`` get in between the batches of a long push instead of waiting
for all of it. Readers open it read-only for one query at a time.

Replacing a graph compares what it holds with what it should hold and writes only the
difference, so re-pushing unchanged postings is mostly reads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store

from services.rdf.errors import StoreError
from services.rdf.sparql_results import answer_query
from services.rdf.store import GraphChunk, GraphStore, QueryResult
from services.rdf.store_lock import StoreLock

__all__ = ["EmbeddedStore"]

log = logging.getLogger(__name__)

_YIELD_SECONDS = 0.05  # after a lease, long enough for a waiting reader to take the lock
_BULK_QUADS = 10_000


class EmbeddedStore(GraphStore):
    def __init__(
        self,
        path: Path,
        *,
        lock_wait: float = 10.0,
        lease: float = 5.0,
        max_rows: int = 10_000,
    ) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self._lock = StoreLock(self.path.with_name(self.path.name + ".lock"), lock_wait)
        self._lease = lease
        self._max_rows = max_rows
        self._writer: Store | None = None
        self._descriptor: int | None = None
        self._leased_at = 0.0

    def write(self, chunks: Sequence[GraphChunk]) -> None:
        store = self._open_writer()
        additions: list[Quad] = []
        graphs: set[str] = set()  # graphs with quads in ``additions``
        try:
            for chunk in chunks:
                graph = chunk.graph
                if graph.value in graphs:  # replacing or extending it must see those first
                    _add(store, additions)
                    additions, graphs = [], set()
                quads = {Quad(t.subject, t.predicate, t.object, graph) for t in chunk.triples}
                if chunk.replace:
                    _replace(store, graph, quads)  # leaves in ``quads`` what is still missing
                additions.extend(quads)
                graphs.add(graph.value)
            _add(store, additions)
        except OSError as exc:
            self._close_writer()
            raise StoreError(f"cannot write the embedded store {self.path}: {exc}") from exc
        if time.monotonic() - self._leased_at >= self._lease:
            self._close_writer()
            time.sleep(_YIELD_SECONDS)

    def query(self, sparql: str) -> QueryResult:
        if self._writer is not None:  # this process writes: read through the same handle
            return answer_query(self._writer, sparql, self._max_rows)
        self._ensure_exists()
        with self._lock.shared():
            store = self._open(Store.read_only, self.path)
            try:
                return answer_query(store, sparql, self._max_rows)
            finally:
                del store

    def quad_count(self) -> int:
        """All quads in all graphs (for reports and tests)."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(result.bindings[0]["n"]["value"])

    def close(self) -> None:
        self._close_writer()

    def _open_writer(self) -> Store:
        if self._writer is None:
            self._descriptor = self._lock.acquire_exclusive()
            try:
                self._writer = self._open(Store, self.path)
            except BaseException:
                StoreLock.release(self._descriptor)
                self._descriptor = None
                raise
            self._leased_at = time.monotonic()
        return self._writer

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer = None  # the last reference: pyoxigraph closes the database
        if self._descriptor is not None:
            StoreLock.release(self._descriptor)
            self._descriptor = None

    def _ensure_exists(self) -> None:
        if not (self.path / "CURRENT").is_file():
            with self._lock.exclusive():
                self._open(Store, self.path)

    def _open(self, opener: Callable[[str], Store], path: Path) -> Store:
        try:
            return opener(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the embedded store {self.path} is open in a process that does not share "
                    "SkillGraph's lock (an `oxigraph serve` on the same directory?); stop it, "
                    "or push to that server's URL instead"
                ) from exc
            raise StoreError(f"cannot open the embedded store {self.path}: {exc}") from exc


def _replace(store: Store, graph: NamedNode, quads: set[Quad]) -> None:
    """Make ``graph`` hold ``quads``: remove what it holds beyond them, and take what it
    already holds out of ``quads``. A re-push of unchanged postings so writes nothing."""
    old = list(store.quads_for_pattern(None, None, None, graph))
    if old and not quads:
        store.remove_graph(graph)
        return
    for quad in old:
        if quad in quads:
            quads.discard(quad)
        else:
            store.remove(quad)


def _add(store: Store, quads: list[Quad]) -> None:
    # bulk_extend writes sorted files straight to disk: about twice as fast for big batches,
    # but a file per call, so small batches go through the ordinary transaction.
    if len(quads) >= _BULK_QUADS:
        store.bulk_extend(quads)
    elif quads:
        store.extend(quads)
