"""onnxruntime backend: an exported sentence encoder (pooling and normalisation in the graph)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from skillgraph.encoders.base import Encoder, EncoderError
from skillgraph.encoders.onnx_files import PRECISIONS, TOKENIZER_FILE, onnx_file, read_manifest


class OnnxEncoder(Encoder):
    def __init__(
        self,
        onnx_dir: Path,
        name: str,
        precision: str = "int8",
        batch_size: int = 64,
        threads: int = 0,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if precision not in PRECISIONS:
            raise EncoderError(f"unknown ONNX precision {precision!r}; choose one of {PRECISIONS}")
        manifest = read_manifest(onnx_dir)
        model_path = onnx_dir / onnx_file(precision)
        if not model_path.is_file():
            raise EncoderError(f"{model_path} is missing; run `skillgraph export-onnx`")

        self.tokenizer = Tokenizer.from_file(str(onnx_dir / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=int(manifest["max_length"]))
        self.tokenizer.enable_padding(pad_id=int(manifest.get("pad_id", 0)))

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.name = f"onnx-{precision}:{name}"
        self.dimension = int(manifest["dimension"])
        self.fingerprint = manifest["files"][model_path.name]
        self.batch_size = batch_size

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (vectors,) = self.session.run(
            None, {k: v for k, v in feeds.items() if k in self.input_names}
        )
        return vectors.astype(np.float32, copy=False)
