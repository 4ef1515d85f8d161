"""A query's score for one given skill, as the index would score it: its best label cosine
(descriptions weighted, when they take part).

The memory can support skills the index search did not return; to re-score them on the same
scale it needs their cosine. Their texts' vectors come from the index's (the same encoder's)
or, where it keeps none, are encoded on first use; either way they are kept. Encoding them one
skill at a time cost a fresh process with the SkillSkape seed 0.72x the ads per second of
reading the index's (docs/benchmarks.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from skillgraph.encoders import Encoder
from skillgraph.index import IndexRows, TextKind


@dataclass(frozen=True, slots=True)
class LabelScore:
    score: float
    row: int  # the index row that scored best
    kind: TextKind


@dataclass(frozen=True, slots=True)
class _SkillTexts:
    rows: np.ndarray
    vectors: np.ndarray
    weights: np.ndarray


class SkillLabelScorer:
    def __init__(
        self,
        rows: IndexRows,
        encoder: Encoder,
        description_weight: float,
        vectors: np.ndarray | None = None,
    ) -> None:
        """``vectors``: the rows' vectors by ``encoder``, when the index has them."""
        self._rows = rows
        self._encoder = encoder
        self._vectors = vectors
        self._description_weight = description_weight
        self._position = {uri: i for i, uri in enumerate(rows.skill_uris)}
        # Rows grouped by skill: rows of skill s are _order[_starts[s] : _starts[s + 1]].
        self._order = np.argsort(rows.skill, kind="stable")
        self._starts = np.searchsorted(rows.skill[self._order], np.arange(len(rows.skill_uris) + 1))
        self._texts: dict[str, _SkillTexts] = {}
        self._lock = threading.Lock()

    @property
    def vectors(self) -> np.ndarray | None:
        """The rows' vectors it reads; None when it encodes each skill's texts instead."""
        return self._vectors

    def score(self, query: np.ndarray, uri: str) -> LabelScore | None:
        """None for a skill the index does not know."""
        texts = self._skill_texts(uri)
        if texts is None or not len(texts.rows):
            return None
        weighted = (texts.vectors @ query.astype(np.float32)) * texts.weights
        best = int(np.argmax(weighted))
        row = int(texts.rows[best])
        return LabelScore(float(weighted[best]), row, TextKind(self._rows.kind[row]))

    def _skill_texts(self, uri: str) -> _SkillTexts | None:
        held = self._texts.get(uri)
        if held is not None:
            return held
        position = self._position.get(uri)
        if position is None:
            return None
        rows = self._order[self._starts[position] : self._starts[position + 1]]
        kinds = self._rows.kind[rows]
        if self._description_weight == 0.0:
            rows = rows[kinds != TextKind.DESCRIPTION]
            kinds = kinds[kinds != TextKind.DESCRIPTION]
        weights = np.where(
            kinds == TextKind.DESCRIPTION, np.float32(self._description_weight), np.float32(1.0)
        ).astype(np.float32)
        if self._vectors is not None:
            vectors = np.asarray(self._vectors[rows], dtype=np.float32)
        else:
            vectors = self._encoder.encode([self._rows.texts[int(r)] for r in rows])
        texts = _SkillTexts(rows, vectors, weights)
        with self._lock:
            self._texts[uri] = texts
        return texts
