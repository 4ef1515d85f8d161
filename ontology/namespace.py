"""Typed RDF namespaces: SkillGraph's own vocabulary and the subset of others it writes.

Each namespace is a class whose annotated names are its terms, as ``pyoxigraph.NamedNode``s:
``SG.SkillExtraction`` is ``<https://w3id.org/skillgraph/ns#SkillExtraction>``. A misspelt term
is an ``AttributeError`` at run time (and a type error for a checker), never a silently minted
IRI. SkillGraph's terms are defined, with labels and comments, in ``vocabulary/skillgraph.ttl``;
a test keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pyoxigraph import NamedNode

__all__ = [
    "DCAT",
    "DCTERMS",
    "ESCO",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SG",
    "SHAPES_PATH",
    "SKOS",
    "VOCABULARY_PATH",
    "XSD",
    "Namespace",
]

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabulary"
VOCABULARY_PATH = VOCABULARY_DIR / "skillgraph.ttl"
SHAPES_PATH = VOCABULARY_DIR / "shapes.ttl"


class _NamespaceMeta(type):
    # Set on each namespace class: its base IRI and its terms' local names.
    IRI: str
    TERMS: tuple[str, ...]

    def __new__(mcs, name: str, bases: tuple[type, ...], body: dict[str, Any]) -> type:
        cls = super().__new__(mcs, name, bases, body)
        base = body.get("IRI", "")
        terms = tuple(term for term in body.get("__annotations__", {}) if not term.isupper())
        for term in terms:
            setattr(cls, term, NamedNode(base + term))
        cls.TERMS = terms
        return cls

    if not TYPE_CHECKING:  # hidden from checkers, so that a misspelt term is a type error

        def __getattr__(cls, name: str) -> Any:
            # Only reached for names the class lacks: say which vocabulary refused it.
            raise AttributeError(
                f"{name!r} is not a term of {cls.__name__} ({cls.__dict__['IRI']})"
            )

    def __contains__(cls, iri: object) -> bool:
        value = iri.value if isinstance(iri, NamedNode) else iri
        return (
            isinstance(value, str)
            and value.startswith(cls.IRI)
            and (value[len(cls.IRI) :] in cls.TERMS)
        )


class Namespace(metaclass=_NamespaceMeta):
    """Base of the typed namespaces: subclasses set ``IRI`` and annotate their terms."""

    IRI: ClassVar[str] = ""
    TERMS: ClassVar[tuple[str, ...]] = ()


class SG(Namespace):
    """SkillGraph's vocabulary: job postings' ESCO skills with evidence, and procedure graphs."""

    IRI = "https://w3id.org/skillgraph/ns#"
    # Extraction results.
    SkillExtraction: NamedNode
    ExtractionRun: NamedNode
    ExtractionMethod: NamedNode
    EmbeddingRetrieval: NamedNode
    extractedFrom: NamedNode
    skill: NamedNode
    score: NamedNode
    evidenceSentence: NamedNode
    evidenceStart: NamedNode
    evidenceEnd: NamedNode
    method: NamedNode
    model: NamedNode
    modelFingerprint: NamedNode
    escoVersion: NamedNode
    # Procedure graphs.
    ProcedureGraph: NamedNode
    ProcedureStep: NamedNode
    StepPrecedence: NamedNode
    StepInterchangeability: NamedNode
    StepAlternative: NamedNode
    task: NamedNode
    observations: NamedNode
    hasStep: NamedNode
    stepIndex: NamedNode
    precedes: NamedNode
    interchangeableWith: NamedNode
    alternativeTo: NamedNode
    optional: NamedNode
    condition: NamedNode
    evidence: NamedNode
    support: NamedNode
    fromStep: NamedNode
    toStep: NamedNode
    inProcedure: NamedNode
    stepSkill: NamedNode


class ESCO(Namespace):
    """The ESCO model terms SkillGraph writes (http://data.europa.eu/esco/model#)."""

    IRI = "http://data.europa.eu/esco/model#"
    Skill: NamedNode
    Occupation: NamedNode
    MemberConcept: NamedNode
    skillType: NamedNode
    skillReuseLevel: NamedNode
    relatedEssentialSkill: NamedNode
    relatedOptionalSkill: NamedNode


class SKOS(Namespace):
    IRI = "http://www.w3.org/2004/02/skos/core#"
    Concept: NamedNode
    ConceptScheme: NamedNode
    prefLabel: NamedNode
    altLabel: NamedNode
    broader: NamedNode
    inScheme: NamedNode
    notation: NamedNode


class SCHEMA(Namespace):
    """schema.org, with the ``http://`` IRIs that its own JSON-LD context expands to."""

    IRI = "http://schema.org/"
    JobPosting: NamedNode
    identifier: NamedNode
    skills: NamedNode
    relevantOccupation: NamedNode
    name: NamedNode


class PROV(Namespace):
    IRI = "http://www.w3.org/ns/prov#"
    Entity: NamedNode
    Activity: NamedNode
    wasGeneratedBy: NamedNode
    wasDerivedFrom: NamedNode


class DCTERMS(Namespace):
    IRI = "http://purl.org/dc/terms/"
    description: NamedNode
    isPartOf: NamedNode
    title: NamedNode
    rights: NamedNode
    source: NamedNode
    hasVersion: NamedNode
    language: NamedNode


class DCAT(Namespace):
    IRI = "http://www.w3.org/ns/dcat#"
    Dataset: NamedNode


class RDF(Namespace):
    IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    type: NamedNode


class RDFS(Namespace):
    IRI = "http://www.w3.org/2000/01/rdf-schema#"
    label: NamedNode
    comment: NamedNode


class OWL(Namespace):
    IRI = "http://www.w3.org/2002/07/owl#"
    versionInfo: NamedNode


class XSD(Namespace):
    IRI = "http://www.w3.org/2001/XMLSchema#"
    string: NamedNode
    integer: NamedNode
    double: NamedNode
    boolean: NamedNode


PREFIXES: dict[str, str] = {
    "sg": SG.IRI,
    "esco": ESCO.IRI,
    "skos": SKOS.IRI,
    "schema": SCHEMA.IRI,
    "prov": PROV.IRI,
    "dcterms": DCTERMS.IRI,
    "dcat": DCAT.IRI,
    "rdfs": RDFS.IRI,
    "owl": OWL.IRI,
    "xsd": XSD.IRI,
}
"""Prefixes for Turtle and the JSON-LD ``@context`` (``rdf:`` is Turtle's ``a``)."""
