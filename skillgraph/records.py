"""Records the core hands to services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# SkillMatch fields that only the extraction mode fills (see SkillMatch.to_dict).
EXTRACTION_FIELDS = ("span_text", "span_start", "span_end")
# Finer than any model score is meaningful, and it keeps outputs stable across platforms.
SCORE_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class ModelStamp:
    """Which model produced a result: its name, and a fingerprint that changes with its
    weights (recorded with batch output, so that RDF made from it later says so too)."""

    name: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """A stored example (see :mod:`skillgraph.memory`) that supported a skill."""

    example_id: int
    text: str
    similarity: float  # cosine between the example and the sentence or phrase it supported

    def to_dict(self) -> dict[str, Any]:
        return {
            "example_id": self.example_id,
            "text": self.text,
            "similarity": round(self.similarity, SCORE_DECIMALS),
        }


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """One ESCO skill found in a text, with the sentence that evidences it."""

    uri: str
    label: str
    score: float
    skill_type: str
    sentence: str
    start: int  # character offsets of ``sentence`` in the input text
    end: int
    evidence: tuple[Evidence, ...] = ()  # stored examples that raised the score, if any
    # The probability that the text asks for the skill: the extraction mode's calibrated one,
    # or in the ranking modes the re-ranker's (None without one). Extraction mode only: the
    # span that evidences the skill (offsets in the input text); a skill implied by a sentence
    # with no skill span has the whole sentence as its span.
    probability: float | None = None
    span_text: str | None = None
    span_start: int | None = None
    span_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        found = {
            "uri": self.uri,
            "label": self.label,
            "score": round(self.score, SCORE_DECIMALS),
            "skill_type": self.skill_type,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
        }
        if self.probability is not None:
            found["probability"] = round(self.probability, SCORE_DECIMALS)
        # Extraction mode only, so that ranking outputs keep their exact shape.
        if self.span_text is not None:
            found["span_text"] = self.span_text
            found["span_start"] = self.span_start
            found["span_end"] = self.span_end
        # Only when there is some, so that outputs without a memory keep their exact shape.
        if self.evidence:
            found["evidence"] = [e.to_dict() for e in self.evidence]
        return found
