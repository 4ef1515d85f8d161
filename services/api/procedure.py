"""POST /v1/procedure (one ad: its steps, their skills, its graph) and
POST /v1/procedure/induce (many step sequences: one graph)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.schemas import InduceRequest, InduceResponse, ProcedureRequest, ProcedureResponse
from services.api.state import current_graph, current_state
from skillgraph import InputError
from skillgraph.procedure import (
    check_sequence,
    graph_to_dict,
    induce_graph,
)
from skillgraph.procedure.step_skills import StepSkillLinker
from skillgraph.version import __version__

blueprint = APIBlueprint("procedure", __name__, abp_tags=[Tag(name="procedure graphs")])

MAX_SEQUENCES = 10_000


@blueprint.post(
    "/v1/procedure",
    **operation(
        "The work steps of one ad, their skills and its graph",
        ProcedureResponse,
        (400, 413, 415, 422, 501),
    ),
)
def procedure(body: ProcedureRequest):
    graph = current_graph()
    text = graph.extractor.check_text(body.text)
    key = _key(body.key)
    found = current_state().procedures.extract(text)
    if not found.steps:
        raise ApiProblem(422, "no duty steps found in the text")
    check_sequence(
        found.sequence(), min_steps=1, max_steps=graph.settings.procedure.max_steps_per_sequence
    )
    linker = StepSkillLinker.for_settings(graph.extractor, graph.settings.procedure)
    for step in found.steps:
        linker.remember(step.text, step.skills)
    ad_graph = induce_graph(
        [found.observation()],
        key,
        graph.encoder,
        graph.settings.procedure,
        linker,
        graph.taxonomy.release.version,
        _provenance("/v1/procedure"),
        unit="ads",
        skill_linking=linker.description,
    )
    return jsonify(
        esco_version=graph.taxonomy.release.version,
        encoder=graph.encoder.name,
        **found.to_dict(text),
        graph=graph_to_dict(ad_graph),
    )


@blueprint.post(
    "/v1/procedure/induce",
    **operation("One graph from many step sequences", InduceResponse, (400, 413, 415, 422, 501)),
)
def induce(body: InduceRequest):
    sequences = body.sequences
    if len(sequences) > MAX_SEQUENCES:
        raise ApiProblem(413, f"too many sequences: {len(sequences)} (limit {MAX_SEQUENCES})")
    graph = current_graph()
    settings = graph.settings.procedure
    usable: list[list[str]] = []
    rejected: list[dict[str, Any]] = []
    for index, steps in enumerate(sequences):
        try:
            usable.append(check_sequence(steps, max_steps=settings.max_steps_per_sequence))
        except InputError as exc:
            rejected.append({"index": index, "reason": str(exc)})
    if not usable:
        raise ApiProblem(422, "no usable sequence", rejected=rejected)
    linker = StepSkillLinker.for_settings(graph.extractor, settings) if body.skills else None
    induced = induce_graph(
        usable,
        _key(body.key),
        graph.encoder,
        settings,
        linker,
        graph.taxonomy.release.version,
        _provenance("/v1/procedure/induce"),
        skill_linking=linker.description if linker is not None else None,
    )
    return jsonify(graph=graph_to_dict(induced), rejected=rejected)


def _provenance(endpoint: str) -> dict[str, str]:
    return {"generator": f"skillgraph {__version__}", "endpoint": f"POST {endpoint}"}


def _key(key: str) -> str:
    if not key.strip():
        raise ApiProblem(422, f"key: must not be blank, got {key!r}")
    return key.strip()
