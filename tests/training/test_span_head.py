"""The span head: labels as the runtime decodes them, a smoke training, its reader, shipping."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tokenizers import Tokenizer

from skillgraph import Settings
from skillgraph.config import EncoderSettings
from skillgraph.encoders import onnx_model_dir
from skillgraph.encoders.onnx_files import TOKENIZER_FILE, onnx_file
from skillgraph.encoders.packed import unpack_model
from skillgraph.reader.graph import PROBABILITIES
from skillgraph.runtime import load_span_reader
from skillgraph.spans import load_span_model
from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE
from tests.conftest import FIXTURES
from training.span_data import TaggedSentence
from training.span_export import ship_span_head
from training.span_features import (
    IGNORE,
    TeacherTagger,
    TrunkFeatures,
    joined,
    sub_word_labels,
)
from training.span_head import load_span_head_config, narrow_feed_forward, train_span_head

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


def _tiny_layer():
    import torch
    from transformers import BertConfig
    from transformers.models.bert.modeling_bert import BertLayer

    torch.manual_seed(0)
    config = BertConfig(hidden_size=8, intermediate_size=16, num_attention_heads=2)
    return BertLayer(config).eval()


def test_a_feed_forward_narrowed_to_its_own_width_computes_the_same():
    import torch

    layer = _tiny_layer()
    states = torch.randn(2, 5, 8)
    before = layer(states)  # as SpanHead.logits calls its layers
    narrow_feed_forward(layer, 16)
    after = layer(states)
    assert after.shape == (2, 5, 8) and torch.allclose(before, after, atol=1e-6)


def test_narrowing_keeps_the_units_that_carry_the_most_weight():
    import torch

    layer = _tiny_layer()
    into, out = layer.intermediate.dense, layer.output.dense
    weight = (into.weight.norm(dim=1) * out.weight.norm(dim=0)).tolist()
    strongest = sorted(sorted(range(16), key=lambda unit: -weight[unit])[:4])
    expected_in, expected_out = into.weight[strongest].clone(), out.weight[:, strongest].clone()
    narrow_feed_forward(layer, 4)
    assert layer.intermediate.dense.weight.shape == (4, 8)
    assert torch.equal(layer.intermediate.dense.weight, expected_in)
    assert torch.equal(layer.output.dense.weight, expected_out)
    assert layer(torch.randn(1, 3, 8)).shape == (1, 3, 8)


@pytest.mark.parametrize("width", [0, 17])
def test_a_width_the_layer_does_not_have_is_refused(width):
    with pytest.raises(ValueError, match="between 1 and 16"):
        narrow_feed_forward(_tiny_layer(), width)


def test_a_teacher_head_is_mixed_into_the_tagger_at_its_share(model_data_dir):
    """The teacher the accurate profile reads: the head's probabilities, as the product's
    fp32 reader computes them, mixed with the tagger's."""
    trunk_dir = onnx_model_dir(EncoderSettings().model, model_data_dir)
    trunk = TrunkFeatures(trunk_dir / onnx_file("fp32"), trunk_dir / TOKENIZER_FILE, 128, 1)
    tagger = load_span_head_config(SMOKE).teacher
    head = load_span_model("skillgraph-minilm-esco-spans").head_file
    sentence = TaggedSentence(("Experience", "with", "Python", "and", "SQL"), ("O",) * 5)

    def teacher(*head_and_share) -> np.ndarray:
        (features,) = trunk([sentence], TeacherTagger(tagger, 1, *head_and_share))
        return features.teacher.astype(np.float32)

    alone, head_only, half = teacher(), teacher(head, 1.0), teacher(head, 0.5)
    assert np.abs(alone - head_only).max() > 0.01  # two models, two opinions
    np.testing.assert_allclose(half, (alone + head_only) / 2, atol=2e-3)  # float16 features
    np.testing.assert_allclose(half.sum(-1), 1.0, atol=2e-3)
    reader = load_span_reader(
        Settings(data_dir=model_data_dir).replace({"spans.precision": "fp32"})
    )
    (product,) = reader.model.run(
        (PROBABILITIES,), reader.tokenizer.encode_batch([joined(sentence)[0]])
    )
    np.testing.assert_allclose(head_only, product[0, : len(head_only)], atol=2e-3)  # unpadded
    with pytest.raises(ValueError, match="share"):
        TeacherTagger(tagger, 1, head, 1.5)


def test_a_teacher_head_of_other_trunk_weights_is_refused(model_data_dir, tmp_path):
    import shutil

    copy = tmp_path / "head"
    shutil.copytree(load_span_model("skillgraph-minilm-esco-spans").directory, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["encoder_fingerprint"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest))
    config = load_span_head_config(SMOKE, {"output_dir": tmp_path / "run", "teacher_head": copy})
    with pytest.raises(ValueError, match="other weights"):
        train_span_head(config, model_data_dir)
    assert not (tmp_path / "run").exists()


def test_a_teacher_head_without_a_teacher_is_refused(model_data_dir, tmp_path):
    from dataclasses import replace

    head = load_span_model("skillgraph-minilm-esco-spans").directory
    config = load_span_head_config(SMOKE, {"output_dir": tmp_path / "run", "teacher_head": head})
    with pytest.raises(ValueError, match="set teacher too"):
        train_span_head(replace(config, teacher=None), model_data_dir)


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
