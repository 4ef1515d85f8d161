"""The per-sentence cache: each distinct key computed once, bounded, safe across threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from skillgraph.cache import SentenceCache, sentence_key


class Counting:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, keys):
        with self.lock:
            self.calls.append(list(keys))
        return [f"value of {k}" for k in keys]


def test_repeated_keys_are_computed_once_in_one_call_and_then_served():
    cache, compute = SentenceCache(10), Counting()
    assert cache.get_many(["a", "b", "a"], compute) == ["value of a", "value of b", "value of a"]
    assert compute.calls == [["a", "b"]]
    assert cache.get_many(["b", "c"], compute) == ["value of b", "value of c"]
    assert compute.calls == [["a", "b"], ["c"]]
    assert (cache.hits, cache.misses) == (2, 3)


def test_the_least_recently_used_entry_goes_first():
    cache, compute = SentenceCache(2), Counting()
    cache.get_many(["a", "b"], compute)
    cache.get_many(["a"], compute)  # a is now more recent than b
    cache.get_many(["c"], compute)
    assert len(cache) == 2
    cache.get_many(["a", "b"], compute)
    assert compute.calls[-1] == ["b"]


def test_capacity_zero_turns_it_off_repeats_included():
    cache, compute = SentenceCache(0), Counting()
    assert cache.get_many(["a", "a"], compute) == ["value of a", "value of a"]
    cache.get_many(["a"], compute)
    assert compute.calls == [["a", "a"], ["a"]] and len(cache) == 0


def test_threads_sharing_a_cache_get_consistent_values():
    cache, compute = SentenceCache(50), Counting()
    keys = [f"k{i % 20}" for i in range(200)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda k: cache.get_many([k], compute)[0], keys))
    assert results == [f"value of {k}" for k in keys]
    assert len(cache) == 20


def test_keys_fold_case_only_where_positions_survive():
    assert sentence_key("Python and SQL", uncased=True) == "python and sql"
    assert sentence_key("Python and SQL", uncased=False) == "Python and SQL"
    # "İ" lowers to two characters: offsets would shift, so the text is kept as it is.
    assert sentence_key("İstanbul office", uncased=True) == "İstanbul office"
