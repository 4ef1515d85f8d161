"""What the batch commands (``extract``, ``spans``) share: their input, worker and resume
options, and one way to run a job over the rows and report the run. ``--workers`` is also
offered by the commands that extract on the way (``export --extract``, ``procedure extract``)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from typing import Any

import click

from services.batch import (
    InputRow,
    ResultWriter,
    RowError,
    errors_path_for,
    read_records,
)
from services.batch.exceptions import BatchResumeError
from services.batch.jobs import with_threads
from services.batch.parallel import default_workers
from services.batch.readers import PARSERS
from services.batch.run import DEFAULT_BATCH_SIZE, RunPlan, for_workers, run_batches
from services.cli.context import progress_bar
from skillgraph import Settings


@dataclass(frozen=True)
class BatchOptions:
    """Where a batch command reads from and writes to, and how it runs."""

    input_path: str
    text_column: str
    id_column: str
    output: str
    input_format: str | None
    errors_path: str | None
    batch_size: int
    workers: int | None
    resume: bool
    checkpoint_every: int

    def records(self, max_text_chars: int) -> Iterator[InputRow | RowError]:
        return read_records(
            self.input_path,
            text_column=self.text_column,
            id_column=self.id_column,
            input_format=self.input_format,
            max_text_chars=max_text_chars,
        )

    @property
    def worker_count(self) -> int:
        return self.workers or default_workers()


workers_option = click.option(
    "--workers",
    type=click.IntRange(1, 256),
    help="Worker processes, each loading the models once (default: one per core; the model "
    "threads are split so that workers x threads = cores). Output is the same for any number.",
)

_OPTIONS = (
    click.argument("input_path", metavar="INPUT"),
    click.option("--text-column", default="text", show_default=True),
    click.option("--id-column", default="id", show_default=True),
    click.option(
        "-o", "--output", default="-", show_default=True, help="Output file, - for stdout."
    ),
    click.option(
        "--input-format",
        type=click.Choice(sorted(PARSERS)),
        help="Input format (default: from the input's extension).",
    ),
    click.option(
        "--errors",
        "errors_path",
        help="Where rejected rows go (default OUTPUT.errors.jsonl, made only if a row is; "
        "stderr for stdout).",
    ),
    click.option(
        "--batch-size",
        type=click.IntRange(1, 4096),
        default=DEFAULT_BATCH_SIZE,
        show_default=True,
        help="Rows processed together.",
    ),
    workers_option,
    click.option(
        "--resume",
        is_flag=True,
        help="Continue the interrupted run that wrote OUTPUT, from the checkpoint beside it "
        "(OUTPUT.checkpoint.json), with the same input and settings.",
    ),
    click.option(
        "--checkpoint-every",
        type=click.IntRange(1),
        default=1000,
        show_default=True,
        help="Rows between checkpoints (at batch boundaries).",
    ),
)
_NAMES = tuple(field.name for field in fields(BatchOptions))


def batch_options(function: Callable) -> Callable:
    """The options behind :class:`BatchOptions`, handed to the command as ``batch=``."""

    @functools.wraps(function)
    def command(*args, **kwargs):
        batch = BatchOptions(**{name: kwargs.pop(name) for name in _NAMES})
        return function(*args, batch=batch, **kwargs)

    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def run_command(
    job: Any,
    open_writer: Callable[[int | None], ResultWriter],
    batch: BatchOptions,
    settings: Settings,
    identity: dict[str, Any],
    done: str,
    records: Iterable[Any] | None = None,
) -> None:
    """Run ``job`` (an ``ExtractJob``-like: callable on a batch, ``for_worker(threads)``) over
    the rows of ``batch``'s input (or ``records`` read from it, e.g. with other columns) into
    ``open_writer(mark)``, then report ``N rows: X <done>, Y rejected`` on stderr."""
    workers = batch.worker_count
    errors_target = batch.errors_path or errors_path_for(batch.output)
    plan = RunPlan(
        output=batch.output,
        errors=errors_target,
        identity=run_identity(batch, settings, identity),
        batch_size=batch.batch_size,
        workers=workers,
        resume=batch.resume,
        checkpoint_every=batch.checkpoint_every,
    )
    with progress_bar(done, unit="rows") as bar:
        position = run_batches(
            batch.records(settings.extraction.max_text_chars) if records is None else records,
            job,
            open_writer,
            plan,
            worker_job=for_workers(job, workers),
            progress=bar.update,
        )
    rows, rejected = position.records, position.rejected
    where = f" (see {errors_target})" if rejected and errors_target else ""
    click.echo(
        f"{rows} rows: {rows - rejected} {done}, {rejected} rejected{where}"
        + (f" -> {batch.output}" if batch.output != "-" else ""),
        err=True,
    )


def run_identity(
    batch: BatchOptions, settings: Settings, identity: dict[str, Any]
) -> dict[str, Any]:
    """What a resumed run must share with the run it resumes: the command's own ``identity``
    (parameters, model), the input file as it was, how it is read and batched, and every
    core setting except thread counts (the service sections change no result)."""
    if batch.resume and batch.input_path == "-":
        raise BatchResumeError("a run reading stdin cannot be resumed: give the input as a file")
    source: dict[str, Any] = {"path": batch.input_path}
    if batch.input_path != "-":
        source["path"] = os.path.abspath(batch.input_path)
        try:
            stat = os.stat(batch.input_path)
            source.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        except OSError:
            pass  # the reader says why it cannot be read
    unthreaded = dataclasses.asdict(with_threads(settings, 0))
    core = {field.name: unthreaded[field.name] for field in fields(Settings)}
    digest = hashlib.sha256(json.dumps(core, sort_keys=True, default=str).encode()).hexdigest()
    return {
        **identity,
        "input": source,
        "input_format": batch.input_format,
        "text_column": batch.text_column,
        "id_column": batch.id_column,
        "batch_size": batch.batch_size,
        "errors": batch.errors_path,
        "settings": digest[:16],
    }
