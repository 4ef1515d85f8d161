"""POST /v1/occupations/match: a job title (and the ad) -> ranked ESCO occupations, with the
ad's skills set against the occupation. (Occupations by label, GET /v1/occupations?q=, are in
:mod:`services.api.taxonomy`.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from ontology import UnknownConceptError
from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.schemas import (
    OccupationMatchRequest,
    OccupationMatchResponse,
)
from services.api.state import current_batcher, current_graph
from skillgraph import SkillGraph, SkillMatch
from skillgraph.occupations import occupation_context

blueprint = APIBlueprint("occupations", __name__, abp_tags=[Tag(name="occupations")])

_MAX_TITLE_CHARS = 1000


@blueprint.post(
    "/v1/occupations/match",
    **operation(
        "The ESCO occupations a job title (and its ad) names", OccupationMatchResponse,
        (400, 413, 415, 422),
    ),
)  # fmt: skip
def match_occupations(body: OccupationMatchRequest):
    graph = current_graph()
    title = check_title(body.title)
    if body.occupation is not None:
        try:
            given = graph.taxonomy.occupation(body.occupation.strip())
        except UnknownConceptError:
            raise ApiProblem(422, f"no ESCO occupation {body.occupation!r}") from None
    skills = None
    if body.text is not None:
        text = graph.extractor.check_text(body.text)
        skills = current_batcher().submit(text, graph.extractor.mode())
    found = [m.uri for m in skills] if skills else []
    matches = graph.occupations.match(title, found, body.top_k)
    answer: dict[str, object] = {
        "esco_version": graph.taxonomy.release.version,
        "title": title,
        "occupations": [m.to_dict() for m in matches],
    }
    if skills is not None:
        answer["skills"] = [m.to_dict() for m in skills]
        target = given.uri if body.occupation is not None else (matches[0].uri if matches else None)
        context = occupation_context(graph.taxonomy, target, found) if target else None
        answer["context"] = context.to_dict() if context else None
    return jsonify(answer)


def check_title(title: str) -> str:
    """``title`` stripped; a problem when it is empty or too long."""
    title = title.strip()
    if not title:
        raise ApiProblem(422, "title is empty: give the job title as the ad writes it")
    if len(title) > _MAX_TITLE_CHARS:
        raise ApiProblem(413, f"title is {len(title)} characters (limit {_MAX_TITLE_CHARS})")
    return title


def occupations_of(graph: SkillGraph, title: str, skills: Sequence[SkillMatch]) -> dict[str, Any]:
    """The title's occupations, the ad's ``skills`` voting, and those skills' context against
    the best one (None when there is no confident match)."""
    found = [m.uri for m in skills]
    matches = graph.occupations.match(title, found)
    context = occupation_context(graph.taxonomy, matches[0].uri, found) if matches else None
    return {
        "occupations": [m.to_dict() for m in matches],
        "context": context.to_dict() if context else None,
    }
