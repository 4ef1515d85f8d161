"""The matched occupation as context for an ad's skills: which of them ESCO lists as essential
or optional for it, and which of its essential skills the ad does not mention (the gap)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ontology import EscoTaxonomy

__all__ = ["OccupationContext", "SkillRelation", "occupation_context"]

Relation = Literal["essential", "optional"]


@dataclass(frozen=True, slots=True)
class SkillRelation:
    uri: str
    label: str
    relation: Relation | None  # None: ESCO does not relate the skill to the occupation


@dataclass(frozen=True, slots=True)
class OccupationContext:
    occupation: str  # URI
    label: str
    skills: tuple[SkillRelation, ...]  # the ad's skills, in the order given
    missing_essential: tuple[SkillRelation, ...]  # the occupation's, in ESCO's order

    def relation_of(self, uri: str) -> Relation | None:
        return next((s.relation for s in self.skills if s.uri == uri), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "occupation": self.occupation,
            "label": self.label,
            "skills": [_relation_dict(s) for s in self.skills],
            "missing_essential": [{"uri": s.uri, "label": s.label} for s in self.missing_essential],
        }


def occupation_context(
    taxonomy: EscoTaxonomy, occupation: str, skills: Iterable[str]
) -> OccupationContext:
    """``occupation`` (URI or uuid) against the ad's ``skills`` (URIs). Raises
    :class:`~ontology.UnknownConceptError` for an occupation ESCO does not have."""
    record = taxonomy.occupation(occupation)
    essential, optional = set(record.essential_skills), set(record.optional_skills)
    found = list(dict.fromkeys(skills))
    related = tuple(
        SkillRelation(
            uri,
            _label(taxonomy, uri),
            "essential" if uri in essential else "optional" if uri in optional else None,
        )
        for uri in found
    )
    seen = set(found)
    missing = tuple(
        SkillRelation(uri, _label(taxonomy, uri), "essential")
        for uri in record.essential_skills
        if uri not in seen
    )
    return OccupationContext(record.uri, record.preferred_label, related, missing)


def _label(taxonomy: EscoTaxonomy, uri: str) -> str:
    skill = taxonomy.skills.get(uri)
    return skill.preferred_label if skill is not None else ""


def _relation_dict(skill: SkillRelation) -> dict[str, Any]:
    return {"uri": skill.uri, "label": skill.label, "relation": skill.relation}
