"""Nearest stored examples of query vectors: a faiss index over one generation of the store.

Exact inner product (cosine on unit vectors): a datastore of annotations stays small next to
ESCO's 111 000 texts, and an exact index is rebuilt from the stored vectors in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import faiss
import numpy as np

from skillgraph.faiss_threads import one_faiss_thread
from skillgraph.memory.examples import StoredExample


@dataclass(frozen=True, slots=True)
class Neighbour:
    example: StoredExample
    similarity: float


class NeighbourIndex:
    """The examples of one store generation that have vectors, searchable by vector."""

    def __init__(
        self, ids: np.ndarray, vectors: np.ndarray, examples: Mapping[int, StoredExample]
    ) -> None:
        self._examples = [examples[int(i)] for i in ids]
        self._index: faiss.Index | None = None
        if len(ids):
            self._index = faiss.IndexFlatIP(vectors.shape[1])
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @classmethod
    def empty(cls) -> NeighbourIndex:
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), {})

    def __len__(self) -> int:
        return len(self._examples)

    def search(
        self, queries: np.ndarray, k: int, min_similarity: float = -1.0
    ) -> list[list[Neighbour]]:
        """Up to ``k`` examples per query, most similar first, none below ``min_similarity``."""
        if self._index is None or k < 1:
            return [[] for _ in range(len(queries))]
        k = min(k, len(self._examples))
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        with one_faiss_thread():  # a few dozen queries per ad
            similarities, rows = self._index.search(queries, k)
        return [
            [
                Neighbour(self._examples[row], float(similarity))
                for similarity, row in zip(query_similarities, query_rows, strict=True)
                if row >= 0 and similarity >= min_similarity
            ]
            for query_similarities, query_rows in zip(similarities, rows, strict=True)
        ]
