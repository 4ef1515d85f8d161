"""Answer a read-only SPARQL query from a pyoxigraph store, as a :class:`QueryResult`.

SELECT gives SPARQL 1.1 JSON results, ASK a boolean, CONSTRUCT and DESCRIBE N-Triples. Rows are
counted as they are read, and a query that returns more than ``max_rows`` fails rather than
being cut silently. Updates are refused with their own message, not a parser's.
"""

from __future__ import annotations

import re
from typing import Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from ontology.namespace import XSD
from services.rdf.errors import QueryError
from services.rdf.store import QueryResult

__all__ = ["answer_query", "is_update", "term_json"]

# Comments, then PREFIX and BASE declarations, may come before the query form's keyword.
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE
)
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` is a SPARQL Update request rather than a query."""
    prologue = _PROLOGUE.match(sparql)  # always matches: the pattern accepts ""
    rest = sparql[prologue.end() if prologue else 0 :]
    match = re.match(r"[A-Za-z]+", rest)
    return match is not None and match.group().upper() in _UPDATE_KEYWORDS


def answer_query(store: Store, sparql: str, max_rows: int) -> QueryResult:
    if is_update(sparql):
        raise QueryError("updates are not allowed here: this endpoint is read-only", "update")
    try:
        answer = store.query(sparql)
    except SyntaxError as exc:
        raise QueryError(f"invalid SPARQL query: {exc}") from None
    if isinstance(answer, QueryBoolean):
        return QueryResult({"head": {}, "boolean": bool(answer)})
    if isinstance(answer, QuerySolutions):
        names = [variable.value for variable in answer.variables]
        rows: list[dict[str, Any]] = []
        for solution in answer:
            if len(rows) >= max_rows:
                raise _too_large(max_rows)
            row: dict[str, Any] = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = term_json(value)
            rows.append(row)
        return QueryResult({"head": {"vars": names}, "results": {"bindings": rows}})
    triples: list[Triple] = []
    for triple in answer:
        if len(triples) >= max_rows:
            raise _too_large(max_rows)
        triples.append(triple)
    return QueryResult(graph=serialize(triples, format=RdfFormat.N_TRIPLES) or b"")


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term as a SPARQL 1.1 JSON results binding."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        binding = {"type": "literal", "value": term.value}
        if term.language:
            binding["xml:lang"] = term.language
        elif term.datatype != XSD.string:
            binding["datatype"] = term.datatype.value
        return binding
    if isinstance(term, Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}
    raise TypeError(f"not an RDF term: {term!r}")


def _too_large(max_rows: int) -> QueryError:
    return QueryError(
        f"the query returns more than {max_rows} results; add a LIMIT (or narrow it)",
        "too_large",
    )
