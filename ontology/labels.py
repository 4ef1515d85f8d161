"""Label normalisation, exact label lookup and ranked lexical label search."""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, Protocol, TypeVar

__all__ = ["LabelHit", "LabelIndex", "normalize_label", "tokenize"]

# "c++", "c#" and "f#" are skills; keep their trailing symbols as part of the token.
_TOKEN = re.compile(r"\w+[+#]*")

# Each match tier owns a band of scores so that any hit of a better tier outranks every hit of a
# worse one; within a band the position says how much of the label the query covers.
_EXACT_SCORE = 1.0
_PREFIX_BAND = (0.75, 0.95)
_ALL_TOKENS_BAND = (0.5, 0.7)
_PARTIAL_BAND = (0.05, 0.45)
# Shorter query tokens match whole tokens only: "it" or "c" as a prefix would match half the index.
_MIN_PREFIX_LEN = 3
# A query token found only as the prefix of a label token ("postgre" in "postgresql") counts half.
_PREFIX_CREDIT = 0.5


def normalize_label(text: str) -> str:
    """Canonical form for exact label matching: casefolded, commas removed, whitespace collapsed.

    Commas are deleted rather than replaced by a space because the skill-extraction benchmarks
    publish ESCO labels that way ("5,700 kg" becomes "5700 kg").
    """
    return " ".join(text.replace(",", "").casefold().split())


def tokenize(normalized: str) -> list[str]:
    """Word tokens of an already normalised label, in order (duplicates kept)."""
    return _TOKEN.findall(normalized)


class Labelled(Protocol):
    """What the index needs from a concept: its preferred and alternative labels."""

    @property
    def preferred_label(self) -> str: ...

    @property
    def alt_labels(self) -> tuple[str, ...]: ...


C = TypeVar("C", bound=Labelled)


@dataclass(frozen=True, slots=True)
class LabelHit(Generic[C]):
    """One ranked search result: a concept and the label of it that matched the query best."""

    concept: C
    matched_label: str
    score: float  # in [0, 1]; 1.0 exactly for a normalised exact match


@dataclass(frozen=True, slots=True)
class _Labels:
    """All labels of all concepts, flattened; a label id indexes every list."""

    owner: list[int]  # index of the concept in the index's concept sequence
    text: list[str]  # as published (stripped)
    norm: list[str]
    preferred: list[bool]
    by_norm: dict[str, list[int]]  # ids ascending, so preferred labels come before alt labels


@dataclass(slots=True)
class _Match:
    """How one label matches the query's distinct tokens."""

    exact_weight: float = 0.0  # summed IDF of the query tokens the label holds
    exact_count: int = 0  # how many query tokens the label holds
    prefix_weight: float = 0.0  # credit for query tokens found only as word prefixes


@dataclass(frozen=True, slots=True)
class _Inverted:
    """Token-level structures for ranked search."""

    tokens: list[tuple[str, ...]]  # per label id
    weight: list[float]  # per label id: summed IDF of its distinct tokens
    postings: dict[str, list[int]]  # token -> label ids holding it
    vocabulary: list[str]  # sorted, for prefix ranges
    idf: dict[str, float]
    unseen_idf: float  # a query token absent from every label is maximally specific

    def ids_with_token_prefix(self, prefix: str) -> set[int]:
        ids: set[int] = set()
        start = bisect_left(self.vocabulary, prefix)
        for token in self.vocabulary[start:]:
            if not token.startswith(prefix):
                break
            ids.update(self.postings[token])
        return ids


class LabelIndex(Generic[C]):
    """Exact and ranked lexical lookup over the preferred and alternative labels of concepts.

    Both structures are built on first use, so that loading a taxonomy stays cheap and processes
    that never search never pay for them. Concurrent first use may build twice; the results are
    identical and the last assignment wins, so no lock is needed.
    """

    def __init__(self, concepts: Sequence[C]) -> None:
        self._concepts = concepts

    def find(self, label: str) -> list[C]:
        """Concepts with ``label`` as a label after normalisation: preferred matches first."""
        labels = self._labels
        ids = labels.by_norm.get(normalize_label(label), [])
        # sorted() is stable: preferred labels first, each group in concept order.
        owners = dict.fromkeys(
            labels.owner[i] for i in sorted(ids, key=lambda i: not labels.preferred[i])
        )
        return [self._concepts[owner] for owner in owners]

    def search(self, query: str, limit: int = 10) -> list[LabelHit[C]]:
        """Rank concepts by their best-matching label; see :meth:`EscoTaxonomy.search_skills`."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        normalized = normalize_label(query)
        if not normalized:
            raise ValueError("search query is empty")
        labels, inverted = self._labels, self._inverted
        tokens = tuple(tokenize(normalized))
        weights = {t: inverted.idf.get(t, inverted.unseen_idf) for t in dict.fromkeys(tokens)}
        matches = self._match(weights)
        candidates = set(matches) | set(labels.by_norm.get(normalized, []))

        # owner -> (-score, is alt label, label length, label id): the smallest key is the best.
        best: dict[int, tuple[float, bool, int, int]] = {}
        for i in candidates:
            score = self._score(i, normalized, tokens, weights, matches.get(i))
            key = (-score, not labels.preferred[i], len(labels.text[i]), i)
            owner = labels.owner[i]
            if owner not in best or key < best[owner]:
                best[owner] = key
        ranked = heapq.nsmallest(limit, best.items(), key=lambda item: (item[1][:3], item[0]))
        return [
            LabelHit(self._concepts[owner], labels.text[key[3]], -key[0]) for owner, key in ranked
        ]

    def _match(self, weights: dict[str, float]) -> dict[int, _Match]:
        """Per label id holding any query token (or, for longer tokens, a word they begin)."""
        inverted = self._inverted
        matches: dict[int, _Match] = defaultdict(_Match)
        for token, weight in weights.items():
            holders = inverted.postings.get(token, [])
            for i in holders:
                match = matches[i]
                match.exact_weight += weight
                match.exact_count += 1
            if len(token) >= _MIN_PREFIX_LEN:
                for i in inverted.ids_with_token_prefix(token).difference(holders):
                    matches[i].prefix_weight += _PREFIX_CREDIT * weight
        return matches

    def _score(
        self,
        i: int,
        normalized: str,
        tokens: tuple[str, ...],
        weights: dict[str, float],
        match: _Match | None,
    ) -> float:
        if self._labels.norm[i] == normalized:
            return _EXACT_SCORE
        if match is None:  # only reachable through an exact match
            return 0.0
        label_weight = self._inverted.weight[i]
        if match.exact_count == len(weights):
            if self._inverted.tokens[i][: len(tokens)] == tokens:
                return _in_band(_PREFIX_BAND, sum(weights.values()) / label_weight)
            return _in_band(_ALL_TOKENS_BAND, match.exact_weight / label_weight)
        # Share of the query found, damped when the label has much else besides (the matched
        # query weight stands in for the weight of the label words it matched).
        matched = match.exact_weight + match.prefix_weight
        coverage = min(1.0, matched / label_weight)
        return _in_band(_PARTIAL_BAND, matched / sum(weights.values()) * (0.5 + 0.5 * coverage))

    @cached_property
    def _labels(self) -> _Labels:
        owner: list[int] = []
        text: list[str] = []
        preferred: list[bool] = []
        for index, concept in enumerate(self._concepts):
            if concept.preferred_label:
                owner.append(index)
                text.append(concept.preferred_label)
                preferred.append(True)
            for alt in concept.alt_labels:
                owner.append(index)
                text.append(alt)
                preferred.append(False)
        norm = [normalize_label(t) for t in text]
        by_norm: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(norm):
            by_norm[key].append(i)
        return _Labels(owner, text, norm, preferred, dict(by_norm))

    @cached_property
    def _inverted(self) -> _Inverted:
        norm = self._labels.norm
        tokens = [tuple(tokenize(n)) for n in norm]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, label_tokens in enumerate(tokens):
            for token in dict.fromkeys(label_tokens):
                postings[token].append(i)
        count = max(len(norm), 1)
        idf = {token: math.log1p(count / len(ids)) for token, ids in postings.items()}
        weight = [sum(idf[t] for t in set(label_tokens)) for label_tokens in tokens]
        return _Inverted(
            tokens=tokens,
            weight=weight,
            postings=dict(postings),
            vocabulary=sorted(postings),
            idf=idf,
            unseen_idf=math.log1p(count),
        )


def _in_band(band: tuple[float, float], fraction: float) -> float:
    low, high = band
    return low + (high - low) * min(max(fraction, 0.0), 1.0)
