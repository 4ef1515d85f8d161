"""Per-token int8: near fp32, and a text's vector independent of its batch."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from skillgraph.config import EncoderSettings
from skillgraph.encoders import load_encoder, onnx_model_dir
from skillgraph.encoders.onnx_files import read_manifest
from skillgraph.encoders.onnx_session import open_onnx
from skillgraph.encoders.quantization import SCHEME, drop_softmax_nan_guards, quantize_per_token

TEXTS = [
    "Experience with Python and PostgreSQL is required.",
    "manage staff",
    "Commission heating systems, carry out routine maintenance and keep accurate records "
    "of every job in our scheduling software.",
    "SQL",
]


@pytest.fixture(scope="module")
def encoders(model_data_dir):
    return [
        load_encoder(EncoderSettings(precision=p, batch_size=2), model_data_dir)
        for p in ("fp32", "int8")
    ]


def test_every_layer_weight_is_quantised_and_the_scheme_is_recorded(model_data_dir, tmp_path):
    directory = onnx_model_dir(EncoderSettings().model, model_data_dir)
    assert read_manifest(directory)["quantization"] == SCHEME
    count = quantize_per_token(directory / "model-fp32.onnx", tmp_path / "int8.onnx")
    assert count == 36  # 6 layers x (Q, K, V, attention output, intermediate, output)
    graph = onnx.load(str(tmp_path / "int8.onnx")).graph
    assert sum(n.op_type == "MatMulIntegerToFloat" for n in graph.node) == 36
    assert not any(n.op_type == "DynamicQuantizeLinear" for n in graph.node)
    # One QuantizeLinear per distinct input: Q, K and V share theirs.
    assert sum(n.op_type == "QuantizeLinear" for n in graph.node) == 24
    assert not any(n.op_type == "IsNaN" for n in graph.node)  # the guards are gone


def test_the_softmax_nan_guards_go_and_no_output_bit_moves(model_data_dir, tmp_path):
    directory = onnx_model_dir(EncoderSettings().model, model_data_dir)
    model = onnx.load(str(directory / "model-fp32.onnx"))
    assert sum(n.op_type == "IsNaN" for n in model.graph.node) == 6  # one per layer
    drop_softmax_nan_guards(model.graph)
    assert sum(n.op_type == "IsNaN" for n in model.graph.node) == 0
    onnx.checker.check_model(model)
    unguarded = tmp_path / "model"
    unguarded.mkdir()
    onnx.save(model, str(unguarded / "model-fp32.onnx"))
    for name in ("tokenizer.json", "manifest.json"):
        (unguarded / name).write_bytes((directory / name).read_bytes())
    before, after = (open_onnx(d, "fp32", threads=1) for d in (directory, unguarded))
    encodings = before.tokenizer.encode_batch(TEXTS)
    for a, b in zip(before.run(None, encodings), after.run(None, encodings), strict=True):
        assert a.tobytes() == b.tobytes()


def test_int8_vectors_stay_near_fp32(encoders):
    fp32, int8 = (e.encode(TEXTS) for e in encoders)
    assert np.sum(fp32 * int8, axis=1).min() > 0.99


def test_an_int8_vector_does_not_depend_on_its_batch(encoders):
    int8 = encoders[1]
    together = int8.encode(TEXTS, batch_size=4)
    alone = np.stack([int8.encode([t])[0] for t in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)
