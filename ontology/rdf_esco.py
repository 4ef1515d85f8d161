"""ESCO as RDF in ESCO's own model: what an :class:`EscoTaxonomy` holds, as streamed triples.

Concepts keep their published URIs. Skills and occupations are typed as ESCO publishes them
(``esco:Skill``/``esco:Occupation``, ``esco:MemberConcept``, ``skos:Concept``); skill groups and
ISCO groups are ``skos:Concept``s of their ESCO concept schemes, with ``skos:notation`` codes.
Labels are ``skos:prefLabel``/``skos:altLabel`` in the release's language, descriptions
``dcterms:description``, the hierarchy ``skos:broader``, and essential/optional relations
``esco:relatedEssentialSkill``/``esco:relatedOptionalSkill`` (occupation -> skill and
skill -> skill). Unknown values (empty strings) are left out. The triples of one concept come
together, so writers can group them by subject without holding the whole release.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Triple

from ontology.namespace import DCAT, DCTERMS, ESCO, OWL, RDF, SKOS
from ontology.records import IscoGroup, Occupation, Skill, SkillGroup
from ontology.snapshot import ESCO_ATTRIBUTION
from ontology.taxonomy import EscoTaxonomy

__all__ = [
    "ESCO_CONCEPT_SCHEMES",
    "REUSE_LEVEL_IRIS",
    "SKILL_TYPE_IRIS",
    "esco_triples",
]

_ESCO = "http://data.europa.eu/esco/"
ESCO_CONCEPT_SCHEMES: dict[str, NamedNode] = {
    name: NamedNode(f"{_ESCO}concept-scheme/{name}")
    for name in ("skills", "member-skills", "skills-hierarchy", "occupations", "isco")
}
SKILL_TYPE_IRIS: dict[str, NamedNode] = {
    "skill/competence": NamedNode(f"{_ESCO}skill-type/skill"),
    "knowledge": NamedNode(f"{_ESCO}skill-type/knowledge"),
}
REUSE_LEVEL_IRIS: dict[str, NamedNode] = {
    level: NamedNode(f"{_ESCO}skill-reuse-level/{level}")
    for level in ("transversal", "cross-sector", "sector-specific", "occupation-specific")
}
_ESCO_HOME = NamedNode("https://esco.ec.europa.eu")


def esco_triples(taxonomy: EscoTaxonomy, release_iri: NamedNode | None = None) -> Iterator[Triple]:
    """Every concept and relation of ``taxonomy``, then (when ``release_iri`` is given) a
    ``dcat:Dataset`` describing the release under that IRI, with ESCO's attribution."""
    language = taxonomy.release.language
    for scheme in ESCO_CONCEPT_SCHEMES.values():
        yield Triple(scheme, RDF.type, SKOS.ConceptScheme)
    for skill in taxonomy.skills.values():
        yield from _skill(skill, language)
    for group in taxonomy.skill_groups.values():
        yield from _skill_group(group, language)
    for isco in taxonomy.isco_groups.values():
        yield from _isco_group(isco, language)
    for occupation in taxonomy.occupations.values():
        yield from _occupation(occupation, language)
    if release_iri is not None:
        release = taxonomy.release
        yield Triple(release_iri, RDF.type, DCAT.Dataset)
        yield Triple(release_iri, DCTERMS.title, Literal(f"ESCO {release.version} ({language})"))
        yield Triple(release_iri, OWL.versionInfo, Literal(release.version))
        yield Triple(release_iri, DCTERMS.language, Literal(language))
        yield Triple(release_iri, DCTERMS.source, _ESCO_HOME)
        yield Triple(release_iri, DCTERMS.rights, Literal(ESCO_ATTRIBUTION))


def _labels(
    subject: NamedNode, preferred: str, alternatives: tuple[str, ...], language: str
) -> Iterator[Triple]:
    if preferred:
        yield Triple(subject, SKOS.prefLabel, Literal(preferred, language=language))
    for label in alternatives:
        yield Triple(subject, SKOS.altLabel, Literal(label, language=language))


def _description(subject: NamedNode, text: str, language: str) -> Iterator[Triple]:
    if text:
        yield Triple(subject, DCTERMS.description, Literal(text, language=language))


def _links(subject: NamedNode, predicate: NamedNode, uris: tuple[str, ...]) -> Iterator[Triple]:
    for uri in uris:
        yield Triple(subject, predicate, NamedNode(uri))


def _skill(skill: Skill, language: str) -> Iterator[Triple]:
    node = NamedNode(skill.uri)
    yield Triple(node, RDF.type, ESCO.Skill)
    yield Triple(node, RDF.type, ESCO.MemberConcept)
    yield Triple(node, RDF.type, SKOS.Concept)
    yield Triple(node, SKOS.inScheme, ESCO_CONCEPT_SCHEMES["skills"])
    yield Triple(node, SKOS.inScheme, ESCO_CONCEPT_SCHEMES["member-skills"])
    yield from _labels(node, skill.preferred_label, skill.alt_labels, language)
    yield from _description(node, skill.description, language)
    if skill.skill_type in SKILL_TYPE_IRIS:
        yield Triple(node, ESCO.skillType, SKILL_TYPE_IRIS[skill.skill_type])
    if skill.reuse_level in REUSE_LEVEL_IRIS:
        yield Triple(node, ESCO.skillReuseLevel, REUSE_LEVEL_IRIS[skill.reuse_level])
    yield from _links(node, SKOS.broader, skill.broader)
    yield from _links(node, ESCO.relatedEssentialSkill, skill.essential_skills)
    yield from _links(node, ESCO.relatedOptionalSkill, skill.optional_skills)


def _skill_group(group: SkillGroup, language: str) -> Iterator[Triple]:
    node = NamedNode(group.uri)
    yield Triple(node, RDF.type, SKOS.Concept)
    yield Triple(node, SKOS.inScheme, ESCO_CONCEPT_SCHEMES["skills-hierarchy"])
    if group.code:
        yield Triple(node, SKOS.notation, Literal(group.code))
    yield from _labels(node, group.preferred_label, group.alt_labels, language)
    yield from _description(node, group.description, language)
    yield from _links(node, SKOS.broader, group.broader)


def _isco_group(group: IscoGroup, language: str) -> Iterator[Triple]:
    node = NamedNode(group.uri)
    yield Triple(node, RDF.type, SKOS.Concept)
    yield Triple(node, SKOS.inScheme, ESCO_CONCEPT_SCHEMES["isco"])
    if group.code:
        yield Triple(node, SKOS.notation, Literal(group.code))
    yield from _labels(node, group.preferred_label, (), language)
    yield from _description(node, group.description, language)
    yield from _links(node, SKOS.broader, group.broader)


def _occupation(occupation: Occupation, language: str) -> Iterator[Triple]:
    node = NamedNode(occupation.uri)
    yield Triple(node, RDF.type, ESCO.Occupation)
    yield Triple(node, RDF.type, ESCO.MemberConcept)
    yield Triple(node, RDF.type, SKOS.Concept)
    yield Triple(node, SKOS.inScheme, ESCO_CONCEPT_SCHEMES["occupations"])
    if occupation.code:
        yield Triple(node, SKOS.notation, Literal(occupation.code))
    yield from _labels(node, occupation.preferred_label, occupation.alt_labels, language)
    yield from _description(node, occupation.description, language)
    yield from _links(node, SKOS.broader, occupation.broader)
    yield from _links(node, ESCO.relatedEssentialSkill, occupation.essential_skills)
    yield from _links(node, ESCO.relatedOptionalSkill, occupation.optional_skills)
