"""``skillgraph occupations``: the ESCO occupations of each job title in a CSV, JSONL or Parquet
file, one JSON line per input row in order: ``{"id", "occupations": [{"uri", "label", "score",
"isco_code", "isco_path", "matched_label"}]}``; an empty list means no confident match. With
``--text-column``, the ad's skills vote and ``"context"`` sets them against the best
occupation (essential, optional, and its essential skills the ad does not mention)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import click

from services.batch import ErrorLog, JsonlResultWriter, RowError, errors_path_for
from services.batch.jobs import OccupationJob, adopt_graph
from services.batch.policy import EMPTY_TEXT
from services.batch.run import stream_results
from services.cli.batch_run import workers_option
from services.cli.context import CliContext, progress_bar
from services.cli.paired_columns import paired_records


@dataclass(frozen=True, slots=True)
class _Answer:
    id: str
    answer: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.answer}


@click.command("occupations")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", default="-", show_default=True, help="OUT.jsonl, - for stdout.")
@click.option("--title-column", default="title", show_default=True)
@click.option("--text-column", help="The ad's text: its skills vote and get their context.")
@click.option("--id-column", default="id", show_default=True)
@click.option(
    "--top-k", type=click.IntRange(1, 50), help="Occupations per title [occupations.top_k]."
)
@click.option("--input-format", type=click.Choice(["csv", "jsonl", "parquet"]))
@click.option("--errors", "errors_path", help="Rejected rows as JSONL [default: OUT.errors.jsonl].")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=64, show_default=True)
@workers_option
@click.pass_obj
def occupations_command(
    context: CliContext,
    input_path: str,
    output: str,
    title_column: str,
    text_column: str | None,
    id_column: str,
    top_k: int | None,
    input_format: str | None,
    errors_path: str | None,
    batch_size: int,
    workers: int | None,
) -> None:
    """Match the job title of each row of INPUT (CSV with a header, JSONL or Parquet; - for
    stdin) to ESCO occupations, as JSON Lines."""
    settings = context.settings
    graph = context.graph
    graph.occupations  # noqa: B018 (encode the labels once, here, on a first run)
    adopt_graph(settings, graph)
    job = OccupationJob(settings, top_k=top_k)
    errors_target = errors_path or errors_path_for(output)
    rows = rejected = matched = 0
    with (
        paired_records(input_path, title_column, id_column, text_column, input_format,
                       settings.extraction.max_text_chars) as records,
        JsonlResultWriter(output) as writer,
        ErrorLog(errors_target) as error_log,
        progress_bar("matching titles", unit="rows") as bar,
    ):  # fmt: skip
        for title, answer in stream_results(records, job, batch_size, workers):
            rows += 1
            bar.update(1)
            if isinstance(answer, RowError):
                if answer.reason == EMPTY_TEXT:
                    answer = replace(answer, reason=f"title column {title_column!r} is empty")
                rejected += 1
                error_log.write(answer)
                continue
            matched += bool(answer["occupations"])
            writer.write(_Answer(title.id, answer))
    where = f" (see {errors_target})" if rejected and errors_target else ""
    click.echo(
        f"{rows} rows: {matched} matched, {rows - rejected - matched} no confident match, "
        f"{rejected} rejected{where}" + (f" -> {output}" if output != "-" else ""),
        err=True,
    )
