"""ESCO lookups: skills and occupations by UUID, and ranked by label."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from ontology import EscoTaxonomy, LabelHit, Occupation, Skill, UnknownConceptError
from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.requests import check_limit
from services.api.schemas import (
    ConceptPath,
    OccupationDocument,
    OccupationSearchQuery,
    OccupationSearchResponse,
    SkillDocument,
    SkillSearchQuery,
    SkillSearchResponse,
)
from services.api.state import current_graph, current_settings

blueprint = APIBlueprint("taxonomy", __name__, abp_tags=[Tag(name="ESCO")])


def _label_of(taxonomy: EscoTaxonomy, uri: str) -> str:
    try:
        return taxonomy.concept(uri).preferred_label
    except UnknownConceptError:
        return ""


def _refs(taxonomy: EscoTaxonomy, uris: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"uri": uri, "label": _label_of(taxonomy, uri)} for uri in uris]


def skill_document(taxonomy: EscoTaxonomy, skill: Skill) -> dict[str, object]:
    return {
        "uri": skill.uri,
        "uuid": skill.uuid,
        "preferred_label": skill.preferred_label,
        "alt_labels": list(skill.alt_labels),
        "description": skill.description,
        "skill_type": skill.skill_type,
        "reuse_level": skill.reuse_level,
        "broader": _refs(taxonomy, skill.broader),
        "esco_version": taxonomy.release.version,
    }


def occupation_document(taxonomy: EscoTaxonomy, occupation: Occupation) -> dict[str, object]:
    return {
        "uri": occupation.uri,
        "uuid": occupation.uuid,
        "preferred_label": occupation.preferred_label,
        "alt_labels": list(occupation.alt_labels),
        "description": occupation.description,
        "isco_code": occupation.isco_code,
        "code": occupation.code,
        "broader": _refs(taxonomy, occupation.broader),
        "essential_skills": _refs(taxonomy, occupation.essential_skills),
        "optional_skills": _refs(taxonomy, occupation.optional_skills),
        "esco_version": taxonomy.release.version,
    }


@blueprint.get("/v1/skills/<uuid>", **operation("One ESCO skill", SkillDocument, (404, 422)))
def get_skill(path: ConceptPath):
    taxonomy = current_graph().taxonomy
    uuid = path.uuid
    try:
        skill = taxonomy.skill(uuid)
    except UnknownConceptError:
        raise ApiProblem(404, f"no ESCO skill with UUID {uuid!r}") from None
    return jsonify(skill_document(taxonomy, skill))


@blueprint.get(
    "/v1/skills",
    **operation("ESCO skills whose labels match a text", SkillSearchResponse, (400, 422)),
)
def search_skills(query: SkillSearchQuery):
    taxonomy = current_graph().taxonomy
    hits = _search(taxonomy.search_skills, query.q, query.limit, "/v1/skills?q=python")
    return _hits(taxonomy, hits, lambda skill: {"skill_type": skill.skill_type})


@blueprint.get(
    "/v1/occupations",
    **operation("ESCO occupations whose labels match a text", OccupationSearchResponse, (400, 422)),
)
def search_occupations(query: OccupationSearchQuery):
    taxonomy = current_graph().taxonomy
    hits = _search(taxonomy.search_occupations, query.q, query.limit, "/v1/occupations?q=nurse")
    return _hits(taxonomy, hits, lambda occupation: {"isco_code": occupation.isco_code})


def _search(
    search: Callable[[str, int], list[LabelHit[Any]]], q: str, limit: int, example: str
) -> tuple[str, list[LabelHit[Any]]]:
    """(the search text, its hits): a problem for a bad limit or nothing to search for."""
    limit = check_limit("limit", limit, current_settings().api.max_search_results)
    text = q.strip()
    if not text:
        raise ApiProblem(400, f"give a search text in the query parameter q ({example})")
    try:
        return text, search(text, limit)
    except ValueError:  # only punctuation: nothing left to search for once normalised
        raise ApiProblem(400, f"the search text {text!r} has no words to search for") from None


def _hits(
    taxonomy: EscoTaxonomy,
    found: tuple[str, list[LabelHit[Any]]],
    fields: Callable[[Any], dict[str, str]],
):
    text, hits = found
    return jsonify(
        query=text,
        esco_version=taxonomy.release.version,
        results=[
            {
                "uri": hit.concept.uri,
                "label": hit.concept.preferred_label,
                "matched_label": hit.matched_label,
                "score": round(hit.score, 6),
                **fields(hit.concept),
            }
            for hit in hits
        ],
    )


@blueprint.get(
    "/v1/occupations/<uuid>", **operation("One ESCO occupation", OccupationDocument, (404, 422))
)
def get_occupation(path: ConceptPath):
    taxonomy = current_graph().taxonomy
    uuid = path.uuid
    try:
        occupation = taxonomy.occupation(uuid)
    except UnknownConceptError:
        raise ApiProblem(404, f"no ESCO occupation with UUID {uuid!r}") from None
    return jsonify(occupation_document(taxonomy, occupation))
