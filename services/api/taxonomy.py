"""ESCO lookups: skills and occupations by UUID, ranked skill label search."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ontology import EscoTaxonomy, Occupation, Skill, UnknownConceptError
from services.api.problems import ApiProblem
from services.api.requests import query_int
from services.api.state import current_graph

blueprint = Blueprint("taxonomy", __name__)


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


@blueprint.get("/v1/skills/<uuid>")
def get_skill(uuid: str):
    taxonomy = current_graph().taxonomy
    try:
        skill = taxonomy.skill(uuid)
    except UnknownConceptError:
        raise ApiProblem(404, f"no ESCO skill with UUID {uuid!r}") from None
    return jsonify(skill_document(taxonomy, skill))


@blueprint.get("/v1/skills")
def search_skills():
    graph = current_graph()
    query = (request.args.get("q") or "").strip()
    if not query:
        raise ApiProblem(400, "give a search text in the query parameter q (/v1/skills?q=python)")
    limit = query_int("limit", 10, 1, graph.settings.api.max_search_results)
    try:
        hits = graph.taxonomy.search_skills(query, limit=limit)
    except ValueError:  # only punctuation: nothing left to search for once normalised
        raise ApiProblem(400, f"the search text {query!r} has no words to search for") from None
    return jsonify(
        query=query,
        esco_version=graph.taxonomy.release.version,
        results=[
            {
                "uri": hit.concept.uri,
                "label": hit.concept.preferred_label,
                "matched_label": hit.matched_label,
                "score": round(hit.score, 6),
                "skill_type": hit.concept.skill_type,
            }
            for hit in hits
        ],
    )


@blueprint.get("/v1/occupations/<uuid>")
def get_occupation(uuid: str):
    taxonomy = current_graph().taxonomy
    try:
        occupation = taxonomy.occupation(uuid)
    except UnknownConceptError:
        raise ApiProblem(404, f"no ESCO occupation with UUID {uuid!r}") from None
    return jsonify(occupation_document(taxonomy, occupation))
