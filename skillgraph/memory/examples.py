"""Annotated examples: a text and the ESCO skills it expresses (or, as negatives, does not).

An example is keyed by its text, compared case-blind with runs of white space as one space, so
the same sentence added twice is one example with the union of the labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ontology import EscoTaxonomy, UnknownConceptError
from skillgraph.errors import ExampleError, TextTooLongError, UnknownSkillError


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """An example to add: skills and negatives are ESCO skill URIs (or bare UUIDs)."""

    text: str
    skills: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    source: str = ""  # where it came from, e.g. "api" or "skillskape:train.csv"


@dataclass(frozen=True, slots=True)
class StoredExample:
    id: int
    text: str
    skills: tuple[str, ...]
    negatives: tuple[str, ...]
    source: str
    added: float  # Unix time it was first stored

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "skills": list(self.skills),
            "negatives": list(self.negatives),
            "source": self.source,
            "added": dt.datetime.fromtimestamp(self.added, dt.UTC).isoformat(timespec="seconds"),
        }


@dataclass(frozen=True, slots=True)
class AddedExample:
    """The stored state of an added example; ``merged`` when its text was already stored."""

    example: StoredExample
    merged: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.example.to_dict(), "merged": self.merged}


def text_key(text: str) -> str:
    """What makes two example texts the same example."""
    return " ".join(text.split()).casefold()


def check_example(
    example: LabelledExample, taxonomy: EscoTaxonomy, max_chars: int
) -> LabelledExample:
    """``example`` with its text trimmed and its skills as distinct URIs, or an error saying
    what is wrong with it."""
    text = example.text.strip()
    if not text:
        raise ExampleError("text is empty")
    if len(text) > max_chars:
        raise TextTooLongError(len(text), max_chars)
    unknown: list[str] = []
    skills = _uris(example.skills, taxonomy, unknown)
    negatives = _uris(example.negatives, taxonomy, unknown)
    if unknown:
        raise UnknownSkillError(list(dict.fromkeys(unknown)), taxonomy.release.name)
    if not skills and not negatives:
        raise ExampleError("an example needs at least one skill or negative")
    both = [uri for uri in skills if uri in negatives]
    if both:
        raise ExampleError(f"skill(s) both expressed and negated: {', '.join(both)}")
    return LabelledExample(text, skills, negatives, example.source)


def merge_labels(
    held: tuple[Sequence[str], Sequence[str]], new: tuple[Sequence[str], Sequence[str]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Skills and negatives after adding ``new`` to ``held``: unions, where the newer word on a
    skill wins (a skill added as a negative stops being a skill, and the other way round)."""
    (skills, negatives), (new_skills, new_negatives) = held, new
    merged_skills = [u for u in skills if u not in new_negatives] + list(new_skills)
    merged_negatives = [u for u in negatives if u not in new_skills] + list(new_negatives)
    return tuple(dict.fromkeys(merged_skills)), tuple(dict.fromkeys(merged_negatives))


def _uris(references: Iterable[str], taxonomy: EscoTaxonomy, unknown: list[str]) -> tuple[str, ...]:
    uris = []
    for reference in references:
        try:
            uris.append(taxonomy.skill(reference.strip()).uri)
        except UnknownConceptError:
            unknown.append(reference)
    return tuple(dict.fromkeys(uris))
