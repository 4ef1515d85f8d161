"""The triples of one named graph: what every RDF export and push is made of."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

__all__ = ["GraphChunk"]


@dataclass(frozen=True, slots=True)
class GraphChunk:
    """Triples for one named graph; ``replace`` drops what the graph held first."""

    graph: NamedNode
    triples: tuple[Triple, ...]
    replace: bool = True
