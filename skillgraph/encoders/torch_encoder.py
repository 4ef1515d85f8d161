"""sentence-transformers backend (PyTorch on the CPU)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from skillgraph.encoders.base import Encoder, EncoderError, file_digest
from skillgraph.version import extra

# Model hubs are unreachable and must never be tried: every model loads from a local directory.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class TorchEncoder(Encoder):
    """Wraps a loaded SentenceTransformer (also one being fine-tuned)."""

    def __init__(self, model, name: str, fingerprint: str, batch_size: int = 64) -> None:
        self.model = model
        self.name = f"torch-fp32:{name}"
        self.dimension = int(model.get_embedding_dimension())
        self.fingerprint = fingerprint
        self.batch_size = batch_size

    @classmethod
    def load(
        cls, model_dir: Path, name: str, batch_size: int = 64, threads: int = 0
    ) -> TorchEncoder:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ModuleNotFoundError as exc:
            raise EncoderError(
                f'encoder.backend = "torch" needs {exc.name}: {extra("train")}'
            ) from None

        weights = next((model_dir / f for f in WEIGHT_FILES if (model_dir / f).is_file()), None)
        if weights is None:
            raise EncoderError(f"no weights ({' or '.join(WEIGHT_FILES)}) in {model_dir}")
        if threads:
            torch.set_num_threads(threads)
        model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        model.eval()
        return cls(model, name, file_digest(weights), batch_size)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=len(texts),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)
