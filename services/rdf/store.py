"""The graph store interface: write whole named graphs, run read-only SPARQL queries.

Two implementations, chosen by the store URL (see :func:`services.rdf.stores.open_store`): the
embedded pyoxigraph store on disk, and any SPARQL 1.1 server over HTTP. Writes are expressed as
:class:`GraphChunk`s: the triples of one named graph, either replacing that graph (the first chunk
of a graph in a push) or added to it (the chunks after). SkillGraph never writes the default
graph, so a push cannot touch data it did not name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from skillgraph.rdf.chunks import GraphChunk

__all__ = ["GraphChunk", "GraphStore", "QueryResult"]


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A query's answer: SPARQL JSON results for SELECT and ASK, N-Triples for CONSTRUCT and
    DESCRIBE (``graph`` set, ``json`` empty)."""

    json: dict[str, Any] = field(default_factory=dict)
    graph: bytes | None = None

    @property
    def variables(self) -> list[str]:
        return list(self.json.get("head", {}).get("vars", []))

    @property
    def bindings(self) -> list[dict[str, dict[str, str]]]:
        return list(self.json.get("results", {}).get("bindings", []))

    @property
    def boolean(self) -> bool | None:
        return self.json.get("boolean")


class GraphStore(ABC):
    """Somewhere named graphs live. Use it as a context manager, or call :meth:`close`."""

    #: where the store is, for messages (never holds a password)
    location: str = ""

    @abstractmethod
    def write(self, chunks: Sequence[GraphChunk]) -> None:
        """Apply ``chunks`` in order. On failure some may have been applied: re-applying them
        all gives the same result, since each replaces or adds to a named graph."""

    @abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Run a read-only query. Raises :class:`~services.rdf.errors.QueryError` for a
        malformed query or an update."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and locks; further calls do nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
