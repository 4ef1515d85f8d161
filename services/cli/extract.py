"""``skillgraph extract``: ESCO skills for every row of a CSV, JSONL or Parquet file, streamed.

Rows are read, extracted in batches (in worker processes with ``--workers``) and written in
input order; rows that cannot be used go to the errors file with their row number and reason.
Memory stays flat whatever the input size, and an interrupted run resumes with ``--resume``.
"""

from __future__ import annotations

import click

from services.batch import WRITERS, open_writer
from services.batch.jobs import ExtractJob, adopt_graph
from services.cli.batch_run import BatchOptions, batch_options, run_command
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
@click.option(
    "--raw-csv",
    is_flag=True,
    help="Write CSV cells as they are, even those a spreadsheet would run as a formula "
    "(by default a leading =, +, -, @, tab or CR gets a ' before it).",
)
@click.pass_obj
def extract_command(
    context: CliContext,
    batch: BatchOptions,
    top_k: int | None,
    min_score: float | None,
    output_format: str | None,
    raw_csv: bool,
) -> None:
    """Extract ESCO skills from each row of INPUT (CSV with a header, JSONL or Parquet; - for
    stdin)."""
    graph = context.graph
    extractor = graph.extractor
    mode = extractor.mode(top_k, min_score)  # reject bad parameters before reading anything
    stamp = extractor.model(mode)
    adopt_graph(context.settings, graph)
    run_command(
        ExtractJob(context.settings, top_k, min_score),
        lambda mark: open_writer(batch.output, output_format, resume_at=mark, raw_csv=raw_csv),
        batch,
        context.settings,
        {
            "command": "extract",
            "top_k": top_k,
            "min_score": min_score,
            "format": output_format,
            "raw_csv": raw_csv,
            "model": [stamp.name, stamp.fingerprint],
            "esco_version": extractor.esco_version,
        },
        "extracted",
    )
