"""The span head: labels as the runtime decodes them, a smoke training, its reader, shipping."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tokenizers import Tokenizer

from skillgraph import Settings
from skillgraph.config import EncoderSettings
from skillgraph.encoders import onnx_model_dir
from skillgraph.encoders.packed import unpack_model
from skillgraph.runtime import load_span_reader
from skillgraph.spans import load_span_model
from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE
from tests.conftest import FIXTURES
from training.span_data import TaggedSentence
from training.span_export import ship_span_head
from training.span_features import IGNORE, joined, sub_word_labels
from training.span_head import load_span_head_config, train_span_head

SMOKE = FIXTURES / "train" / "span_head_smoke.toml"


@pytest.fixture(scope="module")
def tokenizer(model_data_dir):
    directory = onnx_model_dir(EncoderSettings().model, model_data_dir)
    return Tokenizer.from_file(str(directory / "tokenizer.json"))


def test_labels_follow_the_runtimes_words(tokenizer):
    sentence = TaggedSentence(("Know", "C++", "and", "Node.js", "well"), ("O", "B", "O", "B", "O"))
    text, starts = joined(sentence)
    encoding = tokenizer.encode(text)
    labels = sub_word_labels(sentence, starts, encoding.offsets, encoding.word_ids)
    pieces = dict(zip(encoding.tokens, labels.tolist(), strict=True))
    assert labels[0] == labels[-1] == IGNORE  # [CLS], [SEP]
    # "C++" is three words at run time: c opens the span, each "+" word continues it.
    assert encoding.tokens[2:5] == ["c", "+", "+"]
    assert labels[2:5].tolist() == [BEGIN, INSIDE, INSIDE]
    assert pieces["know"] == pieces["and"] == pieces["well"] == OUTSIDE
    # "Node.js" is three words too, and "j", "##s" two sub-words of the last: all inside.
    assert encoding.tokens[6:10] == ["node", ".", "j", "##s"]
    assert labels[6:10].tolist() == [BEGIN, INSIDE, INSIDE, INSIDE]


def test_smoke_training_gives_a_head_the_reader_runs_and_that_ships(model_data_dir, tmp_path):
    config = load_span_head_config(SMOKE, {"output_dir": tmp_path / "run"})
    assert config.teacher is not None and config.teacher.is_dir()
    result = train_span_head(config, model_data_dir)
    assert set(result.dev["tiny"]) == {"strict", "loose"}
    assert 0.0 < result.pooling_cosine <= 1.0
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["encoder"] == "skillgraph-minilm-esco" and manifest["hidden_states"] == 7
    assert manifest["training"]["distillation"] == 0.5

    settings = Settings(data_dir=model_data_dir).replace({"spans.model": str(result.run_dir)})
    reader = load_span_reader(settings)
    text = "Strong communication skills and experience with Python."
    (reading,) = reader.read([text])
    assert reading.vector.shape == (384,) and 0.0 <= reading.peak <= 1.0
    for span, vector in zip(reading.spans, reading.span_vectors, strict=True):
        assert text[span.start : span.end] == span.text
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)

    shipped = ship_span_head(result.run_dir, "tiny-head", tmp_path / "shipped")
    head = load_span_model(str(shipped))
    assert head.head_file.name == "head-packed.onnx" and head.name == "tiny-head"
    assert head.head_file.stat().st_size < (result.run_dir / "head-fp32.onnx").stat().st_size / 3
    unpack_model(head.head_file, tmp_path / "unpacked.onnx")  # a valid packed graph
    assert "Sayfullina" in (shipped / "README.md").read_text()
