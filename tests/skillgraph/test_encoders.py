import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from skillgraph.config import EncoderSettings
from skillgraph.encoders import (
    BASE_MODEL,
    EncoderError,
    load_encoder,
    onnx_dir_for,
    resolve_model,
)
from skillgraph.encoders.base import file_digest
from skillgraph.encoders.quantization import SCHEME

# A fixed set: job-ad sentences and ESCO labels of different lengths.
TEXTS = [
    "Experience with Python and PostgreSQL is required.",
    "manage staff",
    "You will lead a team of five engineers and report to the CTO.",
    "install pipework",
    "Désirée speaks fluent German — and some Luxembourgish.",
    "Commission heating systems, carry out routine maintenance and keep accurate records "
    "of every job in our scheduling software.",
    "SQL",
]


@pytest.fixture(scope="module")
def torch_vectors(model_data_dir: Path) -> np.ndarray:
    encoder = load_encoder(EncoderSettings(model=BASE_MODEL, backend="torch"), model_data_dir)
    return encoder.encode(TEXTS)


@pytest.mark.parametrize(("precision", "floor"), [("fp32", 0.999), ("int8", 0.97)])
def test_onnx_matches_torch(model_data_dir, torch_vectors, precision, floor):
    encoder = load_encoder(
        EncoderSettings(model=BASE_MODEL, backend="onnx", precision=precision), model_data_dir
    )
    vectors = encoder.encode(TEXTS)
    cosines = np.sum(vectors * torch_vectors, axis=1)
    assert cosines.min() >= floor, cosines


def test_vectors_are_unit_length_and_in_input_order(model_data_dir):
    encoder = load_encoder(
        EncoderSettings(model=BASE_MODEL, backend="onnx", batch_size=2), model_data_dir
    )
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), encoder.dimension) == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    # Batching sorts by length internally; row i must still be text i.
    single = np.stack([encoder.encode([t])[0] for t in TEXTS])
    assert np.all(np.sum(single * vectors, axis=1) > 0.999)
    assert encoder.encode([]).shape == (0, 384)


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_a_text_encodes_exactly_the_same_alone_and_in_any_batch(model_data_dir, precision):
    """Bit for bit, so that cached and freshly batched sentences agree."""
    encoder = load_encoder(
        EncoderSettings(model=BASE_MODEL, backend="onnx", precision=precision, batch_size=3),
        model_data_dir,
    )
    together = encoder.encode(TEXTS)
    single = np.stack([encoder.encode([t])[0] for t in TEXTS])
    assert np.array_equal(single, together)
    assert np.array_equal(encoder.encode(TEXTS[::-1])[::-1], together)


def test_names_and_fingerprints_key_the_weights(model_data_dir):
    fp32 = load_encoder(
        EncoderSettings(model=BASE_MODEL, backend="onnx", precision="fp32"), model_data_dir
    )
    int8 = load_encoder(
        EncoderSettings(model=BASE_MODEL, backend="onnx", precision="int8"), model_data_dir
    )
    assert fp32.name == f"onnx-fp32:{BASE_MODEL}"
    assert int8.name == f"onnx-int8:{BASE_MODEL}"
    assert fp32.fingerprint != int8.fingerprint
    manifest = json.loads((onnx_dir_for(BASE_MODEL, model_data_dir) / "manifest.json").read_text())
    assert manifest["files"]["model-int8.onnx"] == int8.fingerprint
    assert manifest["dimension"] == 384


def test_missing_onnx_export_says_how_to_make_it(tmp_path):
    with pytest.raises(EncoderError, match="skillgraph export-onnx"):
        load_encoder(EncoderSettings(model=BASE_MODEL, backend="onnx"), tmp_path)


def test_an_export_from_an_older_int8_scheme_is_re_derived_from_its_fp32_graph(
    model_data_dir, tmp_path
):
    exported = onnx_dir_for(BASE_MODEL, tmp_path)
    shutil.copytree(onnx_dir_for(BASE_MODEL, model_data_dir), exported)
    manifest = json.loads((exported / "manifest.json").read_text())
    (exported / "manifest.json").write_text(json.dumps({**manifest, "quantization": "old"}))
    (exported / "model-int8.onnx").write_bytes(b"an older scheme's graph")
    settings = EncoderSettings(model=BASE_MODEL, backend="onnx", precision="int8")

    vectors = load_encoder(settings, tmp_path).encode(TEXTS)

    rewritten = json.loads((exported / "manifest.json").read_text())
    assert rewritten["quantization"] == SCHEME
    assert rewritten["files"]["model-int8.onnx"] == file_digest(exported / "model-int8.onnx")
    assert rewritten["files"]["model-fp32.onnx"] == manifest["files"]["model-fp32.onnx"]
    original = load_encoder(settings, model_data_dir).encode(TEXTS)
    assert vectors.tobytes() == original.tobytes()  # the same derivation as a fresh export


def test_unknown_backend_precision_and_model_are_rejected(model_data_dir, tmp_path):
    with pytest.raises(EncoderError, match="unknown encoder backend 'tensorflow'"):
        load_encoder(EncoderSettings(model=BASE_MODEL, backend="tensorflow"), model_data_dir)
    with pytest.raises(EncoderError, match="unknown ONNX precision 'fp16'"):
        load_encoder(EncoderSettings(model=BASE_MODEL, precision="fp16"), model_data_dir)
    with pytest.raises(EncoderError, match="not a registered model"):
        resolve_model("no-such-model", model_data_dir)
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(EncoderError, match="neither a sentence-transformers model"):
        resolve_model(str(tmp_path / "empty-model"), model_data_dir)


def test_a_model_directory_resolves_to_its_onnx_export(model_data_dir):
    onnx_dir = onnx_dir_for(BASE_MODEL, model_data_dir)
    source = resolve_model(str(onnx_dir), model_data_dir)
    assert source.onnx_dir == onnx_dir
    assert source.torch_dir is None
