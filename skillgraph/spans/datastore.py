"""The span datastore: NNOSE's nearest neighbours for the span head (Zhang et al., EACL 2024).

Every word of the span sets' train splits is stored as the state the head's classifier read for
it (``tag_states``, its first sub-word) with its gold BIO label. At run time each word's
probabilities are mixed with the labels of its nearest stored words::

    p(label) = (1 - weight) * head(label) + weight * sum over neighbours of softmax(cos / T)

so a phrase the head is unsure of is tagged as the words nearest to it in the training data
were. Only words the head is unsure of are looked up (most probable label below 0.7: one word
in seven on the dev splits, with the F1 of looking up every word), which keeps the one pass
fast (0.94x the ads per second without it). Strict span-F1 on the span sets' dev splits
through the product, for the shipped four-layer head: 47.3 / 35.7 / 80.3 without, 47.1 / 35.5 /
81.4 with (the two-layer head it was first built for: 42.6 / 34.6 / 75.3 and 43.7 / 34.6 / 76.7;
docs/benchmarks.md; offline at fp32, exact search gave 45.3 / 34.6 / 79.0 and these 32-byte codes
44.4 / 35.5 / 76.9 for two layers).
It did nothing for the accurate profile's stand-alone tagger, fine-tuned whole on the same
sentences, and is not used with it.

The index is faiss IVF-PQ over unit vectors (inner product = cosine), shipped beside the head
(``datastore.faiss`` and ``datastore.json``). Its ids are the labels themselves: a search gives
the neighbours' labels with no second lookup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ontology.files import atomic_write
from skillgraph.encoders.base import file_digest
from skillgraph.errors import SpanModelError
from skillgraph.faiss_threads import one_faiss_thread
from skillgraph.spans.labels import LABELS

DATASTORE_INDEX = "datastore.faiss"
DATASTORE_MANIFEST = "datastore.json"
MAX_NEIGHBOURS = 1024  # of neighbours and of probes
_SMALL = 20_000  # words: below this a datastore is searched exactly (PQ codes need ~10k)


@dataclass(frozen=True, slots=True)
class NeighbourMix:
    """How the neighbours' labels are mixed in (``spans.neighbours_*`` settings)."""

    weight: float = 0.4  # the neighbours' share of each word's probabilities; 0: off
    neighbours: int = 32
    temperature: float = 0.03  # of the softmax over cosines: lower, the nearest count more
    probes: int = 8  # IVF lists searched per word
    # Only words whose most probable label is below this are looked up: a confident head is
    # left alone, and most words are confidently outside any span (1: every word).
    below: float = 0.7

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight <= 1.0:
            raise SpanModelError(f"neighbour weight must be in [0, 1], got {self.weight}")
        if not 1 / len(LABELS) < self.below <= 1.0:  # a best label is never below 1/3
            raise SpanModelError(f"neighbour gate must be in (1/3, 1], got {self.below}")
        if not (1 <= self.neighbours <= MAX_NEIGHBOURS and 1 <= self.probes <= MAX_NEIGHBOURS):
            raise SpanModelError(f"neighbours and probes must be between 1 and {MAX_NEIGHBOURS}")
        if not self.temperature > 0.0:
            raise SpanModelError(f"neighbour temperature must be above 0, got {self.temperature}")


class SpanDatastore:
    """Stored words of the span sets and their labels; :meth:`mix` blends them into a head's
    probabilities."""

    def __init__(self, index: Any, manifest: dict[str, Any], mix: NeighbourMix) -> None:
        self.index = index
        self.manifest = manifest
        self.mix_settings = mix
        self.head_digest = str(manifest.get("head_digest", ""))
        self.dimension = int(index.d)
        ivf = _ivf(index)
        if ivf is not None:
            ivf.nprobe = mix.probes

    @classmethod
    def load(cls, directory: Path, mix: NeighbourMix) -> SpanDatastore:
        import faiss

        manifest_path = directory / DATASTORE_MANIFEST
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SpanModelError(f"span datastore {manifest_path} cannot be read: {exc}") from None
        if not isinstance(manifest, dict) or tuple(manifest.get("labels", ())) != LABELS:
            raise SpanModelError(f"{manifest_path} does not store labels {list(LABELS)}")
        index_path = directory / DATASTORE_INDEX
        recorded = manifest.get("digest")
        if not index_path.is_file() or recorded != file_digest(index_path):
            raise SpanModelError(
                f"span datastore {index_path} is missing or not the one {manifest_path} "
                "describes: rebuild it with `skillgraph build-span-datastore`"
            )
        return cls(faiss.read_index(str(index_path)), manifest, mix)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def neighbour_labels(self, states: np.ndarray) -> np.ndarray:
        """Label probabilities (words, labels) from each word's nearest stored words."""
        mix = self.mix_settings
        queries = np.ascontiguousarray(states, dtype=np.float32)
        queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
        cosines, labels = self._search(queries, mix.neighbours)
        found = labels >= 0  # -1: fewer neighbours than asked in the probed lists
        # Softmax over each word's cosines, shifted by its best (first) for stability; a
        # missing neighbour's cosine is -FLT_MAX, replaced before it can overflow.
        best = cosines[:, :1]
        weights = np.exp((np.where(found, cosines, best) - best) / mix.temperature) * found
        totals = weights.sum(axis=1, keepdims=True)
        distribution = np.zeros((len(queries), len(LABELS)), np.float32)
        for label in range(len(LABELS)):
            distribution[:, label] = (weights * (labels == label)).sum(axis=1)
        has_any = totals[:, 0] > 0
        distribution[has_any] /= totals[has_any]
        return distribution

    def _search(self, queries: np.ndarray, neighbours: int) -> tuple[np.ndarray, np.ndarray]:
        with one_faiss_thread():  # a batch has a few dozen unsure words
            return self.index.search(queries, neighbours)

    def mix(self, states: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """``probabilities`` (words, labels) mixed with the neighbours' labels where the head is
        unsure (below ``below``); a word with no neighbour found keeps its own."""
        mix = self.mix_settings
        unsure = np.flatnonzero(probabilities.max(axis=1) < mix.below)
        if not len(unsure) or mix.weight == 0.0:
            return probabilities
        neighbours = self.neighbour_labels(states[unsure])
        weight = mix.weight * (neighbours.sum(axis=1, keepdims=True) > 0)
        mixed = probabilities.copy()
        mixed[unsure] = (1.0 - weight) * probabilities[unsure] + weight * neighbours
        return mixed


def datastore_counts(tagged: bool, tagger_weight: float, weight: float) -> bool:
    """Whether the head's datastore has a share in the spans: a neighbours ``weight`` above 0
    and the head's probabilities in use, that is no stand-alone tagger (``tagged`` false) or one
    mixed with the head at a ``tagger_weight`` below 1 (the datastore's keys are the head's
    states)."""
    return weight > 0.0 and (not tagged or tagger_weight < 1.0)


def build_datastore(
    keys: np.ndarray,
    labels: np.ndarray,
    target: Path,
    details: dict[str, Any],
    lists: int = 1024,
    code_bytes: int = 32,
    seed: int = 0,
) -> Path:
    """Write a datastore of ``keys`` (words, dimension) with their ``labels`` into ``target``
    (a head's directory), with ``details`` (head digest, sets) in its manifest: IVF-PQ with
    ``lists`` lists of ``code_bytes``-byte codes, or exact under 20,000 words."""
    import faiss

    if len(keys) != len(labels) or not len(keys):
        raise SpanModelError(f"{len(keys)} keys and {len(labels)} labels: nothing to store")
    if len(keys) >= _SMALL and keys.shape[1] % code_bytes:
        raise SpanModelError(
            f"{keys.shape[1]}-dimensional keys do not split into {code_bytes} PQ codes"
        )
    keys = np.ascontiguousarray(keys, dtype=np.float32)
    keys /= np.maximum(np.linalg.norm(keys, axis=1, keepdims=True), 1e-12)
    if len(keys) < _SMALL:  # too few words to train codes on: kept exact
        spec = "IDMap,Flat"
    else:
        lists = min(lists, len(keys) // 64)
        spec = f"IVF{lists},PQ{code_bytes}"
    index = faiss.index_factory(keys.shape[1], spec, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        sample = np.random.default_rng(seed).permutation(len(keys))[: 64 * lists]
        index.train(keys[np.sort(sample)])
    index.add_with_ids(keys, np.asarray(labels, dtype=np.int64))
    try:
        target.mkdir(parents=True, exist_ok=True)
        atomic_write(target / DATASTORE_INDEX, lambda path: faiss.write_index(index, str(path)))
    except OSError as exc:
        raise SpanModelError(f"cannot write the span datastore into {target}: {exc}") from None
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(LABELS))
    manifest = {
        "labels": list(LABELS),
        "words": len(keys),
        "words_per_label": dict(zip(LABELS, map(int, counts), strict=True)),
        "index": spec,
        "digest": file_digest(target / DATASTORE_INDEX),
        **details,
    }
    text = json.dumps(manifest, indent=2) + "\n"
    atomic_write(target / DATASTORE_MANIFEST, lambda path: path.write_text(text, encoding="utf-8"))
    for name in (DATASTORE_INDEX, DATASTORE_MANIFEST):  # shipped files: readable by all
        (target / name).chmod(0o644)
    return target


def _ivf(index: Any) -> Any:
    import faiss

    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:
        return None


__all__ = [
    "DATASTORE_INDEX",
    "DATASTORE_MANIFEST",
    "NeighbourMix",
    "SpanDatastore",
    "build_datastore",
    "datastore_counts",
]
