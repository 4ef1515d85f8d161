"""Per-token BIO probabilities back to character spans of the sentence.

A word (the tokenizer's pre-token: letters and digits, or one punctuation mark) takes the tag of
its first sub-word, as in training; a span runs from a ``B`` (or an ``I`` with no open span) to
the last ``I`` after it, and covers its words' characters whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE


@dataclass(frozen=True, slots=True)
class Span:
    """A skill or knowledge span of a sentence: character offsets in it, and the tagger's
    confidence (mean probability of "inside a span" over its sub-words)."""

    start: int
    end: int
    text: str
    confidence: float


def decode_spans(
    text: str,
    probabilities: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    min_confidence: float = 0.0,
) -> list[Span]:
    """Spans of ``text`` from its tokens' label probabilities (tokens x labels)."""
    words: list[list[int]] = []  # token positions of each word, in order
    last = None
    for position, word in enumerate(word_ids):
        if word is None:
            continue
        if word != last:
            words.append([])
            last = word
        words[-1].append(position)
    tags = [int(np.argmax(probabilities[tokens[0]])) for tokens in words]
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
