"""Streaming JSON-LD: one document, written as chunks arrive, with a compact ``@context``.

Layout::

    {"@context": {"sg": "https://w3id.org/skillgraph/ns#", ...},
     "@graph": [
      {"@id": "<graph IRI>", "@graph": [{"@id": ..., "@type": [...], "sg:score": [...]}, ...]},
      ...]}

Each named graph is a node object with ``@id`` and ``@graph``, as JSON-LD 1.1 expresses datasets.
IRIs under a context prefix are written as compact IRIs (``esco:Skill``); other literals than
plain strings keep their exact lexical form as ``{"@value", "@type"}`` (never JSON numbers, whose
reading as integer or double would depend on the digits). Consecutive chunks of the same graph
share one graph object, so memory holds one chunk at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from pyoxigraph import BlankNode, Literal, NamedNode

from ontology.namespace import RDF, XSD
from services.rdf.store import GraphChunk

__all__ = ["write_jsonld"]


def write_jsonld(
    chunks: Iterable[GraphChunk], stream: IO[bytes], prefixes: Mapping[str, str]
) -> int:
    """Write ``chunks`` to ``stream`` as one JSON-LD document; returns the triple count."""
    compactor = _Compactor(prefixes)
    stream.write(b'{"@context": ' + _dump(dict(prefixes)) + b',\n "@graph": [')
    current: NamedNode | None = None
    first_graph = True
    first_node = True
    count = 0
    for chunk in chunks:
        if chunk.graph != current:
            if current is not None:
                stream.write(b"]}")
            stream.write((b"\n  " if first_graph else b",\n  ") + b'{"@id": ')
            stream.write(_dump(compactor.iri(chunk.graph)) + b', "@graph": [')
            current, first_graph, first_node = chunk.graph, False, True
        for node in _nodes(chunk, compactor):
            stream.write((b"\n   " if first_node else b",\n   ") + _dump(node))
            first_node = False
        count += len(chunk.triples)
    if current is not None:
        stream.write(b"]}")
    stream.write(b"\n]}\n")
    return count


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _nodes(chunk: GraphChunk, compactor: _Compactor) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    for triple in chunk.triples:
        subject = compactor.node_id(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if triple.predicate == RDF.type and not isinstance(triple.object, Literal):
            node.setdefault("@type", []).append(compactor.node_id(triple.object))
            continue
        key = compactor.iri(triple.predicate)
        node.setdefault(key, []).append(compactor.value(triple.object))
    return list(nodes.values())


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so that nested namespaces get the most specific prefix.
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def iri(self, node: NamedNode) -> str:
        value = node.value
        for prefix, namespace in self._prefixes:
            if value.startswith(namespace) and len(value) > len(namespace):
                suffix = value[len(namespace) :]
                if not suffix.startswith("//"):
                    return f"{prefix}:{suffix}"
        return value

    def node_id(self, node: Any) -> str:
        if isinstance(node, BlankNode):
            return f"_:{node.value}"
        return self.iri(node)

    def value(self, term: Any) -> dict[str, str] | str:
        if not isinstance(term, Literal):
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype == XSD.string:
            return term.value
        return {"@value": term.value, "@type": self.iri(term.datatype)}
