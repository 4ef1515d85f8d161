"""Encoded texts cached on disk: one ``vectors.npy`` (with a ``meta.json``) per set of texts and
encoder, under a directory named by :class:`VectorKey`. The skill index and the occupation
matcher both keep their label vectors this way."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ontology.files import atomic_write
from skillgraph.encoders import Encoder

log = logging.getLogger(__name__)

_FORMAT = 1
_ENCODE_CHUNK = 8192

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class VectorKey:
    esco: str  # release name, e.g. esco-v1.2.0-en
    rows: str  # digest of the encoded texts
    encoder: str
    fingerprint: str  # digest of the encoder's weights

    def directory(self, cache_root: Path) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", self.encoder)
        return cache_root / f"{self.esco}-{self.rows}" / f"{safe}-{self.fingerprint}"


def text_digest(texts: Sequence[str], *arrays: np.ndarray) -> str:
    """Changes whenever any text (or any row of ``arrays``, e.g. which concept it names) does."""
    hasher = hashlib.sha256()
    for text in texts:
        hasher.update(text.encode() + b"\0")
    for array in arrays:
        hasher.update(array.tobytes())
    return hasher.hexdigest()[:12]


def load_or_encode(
    texts: Sequence[str],
    encoder: Encoder,
    key: VectorKey,
    cache_root: Path,
    what: str,
    progress: Progress | None = None,
) -> np.ndarray:
    """The vectors of ``texts`` from the cache, encoding and caching them on a miss."""
    directory = key.directory(cache_root)
    vectors = _load(directory, len(texts))
    if vectors is None:
        log.info("encoding %d %s with %s (cached afterwards)", len(texts), what, encoder.name)
        started = time.perf_counter()
        vectors = encode_texts(texts, encoder, progress)
        _save(directory, vectors, key)
        log.info("encoded in %.1f s into %s", time.perf_counter() - started, directory)
    return vectors


def encode_texts(
    texts: Sequence[str], encoder: Encoder, progress: Progress | None = None
) -> np.ndarray:
    vectors = np.empty((len(texts), encoder.dimension), dtype=np.float32)
    # All texts by length, not chunk by chunk: batches of labels pad to a few tokens only.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), _ENCODE_CHUNK):
        chunk = order[start : start + _ENCODE_CHUNK]
        vectors[chunk] = encoder.encode([texts[i] for i in chunk])
        if progress:
            progress(start + len(chunk), len(texts))
    return vectors


def _load(directory: Path, expected_rows: int) -> np.ndarray | None:
    path = directory / "vectors.npy"
    if not path.is_file():
        return None
    try:
        vectors = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable vector cache %s (%s); rebuilding", path, exc)
        return None
    if vectors.shape[0] != expected_rows:
        log.warning(
            "vector cache %s has %d rows, expected %d; rebuilding",
            path,
            vectors.shape[0],
            expected_rows,
        )
        return None
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _save(directory: Path, vectors: np.ndarray, key: VectorKey) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write(directory / "vectors.npy", lambda path: np.save(path, vectors))
    meta = {
        "format": _FORMAT,
        "esco": key.esco,
        "rows_digest": key.rows,
        "encoder": key.encoder,
        "fingerprint": key.fingerprint,
        "rows": int(vectors.shape[0]),
        "dimension": int(vectors.shape[1]),
    }
    (directory / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
