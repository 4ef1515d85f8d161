"""Step texts to ESCO skills, linked the way the extraction core links skills in an ad.

Each step is read as a sentence by the extraction mode, inside the duty sentence it stands for
("hang internal doors" as "You will hang internal doors."): the span tagger learned from whole
job-ad sentences and tags fewer spans in bare imperative fragments (step-linking F1 45.2
against 41.2 read bare, docs/benchmarks.md). Its skill spans are searched in ESCO and every
candidate gets the calibrated probability of being right; a step keeps the candidates at
``procedure.skill_threshold`` or above (at most ``skills_per_step``), and none — "no skill" —
when nothing passes. Without a span model the extractor's threshold mode answers instead;
``method="ranking"`` gives the ranking mode's top ``skills_per_step`` (the cosine top, re-ranked
where the extractor has a re-ranker). A linked skill's ``probability`` is then the re-ranker's
(None without one), not a calibrated probability that the text asks for the skill.

Graph nodes are named by step texts that extraction may have linked already, so links can be
remembered by text; only new texts are sent to the extractor (in one batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from skillgraph.config import ProcedureSettings, StepLinking
from skillgraph.extractor import SkillExtractor
from skillgraph.modes import Extraction, Mode, Ranking, Threshold
from skillgraph.procedure.graph import LinkedSkill

Method = StepLinking
CARRIER = "You will {}."


def duty_sentence(step: str) -> str:
    """``step`` as the sentence of an ad that asks for it (case is left alone: the encoder's
    vocabulary is uncased)."""
    return CARRIER.format(step.strip().rstrip(".;:"))


class StepSkillLinker:
    """A :data:`~skillgraph.procedure.induction.SkillLinker` with a memory of linked texts."""

    def __init__(
        self,
        extractor: SkillExtractor,
        top_k: int,
        method: Method = "extraction",
        threshold: float | None = None,
    ) -> None:
        self.extractor = extractor
        self.top_k = top_k
        self.method = method
        self.threshold = threshold
        self._known: dict[str, tuple[LinkedSkill, ...]] = {}

    @classmethod
    def for_settings(
        cls, extractor: SkillExtractor, settings: ProcedureSettings
    ) -> StepSkillLinker:
        return cls(
            extractor,
            settings.skills_per_step,
            settings.skill_linking,
            settings.skill_threshold or None,
        )

    def mode(self) -> Mode:
        if self.method == "ranking":
            return Ranking(self.top_k)
        mode = self.extractor.mode()
        if isinstance(mode, Extraction):
            return Extraction(self.top_k, self.threshold)
        assert isinstance(mode, Threshold)  # no span model: the cosine threshold
        return Threshold(mode.min_score, self.top_k)

    @property
    def description(self) -> dict[str, Any]:
        """How skills were linked, for the graph's ``skill_linking``."""
        mode = self.mode()
        if isinstance(mode, Extraction):
            spans = self.extractor.spans
            assert spans is not None
            threshold = spans.threshold if mode.threshold is None else mode.threshold
            return {"method": "extraction", "threshold": threshold, "max_skills": self.top_k}
        if isinstance(mode, Threshold):
            return {"method": "threshold", "min_score": mode.min_score, "max_skills": self.top_k}
        return {"method": "ranking", "top_k": self.top_k}

    def remember(self, text: str, skills: Sequence[LinkedSkill]) -> None:
        self._known[text] = tuple(skills)

    def link(self, texts: Sequence[str]) -> list[tuple[LinkedSkill, ...]]:
        """The skills of each text, without remembering them (for streams of ads)."""
        if not texts:
            return []
        mode = self.mode()
        if isinstance(mode, Extraction):
            texts = [duty_sentence(text) for text in texts]
        found = self.extractor.extract_many(texts, mode)
        return [
            tuple(LinkedSkill(m.uri, m.label, m.score, m.probability) for m in matches)
            for matches in found
        ]

    def __call__(self, texts: Sequence[str]) -> list[tuple[LinkedSkill, ...]]:
        missing = sorted({t for t in texts if t not in self._known})
        for text, skills in zip(missing, self.link(missing), strict=True):
            self._known[text] = skills
        return [self._known[text] for text in texts]


__all__ = ["CARRIER", "Method", "StepSkillLinker", "duty_sentence"]
