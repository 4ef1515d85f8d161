"""Fitting the re-ranker: cross-validation over sentences, on synthetic candidate lists."""

from __future__ import annotations

import numpy as np

from skillgraph.reranking import RANK_FEATURES
from training.evaluation import BenchmarkSentence
from training.reranking import RankedSentence, cross_validate

OVERLAP = RANK_FEATURES.index("overlap")


def _sentences(count: int, seed: int = 0) -> list[RankedSentence]:
    """Ten candidates each, in cosine order; the gold one sits at a random rank and is the only
    one whose label's words are all in the sentence."""
    rng = np.random.default_rng(seed)
    found = []
    for n in range(count):
        uris = tuple(f"skill/{n}/{i}" for i in range(10))
        gold = int(rng.integers(0, 10))
        features = np.zeros((10, len(RANK_FEATURES)))
        features[:, 0] = np.linspace(0.9, 0.5, 10)  # score
        features[:, OVERLAP] = rng.uniform(0, 0.3, 10)
        features[gold, OVERLAP] = 1.0
        sentence = BenchmarkSentence(f"sentence {n}", ("gold",), frozenset({uris[gold]}))
        found.append(RankedSentence(sentence, uris, features, np.arange(10) == gold))
    return found


def test_cross_validation_finds_what_predicts_the_gold_skill():
    ranked = _sentences(40)
    sets = ["a"] * 20 + ["b"] * 20
    result = cross_validate(ranked, sets, l2=1.0, folds=4, repeats=2)
    assert result.after.rp5 == result.after.mrr == 1.0  # held-out folds, re-ranked: first
    assert result.before.mrr < 0.5  # the cosine order puts it anywhere
    assert set(result.after_by_set) == set(result.before_by_set) == {"a", "b"}
    assert result.after_by_set["a"].sentences == 20
    assert result.spread == 0.0


def test_repeats_are_seeded():
    ranked = _sentences(15, seed=1)
    first = cross_validate(ranked, ["a"] * 15, l2=100.0, folds=3, repeats=3)
    assert cross_validate(ranked, ["a"] * 15, l2=100.0, folds=3, repeats=3) == first
