"""Step texts to their top ESCO skills, through the skill extractor.

Graph nodes are named by step texts that extraction may have linked already, so links can be
remembered by text; only new texts are sent to the extractor (in one batch).
"""

from __future__ import annotations

from collections.abc import Sequence

from skillgraph.extractor import SkillExtractor
from skillgraph.modes import Ranking
from skillgraph.procedure.graph import LinkedSkill


class StepSkillLinker:
    """A :data:`~skillgraph.procedure.induction.SkillLinker` with a memory of linked texts."""

    def __init__(self, extractor: SkillExtractor, top_k: int) -> None:
        self.extractor = extractor
        self.top_k = top_k
        self._known: dict[str, tuple[LinkedSkill, ...]] = {}

    def remember(self, text: str, skills: Sequence[LinkedSkill]) -> None:
        self._known[text] = tuple(skills)

    def __call__(self, texts: Sequence[str]) -> list[tuple[LinkedSkill, ...]]:
        missing = sorted({t for t in texts if t not in self._known})
        if missing:
            found = self.extractor.extract_many(missing, Ranking(self.top_k))
            for text, matches in zip(missing, found, strict=True):
                self._known[text] = tuple(LinkedSkill(m.uri, m.label, m.score) for m in matches)
        return [self._known[text] for text in texts]
