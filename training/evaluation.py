"""Sentence -> ESCO ranking benchmark (Decorte et al.): loading and RP@K / MRR.

Standard protocol: drop ``LABEL NOT PRESENT`` / ``UNDERSPECIFIED``, drop sentences with no label
left, rank all ESCO skills for each sentence.
``RP@K`` = mean over sentences of (gold skills in the top K) / min(K, number of gold skills);
``MRR`` = mean reciprocal rank of the first gold skill.

Gold labels are ESCO v1.1.0 preferred labels. They are mapped to skills of the loaded release by
normalised preferred label, then by alt label (renamed concepts keep their old name as an alt
label). A label that maps to nothing still counts as gold, so it can only lower the scores.
Rankings are cut at ``depth`` skills; a gold skill ranked below it adds 0 to MRR (at most
1/depth per sentence).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ontology import EscoTaxonomy

SPECIAL_LABELS = frozenset({"LABEL NOT PRESENT", "UNDERSPECIFIED"})
DEFAULT_DEPTH = 100


@dataclass(frozen=True, slots=True)
class BenchmarkSentence:
    sentence: str
    gold_labels: tuple[str, ...]
    gold_uris: frozenset[str]  # the labels that map to skills of the loaded release


@dataclass(frozen=True, slots=True)
class SetScores:
    threshold: float
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class RankingScores:
    rp5: float
    rp10: float
    mrr: float
    sentences: int

    def as_percentages(self) -> dict[str, float]:
        return {
            "RP@5": round(100 * self.rp5, 1),
            "RP@10": round(100 * self.rp10, 1),
            "MRR": round(self.mrr, 3),
        }


def map_label(taxonomy: EscoTaxonomy, label: str) -> str | None:
    """The URI of the skill whose preferred (else alt) label is ``label``, if any."""
    matches = taxonomy.find_skills_by_label(label)
    return matches[0].uri if matches else None


def load_benchmark(
    path: Path, taxonomy: EscoTaxonomy, include_empty: bool = False
) -> list[BenchmarkSentence]:
    """Sentences with gold labels mapped to URIs.

    By the ranking protocol only sentences with at least one real label are kept;
    ``include_empty`` keeps the others too (set protocol: they should get no skill).
    """
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            labels = tuple(
                dict.fromkeys(
                    label for label in record["gold_esco_labels"] if label not in SPECIAL_LABELS
                )
            )
            if not labels and not include_empty:
                continue
            uris = frozenset(u for u in (map_label(taxonomy, label) for label in labels) if u)
            sentences.append(BenchmarkSentence(record["sentence"], labels, uris))
    return sentences


def unmapped_labels(sentences: Sequence[BenchmarkSentence], taxonomy: EscoTaxonomy) -> list[str]:
    labels = {label for s in sentences for label in s.gold_labels}
    return sorted(label for label in labels if map_label(taxonomy, label) is None)


def score_rankings(
    rankings: Sequence[Sequence[str]], sentences: Sequence[BenchmarkSentence]
) -> RankingScores:
    """RP@5, RP@10 and MRR of ranked skill URIs against each sentence's gold."""
    if len(rankings) != len(sentences):
        raise ValueError(f"{len(rankings)} rankings for {len(sentences)} sentences")
    if not sentences:
        raise ValueError("no benchmark sentences to score")
    rp = {5: 0.0, 10: 0.0}
    mrr = 0.0
    for ranking, sentence in zip(rankings, sentences, strict=True):
        n_gold = len(sentence.gold_labels)
        for k in rp:
            hits = len(sentence.gold_uris.intersection(ranking[:k]))
            rp[k] += hits / min(k, n_gold)
        rank = next((i for i, uri in enumerate(ranking, 1) if uri in sentence.gold_uris), None)
        mrr += 1 / rank if rank else 0.0
    n = len(sentences)
    return RankingScores(rp[5] / n, rp[10] / n, mrr / n, n)


RankFunction = Callable[[Sequence[str], int], list[list[str]]]


def evaluate_ranking(
    rank: RankFunction, sentences: Sequence[BenchmarkSentence], depth: int = DEFAULT_DEPTH
) -> RankingScores:
    """Score ``rank(sentences, depth)``, a function returning ranked URIs per sentence."""
    rankings = rank([s.sentence for s in sentences], depth)
    return score_rankings(rankings, sentences)


def set_scores(
    predictions: Sequence[Sequence[tuple[str, float]]],
    sentences: Sequence[BenchmarkSentence],
    thresholds: Sequence[float],
) -> list[SetScores]:
    """Micro precision / recall / F1 of "skills scoring at least t" for each threshold t.

    ``predictions`` are (uri, score) pairs per sentence, deep enough that no skill above the
    lowest threshold is missing. Gold labels that map to no skill count as missed.
    """
    results = []
    for threshold in thresholds:
        tp = fp = fn = 0
        for predicted, sentence in zip(predictions, sentences, strict=True):
            chosen = {uri for uri, score in predicted if score >= threshold}
            hits = len(chosen & sentence.gold_uris)
            tp += hits
            fp += len(chosen) - hits
            fn += len(sentence.gold_labels) - hits
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        results.append(SetScores(threshold, precision, recall, f1))
    return results
