"""The encoder interface: texts in, L2-normalised float32 vectors out."""

from __future__ import annotations

import abc
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from skillgraph.errors import EncoderError as EncoderError  # re-exported: its old home


class Encoder(abc.ABC):
    """Maps texts to unit vectors so that inner product is cosine similarity.

    ``name`` identifies the backend, precision and model (``onnx-int8:all-MiniLM-L6-v2``);
    ``fingerprint`` changes whenever the weights change. Together they key every cache of vectors.
    """

    name: str
    dimension: int
    fingerprint: str
    batch_size: int = 64

    @property
    def model_name(self) -> str:
        """The model, whatever the backend and precision (``all-MiniLM-L6-v2``)."""
        return self.name.rpartition(":")[2]

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Encode ``texts`` into an ``(n, dimension)`` float32 array, rows in input order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        size = batch_size or self.batch_size
        # Batches of similar length waste little compute on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
        return out

    @abc.abstractmethod
    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """Encode one batch; rows must be L2-normalised."""


def file_digest(path: Path, length: int = 16) -> str:
    """A short SHA-256 of a file's bytes, streamed so large weights need little memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:length]
