"""One batch run: records in batches through a job (in this process or in workers), results
written in input order, rejected rows logged, a checkpoint kept so that the run can resume.
Commands that consume the results themselves (``export --extract``, ``procedure extract``)
stream them with :func:`stream_results`: the same batches and workers, nothing written.

Checkpoints fall on batch boundaries, at least ``checkpoint_every`` records apart: the output
and the error log are synced first, then the checkpoint is replaced atomically, so it never
claims more than is on disk. Output is the same, byte for byte, for any number of workers and
whether or not the run was interrupted and resumed (a sentence reads the same in any batch).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, Self

from services.batch.checkpoint import RunCheckpoint, RunPosition
from services.batch.error_log import ErrorLog
from services.batch.exceptions import BatchResumeError
from services.batch.parallel import default_workers, map_batches, threads_per_worker
from services.batch.records import InputRow, RowError
from services.batch.runner import batches
from services.batch.sinks import STDOUT
from services.batch.writers import ResultWriter

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 32  # rows a job is handed at a time, wherever the batch runs

Job = Callable[[list[InputRow | RowError]], list[Any]]


class WorkerJob(Protocol):
    """A picklable job that can be configured for a worker process (``services.batch.jobs``)."""

    def __call__(self, batch: list[Any], /) -> list[Any]: ...

    def for_worker(self, threads: int) -> Self: ...


def for_workers(job: WorkerJob, workers: int) -> Callable[[], WorkerJob]:
    """What a pool of ``workers`` processes runs: ``job`` on ``cores / workers`` model threads
    (made only if a pool starts)."""
    return lambda: job.for_worker(threads_per_worker(workers))


def stream_results(
    records: Iterable[Any], job: WorkerJob, batch_size: int, workers: int | None
) -> Iterator[Any]:
    """``job``'s result for each record, in input order, from ``workers`` processes (None: one
    per core) or this one."""
    workers = workers or default_workers()
    for results in map_batches(
        job, batches(records, batch_size), workers, for_workers(job, workers)
    ):
        yield from results


@dataclass(frozen=True, slots=True)
class RunPlan:
    """How a run goes: where to, in what batches, on how many workers, resumed or not."""

    output: str
    errors: str | None  # None: rejected rows go to stderr
    identity: dict[str, Any]  # what a resumed run must share with the one it resumes
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = 1
    resume: bool = False
    checkpoint_every: int = 1000  # records


def run_batches(
    records: Iterable[InputRow | RowError],
    job: Job,
    open_writer: Callable[[int | None], ResultWriter],
    plan: RunPlan,
    worker_job: Callable[[], Job] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunPosition:
    """Run ``job`` over ``records`` into ``open_writer(resume_mark)``; the final counts.

    Raises BatchResumeError before anything is written when ``plan.resume`` cannot be honoured.
    """
    checkpoint = None if plan.output == STDOUT else RunCheckpoint.beside(plan.output, plan.identity)
    start = _starting_position(checkpoint, plan)
    resumed = start is not None
    start = start or RunPosition()
    writer = open_writer(start.output_mark if resumed else None)
    with writer, ErrorLog(plan.errors, resume_at=start.errors_mark if resumed else None) as errors:
        remaining = itertools.islice(iter(records), start.records, None)
        done = records_done = start.records
        rejected = start.rejected
        for results in map_batches(
            job, batches(remaining, plan.batch_size), plan.workers, worker_job
        ):
            for result in results:
                if isinstance(result, RowError):
                    rejected += 1
                    errors.write(result)
                else:
                    writer.write(result)
            records_done += len(results)
            if progress is not None:
                progress(len(results))
            if checkpoint is not None and records_done - done >= plan.checkpoint_every:
                marks = (writer.checkpoint(), errors.checkpoint())
                checkpoint.save(RunPosition(records_done, rejected, *marks))
                done = records_done
    if checkpoint is not None:
        checkpoint.clear()  # complete: nothing to resume
    return RunPosition(records_done, rejected)


def _starting_position(checkpoint: RunCheckpoint | None, plan: RunPlan) -> RunPosition | None:
    """Where the run starts: a checkpoint's position, or None to start afresh."""
    if checkpoint is None:
        if plan.resume:
            raise BatchResumeError("a run written to stdout cannot be resumed: give -o OUTPUT")
        return None
    if not plan.resume:
        if checkpoint.exists():
            log.warning(
                "%s holds an unfinished run; starting over (pass --resume to continue it)",
                plan.output,
            )
            checkpoint.clear()
        return None
    if checkpoint.exists():
        position = checkpoint.load()
        log.info("resuming %s after %d records", plan.output, position.records)
        return position
    if os.path.exists(plan.output):
        raise BatchResumeError(
            f"nothing to resume: {plan.output} has no checkpoint beside it (the run that wrote "
            "it finished, or it is not SkillGraph's); remove it or run without --resume"
        )
    log.info("no checkpoint for %s: starting from the first record", plan.output)
    return None
