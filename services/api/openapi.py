"""The OpenAPI side of the app: flask-openapi3 builds the 3.1 document from the pydantic models
in :mod:`services.api.schemas` and validates request bodies against them; this module makes its
errors problem documents and serves the document at ``/openapi.json`` and the Swagger UI (its
assets packaged by flask-openapi3-swagger, nothing from a CDN) at ``/docs/swagger``.

Why flask-openapi3: it is pydantic-first (the models are the validation and the document, no
second schema language as with apiflask's marshmallow), writes OpenAPI 3.1, keeps Flask's
blueprints and app factory, and its UI comes as a package with the assets inside, where
spectree's UI pages load swagger-ui from unpkg.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from flask_openapi3 import Info, OpenAPI, SecurityScheme
from pydantic import ValidationError

from services.api import schemas
from services.api.problems import problem
from services.api.requests import read_json_object
from services.api.schemas import PROBLEM_MIME, Problem
from skillgraph.version import __version__

SECURITY_SCHEMES: dict[str, SecurityScheme | dict[str, Any]] = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "bearer": {"type": "http", "scheme": "bearer"},
}
# Keys are off unless configured: no key, or either way of sending one.
SECURITY: list[dict[str, list[str]]] = [{}, {"apiKey": []}, {"bearer": []}]
_PROBLEM_SCHEMA = Problem.model_json_schema()
_MESSAGES = {"missing": "missing field", "extra_forbidden": "unknown field"}


class _OpenAPI(OpenAPI):
    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        # flask-openapi3 gives every operation without a 422 one of its own (a JSON array of
        # errors): ours say 422 where they can answer it, as a problem document.
        for path_item in self.spec_json["paths"].values():
            for operation in path_item.values():
                added = operation["responses"].get("422", {}).get("content", {})
                if "application/json" in added:
                    del operation["responses"]["422"]


def openapi_app(name: str) -> OpenAPI:
    app = _OpenAPI(
        name,
        static_folder=None,  # the web page's blueprint serves /static
        info=Info(
            title="SkillGraph API",
            version=__version__,
            description="ESCO skills, spans and procedure graphs of job text.",
        ),
        security_schemes=SECURITY_SCHEMES,
        doc_prefix="/docs",
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_model=Problem,
        validation_error_callback=validation_problem,
    )
    app.add_url_rule("/openapi.json", "openapi_document", lambda: jsonify(app.api_doc))
    app.register_error_handler(ValidationError, validation_problem)
    return app


def install_body_checks(app: Flask) -> None:
    """Check JSON bodies before their views (after the key and rate checks: install last)."""
    app.before_request(_read_json_body)


def problems(*statuses: int) -> dict[int, dict[str, Any]]:
    """Response entries for error statuses, each a problem document."""
    return {status: {"content": {PROBLEM_MIME: {"schema": _PROBLEM_SCHEMA}}} for status in statuses}


def validation_problem(error: ValidationError) -> Response:
    """A request that breaks its model: 422, one entry per invalid field."""
    allowed = _fields_of(error.title)
    entries = []
    for item in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or "body"
        message = _MESSAGES.get(item["type"], item["msg"][:1].lower() + item["msg"][1:])
        if item["type"] == "extra_forbidden" and allowed and len(item["loc"]) == 1:
            message += f" (allowed: {', '.join(allowed)})"
        entries.append({"field": field, "detail": message, "type": item["type"]})
    detail = "; ".join(f"{e['field']}: {e['detail']}" for e in entries)
    return problem(422, detail, errors=entries)


def _fields_of(model_name: str) -> list[str]:
    model = getattr(schemas, model_name, None)
    if isinstance(model, type) and issubclass(model, schemas.Body):
        return sorted(model.model_fields)
    return []


def _read_json_body() -> None:
    """Before a view with a JSON body model: refuse what is not a JSON object (415, 400, 422)
    with a problem document; the parsed body is cached for the model's validation."""
    if request.endpoint is None or request.method not in ("POST", "PUT", "PATCH"):
        return
    if _takes_body(current_app.view_functions[request.endpoint]):
        read_json_object()


@functools.cache
def _takes_body(view: Any) -> bool:
    return "body" in inspect.signature(view).parameters


def operation(
    summary: str,
    ok: Any,
    errors: Iterable[int],
    ok_status: int = 200,
    also: Mapping[int, Any] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """The keyword arguments of a documented route: its answer model (and ``also`` other
    answers) and its problem statuses (401 and 429 come with keys and limits)."""
    responses: dict[int, Any] = {ok_status: ok, **(also or {}), **problems(*errors, 401, 429)}
    return {"summary": summary, "responses": responses, "security": SECURITY, **options}
