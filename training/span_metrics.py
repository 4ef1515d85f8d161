"""Span-F1, strict (exact boundaries) and loose (any token overlap), micro over sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class SpanScores:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _f1(true_pred: int, true_gold: int, predicted: int, gold: int) -> SpanScores:
    precision = true_pred / predicted if predicted else 0.0
    recall = true_gold / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SpanScores(precision, recall, f1)


def _overlaps(span: Span, others: Sequence[Span]) -> bool:
    return any(span[0] < o[1] and o[0] < span[1] for o in others)


def span_f1(
    gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]]
) -> dict[str, SpanScores]:
    """``{"strict": ..., "loose": ...}`` over aligned per-sentence span lists.

    Loose: a predicted span counts as right when it overlaps a gold span, and a gold span as
    found when a predicted span overlaps it.
    """
    exact = n_gold = n_pred = loose_pred = loose_gold = 0
    for gold_spans, pred_spans in zip(gold, predicted, strict=True):
        n_gold += len(gold_spans)
        n_pred += len(pred_spans)
        exact += len(set(gold_spans) & set(pred_spans))
        loose_pred += sum(_overlaps(p, gold_spans) for p in pred_spans)
        loose_gold += sum(_overlaps(g, pred_spans) for g in gold_spans)
    return {
        "strict": _f1(exact, exact, n_pred, n_gold),
        "loose": _f1(loose_pred, loose_gold, n_pred, n_gold),
    }


def token_spans(tokens: Sequence[str], char_spans: Sequence[tuple[int, int]]) -> list[Span]:
    """Character spans of ``" ".join(tokens)`` as (first, last + 1) token positions: every
    token a span overlaps is in it."""
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    found = []
    for start, end in char_spans:
        inside = [i for i, s in enumerate(starts) if s < end and start < s + len(tokens[i])]
        if inside:
            found.append((inside[0], inside[-1] + 1))
    return found
