"""Fit the ranking modes' re-ranker (:mod:`skillgraph.reranking`) on annotated sentences.

Each sentence is ranked as the ranking mode ranks it (the sentence and its phrases, through the
configured index, encoder and example memory, no re-ranking) to the re-ranker's depth; every
candidate is an example, positive when it is one of the sentence's gold skills. The L2
strength is chosen by repeated K-fold cross-validation over sentences, pooled across the given
sets (a single small set is too noisy to choose on), and those cross-validated figures are
written into the JSON document with the model, which is then fitted on every sentence.

    skillgraph fit-reranker  # HOUSE + TECH validation, into the shipped re-ranker's place
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from skillgraph.reranking import DEFAULT_DEPTH, RankFeatures, RerankerModel
from skillgraph.runtime import SkillGraph
from training.calibration import fit_logistic
from training.evaluation import BenchmarkSentence, RankingScores, score_rankings

log = logging.getLogger(__name__)

# L2 strengths on standardised features tried by cross-validation (sklearn's C = 1 / l2).
DEFAULT_L2 = (1.0, 10.0, 100.0)


@dataclass(frozen=True)
class RankedSentence:
    """A sentence's candidates in cosine order: their features and which are gold."""

    sentence: BenchmarkSentence
    uris: tuple[str, ...]
    features: np.ndarray  # candidates x RANK_FEATURES
    gold: np.ndarray  # bool per candidate


@dataclass(frozen=True)
class CrossValidated:
    l2: float
    before: RankingScores  # the cosine order
    after: RankingScores  # re-ranked by models fitted without the sentence
    spread: float  # standard deviation of RP@5 over the repeats
    before_by_set: dict[str, RankingScores]
    after_by_set: dict[str, RankingScores]


def ranked_sentences(
    graph: SkillGraph, sentences: Sequence[BenchmarkSentence], depth: int = DEFAULT_DEPTH
) -> list[RankedSentence]:
    """Every sentence's best ``depth`` candidates, as the ranking mode finds them."""
    if graph.extractor.reranker is not None:
        raise ValueError("rank with extraction.reranker = '' to fit a re-ranker")
    features = RankFeatures(graph.index.rows)
    found = graph.extractor.rank_sentences([s.sentence for s in sentences], depth)
    return [
        RankedSentence(
            sentence=sentence,
            uris=tuple(c.skill_uri for c in candidates),
            features=features(sentence.sentence, candidates),
            gold=np.array([c.skill_uri in sentence.gold_uris for c in candidates], dtype=bool),
        )
        for sentence, candidates in zip(sentences, found, strict=True)
    ]


def _fit(ranked: Sequence[RankedSentence], l2: float):
    x = np.vstack([r.features for r in ranked])
    y = np.concatenate([r.gold for r in ranked]).astype(float)
    return fit_logistic(x, y, np.ones(len(y)), l2=l2)


def _reordered(model, ranked: RankedSentence) -> list[str]:
    order = np.argsort(-model.probability(ranked.features), kind="stable")
    return [ranked.uris[i] for i in order]


def cross_validate(
    ranked: Sequence[RankedSentence],
    sets: Sequence[str],
    l2: float,
    folds: int = 5,
    repeats: int = 10,
    seed: int = 13,
) -> CrossValidated:
    """RP@5/RP@10/MRR with every sentence re-ranked by a model fitted on the other folds,
    averaged over ``repeats`` random splits; pooled and per set (``sets``: each sentence's)."""
    names = list(dict.fromkeys(sets))
    runs: dict[str | None, list[RankingScores]] = {name: [] for name in [None, *names]}
    for repeat in range(repeats):
        fold_of = np.random.default_rng(seed + repeat).permutation(len(ranked)) % folds
        rankings: list[list[str]] = [[] for _ in ranked]
        for fold in range(folds):
            model = _fit([r for r, f in zip(ranked, fold_of, strict=True) if f != fold], l2)
            for i in np.flatnonzero(fold_of == fold).tolist():
                rankings[i] = _reordered(model, ranked[i])
        for name in runs:
            chosen = [i for i, s in enumerate(sets) if name is None or s == name]
            runs[name].append(
                score_rankings([rankings[i] for i in chosen], [ranked[i].sentence for i in chosen])
            )

    def mean(found: list[RankingScores]) -> RankingScores:
        return RankingScores(
            float(np.mean([r.rp5 for r in found])),
            float(np.mean([r.rp10 for r in found])),
            float(np.mean([r.mrr for r in found])),
            found[0].sentences,
        )

    def cosine(name: str | None) -> RankingScores:
        chosen = [r for r, s in zip(ranked, sets, strict=True) if name is None or s == name]
        return score_rankings([list(r.uris) for r in chosen], [r.sentence for r in chosen])

    return CrossValidated(
        l2=l2,
        before=cosine(None),
        after=mean(runs[None]),
        spread=float(np.std([r.rp5 for r in runs[None]])),
        before_by_set={name: cosine(name) for name in names},
        after_by_set={name: mean(runs[name]) for name in names},
    )


def fit_reranker(
    graph: SkillGraph,
    sets: Mapping[str, Sequence[BenchmarkSentence]],
    depth: int = DEFAULT_DEPTH,
    l2_grid: Sequence[float] = DEFAULT_L2,
    folds: int = 5,
    repeats: int = 10,
) -> RerankerModel:
    """The re-ranker fitted on every sentence of ``sets`` at the L2 strength that
    cross-validates best (pooled RP@5, then MRR), with its figures in the details."""
    empty = sorted(name for name, sentences in sets.items() if not sentences)
    if empty:
        raise ValueError(f"no sentences in {', '.join(empty)}: nothing to fit a re-ranker on")
    ranked = {name: ranked_sentences(graph, sentences, depth) for name, sentences in sets.items()}
    pooled = [r for found in ranked.values() for r in found]
    names = [name for name, found in ranked.items() for _ in found]
    if not any(r.gold.any() for r in pooled):
        raise ValueError("no gold skill among the candidates: nothing to fit a re-ranker on")
    trials = [cross_validate(pooled, names, l2, folds, repeats) for l2 in l2_grid]
    for trial in trials:
        log.info(
            "l2 %g: cross-validated %s (cosine order %s)",
            trial.l2,
            trial.after.as_percentages(),
            trial.before.as_percentages(),
        )
    best = max(trials, key=lambda t: (round(t.after.rp5, 4), t.after.mrr))
    model = _fit(pooled, best.l2)
    return RerankerModel(
        model=model,
        depth=depth,
        encoder=graph.encoder.model_name,
        details={
            "fitted_on": {name: len(found) for name, found in ranked.items()},
            "memory": {
                "seed": graph.settings.memory.seed if graph.memory is not None else None,
                "examples": 0 if graph.memory is None else len(graph.memory),
            },
            "l2": best.l2,
            "cross_validation": {
                "folds": folds,
                "repeats": repeats,
                "cosine_order": best.before.as_percentages(),
                "reranked": best.after.as_percentages(),
                "by_set": {
                    name: {
                        "cosine_order": best.before_by_set[name].as_percentages(),
                        "reranked": best.after_by_set[name].as_percentages(),
                    }
                    for name in ranked
                },
                "rp5_spread": round(100 * best.spread, 1),
                "tried": {str(t.l2): t.after.as_percentages() for t in trials},
            },
        },
    )
