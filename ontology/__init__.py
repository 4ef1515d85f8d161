"""ESCO (European Skills, Competences, Qualifications and Occupations) for SkillGraph.

Load an official ESCO CSV export (:func:`load_esco_csv`) or a shipped snapshot
(:func:`read_snapshot`) into an :class:`EscoTaxonomy`: typed records by URI, label lookup and
search, and the skills hierarchy. ESCO © European Union; see :data:`ESCO_ATTRIBUTION`.

As RDF: :func:`esco_triples` streams a taxonomy in ESCO's own model; :class:`SG` and the other
typed namespaces name the terms, defined in ``vocabulary/skillgraph.ttl`` (:data:`VOCABULARY_PATH`)
and constrained by SHACL shapes (:data:`SHAPES_PATH`).
"""

from ontology.errors import EscoFormatError, SkillgraphError, SnapshotError, UnknownConceptError
from ontology.esco_csv import load_esco_csv
from ontology.labels import LabelHit, normalize_label
from ontology.namespace import ESCO, PREFIXES, SG, SHAPES_PATH, VOCABULARY_PATH
from ontology.rdf_esco import esco_triples
from ontology.records import Concept, EscoRelease, IscoGroup, Occupation, Skill, SkillGroup
from ontology.snapshot import (
    DEFAULT_SNAPSHOT,
    ESCO_ATTRIBUTION,
    SHIPPED_SNAPSHOT_DIR,
    SnapshotInfo,
    available_snapshots,
    find_snapshot,
    read_snapshot,
    read_snapshot_info,
    write_snapshot,
)
from ontology.taxonomy import OCCUPATION_NAMESPACE, SKILL_NAMESPACE, EscoTaxonomy

__all__ = [
    "DEFAULT_SNAPSHOT",
    "ESCO",
    "ESCO_ATTRIBUTION",
    "OCCUPATION_NAMESPACE",
    "PREFIXES",
    "SG",
    "SHAPES_PATH",
    "SHIPPED_SNAPSHOT_DIR",
    "SKILL_NAMESPACE",
    "VOCABULARY_PATH",
    "Concept",
    "EscoFormatError",
    "EscoRelease",
    "EscoTaxonomy",
    "IscoGroup",
    "LabelHit",
    "Occupation",
    "Skill",
    "SkillGroup",
    "SkillgraphError",
    "SnapshotError",
    "SnapshotInfo",
    "UnknownConceptError",
    "available_snapshots",
    "esco_triples",
    "find_snapshot",
    "load_esco_csv",
    "normalize_label",
    "read_snapshot",
    "read_snapshot_info",
    "write_snapshot",
]
