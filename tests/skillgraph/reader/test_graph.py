"""Graph surgery: the encoder's hidden states exposed, and a head merged into one graph."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper

from skillgraph.config import EncoderSettings
from skillgraph.encoders import onnx_model_dir
from skillgraph.reader.graph import (
    GraphError,
    expose_hidden_states,
    hidden_state_outputs,
    merge_head,
)
from training.span_head import SpanHead, export_head


@pytest.fixture(scope="module")
def trunk(model_data_dir):
    directory = onnx_model_dir(EncoderSettings().model, model_data_dir)
    return onnx.load(str(directory / "model-fp32.onnx"))


def feeds(batch: int = 2, length: int = 6) -> dict[str, np.ndarray]:
    ids = np.random.default_rng(0).integers(1000, 2000, size=(batch, length))
    mask = np.ones_like(ids)
    mask[1, 4:] = 0
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def test_the_trunk_exposes_its_embedding_layer_and_every_layer(trunk):
    assert len(hidden_state_outputs(trunk)) == 7  # MiniLM: embeddings + 6 layers
    exposed = expose_hidden_states(trunk)
    session = ort.InferenceSession(exposed.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = dict(zip(names, session.run(None, feeds()), strict=True))
    assert outputs["hidden_6"].shape == (2, 6, 384)
    # The last hidden state is what the embedding is mean-pooled from.
    first = outputs["hidden_6"][0].mean(axis=0)
    np.testing.assert_allclose(first / np.linalg.norm(first), outputs["embedding"][0], atol=1e-5)


def test_a_head_merges_into_one_graph_that_keeps_the_embedding(trunk, tmp_path):
    head = SpanHead(7, 384, [])
    export_head(head, 7, 384, tmp_path / "head.onnx")
    merged = merge_head(trunk, onnx.load(str(tmp_path / "head.onnx")))
    names = [o.name for o in merged.graph.output]
    assert names == ["embedding", "probabilities", "span_states", "tag_states"]
    assert [o.domain for o in merged.opset_import] == [""]
    session = ort.InferenceSession(merged.SerializeToString(), providers=["CPUExecutionProvider"])
    embedding, probabilities, states, tag_states = session.run(None, feeds())
    alone = ort.InferenceSession(trunk.SerializeToString(), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(embedding, alone.run(None, feeds())[0], atol=1e-6)
    assert probabilities.shape == (2, 6, 3) and states.shape == (2, 6, 384)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, atol=1e-5)
    # tag_states are what the classifier reads: its logits give the probabilities back.
    weight = head.classifier.weight.detach().numpy()
    logits = tag_states @ weight.T + head.classifier.bias.detach().numpy()
    expected = np.exp(logits - logits.max(-1, keepdims=True))
    np.testing.assert_allclose(probabilities, expected / expected.sum(-1, keepdims=True), atol=1e-5)


def test_a_head_for_another_trunk_is_refused(trunk, tmp_path):
    head = SpanHead(5, 384, [])
    export_head(head, 5, 384, tmp_path / "head.onnx")
    with pytest.raises(GraphError, match="trained on another trunk"):
        merge_head(trunk, onnx.load(str(tmp_path / "head.onnx")))


def test_a_graph_without_bert_layers_is_refused():
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["embedding"])],
        "plain",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("embedding", onnx.TensorProto.FLOAT, [1])],
    )
    with pytest.raises(GraphError, match="not a BERT-style encoder"):
        expose_hidden_states(helper.make_model(graph))
