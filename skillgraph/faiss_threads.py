"""Run a small faiss search on one OpenMP thread.

A search of a few dozen queries in a few thousand vectors is cheaper than waking OpenMP's
threads beside onnxruntime's, which spin on the same two cores: the example memory's search
took 27 ms per ad on two threads and 6 ms on one; the span datastore read 0.80x as many
sentences per second on two threads against 0.93x on one (docs/benchmarks.md). The ESCO
index's search, over 100k vectors, keeps its threads (17 ms against 25 on one). OpenMP's
thread count is per calling thread, so other threads' searches are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def one_faiss_thread() -> Iterator[None]:
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)
