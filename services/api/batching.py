"""Requests from concurrent clients, served together.

Each ``POST /v1/extract`` (and ``/v1/spans``) hands its text and its task (an extraction mode,
or span tagging) to one worker thread and waits for its answer. The worker takes every request
that is waiting (or arrives within a short window) and serves them in one call per task: one
reader pass over all their sentences, one index search, no lock held by a request thread, and
the two cores never split between competing requests. A text that fails costs only itself: a
failing batch is retried one text at a time.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# Answers for many texts, in order, all of one task (texts of different tasks never share a call).
Process = Callable[[Sequence[str], Hashable], Sequence[Any]]


@dataclass
class _Job:
    text: str
    task: Hashable
    result: Future[Any] = field(default_factory=Future)


class MicroBatcher:
    def __init__(self, process: Process, window: float = 0.002, max_texts: int = 64) -> None:
        self._process = process
        self.window = window
        self.max_texts = max_texts
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._run, name="skillgraph-batcher", daemon=True)
        self._worker.start()
        self.batches = 0  # how many calls served how many texts (for tests and logs)
        self.texts = 0

    def submit(self, text: str, task: Hashable) -> Any:
        """The answer of ``task`` for ``text``, served together with whatever else waits."""
        job = _Job(text, task)
        self._jobs.put(job)
        return job.result.result()

    def submit_many(self, texts: Sequence[str], task: Hashable) -> list[Any | Exception]:
        """The answer of ``task`` for each text, in order, or the exception that text raised
        (the others are answered all the same)."""
        jobs = [_Job(text, task) for text in texts]
        for job in jobs:
            self._jobs.put(job)
        answers: list[Any | Exception] = []
        for job in jobs:
            exc = job.result.exception()
            answers.append(exc if isinstance(exc, Exception) else job.result.result())
        return answers

    @property
    def alive(self) -> bool:
        """Whether the worker is there to serve requests."""
        return self._worker.is_alive()

    def close(self) -> None:
        self._jobs.put(None)
        self._worker.join()

    def _run(self) -> None:
        while (first := self._jobs.get()) is not None:
            batch, stop = self._gather(first)
            by_task: dict[Hashable, list[_Job]] = {}
            for job in batch:
                by_task.setdefault(job.task, []).append(job)
            for task, jobs in by_task.items():
                self._serve(task, jobs)
            if stop:
                return

    def _gather(self, first: _Job) -> tuple[list[_Job], bool]:
        """``first`` and the jobs that are waiting or come within the window."""
        batch = [first]
        deadline = time.monotonic() + self.window
        while len(batch) < self.max_texts:
            try:
                job = self._jobs.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if job is None:
                return batch, True
            batch.append(job)
        return batch, False

    def _serve(self, task: Hashable, jobs: list[_Job]) -> None:
        try:
            found = self._process([j.text for j in jobs], task)
        except Exception as exc:  # one bad text: each on its own, so that it fails alone
            if len(jobs) == 1:
                jobs[0].result.set_exception(exc)
            else:
                for job in jobs:
                    self._serve(task, [job])
            return
        self.batches += 1
        self.texts += len(jobs)
        for job, answer in zip(jobs, found, strict=True):
            job.result.set_result(answer)
