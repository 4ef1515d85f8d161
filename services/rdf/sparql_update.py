"""SPARQL 1.1 Update requests that replace or extend named graphs, built from RDF terms.

Used where a server offers no Graph Store Protocol. Nothing user-supplied is pasted in as text:
graph names and triples are written by pyoxigraph's N-Triples serializer, whose escaping is valid
SPARQL (IRIs are checked when their ``NamedNode`` is made; literals use ``\\"``, ``\\\\``, ``\\n``
and ``\\uXXXX`` escapes), so the request says exactly the triples, whatever their text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import RdfFormat, serialize

from services.rdf.store import GraphChunk

__all__ = ["graph_update"]


def graph_update(chunks: Sequence[GraphChunk]) -> bytes:
    """One request applying ``chunks`` in order: ``DROP SILENT GRAPH`` for each replacing chunk,
    then ``INSERT DATA`` of its triples. Servers run a request's operations in order."""
    operations: list[bytes] = []
    for chunk in chunks:
        graph = str(chunk.graph).encode("utf-8")  # "<iri>", as N-Triples writes it
        if chunk.replace:
            operations.append(b"DROP SILENT GRAPH " + graph)
        if chunk.triples:
            body = serialize(chunk.triples, format=RdfFormat.N_TRIPLES) or b""
            operations.append(b"INSERT DATA { GRAPH " + graph + b" {\n" + body + b"} }")
    return b" ;\n".join(operations)
