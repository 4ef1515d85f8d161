"""Fast stand-ins for the models, for unit tests of the core's logic (milliseconds, no ONNX).

:class:`WordEncoder` embeds a text as the normalised sum of one fixed random vector per word,
so texts sharing words are similar and "Python" finds "Python (computer programming)".
:class:`WordReader` reads sentences the same way and marks as spans the words it is told are
skills. Both count their calls, so tests can see what the caches saved. The integration tests
use the real encoder and reader.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from skillgraph.encoders import Encoder
from skillgraph.reader import Reading
from skillgraph.spans import Span

_WORD = re.compile(r"\w+")
DIMENSION = 64


def _word_vector(word: str) -> np.ndarray:
    rng = np.random.default_rng(zlib.crc32(word.lower().encode()))
    return rng.standard_normal(DIMENSION).astype(np.float32)


def embed(text: str) -> np.ndarray:
    words = _WORD.findall(text)
    vector = sum((_word_vector(w) for w in words), np.zeros(DIMENSION, np.float32))
    norm = np.linalg.norm(vector)
    return (vector / norm if norm else vector).astype(np.float32)


class WordEncoder(Encoder):
    name = "fake-words"
    dimension = DIMENSION
    fingerprint = "words-v1"

    def __init__(self) -> None:
        self.texts_encoded = 0

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        return np.stack([embed(t) for t in texts])


class WordReader:
    """A reader whose spans are the listed skill words found in a sentence."""

    name = "fake-reader"
    fingerprint = "reader-v1"
    uncased = True

    def __init__(self, skill_words: Sequence[str]) -> None:
        self.skill_words = {w.lower() for w in skill_words}
        self.sentences_read = 0

    def read(self, sentences: Sequence[str]) -> list[Reading]:
        self.sentences_read += len(sentences)
        readings = []
        for text in sentences:
            spans = tuple(
                Span(m.start(), m.end(), m.group(), 0.9)
                for m in _WORD.finditer(text)
                if m.group().lower() in self.skill_words
            )
            readings.append(
                Reading(
                    vector=embed(text),
                    spans=spans,
                    peak=0.9 if spans else 0.1,
                    span_vectors=np.stack([embed(s.text) for s in spans])
                    if spans
                    else np.zeros((0, DIMENSION), np.float32),
                )
            )
        return readings
