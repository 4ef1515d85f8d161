"""Records the core hands to services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Finer than any model score is meaningful, and it keeps outputs stable across platforms.
SCORE_DECIMALS = 6


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "label": self.label,
            "score": round(self.score, SCORE_DECIMALS),
            "skill_type": self.skill_type,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
        }
