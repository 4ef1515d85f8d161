"""``skillgraph extract``: ESCO skills for every row of a CSV, JSONL or Parquet file, streamed.

Rows are read, extracted in batches (in worker processes with ``--workers``) and written in
input order; rows that cannot be used go to the errors file with their row number and reason.
Memory stays flat whatever the input size, and an interrupted run resumes with ``--resume``.
With ``--title-column`` and/or ``--occupation-column`` each row also gets its occupations and
the skills' context, as ``POST /v1/extract`` answers with ``title`` and ``occupation``.
"""

from __future__ import annotations

import contextlib

import click

from services.batch import WRITERS, open_writer
from services.batch.jobs import ExtractJob, PostingJob, adopt_graph
from services.cli.batch_run import BatchOptions, batch_options, run_command
from services.cli.context import CliContext
from services.cli.paired_columns import posting_records
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
    "--title-column",
    metavar="COLUMN",
    help="The ad's job title: each row gets its ESCO occupations (the skills voting; [] when "
    "no confident match) and the skills' context against the best one. Empty cells: no title.",
)
@click.option(
    "--occupation-column",
    metavar="COLUMN",
    help="The ad's ESCO occupation (URI or UUID), where known: the skills' context is against "
    "it rather than the title's best match. Empty cells: none given; one that ESCO does not "
    "have rejects its row.",
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
    title_column: str | None,
    occupation_column: str | None,
    output_format: str | None,
    raw_csv: bool,
) -> None:
    """Extract ESCO skills from each row of INPUT (CSV with a header, JSONL or Parquet; - for
    stdin)."""
    graph = context.graph
    extractor = graph.extractor
    mode = extractor.mode(top_k, min_score)  # reject bad parameters before reading anything
    stamp = extractor.model(mode)
    occupations = title_column is not None or occupation_column is not None
    identity = {
        "command": "extract",
        "top_k": top_k,
        "min_score": min_score,
        "format": output_format,
        "raw_csv": raw_csv,
        "model": [stamp.name, stamp.fingerprint],
        "esco_version": extractor.esco_version,
    }
    job: ExtractJob | PostingJob = ExtractJob(context.settings, top_k, min_score)
    if occupations:
        graph.occupations  # noqa: B018 (encode the labels once, here, on a first run)
        job = PostingJob(context.settings, top_k, min_score, title_column, occupation_column)
        identity.update(title_column=title_column, occupation_column=occupation_column)
    adopt_graph(context.settings, graph)
    reading = (
        posting_records(
            batch.input_path,
            batch.text_column,
            batch.id_column,
            title_column,
            occupation_column,
            batch.input_format,
            context.settings.extraction.max_text_chars,
        )
        if occupations
        else contextlib.nullcontext(None)  # the text column alone, as batch.records() reads it
    )
    with reading as records:
        run_command(
            job,
            lambda mark: open_writer(
                batch.output,
                output_format,
                resume_at=mark,
                raw_csv=raw_csv,
                occupations=occupations,
            ),
            batch,
            context.settings,
            identity,
            "extracted",
            records,
        )
