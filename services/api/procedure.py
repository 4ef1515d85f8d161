"""POST /v1/procedure (one ad: its steps, their skills, its graph),
POST /v1/procedure/graphs (many ads: one graph per ESCO occupation) and
POST /v1/procedure/induce (many step sequences: one graph)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.schemas import (
    InduceRequest,
    InduceResponse,
    ProcedureGraphsRequest,
    ProcedureGraphsResponse,
    ProcedureRequest,
    ProcedureResponse,
)
from services.api.state import current_graph, current_state
from skillgraph import InputError
from skillgraph.procedure import (
    check_sequence,
    graph_to_dict,
    induce_graph,
)
from skillgraph.procedure.occupation_groups import GroupKey, group_of, groups_of_titles
from skillgraph.procedure.step_skills import StepSkillLinker
from skillgraph.version import __version__

blueprint = APIBlueprint("procedure", __name__, abp_tags=[Tag(name="procedure graphs")])

MAX_SEQUENCES = 10_000
MAX_ADS = 500


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
    "/v1/procedure/graphs",
    **operation(
        "One graph per ESCO occupation from many ads",
        ProcedureGraphsResponse,
        (400, 413, 415, 422, 501),
    ),
)
def graphs(body: ProcedureGraphsRequest):
    """Each ad goes to its ``occupation`` (an ESCO occupation's URI or label keys the graph by
    its URI; any other value is a group of its own), else to the ESCO occupation its ``title``
    matches, else to ``key``; each group of ads gives one graph whose counts are ads."""
    if len(body.ads) > MAX_ADS:
        raise ApiProblem(413, f"too many ads: {len(body.ads)} (limit {MAX_ADS})")
    graph = current_graph()
    settings = graph.settings.procedure
    default = GroupKey(_key(body.key))
    rejected: list[dict[str, Any]] = []
    groups: dict[int, GroupKey] = {}
    titled = [i for i, ad in enumerate(body.ads) if ad.occupation is None and ad.title]
    titles = [body.ads[i].title or "" for i in titled]
    matched = groups_of_titles(titles, graph.occupations) if titles else []
    for index, ad in enumerate(body.ads):
        try:
            graph.extractor.check_text(ad.text)
        except InputError as exc:
            rejected.append({"index": index, "reason": str(exc)})
            continue
        if ad.occupation is not None and ad.occupation.strip():
            groups[index] = group_of(ad.occupation, graph.taxonomy)
        elif index in titled:
            found = matched[titled.index(index)]
            if found is None:
                reason = f"no ESCO occupation matches the title {ad.title!r}"
                rejected.append({"index": index, "reason": reason})
                continue
            groups[index] = found
        else:
            groups[index] = default
    usable = sorted(groups)
    found_ads = current_state().procedures.extract_many([body.ads[i].text for i in usable], False)
    members: dict[GroupKey, list[int]] = {}
    observations: dict[GroupKey, list] = {}
    for index, procedure in zip(usable, found_ads, strict=True):
        if not procedure.steps:
            rejected.append({"index": index, "reason": "no duty steps found"})
            continue
        members.setdefault(groups[index], []).append(index)
        observations.setdefault(groups[index], []).append(procedure.observation())
    if not members:
        raise ApiProblem(422, "no ad with duty steps", rejected=_by_index(rejected))
    linker = StepSkillLinker.for_settings(graph.extractor, settings) if body.skills else None
    induced = [
        induce_graph(
            observations[group],
            group.key,
            graph.encoder,
            settings,
            linker,
            graph.taxonomy.release.version,
            _provenance("/v1/procedure/graphs"),
            unit="ads",
            skill_linking=linker.description if linker is not None else None,
            label=group.label,
        )
        for group in members
    ]
    return jsonify(
        graphs=[graph_to_dict(found) for found in induced],
        groups=[{"key": g.key, "label": g.label, "ads": ads} for g, ads in members.items()],
        rejected=_by_index(rejected),
    )


def _by_index(rejected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rejected, key=lambda r: r["index"])


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
