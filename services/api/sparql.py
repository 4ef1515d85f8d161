"""POST /v1/sparql: read-only, time-limited SPARQL queries on the embedded store.

Takes the query as the SPARQL protocol sends it (``application/sparql-query`` body, or a
``query`` form field) or as JSON ``{"query": "..."}``. SELECT and ASK answer SPARQL JSON
results, CONSTRUCT and DESCRIBE N-Triples. Each query runs in a child process that is killed at
``store.query_timeout``; updates are refused.
"""

from __future__ import annotations

from flask import Blueprint, Response, json, request

from services.api.problems import ApiProblem
from services.api.requests import json_body
from services.api.state import current_state
from services.rdf import QueryError, StoreError, StoreUnavailableError

blueprint = Blueprint("sparql", __name__)

_QUERY_STATUS = {"invalid": 400, "update": 403, "too_large": 422, "timeout": 503}
_READ_ONLY = "updates are not allowed: /v1/sparql is read-only"


@blueprint.post("/v1/sparql")
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
        value = json_body(allowed={"query"}, required={"query"})["query"]
        if not isinstance(value, str):
            raise ApiProblem(422, "query must be a string")
        text = value
    else:
        raise ApiProblem(
            415,
            "send the query as application/sparql-query, as a 'query' form field, "
            'or as JSON {"query": "..."}',
        )
    if not text.strip():
        raise ApiProblem(400, "the query is empty")
    return text
