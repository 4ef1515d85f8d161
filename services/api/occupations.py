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
from skillgraph.occupations import MAX_TITLE_CHARS, posting_occupations

blueprint = APIBlueprint("occupations", __name__, abp_tags=[Tag(name="occupations")])


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
    given = given_occupation(graph, body.occupation)
    skills = None
    if body.text is not None:
        text = graph.extractor.check_text(body.text)
        skills = current_batcher().submit(text, graph.extractor.mode())
    found = [m.uri for m in skills or ()]
    (posting,) = posting_occupations(graph.occupations, [title], [found], [given], body.top_k)
    answer = posting.to_dict()
    if skills is None:
        del answer["context"]  # no ad, no skills to set against the occupation
    else:
        answer["skills"] = [m.to_dict() for m in skills]
    return jsonify(esco_version=graph.taxonomy.release.version, title=title, **answer)


def check_title(title: str) -> str:
    """``title`` stripped; a problem when it is empty or too long."""
    title = title.strip()
    if not title:
        raise ApiProblem(422, "title is empty: give the job title as the ad writes it")
    if len(title) > MAX_TITLE_CHARS:
        raise ApiProblem(413, f"title is {len(title)} characters (limit {MAX_TITLE_CHARS})")
    return title


def given_occupation(graph: SkillGraph, occupation: str | None) -> str | None:
    """The URI of the occupation a request gives (URI or UUID); a problem when ESCO has none."""
    if occupation is None:
        return None
    try:
        return graph.taxonomy.occupation(occupation.strip()).uri
    except UnknownConceptError:
        raise ApiProblem(422, f"no ESCO occupation {occupation!r}") from None


def occupations_of(
    graph: SkillGraph, title: str | None, skills: Sequence[SkillMatch], given: str | None = None
) -> dict[str, Any]:
    """The title's occupations (none without a title), the ad's ``skills`` voting, and those
    skills' context against the ``given`` occupation (a URI), else the best match."""
    found = [m.uri for m in skills]
    (posting,) = posting_occupations(graph.occupations, [title or ""], [found], [given])
    return posting.to_dict()
