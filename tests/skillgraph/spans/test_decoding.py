"""BIO probabilities back to character spans, with the real MiniLM tokenizer's offsets."""

from __future__ import annotations

import numpy as np
import pytest
from tokenizers import Tokenizer

from skillgraph.encoders import BASE_MODEL, resolve_model
from skillgraph.spans import decode_spans
from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    torch_dir = resolve_model(BASE_MODEL, tmp_path_factory.mktemp("d")).torch_dir
    return Tokenizer.from_file(str(torch_dir / "tokenizer.json"))


def probabilities(tags: list[int], sure: float = 0.9) -> np.ndarray:
    found = np.full((len(tags), 3), (1 - sure) / 2)
    found[np.arange(len(tags)), tags] = sure
    return found


def decode(tokenizer, text: str, word_tags: dict[str, int]):
    """Tag each sub-word: the first piece of a listed word as given, its other pieces I."""
    encoding = tokenizer.encode(text)
    tags, previous = [], None
    for token, word in zip(encoding.tokens, encoding.word_ids, strict=True):
        if word is None:
            tags.append(OUTSIDE)
        elif word == previous:
            tags.append(INSIDE if tags[-1] != OUTSIDE else OUTSIDE)
        else:
            tags.append(word_tags.get(token, OUTSIDE))
        previous = word
    return decode_spans(text, probabilities(tags), encoding.offsets, encoding.word_ids)


def test_spans_cover_whole_words_with_their_offsets(tokenizer):
    text = "Strong PostgreSQL and C++ skills required."
    spans = decode(tokenizer, text, {"post": BEGIN, "c": BEGIN, "+": INSIDE})
    assert [s.text for s in spans] == ["PostgreSQL", "C++"]
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.confidence == pytest.approx(0.95)


def test_a_stray_inside_opens_a_span_and_begin_splits_adjacent_ones(tokenizer):
    text = "Python Java testing"
    spans = decode(tokenizer, text, {"python": INSIDE, "java": BEGIN, "testing": INSIDE})
    assert [s.text for s in spans] == ["Python", "Java testing"]


def test_no_span_when_everything_is_outside(tokenizer):
    assert decode(tokenizer, "We offer free coffee.", {}) == []
