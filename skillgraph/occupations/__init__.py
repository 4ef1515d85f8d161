"""ESCO occupations for job ads: a title (and the ad's skills) -> ranked occupations, and the
matched occupation as context for the skills found (essential, optional, missing)."""

from skillgraph.occupations.context import OccupationContext, SkillRelation, occupation_context
from skillgraph.occupations.matcher import (
    IscoStep,
    OccupationMatch,
    OccupationMatcher,
    OccupationRows,
)
from skillgraph.occupations.posting import (
    MAX_TITLE_CHARS,
    PostingOccupations,
    posting_occupations,
)
from skillgraph.occupations.titles import CleanTitle, clean_title

__all__ = [
    "MAX_TITLE_CHARS",
    "CleanTitle",
    "IscoStep",
    "OccupationContext",
    "OccupationMatch",
    "OccupationMatcher",
    "OccupationRows",
    "PostingOccupations",
    "SkillRelation",
    "clean_title",
    "occupation_context",
    "posting_occupations",
]
