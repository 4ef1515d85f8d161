"""Batches through a job in worker processes, results in input order, memory bounded.

Each worker is a fresh interpreter (``spawn``: onnxruntime's thread pools do not survive a
fork) that builds what the job needs once and keeps it for every batch it is handed. At most
``2 * workers`` batches are in flight, so a run over millions of rows holds a few batches, not the
input. With one worker, or an input of one batch, the job runs in this process.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from services.batch.exceptions import BatchWorkerError

log = logging.getLogger(__name__)

Batch = TypeVar("Batch")
Done = TypeVar("Done")


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Threads each worker's models get, so that workers * threads = cores (at least one)."""
    return max(1, (cores or default_workers()) // max(1, workers))


def map_batches(
    job: Callable[[Batch], Done],
    batches: Iterable[Batch],
    workers: int,
    worker_job: Callable[[], Callable[[Batch], Done]] | None = None,
) -> Iterator[Done]:
    """``job(batch)`` for each batch, in order.

    With ``workers > 1`` and more than one batch, the batches go to a pool of processes running
    ``worker_job()`` (a picklable job configured for a worker, e.g. with fewer threads; ``job``
    itself when None).
    """
    iterator = iter(batches)
    first = list(itertools.islice(iterator, 2))
    if workers <= 1 or len(first) < 2:
        for batch in itertools.chain(first, iterator):
            yield job(batch)
        return
    pooled = worker_job() if worker_job is not None else job
    yield from _pooled(pooled, itertools.chain(first, iterator), workers)


def _pooled(job: Callable[[Batch], Done], batches: Iterator[Batch], workers: int) -> Iterator[Done]:
    context = multiprocessing.get_context("spawn")
    log.info("starting %d worker processes", workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[Done]] = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(job, batch))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as exc:
            raise BatchWorkerError(
                "a worker process died (out of memory, or killed); nothing after the last "
                "checkpoint was lost: run again with --resume"
            ) from exc
        finally:
            for future in pending:
                future.cancel()
