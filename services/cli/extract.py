"""``skillgraph extract``: ESCO skills for every row of a CSV or JSONL file, streamed.

Rows are read, extracted in batches and written in input order; rows that cannot be used go to
the errors file with their row number and reason. Memory stays flat whatever the input size.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import click

from services.batch import (
    WRITERS,
    ErrorLog,
    InputRow,
    RowError,
    RowResult,
    errors_path_for,
    open_writer,
    read_records,
)
from services.cli.context import CliContext, progress_bar
from skillgraph import Mode, SkillExtractor, SkillgraphError
from skillgraph.modes import MAX_TOP_K

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    rows: int = 0
    extracted: int = 0
    rejected: int = 0


@click.command("extract")
@click.argument("input_path", metavar="INPUT")
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default="id", show_default=True)
@click.option(
    "--top-k",
    type=click.IntRange(1, MAX_TOP_K),
    help="Ranking mode: the K best skills per row (with --min-score: at most K).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(-1, 1),
    help="Keep skills scoring at least this (0 with --top-k: exactly top K).",
)
@click.option("-o", "--output", default="-", show_default=True, help="Output file, - for stdout.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(WRITERS)),
    help="Output format (default: from the output's extension, else jsonl).",
)
@click.option(
    "--input-format",
    type=click.Choice(["csv", "jsonl"]),
    help="Input format (default: from the input's extension).",
)
@click.option(
    "--errors",
    "errors_path",
    help="Where rejected rows go (default OUTPUT.errors.jsonl; stderr for stdout).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 4096),
    default=32,
    show_default=True,
    help="Rows extracted together.",
)
@click.pass_obj
def extract_command(
    context: CliContext,
    input_path: str,
    text_column: str,
    id_column: str,
    top_k: int | None,
    min_score: float | None,
    output: str,
    output_format: str | None,
    input_format: str | None,
    errors_path: str | None,
    batch_size: int,
) -> None:
    """Extract ESCO skills from each row of INPUT (CSV with a header, or JSONL; - for stdin)."""
    extractor = context.graph.extractor
    mode = extractor.mode(top_k, min_score)  # reject bad parameters before reading anything
    records = read_records(
        input_path,
        text_column=text_column,
        id_column=id_column,
        input_format=input_format,
        max_text_chars=context.settings.extraction.max_text_chars,
    )
    errors_target = errors_path or errors_path_for(output)
    summary = RunSummary()
    with (
        open_writer(output, output_format) as writer,
        ErrorLog(errors_target) as error_log,
        progress_bar("extracting", unit="rows") as bar,
    ):
        for batch in _batches(records, batch_size):
            for result in _extract_batch(extractor, batch, mode):
                summary.rows += 1
                if isinstance(result, RowError):
                    summary.rejected += 1
                    error_log.write(result)
                else:
                    summary.extracted += 1
                    writer.write(result)
            bar.update(len(batch))
    _report(summary, output, errors_target)


def _batches(records: Iterable[InputRow | RowError], size: int) -> Iterator[list]:
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _extract_batch(
    extractor: SkillExtractor, batch: list[InputRow | RowError], mode: Mode
) -> Iterator[RowResult | RowError]:
    """Results for a batch, in order. A failing batch is retried row by row, so one bad row
    costs only itself."""
    rows = [r for r in batch if isinstance(r, InputRow)]
    try:
        found = iter(extractor.extract_many([r.text for r in rows], mode))
    except SkillgraphError:
        found = None
    for record in batch:
        if isinstance(record, RowError):
            yield record
            continue
        if found is not None:
            yield _result(extractor, record, next(found))
            continue
        try:
            yield _result(extractor, record, extractor.extract(record.text, mode))
        except SkillgraphError as exc:
            yield RowError(record.row_number, record.id, str(exc), None)


def _result(extractor: SkillExtractor, row: InputRow, skills) -> RowResult:
    return RowResult(row.id, row.row_number, extractor.esco_version, tuple(skills))


def _report(summary: RunSummary, output: str, errors_target: str | None) -> None:
    where = f" (see {errors_target})" if summary.rejected and errors_target else ""
    click.echo(
        f"{summary.rows} rows: {summary.extracted} extracted, {summary.rejected} rejected{where}"
        + (f" -> {output}" if output != "-" else ""),
        err=True,
    )
