"""Per-token BIO probabilities back to character spans of the sentence.

A word (the tokenizer's pre-token: letters and digits, or one punctuation mark) takes the tag of
its first sub-word, as in training; a span runs from a ``B`` (or an ``I`` with no open span) to
the last ``I`` after it, and covers its words' characters whole.

Word tags are either each word's most probable tag (``"argmax"``) or the most probable sequence
that BIO allows (``"viterbi"``: no ``I`` straight after an ``O`` or at the start), which weighs
a word's neighbours instead of repairing a stray ``I`` into a span on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from skillgraph.records import SCORE_DECIMALS
from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE


@dataclass(frozen=True, slots=True)
class Span:
    """A skill or knowledge span of a sentence: character offsets in it, and the tagger's
    confidence (mean probability of "inside a span" over its sub-words)."""

    start: int
    end: int
    text: str
    confidence: float

    def shifted(self, offset: int) -> Span:
        """The same span with offsets in a text its sentence starts ``offset`` into."""
        return Span(self.start + offset, self.end + offset, self.text, self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "confidence": round(self.confidence, SCORE_DECIMALS),
        }


DECODINGS = ("argmax", "viterbi")
# Viterbi: strict span-F1 on the three span sets' dev splits 42.5 / 34.2 / 75.2, against
# 37.6 / 29.2 / 71.4 for argmax, with the same probabilities (docs/benchmarks.md).
DEFAULT_DECODING = "viterbi"


def viterbi_tags(word_probabilities: np.ndarray) -> list[int]:
    """The most probable BIO-valid tag sequence for words x labels probabilities.

    BIO forbids only ``I`` first or after ``O``, so each step is two maxima: ``O`` and ``B``
    may follow anything, ``I`` only ``B`` or ``I``. Plain floats: with three labels a numpy
    call per word costs far more than the arithmetic (0.32 ms a sentence against 0.02).
    """
    if not len(word_probabilities):
        return []
    emissions = np.log(np.clip(word_probabilities, 1e-12, 1.0)).tolist()
    outside, begin, _ = emissions[0]
    inside = -math.inf
    back: list[tuple[int, int]] = []  # per word after the first: best previous of O/B, of I
    for e_outside, e_begin, e_inside in emissions[1:]:
        best_any = max((outside, OUTSIDE), (begin, BEGIN), (inside, INSIDE))
        best_open = max((begin, BEGIN), (inside, INSIDE))
        back.append((best_any[1], best_open[1]))
        outside = best_any[0] + e_outside
        begin = best_any[0] + e_begin
        inside = best_open[0] + e_inside
    tag = max((outside, OUTSIDE), (begin, BEGIN), (inside, INSIDE))[1]
    tags = [tag]
    for from_any, from_open in reversed(back):
        tag = from_open if tag == INSIDE else from_any
        tags.append(tag)
    return tags[::-1]


def first_sub_words(word_ids: Sequence[int | None]) -> list[int]:
    """Positions of each word's first sub-word: the ones whose tags decoding reads."""
    return [
        position
        for position, word in enumerate(word_ids)
        if word is not None and (position == 0 or word_ids[position - 1] != word)
    ]


def decode_spans(
    text: str,
    probabilities: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    min_confidence: float = 0.0,
    decoding: str = DEFAULT_DECODING,
) -> list[Span]:
    """Spans of ``text`` from its tokens' label probabilities (tokens x labels)."""
    if decoding not in DECODINGS:
        raise ValueError(f"decoding must be one of {DECODINGS}, got {decoding!r}")
    starts = first_sub_words(word_ids)
    ends = [*starts[1:], len(word_ids)][: len(starts)]  # none when there is no word
    words = [  # token positions of each word, in order
        [t for t in range(a, b) if word_ids[t] is not None]
        for a, b in zip(starts, ends, strict=True)
    ]
    first = probabilities[[tokens[0] for tokens in words]] if words else probabilities[:0]
    tags = viterbi_tags(first) if decoding == "viterbi" else np.argmax(first, axis=1).tolist()
    spans: list[Span] = []
    current: list[int] = []  # word numbers of the open span

    def close() -> None:
        if not current:
            return
        tokens = [t for w in current for t in words[w]]
        start = offsets[tokens[0]][0]
        end = offsets[tokens[-1]][1]
        inside = 1.0 - probabilities[tokens, OUTSIDE]
        confidence = float(np.mean(inside))
        if end > start and confidence >= min_confidence:
            spans.append(Span(start, end, text[start:end], confidence))
        current.clear()

    for number, tag in enumerate(tags):
        if tag == BEGIN or (tag == INSIDE and not current):
            close()
            current.append(number)
        elif tag == INSIDE:
            current.append(number)
        else:
            close()
    close()
    return spans
