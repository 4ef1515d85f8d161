"""POST /v1/sparql: read-only, time-limited SPARQL queries on the embedded store.

Takes the query as the SPARQL protocol sends it (``application/sparql-query`` body, or a
``query`` form field) or as JSON ``{"query": "..."}``. SELECT and ASK answer SPARQL JSON
results, CONSTRUCT and DESCRIBE N-Triples. Each query runs in a child process that is killed at
``store.query_timeout``; updates are refused.
"""

from __future__ import annotations

from flask import Response, json, request
from flask_openapi3 import APIBlueprint, Tag

from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.requests import read_json_object
from services.api.schemas import SparqlJson
from services.api.state import current_state
from services.rdf import QueryError, StoreError, StoreUnavailableError

blueprint = APIBlueprint("sparql", __name__, abp_tags=[Tag(name="knowledge graph")])

_QUERY_STATUS = {"invalid": 400, "update": 403, "too_large": 422, "timeout": 503}
_READ_ONLY = "updates are not allowed: /v1/sparql is read-only"


# The body is read by hand: the SPARQL protocol's two media types beside JSON.
_QUERY_BODY = {
    "required": True,
    "content": {
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"],
            }
        },
        "application/json": {"schema": SparqlJson.model_json_schema()},
    },
}
_RESULTS = {
    "description": "SELECT and ASK: SPARQL JSON results; CONSTRUCT and DESCRIBE: N-Triples",
    "content": {
        "application/sparql-results+json": {"schema": {"type": "object"}},
        "application/n-triples": {"schema": {"type": "string"}},
    },
}


@blueprint.post(
    "/v1/sparql",
    **operation(
        "A read-only SPARQL query on the embedded store",
        _RESULTS,
        (400, 403, 415, 422, 503),
        openapi_extensions={"requestBody": _QUERY_BODY},
    ),
)
def sparql() -> Response:
    text = _query_text()
    try:
        result = current_state().queries.run(text)
    except QueryError as exc:
        raise ApiProblem(_QUERY_STATUS.get(exc.reason, 400), str(exc), reason=exc.reason) from None
    except StoreUnavailableError as exc:
        raise ApiProblem(503, str(exc), retry_after_seconds=5) from None
    except StoreError as exc:
        raise ApiProblem(503, str(exc)) from None
    if result.graph is not None:
        return Response(result.graph, mimetype="application/n-triples")
    body = json.dumps(result.json, ensure_ascii=False)
    return Response(body, mimetype="application/sparql-results+json")


def _query_text() -> str:
    mimetype = request.mimetype
    if mimetype == "application/sparql-update":
        raise ApiProblem(403, _READ_ONLY, reason="update")
    if mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    elif mimetype == "application/x-www-form-urlencoded":
        if "update" in request.form:
            raise ApiProblem(403, _READ_ONLY, reason="update")
        text = request.form.get("query", "")
    elif request.is_json:
        text = SparqlJson.model_validate(read_json_object()).query
    else:
        raise ApiProblem(
            415,
            "send the query as application/sparql-query, as a 'query' form field, "
            'or as JSON {"query": "..."}',
        )
    if not text.strip():
        raise ApiProblem(400, "the query is empty")
    return text
