import faiss
import pytest

from skillgraph.faiss_threads import one_faiss_thread


def test_one_faiss_thread_inside_and_the_count_restored_after():
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)  # so that "restored" cannot pass by being 1 all along
    try:
        with one_faiss_thread():
            assert faiss.omp_get_max_threads() == 1
        assert faiss.omp_get_max_threads() == 2
        with pytest.raises(RuntimeError), one_faiss_thread():
            raise RuntimeError("a failed search")
        assert faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(before)
