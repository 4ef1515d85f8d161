"""``skillgraph spans``: the skill and knowledge spans of every row of a CSV or JSONL file.

Each output line is ``{"id", "spans": [{"start", "end", "text", "confidence"}]}``, offsets in the
row's text, from the same one-pass tagger the default extraction mode reads sentences with.
"""

from __future__ import annotations

import click

from services.batch import JsonlResultWriter, SpanRowResult, run_rows
from services.cli.batch_run import BatchOptions, batch_options, write_rows
from services.cli.context import CliContext


@click.command("spans")
@batch_options
@click.pass_obj
def spans_command(context: CliContext, batch: BatchOptions) -> None:
    """Tag the skill spans of each row of INPUT (CSV with a header, or JSONL; - for stdin) as
    JSON Lines."""
    extractor = context.graph.extractor
    if extractor.spans is None:
        raise click.ClickException("span tagging needs a span model: spans.model is empty")
    results = run_rows(
        batch.records(context.settings.extraction.max_text_chars),
        batch.batch_size,
        extractor.tag_spans,
        lambda row, spans: SpanRowResult(row.id, row.row_number, tuple(spans)),
    )
    write_rows(results, JsonlResultWriter(batch.output), batch, "tagged")
