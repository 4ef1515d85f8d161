"""onnxruntime backend: an exported sentence encoder (pooling and normalisation in the graph)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skillgraph.encoders.base import Encoder
from skillgraph.encoders.onnx_session import open_onnx


class OnnxEncoder(Encoder):
    def __init__(
        self,
        onnx_dir: Path,
        name: str,
        precision: str = "int8",
        batch_size: int = 64,
        threads: int = 0,
    ) -> None:
        self.model = open_onnx(onnx_dir, precision, threads)
        self.tokenizer = self.model.tokenizer
        self.name = f"onnx-{precision}:{name}"
        self.dimension = int(self.model.manifest["dimension"])
        self.fingerprint = self.model.fingerprint
        self.batch_size = batch_size

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        (vectors,) = self.model.run(None, self.tokenizer.encode_batch(texts))
        return vectors.astype(np.float32, copy=False)
