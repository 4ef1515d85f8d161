"""Retrieval augmentation (after NNOSE, Zhang et al. EACL 2024): the stored examples nearest to a
query vote for the skills they were labelled with, and the votes move the index's scores.

For a query, the ``k`` nearest examples with cosine at least ``min_similarity`` get softmax
weights ``w_i ∝ exp(s_i / T)``. For a skill, ``p⁺`` is the weight of the examples labelled with
it and ``s⁺`` the cosine of the closest of them; ``p⁻`` and ``s⁻`` likewise for examples that
name it as a negative. With ``λ`` the memory weight and ``c`` the index cosine::

    score = c + λ·p⁺·max(0, s⁺ - c) - λ·p⁻·s⁻

A positive vote interpolates the score towards the similarity of the supporting example, as if
the example were one more label of the skill, weighted by how much of the neighbourhood agrees
and by λ; it never lowers a score. A negative vote subtracts in proportion to how close the
negating example is. Skills no example votes on keep their cosine exactly, so an empty memory,
or one with nothing near the text, changes nothing, and scores stay on the cosine scale that
``extraction.min_score`` is chosen on.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from skillgraph.config import ConfigError, MemorySettings
from skillgraph.index import SkillIndex
from skillgraph.memory.label_scores import SkillLabelScorer
from skillgraph.memory.memory import ExampleMemory
from skillgraph.memory.neighbours import Neighbour
from skillgraph.records import Evidence
from skillgraph.retrieval import Candidate, Retriever, TopK, per_query


@dataclass(slots=True)
class SkillSupport:
    """The votes of one query's neighbours on one skill."""

    positive: float = 0.0  # softmax weight of the examples expressing the skill
    positive_similarity: float = 0.0  # cosine of the closest of them
    negative: float = 0.0
    negative_similarity: float = 0.0
    supporters: list[Neighbour] = field(default_factory=list)


def skill_support(neighbours: Sequence[Neighbour], temperature: float) -> dict[str, SkillSupport]:
    """Votes per skill URI of ``neighbours`` (most similar first)."""
    if not neighbours:
        return {}
    similarities = np.array([n.similarity for n in neighbours], dtype=np.float64)
    weights = np.exp((similarities - similarities.max()) / temperature)
    weights /= weights.sum()
    support: dict[str, SkillSupport] = {}
    for neighbour, weight in zip(neighbours, weights, strict=True):
        for uri in neighbour.example.skills:
            held = support.setdefault(uri, SkillSupport())
            held.positive += float(weight)
            held.positive_similarity = max(held.positive_similarity, neighbour.similarity)
            held.supporters.append(neighbour)
        for uri in neighbour.example.negatives:
            held = support.setdefault(uri, SkillSupport())
            held.negative += float(weight)
            held.negative_similarity = max(held.negative_similarity, neighbour.similarity)
    return support


def memory_score(cosine: float, support: SkillSupport, weight: float) -> float:
    """The interpolated score (see the module docstring)."""
    raised = weight * support.positive * max(0.0, support.positive_similarity - cosine)
    lowered = weight * support.negative * support.negative_similarity
    return cosine + raised - lowered


class MemoryRetriever:
    """A :class:`~skillgraph.retrieval.Retriever` whose candidates the example memory
    re-scores; a candidate the votes raised carries its supporting examples as evidence."""

    def __init__(
        self,
        retriever: Retriever,
        memory: ExampleMemory,
        settings: MemorySettings,
        scorer: SkillLabelScorer | None = None,
    ) -> None:
        """``scorer`` lets retrievers with other settings share one cache of label vectors."""
        if settings.k < 1 or settings.temperature <= 0 or not 0 <= settings.weight <= 1:
            raise ConfigError(
                "memory settings need k >= 1, temperature > 0 and 0 <= weight <= 1; got k = "
                f"{settings.k}, temperature = {settings.temperature}, weight = {settings.weight}"
            )
        self.retriever = retriever
        self.memory = memory
        self.settings = settings
        index = retriever.index
        same_encoder = (index.key.encoder, index.key.fingerprint) == (
            memory.encoder.name,
            memory.encoder.fingerprint,
        )
        self.scorer = scorer or SkillLabelScorer(
            index.rows,
            memory.encoder,
            retriever.description_weight,
            index.vectors if same_encoder else None,
        )

    @property
    def index(self) -> SkillIndex:
        return self.retriever.index

    @property
    def description_weight(self) -> float:
        return self.retriever.description_weight

    def version(self) -> Hashable:
        """The index's, and the datastore's generation: any write may change results."""
        return (self.retriever.version(), self.memory.store.generation())

    def candidates(
        self, vectors: np.ndarray, top_k: TopK, min_scores: np.ndarray | None = None
    ) -> list[list[Candidate]]:
        neighbour_index = self.memory.neighbour_index()
        if not len(neighbour_index) or not len(vectors):
            return self.retriever.candidates(vectors, top_k, min_scores)
        neighbours = neighbour_index.search(vectors, self.settings.k, self.settings.min_similarity)
        support = [skill_support(n, self.settings.temperature) for n in neighbours]
        wanted = per_query(top_k, len(vectors))
        # One more per negated skill: a skill pushed down must leave room for the next one.
        depths = [
            int(k) + sum(1 for s in votes.values() if s.negative)
            for k, votes in zip(wanted, support, strict=True)
        ]
        found = self.retriever.candidates(vectors, depths, min_scores)
        results = []
        for position, candidates in enumerate(found):
            floor = None if min_scores is None else float(min_scores[position])
            bound = floor
            if len(candidates) >= depths[position]:
                # Skills left out score at most the last one fetched; votes lift a skill to at
                # most its supporters' similarity, so one below both cannot enter.
                bound = max(-1.0 if floor is None else floor, candidates[-1].score)
            results.append(
                self._rescore(
                    vectors[position],
                    candidates,
                    support[position],
                    int(wanted[position]),
                    floor,
                    bound,
                )
            )
        return results

    def _rescore(
        self,
        query: np.ndarray,
        candidates: list[Candidate],
        support: dict[str, SkillSupport],
        top_k: int,
        floor: float | None,
        bound: float | None,
    ) -> list[Candidate]:
        """``candidates`` re-scored by the votes; skills missing from them are scored only when
        their supporters are at least as similar as ``bound``."""
        if not support:
            return candidates[:top_k]
        held: dict[str, Candidate] = {c.skill_uri: c for c in candidates}
        changed = False
        for uri, votes in support.items():
            candidate = held.get(uri)
            if candidate is None:
                # Not among the index's best: worth scoring only if the votes can lift it.
                if not votes.positive or (bound is not None and votes.positive_similarity < bound):
                    continue
                label = self.scorer.score(query, uri)
                if label is None:
                    continue
                candidate = Candidate(uri, label.score, label.row, label.kind)
            score = memory_score(candidate.score, votes, self.settings.weight)
            if score == candidate.score or (score < candidate.score and uri not in held):
                continue
            evidence = self._evidence(votes) if score > candidate.score else candidate.evidence
            held[uri] = Candidate(uri, score, candidate.row, candidate.kind, evidence)
            changed = True
        if not changed:
            return candidates[:top_k]
        ranked = sorted(held.values(), key=lambda c: -c.score)
        if floor is not None:
            ranked = [c for c in ranked if c.score >= floor]
        return ranked[:top_k]

    def _evidence(self, votes: SkillSupport) -> tuple[Evidence, ...]:
        supporters = sorted(votes.supporters, key=lambda n: -n.similarity)
        return tuple(
            Evidence(n.example.id, n.example.text, n.similarity)
            for n in supporters[: self.settings.max_evidence]
        )
