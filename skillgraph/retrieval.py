"""Nearest ESCO skills for query vectors: index rows aggregated into per-skill scores.

A skill's score is the best (weighted) cosine over its texts: labels count fully, descriptions
count ``description_weight`` of their cosine (0 leaves them out of the search altogether).

:class:`Retriever` is what the extractor needs: the plain :class:`SkillRetriever` and the
example memory's retriever (:mod:`skillgraph.memory.augmentation`) both are one.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from skillgraph.errors import IndexBuildError
from skillgraph.index import SkillIndex, TextKind
from skillgraph.records import Evidence

# Rows fetched per wanted skill: a skill has ~7 label rows, so near neighbours repeat skills.
_ROWS_PER_SKILL = 8
_MIN_ROWS = 64
_KINDS = tuple(TextKind)  # by value, without an enum call per row

TopK = int | Sequence[int]  # one for every query, or one per query


def per_query(top_k: TopK, queries: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(top_k, dtype=np.int64), (queries,))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A skill proposed for one query, with the index row that matched best, the stored
    examples that raised its score (none without an example memory), and, once re-ranked
    (:mod:`skillgraph.reranking`), the probability that its sentence names it."""

    skill_uri: str
    score: float
    row: int
    kind: TextKind
    evidence: tuple[Evidence, ...] = ()
    probability: float | None = None

    def weighted(self, factor: float) -> Candidate:
        """The same candidate with its score times ``factor``."""
        if factor == 1.0:
            return self
        return replace(self, score=self.score * factor)


class Retriever(Protocol):
    """Ranked skill candidates for query vectors."""

    @property
    def index(self) -> SkillIndex: ...

    @property
    def description_weight(self) -> float: ...

    def version(self) -> Hashable:
        """Changes whenever the same query could get other candidates (cache keys use it)."""
        ...

    def candidates(
        self, vectors: np.ndarray, top_k: TopK, min_scores: np.ndarray | None = None
    ) -> list[list[Candidate]]:
        """The ``top_k`` best skills for each query vector (``top_k`` may differ per query),
        best first; with ``min_scores`` (one per query), none below its query's minimum."""
        ...


class SkillRetriever:
    def __init__(self, index: SkillIndex, description_weight: float = 0.0) -> None:
        if not 0.0 <= description_weight <= 1.0:
            raise ValueError(f"description_weight must be in [0, 1], got {description_weight}")
        if description_weight > 0 and not (
            index.rows.label_rows < len(index.rows) and index.covers_descriptions
        ):
            raise IndexBuildError(
                "extraction.description_weight > 0 needs the skills' descriptions in the index: "
                "index.kind = 'exact', 'hnsw' or 'ivf' (descriptions are indexed when the "
                "runtime is loaded with that weight)"
            )
        self.index = index
        self.description_weight = description_weight
        rows = index.rows
        self._row_weight = np.where(
            rows.kind == TextKind.DESCRIPTION, np.float32(description_weight), np.float32(1.0)
        ).astype(np.float32)

    def version(self) -> Hashable:
        return (self.index.key, self.description_weight)

    def candidates(
        self, vectors: np.ndarray, top_k: TopK, min_scores: np.ndarray | None = None
    ) -> list[list[Candidate]]:
        """See :meth:`Retriever.candidates`. With ``min_scores`` a search can stop early: rows
        come sorted, so once a fetched row scores below the minimum no unseen row can reach it.
        """
        if len(vectors) == 0:
            return []
        labels_only = self.description_weight == 0.0
        wanted = per_query(top_k, len(vectors))
        deepest = int(wanted.max())
        k_rows = _MIN_ROWS if min_scores is not None else max(_MIN_ROWS, deepest * _ROWS_PER_SKILL)
        results: list[list[Candidate] | None] = [None] * len(vectors)
        pending = np.arange(len(vectors))
        limit = self.index.rows.label_rows if labels_only else len(self.index)
        while len(pending):
            scores, rows = self.index.search(vectors[pending], k_rows, labels_only=labels_only)
            retry = []
            for position, query in enumerate(pending):
                found = self._aggregate(scores[position], rows[position], int(wanted[query]))
                # Too few distinct skills among the rows fetched: fetch more for this query,
                # unless the rows already fell below the score that matters.
                floor = None if min_scores is None else float(min_scores[query])
                reachable = floor is None or scores[position][-1] >= floor
                if len(found) < wanted[query] and k_rows < limit and reachable:
                    retry.append(query)
                else:
                    results[query] = [c for c in found if floor is None or c.score >= floor]
            pending = np.array(retry, dtype=np.int64)
            k_rows = min(k_rows * 4, limit)
        return [r or [] for r in results]

    def _aggregate(self, scores: np.ndarray, rows: np.ndarray, top_k: int) -> list[Candidate]:
        """The best row of each skill among ``rows``, best skills first."""
        valid = rows >= 0
        rows = rows[valid]
        weighted = scores[valid] * self._row_weight[rows]
        if self.description_weight not in (0.0, 1.0):
            order = np.argsort(-weighted, kind="stable")
            rows, weighted = rows[order], weighted[order]
        # Rows are sorted best first, so a skill's first row is its best one.
        skills = self.index.rows.skill[rows]
        _, first = np.unique(skills, return_index=True)
        first.sort()
        first = first[:top_k]
        uris = self.index.rows.skill_uris
        kinds = self.index.rows.kind
        return [
            Candidate(uris[skill], score, row, _KINDS[kind])
            for skill, score, row, kind in zip(
                skills[first].tolist(),
                weighted[first].tolist(),
                rows[first].tolist(),
                kinds[rows[first]].tolist(),
                strict=True,
            )
        ]


def merge_weighted(
    owners: Sequence[int],
    factors: Sequence[float],
    found: Sequence[Sequence[Candidate]],
    units: int,
    top_k: int,
    min_score: float | None = None,
) -> list[list[Candidate]]:
    """Per unit (a sentence), the best weighted candidate of each skill over its queries.

    Query ``i`` belongs to unit ``owners[i]`` and its scores count ``factors[i]`` of their
    cosine (a phrase counts less than its sentence); ``found[i]`` are its candidates.
    """
    # skill -> (weighted score, candidate, factor); weighted candidates only for the winners.
    best: list[dict[str, tuple[float, Candidate, float]]] = [{} for _ in range(units)]
    for owner, factor, candidates in zip(owners, factors, found, strict=True):
        held = best[owner]
        for candidate in candidates:
            score = candidate.score * factor
            if min_score is not None and score < min_score:
                break  # candidates are sorted best first
            current = held.get(candidate.skill_uri)
            if current is None or score > current[0]:
                held[candidate.skill_uri] = (score, candidate, factor)
    return [
        [c.weighted(f) for _, c, f in sorted(b.values(), key=lambda e: -e[0])[:top_k]] for b in best
    ]
