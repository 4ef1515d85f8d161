"""The faiss structures an index can be (``index.kind``), registered by name.

* ``exact``: every row, brute force (BLAS), nothing to build or cache;
* ``fast``: label rows as 4-bit product codes scanned with SIMD (``PQ<m>x4fs``), the best
  ``refine_factor`` x k re-scored exactly (``RFlat``): ~4x faster than ``exact`` for a recall of
  the exact top 20 skills above 0.999 (docs/benchmarks.md, "Index"); below 10 000 label rows
  (a small snapshot) they are searched exactly;
* ``hnsw`` and ``ivf``: graph and inverted-list structures over every row.

Each kind says how its structure is built, cached (next to the vectors) and searched over label
rows only.
"""

from __future__ import annotations

import faiss
import numpy as np

from skillgraph.config import IndexSettings
from skillgraph.errors import IndexBuildError

# Brute-force searches always take faiss's per-query loop, never BLAS (which it switches to at
# 20 queries): BLAS sums in another order, so a sentence's scores moved by ~1e-7 with how many
# sentences were searched with it, and the same ad read by one worker, three or Spark could print
# another last digit (or, at the threshold, another skill). It cost ~4% of the default
# extraction's time, most of it in the example memory's search, which now takes BLAS and
# re-scores its candidates exactly instead (skillgraph/memory/neighbours.py); the `exact` index
# kind's search is slower for it.
faiss.cvar.distance_compute_blas_threshold = 1 << 30


class IndexKind:
    name: str
    covers_descriptions = True  # False: label rows only (descriptions cannot be scored)

    def cache_file(self, settings: IndexSettings) -> str | None:
        """The structure's file beside the vectors; None when it is rebuilt on each load."""
        return None

    def build(self, vectors: np.ndarray, label_rows: int, settings: IndexSettings) -> faiss.Index:
        """The structure over ``vectors`` (label rows first)."""
        raise NotImplementedError

    def tune(self, index: faiss.Index, settings: IndexSettings) -> None:
        """Apply the search-time settings to a built or loaded structure."""

    def labels_only(
        self, settings: IndexSettings, label_rows: int
    ) -> faiss.SearchParameters | None:
        """Search parameters that keep a search to label rows (they replace the index's own
        parameters, so they carry efSearch / nprobe too)."""
        # The stub lacks the keyword form, which also keeps the selector alive with the params.
        return faiss.SearchParameters(sel=faiss.IDSelectorRange(0, label_rows))  # type: ignore[call-arg]


class Exact(IndexKind):
    name = "exact"

    def build(self, vectors, label_rows, settings):
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)  # a copy of the cached vectors: no need to store it twice
        return index


class Fast(IndexKind):
    name = "fast"
    covers_descriptions = False

    def cache_file(self, settings):
        return f"pq{settings.pq_subquantizers}x4fs-rflat.faiss"

    def build(self, vectors, label_rows, settings):
        labels = np.ascontiguousarray(vectors[:label_rows])
        if label_rows < FAST_MIN_ROWS:  # too few to train codes on; brute force is quick
            index = faiss.IndexRefineFlat(faiss.IndexFlatIP(labels.shape[1]))
            index.add(labels)
            return index
        spec = f"PQ{settings.pq_subquantizers}x4fs,RFlat"
        index = faiss.index_factory(labels.shape[1], spec, faiss.METRIC_INNER_PRODUCT)
        index.train(labels)
        index.add(labels)
        return index

    def tune(self, index, settings):
        index.k_factor = settings.refine_factor

    def labels_only(self, settings, label_rows):
        return None  # it holds label rows only


class Hnsw(IndexKind):
    name = "hnsw"

    def cache_file(self, settings):
        return f"hnsw-m{settings.hnsw_m}.faiss"

    def build(self, vectors, label_rows, settings):
        index = faiss.IndexHNSWFlat(vectors.shape[1], settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.add(vectors)
        return index

    def tune(self, index, settings):
        index.hnsw.efSearch = settings.hnsw_ef_search

    def labels_only(self, settings, label_rows):
        return faiss.SearchParametersHNSW(
            sel=faiss.IDSelectorRange(0, label_rows), efSearch=settings.hnsw_ef_search
        )


class Ivf(IndexKind):
    name = "ivf"

    def cache_file(self, settings):
        return f"ivf-{settings.ivf_lists}.faiss"

    def build(self, vectors, label_rows, settings):
        dimension = vectors.shape[1]
        lists = min(settings.ivf_lists, max(1, vectors.shape[0] // 39))  # faiss wants 39 per list
        index = faiss.IndexIVFFlat(
            faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT
        )
        index.train(vectors)
        index.add(vectors)
        return index

    def tune(self, index, settings):
        index.nprobe = settings.ivf_probe

    def labels_only(self, settings, label_rows):
        return faiss.SearchParametersIVF(
            sel=faiss.IDSelectorRange(0, label_rows), nprobe=settings.ivf_probe
        )


FAST_MIN_ROWS = 10_000

INDEX_KINDS: dict[str, IndexKind] = {kind.name: kind for kind in (Exact(), Fast(), Hnsw(), Ivf())}


def index_kind(name: str) -> IndexKind:
    try:
        return INDEX_KINDS[name]
    except KeyError:
        raise IndexBuildError(
            f"unknown index kind {name!r}; choose one of {tuple(INDEX_KINDS)}"
        ) from None
