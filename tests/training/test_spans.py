"""Span training on the fixture sentences: labels per sub-word, a smoke run, export and ship."""

from __future__ import annotations

import json

import numpy as np
import pytest
from transformers import AutoTokenizer

from skillgraph.encoders import BASE_MODEL, resolve_model
from skillgraph.encoders.packed import PACKED_FILE
from tests.conftest import FIXTURES
from training.span_data import TaggedSentence, bio_spans, merge_layers, read_span_sets
from training.span_export import export_span_model, ship_span_model
from training.span_features import TeacherTagger
from training.spans import IGNORE, SpanConfigError, encode_tagged, load_span_config, train_spans

SMOKE = FIXTURES / "train" / "spans_smoke.toml"


def test_bio_spans_and_layer_merging():
    assert bio_spans(["O", "B", "I", "O", "I", "B", "B", "I"]) == [(1, 3), (4, 5), (5, 6), (6, 8)]
    assert merge_layers([["B", "I", "O", "O"], ["O", "O", "B-knowledge", "I"]]) == (
        "B",
        "I",
        "B",
        "I",
    )


def test_reader_keeps_postings_and_spans():
    sentences = read_span_sets(FIXTURES / "train" / "spans_small", ["tiny"], "train")
    assert len(sentences) == 14
    assert all(len(s.tokens) == len(s.tags) for s in sentences)
    assert any(s.spans for s in sentences) and any(not s.spans for s in sentences)
    assert all(s.source == "tiny" and s.posting >= 0 for s in sentences)


def test_every_sub_word_of_a_span_is_inside_it(tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(str(resolve_model(BASE_MODEL, tmp_path).torch_dir))
    sentence = TaggedSentence(("Know", "C++", "well"), ("O", "B", "O"))
    encoded = encode_tagged(tokenizer, sentence, 32)
    pieces = tokenizer.convert_ids_to_tokens(encoded["input_ids"])
    assert pieces == ["[CLS]", "know", "c", "+", "+", "well", "[SEP]"]
    assert encoded["labels"] == [IGNORE, 0, 1, 2, 2, 0, IGNORE]


def test_config_paths_resolve_and_unknown_settings_fail(tmp_path):
    config = load_span_config(SMOKE)
    assert config.data_root == (FIXTURES / "train" / "spans_small").resolve()
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\noutput_dir = "o"\ndata_root = "d"\nepoch = 1\n')
    with pytest.raises(SpanConfigError, match="unknown settings"):
        load_span_config(bad)


def test_smoke_training_exports_a_tagger_that_runs(tmp_path):
    config = load_span_config(SMOKE, {"output_dir": str(tmp_path / "run"), "max_steps": 3})
    result = train_spans(config, tmp_path / "data")
    assert result.steps == 3
    assert set(result.dev["tiny"]) == {"strict", "loose"}
    onnx_dir = export_span_model(result.model_dir, tmp_path / "onnx", "tiny-spans", {})
    shipped = ship_span_model(onnx_dir, "tiny-spans", tmp_path / "teachers")
    assert (shipped / PACKED_FILE).stat().st_size < (
        onnx_dir / "model-fp32.onnx"
    ).stat().st_size / 3
    teacher = TeacherTagger(shipped, threads=1)
    ids = np.array([[101, 2844, 4807, 102]])
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": 0 * ids}
    probabilities = teacher(feeds)
    assert probabilities.shape == (1, 4, 3)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, atol=1e-5)


def test_the_best_epoch_on_dev_is_kept_when_asked(tmp_path):
    overrides = {"output_dir": str(tmp_path / "run"), "epochs": 3, "select_epoch": True}
    result = train_spans(load_span_config(SMOKE, overrides), tmp_path / "data")
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    by_epoch = summary["dev_by_epoch"]
    assert len(by_epoch) == 3
    means = [sum(d["strict"]["f1"] for d in epoch.values()) / len(epoch) for epoch in by_epoch]
    kept = means.index(max(means)) + 1
    assert result.dev == by_epoch[kept - 1] == summary["dev"]
    assert result.epoch == summary["kept_epoch"] == kept
    assert result.steps == summary["steps"] == summary["steps_run"] * kept // 3
