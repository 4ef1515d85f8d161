"""Whole job ads with gold ESCO skills, for posting-level evaluation of extraction.

The sentence benchmarks (Decorte et al.) annotate only sentences that hold a skill span, and
those sentences are not the ones of the SkillSpan postings we have. An ad is therefore assembled
from a real SkillSpan posting: its sentences with no skill or knowledge span (per SkillSpan's
annotators) are kept as they are, and each sentence that has a span is replaced, in order, by the
next annotated benchmark sentence. The ad reads like a real posting (most sentences name no
skill) and its gold is the union of the ESCO skills annotated on the benchmark sentences in it.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ontology import EscoTaxonomy
from training.evaluation import BenchmarkSentence, map_label
from training.span_data import TaggedSentence, read_tagged


@dataclass(frozen=True, slots=True)
class AssembledAd:
    id: str
    sentences: tuple[str, ...]
    gold: frozenset[str]  # mapped skill URIs, and "label:<label>" for labels that map to none
    annotated: tuple[str, ...]  # the benchmark sentences placed in the ad

    @property
    def text(self) -> str:
        return "\n".join(self.sentences)


@dataclass(frozen=True, slots=True)
class SetCounts:
    true_positives: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def percentages(self) -> list[float]:
        return [round(100 * v, 1) for v in (self.precision, self.recall, self.f1)]


def set_counts(predicted: Sequence[Iterable[str]], gold: Sequence[frozenset[str]]) -> SetCounts:
    """Micro counts of predicted skill sets against gold sets (unmapped gold always missed)."""
    tp = n_pred = n_gold = 0
    for chosen, wanted in zip(predicted, gold, strict=True):
        chosen = set(chosen)
        tp += len(chosen & wanted)
        n_pred += len(chosen)
        n_gold += len(wanted)
    return SetCounts(tp, n_pred, n_gold)


def gold_set(sentence: BenchmarkSentence, taxonomy: EscoTaxonomy) -> frozenset[str]:
    """A benchmark sentence's gold: its URIs, and its labels that map to no skill."""
    found = set()
    for label in sentence.gold_labels:
        uri = map_label(taxonomy, label)
        found.add(uri or f"label:{label}")
    return frozenset(found)


def read_postings(path: Path, source: str | None = None) -> list[list[TaggedSentence]]:
    """SkillSpan sentences grouped by posting (``source``, ``idx``), in file order."""
    postings: dict[tuple[str, int], list[TaggedSentence]] = collections.OrderedDict()
    for sentence in read_tagged(path):
        postings.setdefault((sentence.source, sentence.posting), []).append(sentence)
    return list(postings.values())


def assemble_ads(
    postings: Sequence[Sequence[TaggedSentence]],
    annotated: Sequence[BenchmarkSentence],
    taxonomy: EscoTaxonomy,
    prefix: str,
) -> list[AssembledAd]:
    """Ads from ``postings`` until the annotated sentences run out (a posting that cannot be
    completed is left out)."""
    queue = collections.deque(annotated)
    ads = []
    for number, posting in enumerate(postings):
        need = sum(1 for s in posting if s.spans)
        if not need:
            continue
        if need > len(queue):
            break
        sentences: list[str] = []
        gold: set[str] = set()
        placed: list[str] = []
        for sentence in posting:
            if sentence.spans:
                bench = queue.popleft()
                sentences.append(bench.sentence)
                gold |= gold_set(bench, taxonomy)
                placed.append(bench.sentence)
            else:
                sentences.append(" ".join(sentence.tokens))
        ads.append(
            AssembledAd(f"{prefix}-{number}", tuple(sentences), frozenset(gold), tuple(placed))
        )
    return ads
