"""ESCO self-supervision: every alt label, description and preferred label of a skill is a text
that should land on that skill."""

from __future__ import annotations

from collections.abc import Iterator

from ontology import EscoTaxonomy
from training.pairs import TrainingPair

KINDS = ("alt", "description", "preferred")


def esco_pairs(taxonomy: EscoTaxonomy, kinds: tuple[str, ...] = KINDS) -> Iterator[TrainingPair]:
    """(text -> skill) pairs from the taxonomy itself, ``source`` = ``esco-<kind>``."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown ESCO pair kinds {sorted(unknown)}; choose from {KINDS}")
    for skill in taxonomy.skills.values():
        if "preferred" in kinds and skill.preferred_label:
            yield TrainingPair(skill.preferred_label, skill.uri, "esco-preferred")
        if "alt" in kinds:
            for label in skill.alt_labels:
                yield TrainingPair(label, skill.uri, "esco-alt")
        if "description" in kinds and skill.description:
            yield TrainingPair(skill.description, skill.uri, "esco-description")
