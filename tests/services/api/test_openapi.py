"""The OpenAPI document against the server it describes: every route is in it, the docs UI is
served from packaged assets, and schemathesis finds no input that makes a real server answer
5xx or answer outside the document."""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from services.api import create_app, openapi_document

PROBLEM = "application/problem+json"


@schemathesis.serializer("application/sparql-query")
def _sparql_query(ctx, value) -> bytes:
    return str(value).encode("utf-8")


# The document as built without a model; the first test checks the server serves the same.
schema = schemathesis.openapi.from_dict(openapi_document())


def test_the_document_is_openapi_3_1_and_names_every_route(api_url, http, full_graph):
    document = http.get(f"{api_url}/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert document == schema.raw_schema
    app = create_app(full_graph.settings, graph=full_graph)
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/v1/", "/health", "/ready"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == documented
    for path, method in documented:
        responses = document["paths"][path][method]["responses"]
        for status, response in responses.items():
            if status.startswith(("4", "5")) and path not in ("/ready",):
                assert PROBLEM in response["content"], (path, method, status)


def test_the_docs_page_loads_nothing_from_elsewhere(api_url, http):
    page = http.get(f"{api_url}/docs/swagger")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and not [s for s in sources if "//" in s]
    for source in sources:
        assert http.get(f"{api_url}/docs/{source}").status_code == 200, source


def test_a_validation_error_is_a_problem_naming_each_field(api_url, http):
    response = http.post(f"{api_url}/v1/extract", json={"text": 3, "top_k": "many", "x": 1})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    fields = {e["field"]: e["type"] for e in response.json()["errors"]}
    assert fields == {"text": "string_type", "top_k": "int_type", "x": "extra_forbidden"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_breaks_the_server_or_its_document(case, api_url):
    case.call_and_validate(
        base_url=api_url,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
