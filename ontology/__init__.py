"""ESCO (European Skills, Competences, Qualifications and Occupations) for SkillGraph.

Load an official ESCO CSV export (:func:`load_esco_csv`) or a shipped snapshot
(:func:`read_snapshot`) into an :class:`EscoTaxonomy`: typed records by URI, label lookup and
search, and the skills hierarchy. ESCO © European Union; see :data:`ESCO_ATTRIBUTION`.
"""

from ontology.errors import EscoFormatError, SnapshotError, UnknownConceptError
from ontology.esco_csv import load_esco_csv
from ontology.labels import LabelHit, normalize_label
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
from ontology.taxonomy import EscoTaxonomy

__all__ = [
    "DEFAULT_SNAPSHOT",
    "ESCO_ATTRIBUTION",
    "SHIPPED_SNAPSHOT_DIR",
    "Concept",
    "EscoFormatError",
    "EscoRelease",
    "EscoTaxonomy",
    "IscoGroup",
    "LabelHit",
    "Occupation",
    "Skill",
    "SkillGroup",
    "SnapshotError",
    "SnapshotInfo",
    "UnknownConceptError",
    "available_snapshots",
    "find_snapshot",
    "load_esco_csv",
    "normalize_label",
    "read_snapshot",
    "read_snapshot_info",
    "write_snapshot",
]
