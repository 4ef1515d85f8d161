"""Shipping a model packed (int8 weights) and expanding it back into usable ONNX files."""

import json

import numpy as np

from skillgraph.config import EncoderSettings
from skillgraph.encoders import BASE_MODEL, load_encoder, onnx_dir_for
from skillgraph.encoders.onnx_encoder import OnnxEncoder
from skillgraph.encoders.onnx_files import read_manifest
from skillgraph.encoders.packed import PACKED_FILE, expand_packed, is_expansion_of
from training.ship import ship_model

TEXTS = ["Experience with Python and PostgreSQL.", "install pipework", "manage staff", "SQL"]


def test_packed_model_is_small_and_expands_to_the_same_encoder(tmp_path, model_data_dir):
    export = onnx_dir_for(BASE_MODEL, model_data_dir)
    shipped = ship_model(export, "packed-minilm", {"note": "test"}, target_root=tmp_path)
    packed_size = (shipped / PACKED_FILE).stat().st_size
    assert packed_size < 0.3 * (export / "model-fp32.onnx").stat().st_size
    assert read_manifest(shipped)["note"] == "test"

    expanded = tmp_path / "expanded"
    expand_packed(shipped, expanded)
    assert is_expansion_of(read_manifest(expanded), shipped)
    original = load_encoder(EncoderSettings(model=BASE_MODEL, precision="fp32"), model_data_dir)
    restored = OnnxEncoder(expanded, "packed-minilm", precision="fp32")
    cosines = np.sum(original.encode(TEXTS) * restored.encode(TEXTS), axis=1)
    assert cosines.min() >= 0.999
    int8 = OnnxEncoder(expanded, "packed-minilm", precision="int8")
    assert np.sum(original.encode(TEXTS) * int8.encode(TEXTS), axis=1).min() >= 0.97


def test_a_new_packed_model_invalidates_the_old_expansion(tmp_path, model_data_dir):
    export = onnx_dir_for(BASE_MODEL, model_data_dir)
    first = ship_model(export, "m", target_root=tmp_path / "a")
    expand_packed(first, tmp_path / "expanded")
    manifest = read_manifest(first)
    manifest["files"][PACKED_FILE] = "0" * 16  # a re-shipped model has another digest
    (first / "manifest.json").write_text(json.dumps(manifest))
    assert not is_expansion_of(read_manifest(tmp_path / "expanded"), first)
