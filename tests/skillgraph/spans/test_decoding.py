"""BIO probabilities back to character spans, with the real MiniLM tokenizer's offsets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tokenizers import Tokenizer

from skillgraph.encoders import BASE_MODEL, resolve_model
from skillgraph.spans import decode_spans
from skillgraph.spans.decoding import first_sub_words, viterbi_tags
from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    torch_dir = resolve_model(BASE_MODEL, tmp_path_factory.mktemp("d")).torch_dir
    return Tokenizer.from_file(str(torch_dir / "tokenizer.json"))


def probabilities(tags: list[int], sure: float = 0.9) -> np.ndarray:
    found = np.full((len(tags), 3), (1 - sure) / 2)
    found[np.arange(len(tags)), tags] = sure
    return found


def decode(tokenizer, text: str, word_tags: dict[str, int], decoding: str = "argmax"):
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
    return decode_spans(
        text, probabilities(tags), encoding.offsets, encoding.word_ids, decoding=decoding
    )


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


def test_viterbi_joins_a_span_across_a_word_argmax_barely_leaves_out(tokenizer):
    text = "manage large teams"
    encoding = tokenizer.encode(text)
    rows = {"manage": [0.05, 0.9, 0.05], "large": [0.5, 0.05, 0.45], "teams": [0.05, 0.05, 0.9]}
    found = np.array(
        [rows.get(token, [0.98, 0.01, 0.01]) for token in encoding.tokens], dtype=np.float64
    )
    spans = {
        decoding: [
            s.text
            for s in decode_spans(
                text, found, encoding.offsets, encoding.word_ids, decoding=decoding
            )
        ]
        for decoding in ("argmax", "viterbi")
    }
    assert spans == {"argmax": ["manage", "teams"], "viterbi": ["manage large teams"]}


def test_viterbi_tags_never_put_inside_after_outside_or_first():
    rng = np.random.default_rng(0)
    for length in (0, 1, 2, 7, 30):
        tags = viterbi_tags(rng.dirichlet(np.ones(3), size=length))
        assert len(tags) == length
        assert all(
            b != INSIDE for a, b in zip([OUTSIDE, *tags], tags, strict=False) if a == OUTSIDE
        )


def test_viterbi_finds_the_best_valid_sequence_that_enumeration_finds():
    rng = np.random.default_rng(1)

    def valid(tags) -> bool:
        return all(
            b != INSIDE for a, b in zip([OUTSIDE, *tags], tags, strict=False) if a == OUTSIDE
        )

    for length in range(1, 6):
        for _ in range(40):
            found = rng.dirichlet(np.full(3, 0.5), size=length)
            logs = np.log(found)
            best = max(
                (tags for tags in itertools.product(range(3), repeat=length) if valid(tags)),
                key=lambda tags: sum(logs[i, t] for i, t in enumerate(tags)),
            )
            assert viterbi_tags(found) == list(best)


def test_viterbi_keeps_a_valid_argmax_sequence():
    sure = probabilities([OUTSIDE, BEGIN, INSIDE, OUTSIDE, BEGIN, BEGIN, INSIDE])
    assert viterbi_tags(sure) == [OUTSIDE, BEGIN, INSIDE, OUTSIDE, BEGIN, BEGIN, INSIDE]


def test_an_unknown_decoding_is_refused(tokenizer):
    with pytest.raises(ValueError, match="decoding must be one of"):
        decode(tokenizer, "Python", {}, decoding="greedy")


def test_first_sub_words_are_where_each_word_starts():
    # [CLS] "java" "##script" "and" "sql" [SEP] [PAD]
    assert first_sub_words([None, 0, 0, 1, 2, None, None]) == [1, 3, 4]
    assert first_sub_words([]) == [] and first_sub_words([None, None]) == []


def test_a_text_with_no_word_has_no_span():
    empty = np.zeros((2, 3), np.float32)
    assert decode_spans("", empty, [(0, 0), (0, 0)], [None, None]) == []
