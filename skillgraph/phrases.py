"""Phrases of a sentence: the parts between list punctuation and coordinating words.

A sentence that names several skills ("experience with Python and PostgreSQL") embeds to a
vector near none of them; its phrases ("Python", "PostgreSQL") each embed near one. Querying
the index with the sentence and its phrases recovers both (see docs/benchmarks.md).
"""

from __future__ import annotations

import re

from skillgraph.segmentation import Sentence

_SEPARATORS = re.compile(
    r"\s*(?:[,;:/()\[\]|•]|\s[-\u2013\u2014]\s|\b(?:e\.g|i\.e)\.|"
    r"\b(?:and|or|with|including|such as|as well as|plus)\b)\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w{2,}")
_TRIM = " .!?\"'"


def phrases(sentence: Sentence) -> list[Sentence]:
    """The sentence's phrases (offsets in the same text as the sentence's), without repeats.

    A sentence with no separator has no phrases: it is its own only unit.
    """
    text = sentence.text
    found: list[Sentence] = []
    seen = {text.strip(_TRIM).casefold()}
    position = 0
    for separator in [*_SEPARATORS.finditer(text), None]:
        end = separator.start() if separator else len(text)
        start = position
        position = separator.end() if separator else len(text)
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        piece = text[start:end]
        key = piece.casefold()
        if _WORD.search(piece) and key not in seen:
            seen.add(key)
            found.append(Sentence(piece, sentence.start + start, sentence.start + end))
    return found
