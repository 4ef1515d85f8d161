"""The shipped span tagger, through onnxruntime, from the packed model in the package."""

from __future__ import annotations

import json

import pytest

from skillgraph.encoders.base import file_digest
from skillgraph.encoders.packed import PACKED_FILE
from skillgraph.spans import (
    DEFAULT_SPAN_MODEL,
    SpanModelError,
    SpanTagger,
    shipped_span_models,
    span_model_dir,
)


@pytest.fixture(scope="module")
def tagger(tmp_path_factory):
    return SpanTagger.load(DEFAULT_SPAN_MODEL, tmp_path_factory.mktemp("data"), threads=1)


def test_the_default_model_is_shipped_small_and_intact():
    assert DEFAULT_SPAN_MODEL in shipped_span_models()
    directory = span_model_dir(DEFAULT_SPAN_MODEL)
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["files"][PACKED_FILE] == file_digest(directory / PACKED_FILE)
    assert sum(p.stat().st_size for p in directory.iterdir()) < 25_000_000


def test_explicit_skills_are_marked_with_exact_offsets(tagger):
    texts = [
        "You have solid experience with Python programming.",
        "Strong communication skills and the ability to work in a team.",
    ]
    python, soft = tagger.tag(texts)
    assert [s.text for s in python.spans] == ["Python programming"]
    assert any("communication" in s.text for s in soft.spans)
    for text, tagged in zip(texts, (python, soft), strict=True):
        for span in tagged.spans:
            assert text[span.start : span.end] == span.text
            assert 0.5 < span.confidence <= 1.0


def test_a_sentence_without_skill_has_no_span(tagger):
    (tagged,) = tagger.tag(["We are located in the heart of the city centre."])
    assert tagged.spans == ()
    assert tagged.peak < 0.5


def test_batches_give_what_single_sentences_give(tagger):
    texts = ["Python", "Knowledge of SQL databases and Linux administration is a plus.", "Hi."]
    together = tagger.tag(texts)
    alone = [tagger.tag([t])[0] for t in texts]
    assert [[s.text for s in t.spans] for t in together] == [
        [s.text for s in t.spans] for t in alone
    ]
    for a, b in zip(together, alone, strict=True):
        assert a.peak == pytest.approx(b.peak, abs=1e-4)


def test_an_unknown_model_is_a_clear_error(tmp_path):
    with pytest.raises(SpanModelError, match="unknown span model"):
        SpanTagger.load("no-such-model", tmp_path)
