"""Requests from concurrent clients, extracted together.

Each ``POST /v1/extract`` hands its text to one worker thread and waits for its answer. The
worker takes every request that is waiting (or arrives within a short window) and extracts them
in one ``extract_many`` call per mode: one reader pass over all their sentences, one index
search, no lock held by a request thread, and the two cores never split between competing
requests. A text that fails costs only itself: a failing batch is retried one text at a time.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from skillgraph import Mode, SkillMatch

log = logging.getLogger(__name__)

Extract = Callable[[Sequence[str], Mode], list[list[SkillMatch]]]


@dataclass
class _Job:
    text: str
    mode: Mode
    result: Future[list[SkillMatch]] = field(default_factory=Future)


class MicroBatcher:
    def __init__(self, extract: Extract, window: float = 0.002, max_texts: int = 64) -> None:
        self._extract = extract
        self.window = window
        self.max_texts = max_texts
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._run, name="skillgraph-batcher", daemon=True)
        self._worker.start()
        self.batches = 0  # how many extract calls served how many texts (for tests and logs)
        self.texts = 0

    def extract(self, text: str, mode: Mode) -> list[SkillMatch]:
        """The skills of ``text``, extracted together with whatever else is waiting."""
        job = _Job(text, mode)
        self._jobs.put(job)
        return job.result.result()

    def close(self) -> None:
        self._jobs.put(None)
        self._worker.join()

    def _run(self) -> None:
        while (first := self._jobs.get()) is not None:
            batch, stop = self._gather(first)
            by_mode: dict[Mode, list[_Job]] = {}
            for job in batch:
                by_mode.setdefault(job.mode, []).append(job)
            for mode, jobs in by_mode.items():
                self._serve(mode, jobs)
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

    def _serve(self, mode: Mode, jobs: list[_Job]) -> None:
        try:
            found = self._extract([j.text for j in jobs], mode)
        except Exception as exc:  # one bad text: each on its own, so that it fails alone
            if len(jobs) == 1:
                jobs[0].result.set_exception(exc)
            else:
                for job in jobs:
                    self._serve(mode, [job])
            return
        self.batches += 1
        self.texts += len(jobs)
        for job, matches in zip(jobs, found, strict=True):
            job.result.set_result(matches)
