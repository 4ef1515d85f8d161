"""``skillgraph spans``: the skill and knowledge spans of every row of a CSV, JSONL or Parquet
file.

Each output line is ``{"id", "spans": [{"start", "end", "text", "confidence"}]}``, offsets in the
row's text, from the same one-pass tagger the default extraction mode reads sentences with.
"""

from __future__ import annotations

import click

from services.batch import JsonlResultWriter
from services.batch.jobs import SpanJob, adopt_graph
from services.cli.batch_run import BatchOptions, batch_options, run_command
from services.cli.context import CliContext


@click.command("spans")
@batch_options
@click.pass_obj
def spans_command(context: CliContext, batch: BatchOptions) -> None:
    """Tag the skill spans of each row of INPUT (CSV with a header, JSONL or Parquet; - for
    stdin) as JSON Lines."""
    graph = context.graph
    spans = graph.extractor.spans
    if spans is None:
        raise click.ClickException("span tagging needs a span model: spans.model is empty")
    adopt_graph(context.settings, graph)
    reader = spans.reader
    run_command(
        SpanJob(context.settings),
        lambda mark: JsonlResultWriter(batch.output, resume_at=mark),
        batch,
        context.settings,
        {"command": "spans", "model": [reader.name, reader.fingerprint]},
        "tagged",
    )
