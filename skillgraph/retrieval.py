"""Nearest ESCO skills for sentence vectors: index rows aggregated into per-skill scores.

A skill's score is the best (weighted) cosine over its texts: labels count fully, descriptions
count ``description_weight`` of their cosine (0 leaves them out of the search altogether).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skillgraph.index import SkillIndex, TextKind

# Rows fetched per wanted skill: a skill has ~7 label rows, so near neighbours repeat skills.
_ROWS_PER_SKILL = 8
_MIN_ROWS = 64


@dataclass(frozen=True, slots=True)
class Candidate:
    """A skill proposed for one query, with the index row that matched best."""

    skill_uri: str
    score: float
    row: int
    kind: TextKind


class SkillRetriever:
    def __init__(self, index: SkillIndex, description_weight: float = 0.0) -> None:
        if not 0.0 <= description_weight <= 1.0:
            raise ValueError(f"description_weight must be in [0, 1], got {description_weight}")
        self.index = index
        self.description_weight = description_weight
        rows = index.rows
        self._row_weight = np.where(
            rows.kind == TextKind.DESCRIPTION, np.float32(description_weight), np.float32(1.0)
        ).astype(np.float32)

    def candidates(
        self, vectors: np.ndarray, top_k: int, min_scores: np.ndarray | None = None
    ) -> list[list[Candidate]]:
        """The ``top_k`` best skills for each query vector, best first.

        With ``min_scores`` (one per query), candidates below their query's minimum are left
        out, which lets a search stop early: rows come sorted, so once a fetched row scores
        below the minimum no unseen row can reach it.
        """
        if len(vectors) == 0:
            return []
        labels_only = self.description_weight == 0.0
        k_rows = _MIN_ROWS if min_scores is not None else max(_MIN_ROWS, top_k * _ROWS_PER_SKILL)
        results: list[list[Candidate] | None] = [None] * len(vectors)
        pending = np.arange(len(vectors))
        limit = self.index.rows.label_rows if labels_only else len(self.index)
        while len(pending):
            scores, rows = self.index.search(vectors[pending], k_rows, labels_only=labels_only)
            retry = []
            for position, query in enumerate(pending):
                found = self._aggregate(scores[position], rows[position], top_k)
                # Too few distinct skills among the rows fetched: fetch more for this query,
                # unless the rows already fell below the score that matters.
                floor = None if min_scores is None else float(min_scores[query])
                reachable = floor is None or scores[position][-1] >= floor
                if len(found) < top_k and k_rows < limit and reachable:
                    retry.append(query)
                else:
                    results[query] = [c for c in found if floor is None or c.score >= floor]
            pending = np.array(retry, dtype=np.int64)
            k_rows = min(k_rows * 4, limit)
        return [r or [] for r in results]

    def _aggregate(self, scores: np.ndarray, rows: np.ndarray, top_k: int) -> list[Candidate]:
        valid = rows >= 0
        rows = rows[valid]
        weighted = scores[valid] * self._row_weight[rows]
        order = np.argsort(-weighted, kind="stable")
        skill_of_row = self.index.rows.skill
        kinds = self.index.rows.kind
        uris = self.index.rows.skill_uris
        best: dict[int, Candidate] = {}
        for i in order:
            row = int(rows[i])
            skill = int(skill_of_row[row])
            if skill not in best:
                best[skill] = Candidate(uris[skill], float(weighted[i]), row, TextKind(kinds[row]))
                if len(best) == top_k:
                    break
        return list(best.values())
