"""Per-token BIO probabilities back to character spans of the sentence.

A word (the tokenizer's pre-token: letters and digits, or one punctuation mark) takes the tag of
its first sub-word, as in training; a span runs from a ``B`` (or an ``I`` with no open span) to
the last ``I`` after it, and covers its words' characters whole.

Word tags are either each word's most probable tag (``"argmax"``) or the most probable sequence
that BIO allows (``"viterbi"``: no ``I`` straight after an ``O`` or at the start), which weighs
a word's neighbours instead of repairing a stray ``I`` into a span on its own.
"""

from __future__ import annotations

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

# log P(next | previous) is 0 where BIO allows the step, -inf where it does not.
_FORBIDDEN = -np.inf
_TRANSITIONS = np.zeros((3, 3))
_TRANSITIONS[OUTSIDE, INSIDE] = _FORBIDDEN
_START = np.array([0.0, 0.0, _FORBIDDEN])  # by label: O, B, I


def viterbi_tags(word_probabilities: np.ndarray) -> list[int]:
    """The most probable BIO-valid tag sequence for words x labels probabilities."""
    if not len(word_probabilities):
        return []
    emissions = np.log(np.clip(word_probabilities, 1e-12, 1.0))
    score = _START + emissions[0]
    back = np.zeros((len(emissions), 3), dtype=np.int64)
    for position in range(1, len(emissions)):
        steps = score[:, None] + _TRANSITIONS  # previous x next
        back[position] = np.argmax(steps, axis=0)
        score = steps[back[position], np.arange(3)] + emissions[position]
    tags = [int(np.argmax(score))]
    for position in range(len(emissions) - 1, 0, -1):
        tags.append(int(back[position, tags[-1]]))
    return tags[::-1]


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
    words: list[list[int]] = []  # token positions of each word, in order
    last = None
    for position, word in enumerate(word_ids):
        if word is None:
            continue
        if word != last:
            words.append([])
            last = word
        words[-1].append(position)
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
