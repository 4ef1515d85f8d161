"""The example memory over HTTP: teach the extractor at run time.

``POST /v1/examples`` stores one example (``{"text", "skills", "negatives"?, "source"?}``) or a
batch (``{"examples": [...]}``, at most ``memory.max_batch``), all or nothing; the next
``POST /v1/extract`` uses it. ``GET /v1/examples`` lists, ``GET``/``DELETE /v1/examples/<id>``
reads or removes one.
"""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag

from services.api.access import writes
from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.schemas import (
    AddedAnswer,
    AddedExample,
    Example,
    ExampleFields,
    ExampleList,
    ExampleListQuery,
    ExamplePath,
    ExamplesRequest,
)
from services.api.state import current_graph
from skillgraph.memory import (
    ExampleBatchError,
    ExampleMemory,
    ExampleNotFoundError,
    LabelledExample,
    UnknownSkillError,
)

blueprint = APIBlueprint("examples", __name__, abp_tags=[Tag(name="example memory")])


@blueprint.post(
    "/v1/examples",
    **operation(
        "Teach one example (200 when its text was stored: merged), or a batch (all or nothing)",
        AddedAnswer,
        (400, 403, 409, 413, 415, 422),
        ok_status=201,
        also={200: AddedExample},
    ),
)
@writes
def add_examples(body: ExamplesRequest):
    memory = _memory()
    if body.examples is not None:
        if body.model_fields_set - {"examples"}:
            raise ApiProblem(422, 'send either one example or {"examples": [...]}, not both')
        limit = current_graph().settings.memory.max_batch
        if len(body.examples) > limit:
            raise ApiProblem(
                413, f"too many examples: {len(body.examples)} (limit {limit})", limit=limit
            )
        try:
            added = memory.add([_example(item) for item in body.examples])
        except ExampleBatchError as exc:
            problems = [{"index": index, "detail": reason} for index, reason in exc.problems]
            raise ApiProblem(422, str(exc), errors=problems) from None
        return jsonify(examples=[a.to_dict() for a in added]), 201
    if body.text is None:
        raise ApiProblem(422, "text: missing field")
    try:
        (example,) = memory.add([_example(body)])
    except UnknownSkillError as exc:
        raise ApiProblem(422, str(exc), unknown=list(exc.references)) from None
    return jsonify(example.to_dict()), 200 if example.merged else 201


@blueprint.get(
    "/v1/examples", **operation("The stored examples, newest first", ExampleList, (400, 409, 422))
)
def list_examples(query: ExampleListQuery):
    memory = _memory()
    return jsonify(
        total=len(memory),
        limit=query.limit,
        offset=query.offset,
        examples=[e.to_dict() for e in memory.examples(query.limit, query.offset)],
    )


@blueprint.get(
    "/v1/examples/<int:example_id>", **operation("One stored example", Example, (404, 409, 422))
)
def get_example(path: ExamplePath):
    try:
        return jsonify(_memory().get(path.example_id).to_dict())
    except ExampleNotFoundError as exc:
        raise ApiProblem(404, str(exc)) from None


@blueprint.delete(
    "/v1/examples/<int:example_id>",
    **operation("Forget a stored example", None, (403, 404, 409, 422), ok_status=204),
)
@writes
def delete_example(path: ExamplePath):
    try:
        _memory().remove(path.example_id)
    except ExampleNotFoundError as exc:
        raise ApiProblem(404, str(exc)) from None
    return Response(status=204)


def _memory() -> ExampleMemory:
    memory = current_graph().memory
    if memory is None:
        raise ApiProblem(409, "the example memory is off on this server (memory.enabled = false)")
    return memory


def _example(item: ExampleFields | ExamplesRequest) -> LabelledExample:
    """What the values mean (known URIs, a text) is checked when the example is added."""
    return LabelledExample(
        item.text or "", tuple(item.skills), tuple(item.negatives), item.source or "api"
    )
