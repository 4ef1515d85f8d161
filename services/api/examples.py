"""The example memory over HTTP: teach the extractor at run time.

``POST /v1/examples`` stores one example (``{"text", "skills", "negatives"?, "source"?}``) or a
batch (``{"examples": [...]}``, at most ``memory.max_batch``), all or nothing; the next
``POST /v1/extract`` uses it. ``GET /v1/examples`` lists, ``GET``/``DELETE /v1/examples/<id>``
reads or removes one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, jsonify

from services.api.access import writes
from services.api.problems import ApiProblem
from services.api.requests import json_body, query_int
from services.api.state import current_graph
from skillgraph.memory import (
    ExampleBatchError,
    ExampleMemory,
    ExampleNotFoundError,
    LabelledExample,
    UnknownSkillError,
)

blueprint = Blueprint("examples", __name__)

_EXAMPLE_FIELDS = {"text", "skills", "negatives", "source"}
_MAX_LIST = 1_000


@blueprint.post("/v1/examples")
@writes
def add_examples():
    body = json_body(allowed=_EXAMPLE_FIELDS | {"examples"}, required=set())
    memory = _memory()
    if "examples" in body:
        if set(body) != {"examples"}:
            raise ApiProblem(422, 'send either one example or {"examples": [...]}, not both')
        items = body["examples"]
        if not isinstance(items, list) or not items:
            raise ApiProblem(422, "examples must be a non-empty list of example objects")
        limit = current_graph().settings.memory.max_batch
        if len(items) > limit:
            raise ApiProblem(413, f"too many examples: {len(items)} (limit {limit})", limit=limit)
        examples = [_example(item, f"examples[{i}]") for i, item in enumerate(items)]
        try:
            added = memory.add(examples)
        except ExampleBatchError as exc:
            problems = [{"index": index, "detail": reason} for index, reason in exc.problems]
            raise ApiProblem(422, str(exc), errors=problems) from None
        return jsonify(examples=[a.to_dict() for a in added]), 201
    if "text" not in body:
        raise ApiProblem(422, "missing field(s) text")
    try:
        (added,) = memory.add([_example(body, "the example")])
    except UnknownSkillError as exc:
        raise ApiProblem(422, str(exc), unknown=list(exc.references)) from None
    return jsonify(added.to_dict()), 200 if added.merged else 201


@blueprint.get("/v1/examples")
def list_examples():
    memory = _memory()
    limit = query_int("limit", 100, 1, _MAX_LIST)
    offset = query_int("offset", 0, 0, 2**62)
    return jsonify(
        total=len(memory),
        limit=limit,
        offset=offset,
        examples=[e.to_dict() for e in memory.examples(limit, offset)],
    )


@blueprint.get("/v1/examples/<int:example_id>")
def get_example(example_id: int):
    try:
        return jsonify(_memory().get(example_id).to_dict())
    except ExampleNotFoundError as exc:
        raise ApiProblem(404, str(exc)) from None


@blueprint.delete("/v1/examples/<int:example_id>")
@writes
def delete_example(example_id: int):
    try:
        _memory().remove(example_id)
    except ExampleNotFoundError as exc:
        raise ApiProblem(404, str(exc)) from None
    return Response(status=204)


def _memory() -> ExampleMemory:
    memory = current_graph().memory
    if memory is None:
        raise ApiProblem(409, "the example memory is off on this server (memory.enabled = false)")
    return memory


def _example(item: object, name: str) -> LabelledExample:
    """Field types only; what the values mean is checked when the example is added."""
    if not isinstance(item, Mapping):
        raise ApiProblem(422, f"{name} must be a JSON object")
    unknown = sorted(set(item) - _EXAMPLE_FIELDS)
    if unknown:
        raise ApiProblem(
            422,
            f"{name}: unknown field(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(_EXAMPLE_FIELDS))}",
        )
    text = item.get("text")
    if not isinstance(text, str):
        raise ApiProblem(422, f"{name}: text must be a string")
    source = item.get("source", "api")
    if not isinstance(source, str):
        raise ApiProblem(422, f"{name}: source must be a string")
    return LabelledExample(
        text, _uris(item, "skills", name), _uris(item, "negatives", name), source or "api"
    )


def _uris(item: Mapping[str, Any], field: str, name: str) -> tuple[str, ...]:
    values = item.get(field, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ApiProblem(422, f"{name}: {field} must be a list of ESCO skill URIs")
    return tuple(values)
