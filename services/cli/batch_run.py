"""What the batch commands (``extract``, ``spans``) share: their input options, and one loop
that writes results in input order, logs rejected rows and reports the run."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields

import click

from services.batch import (
    ErrorLog,
    InputRow,
    JsonRecord,
    ResultWriter,
    RowError,
    errors_path_for,
    read_records,
)
from services.cli.context import progress_bar


@dataclass(frozen=True)
class BatchOptions:
    """Where a batch command reads from and writes to."""

    input_path: str
    text_column: str
    id_column: str
    output: str
    input_format: str | None
    errors_path: str | None
    batch_size: int

    def records(self, max_text_chars: int) -> Iterator[InputRow | RowError]:
        return read_records(
            self.input_path,
            text_column=self.text_column,
            id_column=self.id_column,
            input_format=self.input_format,
            max_text_chars=max_text_chars,
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
        type=click.Choice(["csv", "jsonl"]),
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
        default=32,
        show_default=True,
        help="Rows processed together.",
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


def write_rows(
    results: Iterable[JsonRecord | RowError],
    writer: ResultWriter,
    batch: BatchOptions,
    done: str,
) -> None:
    """Write ``results`` (an open ``writer``'s records, rejected rows between), then report
    ``N rows: X <done>, Y rejected`` on stderr."""
    errors_target = batch.errors_path or errors_path_for(batch.output)
    rows = rejected = 0
    with (
        writer,
        ErrorLog(errors_target) as error_log,
        progress_bar(done, unit="rows") as bar,
    ):
        for result in results:
            rows += 1
            if isinstance(result, RowError):
                rejected += 1
                error_log.write(result)
            else:
                writer.write(result)
            bar.update(1)
    where = f" (see {errors_target})" if rejected and errors_target else ""
    click.echo(
        f"{rows} rows: {rows - rejected} {done}, {rejected} rejected{where}"
        + (f" -> {batch.output}" if batch.output != "-" else ""),
        err=True,
    )
