"""Nearest stored examples of query vectors, over one generation of the store.

Exact inner product (cosine on unit vectors), in two steps so that a query's answer is the same
bytes whatever other queries share its batch (one worker, three or Spark must print the same):

1. one matrix product (BLAS) scores every query against every example: fast, but its last bits
   move with the batch's shape;
2. the pairs that product puts within its rounding bound of ``min_similarity`` are re-scored
   one pair at a time with faiss's own kernel, whose result depends on the two vectors alone,
   and ranked and cut on that score.

No pair the exact score would keep is lost in step 1: a float32 dot product of length ``d``
is off by at most about ``d * 2**-24 * |q| * |x|`` whichever order it sums in, so the two scores
of a pair differ by at most twice that; the margin is twice that again (the norms are rounded
too). Faiss's brute-force search, on its per-query loop (``skillgraph/index_kinds.py``), gives
the same answers in ~2.5x the time (7 000 examples, ~500 queries per batch of 8 ads).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import faiss
import numpy as np

from skillgraph.faiss_threads import one_faiss_thread
from skillgraph.memory.examples import StoredExample

# Scores of this many query x example pairs at a time (64 MB of float32): a large store's
# product stays bounded in memory.
_PAIRS_PER_PRODUCT = 1 << 24


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
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._largest_norm = (
            float(np.linalg.norm(self._vectors, axis=1).max()) if len(self._examples) else 0.0
        )

    @classmethod
    def empty(cls) -> NeighbourIndex:
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), {})

    def __len__(self) -> int:
        return len(self._examples)

    def search(
        self, queries: np.ndarray, k: int, min_similarity: float = -1.0
    ) -> list[list[Neighbour]]:
        """Up to ``k`` examples per query, most similar first, none below ``min_similarity``."""
        if not self._examples or k < 1:
            return [[] for _ in range(len(queries))]
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        found: list[list[Neighbour]] = []
        step = max(1, _PAIRS_PER_PRODUCT // len(self._examples))
        with one_faiss_thread():  # one short call per query: OpenMP's wake-up would dominate
            for start in range(0, len(queries), step):
                found.extend(self._search_block(queries[start : start + step], k, min_similarity))
        return found

    def _search_block(
        self, queries: np.ndarray, k: int, min_similarity: float
    ) -> list[list[Neighbour]]:
        dimensions = queries.shape[1]
        margins = 4 * dimensions * 2.0**-24 * self._largest_norm * np.linalg.norm(queries, axis=1)
        approximate = queries @ self._vectors.T
        found = []
        for query, scores, margin in zip(queries, approximate, margins, strict=True):
            rows = np.flatnonzero(scores >= min_similarity - margin).astype(np.int64)
            exact = np.empty(len(rows), dtype=np.float32)
            if len(rows):
                # The faiss stub leaves out this SWIG function (the refine step's kernel).
                faiss.fvec_inner_products_by_idx(  # type: ignore[attr-defined]
                    faiss.swig_ptr(exact),
                    faiss.swig_ptr(query),
                    faiss.swig_ptr(self._vectors),
                    faiss.swig_ptr(rows),
                    dimensions,
                    1,
                    len(rows),
                )
            # Most similar first; equal scores in store order.
            order = np.lexsort((rows, -exact))
            found.append(
                [
                    Neighbour(self._examples[int(rows[i])], float(exact[i]))
                    for i in order[:k]
                    if exact[i] >= min_similarity
                ]
            )
        return found
