"""Graph chunks from RDF: a file read as a stream, or a stream of triples for one graph.

Triples of a named graph go to that graph; triples of the default graph (all of them, for
Turtle, N-Triples, RDF/XML) go to ``graph``, which must then be given: SkillGraph never writes a
store's default graph. The first chunk of each graph replaces it, later ones extend it, so a
re-push leaves the graph as the file says. For that, the graph names seen so far are kept in
memory; consecutive triples of one graph are cut into chunks of ``chunk_triples``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePath

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple, parse

from services.rdf.errors import RdfInputError
from services.rdf.store import GraphChunk

__all__ = ["RDF_INPUT_EXTENSIONS", "rdf_format_for", "read_rdf_chunks", "triple_chunks"]

RDF_INPUT_EXTENSIONS = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".jsonld": RdfFormat.JSON_LD,
}


def rdf_format_for(path: str) -> RdfFormat | None:
    """The RDF format ``path``'s extension names, or None."""
    return RDF_INPUT_EXTENSIONS.get(PurePath(path).suffix.lower())


def read_rdf_chunks(
    path: str, rdf_format: RdfFormat, graph: NamedNode | None, chunk_triples: int = 10_000
) -> Iterator[GraphChunk]:
    if graph is None and not rdf_format.supports_datasets:
        raise RdfInputError(
            f"{path} holds triples without a graph ({rdf_format.name}): give --graph IRI to "
            "name the graph they go to (SkillGraph never writes the default graph)"
        )
    seen: set[str] = set()
    current: NamedNode | None = None
    triples: list[Triple] = []
    try:
        for quad in parse(path=path, format=rdf_format):
            target = quad.graph_name
            if isinstance(target, DefaultGraph):
                if graph is None:
                    raise RdfInputError(
                        f"{path} has triples in the default graph: give --graph IRI to name "
                        "the graph they go to (SkillGraph never writes the default graph)"
                    )
                target = graph
            if not isinstance(target, NamedNode):
                raise RdfInputError(f"{path} names a graph with a blank node; name it with an IRI")
            if target != current or len(triples) >= chunk_triples:
                if triples and current is not None:
                    yield _chunk(current, triples, seen)
                current, triples = target, []
            triples.append(quad.triple)
    except SyntaxError as exc:
        raise RdfInputError(f"invalid {rdf_format.name} in {path}: {exc}") from None
    except OSError as exc:
        raise RdfInputError(f"cannot read {path}: {exc}") from None
    if triples and current is not None:
        yield _chunk(current, triples, seen)


def triple_chunks(
    triples: Iterable[Triple],
    graph: NamedNode,
    chunk_triples: int = 10_000,
    progress: Callable[[int], object] | None = None,
) -> Iterator[GraphChunk]:
    """A stream of triples (e.g. :func:`ontology.esco_triples`) as chunks of one named graph,
    which the first chunk replaces and the others extend."""
    batch: list[Triple] = []
    first = True
    for triple in triples:
        batch.append(triple)
        if len(batch) >= chunk_triples:
            yield GraphChunk(graph, tuple(batch), replace=first)
            if progress:
                progress(len(batch))
            batch, first = [], False
    if batch or first:
        yield GraphChunk(graph, tuple(batch), replace=first)
        if progress:
            progress(len(batch))


def _chunk(graph: NamedNode, triples: list[Triple], seen: set[str]) -> GraphChunk:
    replace = graph.value not in seen
    seen.add(graph.value)
    return GraphChunk(graph, tuple(triples), replace=replace)
