"""pyoxigraph triples as an :class:`rdflib.Graph`, for callers who work in rdflib."""

from __future__ import annotations

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ontology.namespace import PREFIXES
from skillgraph.rdf.chunks import GraphChunk

__all__ = ["to_rdflib"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(chunk: GraphChunk) -> rdflib.Graph:
    """The chunk's triples in a graph named by the chunk's graph IRI, with the prefixes the
    export writes bound."""
    graph = rdflib.Graph(identifier=rdflib.URIRef(chunk.graph.value))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in chunk.triples:
        graph.add(_triple(triple))
    return graph


def _triple(triple: Triple) -> tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]:
    return _term(triple.subject), _term(triple.predicate), _term(triple.object)


def _term(term: object) -> rdflib.term.Node:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return rdflib.Literal(
            term.value, datatype=None if datatype == _XSD_STRING else rdflib.URIRef(datatype)
        )
    raise TypeError(f"not an RDF term of a triple: {term!r}")
