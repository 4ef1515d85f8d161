"""Batches through a job in worker processes, results in input order, memory bounded.

Each worker is a fresh interpreter (``spawn``: onnxruntime's thread pools do not survive a
fork) that builds what the job needs once and keeps it for every batch it is handed. At most
``2 * workers`` batches are in flight, so a run over millions of rows holds a few batches, not the
input. With one worker, or an input of one batch, the job runs in this process.

In a pool each batch is cut into one slice per worker, and its results are joined again in
order: the workers finish together even when the input is a few batches (58 ads in batches of
32 kept one worker on 32 while the other had 26), and batches stay the unit of order and
checkpoints. A row's result does not depend on what it is sliced with (``services.batch.run``).
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

Row = TypeVar("Row")
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
    job: Callable[[list[Row]], list[Done]],
    batches: Iterable[list[Row]],
    workers: int,
    worker_job: Callable[[], Callable[[list[Row]], list[Done]]] | None = None,
) -> Iterator[list[Done]]:
    """``job(batch)`` for each batch, in order.

    With ``workers > 1`` and more than one batch, the batches go, a slice per worker, to a pool
    of processes running ``worker_job()`` (a picklable job configured for a worker, e.g. with
    fewer threads; ``job`` itself when None).
    """
    iterator = iter(batches)
    first = list(itertools.islice(iterator, 2))
    if workers <= 1 or len(first) < 2:
        for batch in itertools.chain(first, iterator):
            yield job(batch)
        return
    pooled = worker_job() if worker_job is not None else job
    yield from _pooled(pooled, itertools.chain(first, iterator), workers)


def slices(batch: list[Row], parts: int) -> list[list[Row]]:
    """``batch`` cut in order into at most ``parts`` slices whose lengths differ by one at most."""
    parts = max(1, min(parts, len(batch)))
    size, longer = divmod(len(batch), parts)
    ends = itertools.accumulate((size + (i < longer) for i in range(parts)), initial=0)
    return [batch[start:end] for start, end in itertools.pairwise(ends)]


def _pooled(
    job: Callable[[list[Row]], list[Done]], batches: Iterator[list[Row]], workers: int
) -> Iterator[list[Done]]:
    context = multiprocessing.get_context("spawn")
    log.info("starting %d worker processes", workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[list[Future[list[Done]]]] = deque()

        def joined(parts: list[Future[list[Done]]]) -> list[Done]:
            return [done for part in parts for done in part.result()]

        try:
            for batch in batches:
                pending.append([pool.submit(job, part) for part in slices(batch, workers)])
                if len(pending) >= 2 * workers:
                    yield joined(pending.popleft())
            while pending:
                yield joined(pending.popleft())
        except BrokenProcessPool as exc:
            raise BatchWorkerError(
                "a worker process died (out of memory, or killed); nothing after the last "
                "checkpoint was lost: run again with --resume"
            ) from exc
        finally:
            for parts in pending:
                for future in parts:
                    future.cancel()
