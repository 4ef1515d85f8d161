"""``skillgraph extract``: ESCO skills for every row of a CSV or JSONL file, streamed.

Rows are read, extracted in batches and written in input order; rows that cannot be used go to
the errors file with their row number and reason. Memory stays flat whatever the input size.
"""

from __future__ import annotations

import click

from services.batch import WRITERS, RowResult, open_writer, run_rows
from services.cli.batch_run import BatchOptions, batch_options, write_rows
from services.cli.context import CliContext
from skillgraph.modes import MAX_TOP_K


@click.command("extract")
@batch_options
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
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(WRITERS)),
    help="Output format (default: from the output's extension, else jsonl).",
)
@click.pass_obj
def extract_command(
    context: CliContext,
    batch: BatchOptions,
    top_k: int | None,
    min_score: float | None,
    output_format: str | None,
) -> None:
    """Extract ESCO skills from each row of INPUT (CSV with a header, or JSONL; - for stdin)."""
    extractor = context.graph.extractor
    mode = extractor.mode(top_k, min_score)  # reject bad parameters before reading anything
    stamp = extractor.model(mode)
    writer = open_writer(batch.output, output_format)
    results = run_rows(
        batch.records(context.settings.extraction.max_text_chars),
        batch.batch_size,
        lambda texts: extractor.extract_many(texts, mode),
        lambda row, skills: RowResult(
            row.id, row.row_number, extractor.esco_version, tuple(skills), stamp
        ),
    )
    write_rows(results, writer, batch, "extracted")
