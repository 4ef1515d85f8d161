"""The micro-batcher: concurrent requests served together, each answer to its own caller."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.api.batching import MicroBatcher
from skillgraph import InputError, Ranking, Threshold


class SlowUpper:
    """Answers each text with itself upper-cased; slow enough that requests pile up."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], object]] = []
        self.lock = threading.Lock()

    def __call__(self, texts, mode):
        if any(t == "bad" for t in texts):
            raise InputError("bad text")
        time.sleep(0.05)
        with self.lock:
            self.calls.append((list(texts), mode))
        return [[t.upper()] for t in texts]


@pytest.fixture
def batcher():
    extract = SlowUpper()
    batcher = MicroBatcher(extract, window=0.01, max_texts=64)
    yield batcher, extract
    batcher.close()


def test_concurrent_requests_are_served_together_and_answered_in_place(batcher):
    batcher, _ = batcher
    texts = [f"text {i}" for i in range(16)]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda t: batcher.submit(t, Ranking(5)), texts))
    assert answers == [[t.upper()] for t in texts]
    assert batcher.texts == 16 and batcher.batches < 8


def test_tasks_are_never_mixed_in_one_call(batcher):
    batcher, extract = batcher
    jobs = [("a", Ranking(5)), ("b", Threshold(0.5, 10)), ("c", Ranking(5))]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda job: batcher.submit(*job), jobs))
    assert answers == [["A"], ["B"], ["C"]]
    for texts, mode in extract.calls:
        assert all(m == mode for t, m in jobs if t in texts)


def test_a_bad_text_fails_alone(batcher):
    batcher, _ = batcher
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(batcher.submit, t, Ranking(5)) for t in ("x", "bad", "y", "z")]
        with pytest.raises(InputError, match="bad text"):
            futures[1].result()
        assert [futures[i].result() for i in (0, 2, 3)] == [["X"], ["Y"], ["Z"]]
