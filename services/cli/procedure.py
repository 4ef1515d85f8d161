"""``skillgraph procedure``: job ads to step graphs, step paths to graphs, graphs to predictions.

Every command reports unusable input records in an errors file (``OUTPUT.errors.jsonl``, or
stderr when the output is stdout) with their row and line numbers, and carries on with the rest.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import click

from services.batch import (
    ErrorLog,
    InputRow,
    RowError,
    errors_path_for,
)
from services.batch.jobs import StepsJob, adopt_graph
from services.batch.jsonl_input import json_objects
from services.batch.policy import EMPTY_TEXT
from services.batch.run import stream_results
from services.batch.sources import open_source
from services.cli.batch_run import workers_option
from services.cli.context import CliContext, progress_bar
from services.cli.paired_columns import paired_records
from skillgraph import SkillgraphError
from skillgraph.encoders import Encoder, load_encoder
from skillgraph.procedure import (
    GraphPredictor,
    ProcedureGraph,
    StepMatcher,
    StepObservation,
    check_sequence,
    graphs_to_dict,
    induce_graph,
    read_graphs,
)
from skillgraph.procedure.occupation_groups import GroupKey
from skillgraph.procedure.step_skills import StepSkillLinker
from skillgraph.version import __version__

DEFAULT_GROUP = "all"
MAX_K = 50
_UNKNOWN_LISTED = 10  # known task keys named in an "unknown task" error

_errors_option = click.option(
    "--errors",
    "errors_path",
    help="Where rejected records go (default OUTPUT.errors.jsonl; stderr for stdout).",
)


@click.group("procedure")
def procedure_group() -> None:
    """Procedure graphs: the steps of a job, their order and the skills each one needs."""


@procedure_group.command("extract")
@click.argument("input_path", metavar="INPUT")
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default="id", show_default=True)
@click.option(
    "--group-column",
    help="One graph per value of this column; an ESCO occupation (URI or label) keys its "
    "graph by its URI (default: one graph).",
)
@click.option(
    "--title-column",
    help="One graph per ESCO occupation, matched from the job title in this column.",
)
@click.option("-o", "--output", default="-", show_default=True, help="GRAPHS.json, - for stdout.")
@click.option("--steps", "steps_path", help="Also write each ad's steps and skills (JSONL).")
@click.option("--input-format", type=click.Choice(["csv", "jsonl"]))
@_errors_option
@click.option("--batch-size", type=click.IntRange(1, 4096), default=32, show_default=True)
@workers_option
@click.pass_obj
def extract_procedures(
    context: CliContext,
    input_path: str,
    text_column: str,
    id_column: str,
    group_column: str | None,
    title_column: str | None,
    output: str,
    steps_path: str | None,
    input_format: str | None,
    errors_path: str | None,
    batch_size: int,
    workers: int | None,
) -> None:
    """Job ads in INPUT (CSV or JSONL; - for stdin) -> steps -> one procedure graph per group."""
    if group_column and title_column:
        raise click.UsageError("--group-column and --title-column are two ways to group: pick one")
    graph = context.graph
    adopt_graph(context.settings, graph)
    group_by = "title" if title_column else "value" if group_column else "none"
    job = StepsJob(context.settings, with_skills=steps_path is not None, group_by=group_by)
    settings = context.settings.procedure
    linker = StepSkillLinker.for_settings(graph.extractor, settings)
    groups: dict[GroupKey, list[StepObservation]] = defaultdict(list)
    errors_target = errors_path or errors_path_for(output)
    rows = rejected = 0
    with (
        _grouped_records(input_path, text_column, id_column, group_column or title_column,
                         input_format, context.settings.extraction.max_text_chars) as records,
        ErrorLog(errors_target) as error_log,
        _text_output(steps_path) as steps_out,
        progress_bar("extracting steps", unit="ads") as bar,
    ):  # fmt: skip
        for row, group, found in stream_results(records, job, batch_size, workers):
            rows += 1
            bar.update(1)
            if isinstance(found, RowError):
                rejected += 1
                error_log.write(found)
                continue
            assert isinstance(group, GroupKey)
            groups[group].append(found.observation())
            if steps_out is not None:
                record = {"id": row.id, "group": group.key, "label": group.label,
                          **found.to_dict(row.text)}  # fmt: skip
                steps_out.write(json.dumps(record, ensure_ascii=False) + "\n")
        source = _provenance(
            "procedure extract", input_path, group_column=group_column, title_column=title_column
        )
        graphs = _induce_groups(groups, graph.encoder, settings, linker, graph, source, "ads")
    if not graphs:
        where = errors_target or "stderr"
        raise click.ClickException(f"no ad in {input_path} had duty steps (see {where})")
    _write_json(graphs_to_dict(graphs), output)
    _report(f"{rows} ads: {rows - rejected} with steps, {rejected} rejected", graphs, output,
            errors_target if rejected else None)  # fmt: skip


@procedure_group.command("induce")
@click.argument("paths_file", metavar="PATHS.jsonl")
@click.option("-o", "--output", default="-", show_default=True, help="GRAPHS.json, - for stdout.")
@click.option("--no-skills", is_flag=True, help="Do not link steps to ESCO skills (faster).")
@_errors_option
@click.pass_obj
def induce_procedures(
    context: CliContext, paths_file: str, output: str, no_skills: bool, errors_path: str | None
) -> None:
    """Step sequences, one JSON object a line ({"task": KEY, "steps": [...]}) -> graphs."""
    settings = context.settings.procedure
    groups: dict[str, list[list[str]]] = defaultdict(list)
    errors_target = errors_path or errors_path_for(output)
    lines = rejected = 0
    with ErrorLog(errors_target) as error_log:
        for number, line, record in _json_lines(paths_file):
            lines += 1
            if isinstance(record, RowError):
                rejected += 1
                error_log.write(record)
                continue
            try:
                task = _task_key(record)
                steps = check_sequence(
                    record.get("steps"), max_steps=settings.max_steps_per_sequence
                )
            except SkillgraphError as exc:
                rejected += 1
                error_log.write(RowError(number, _id_text(record.get("task")), str(exc), line))
                continue
            groups[task].append(steps)
    if no_skills:
        encoder, linker, graph = _encoder(context), None, None
    else:
        graph = context.graph
        encoder, linker = graph.encoder, StepSkillLinker.for_settings(graph.extractor, settings)
    if not groups:
        where = errors_target or "stderr"
        raise click.ClickException(f"no usable sequence in {paths_file} (see {where})")
    source = _provenance("procedure induce", paths_file)
    keyed = {GroupKey(task): sequences for task, sequences in groups.items()}
    graphs = _induce_groups(keyed, encoder, settings, linker, graph, source)
    _write_json(graphs_to_dict(graphs), output)
    _report(f"{lines} sequences: {lines - rejected} used, {rejected} rejected", graphs, output,
            errors_target if rejected else None)  # fmt: skip


@procedure_group.command("predict")
@click.argument("graphs_file", metavar="GRAPHS.json", type=click.Path(dir_okay=False))
@click.argument("queries_file", metavar="QUERIES.jsonl")
@click.option("-o", "--output", default="-", show_default=True, help="OUT.jsonl, - for stdout.")
@_errors_option
@click.pass_obj
def predict_steps(
    context: CliContext, graphs_file: str, queries_file: str, output: str, errors_path: str | None
) -> None:
    """Next steps and the most likely completion for each query ({"task", "prefix", "k"})."""
    graphs = {graph.key: graph for graph in read_graphs(graphs_file)}
    predictors: dict[str, tuple[GraphPredictor, StepMatcher]] = {}
    encoder: list[Encoder] = []  # loaded on the first step that names no node exactly
    threshold = context.settings.procedure.step_match_threshold
    errors_target = errors_path or errors_path_for(output)
    queries = rejected = 0
    with (
        _text_output(output) as out,
        ErrorLog(errors_target) as error_log,
        progress_bar("predicting", unit="queries") as bar,
    ):
        for number, line, record in _json_lines(queries_file):
            queries += 1
            bar.update(1)
            if isinstance(record, RowError):
                rejected += 1
                error_log.write(record)
                continue
            try:
                task, prefix, k = _query(record, graphs)
                if task not in predictors:
                    predictors[task] = (GraphPredictor(graphs[task]), StepMatcher(graphs[task]))
                predictor, matcher = predictors[task]
                matched = matcher.match(prefix)
                if matched.unmatched and matcher.encoder is None:
                    encoder = encoder or [_encoder(context)]
                    matcher = StepMatcher(graphs[task], encoder[0], threshold)
                    predictors[task] = (predictor, matcher)
                    matched = matcher.match(prefix)
            except SkillgraphError as exc:
                rejected += 1
                error_log.write(RowError(number, _id_text(record.get("id")), str(exc), line))
                continue
            answer = {
                "id": _id_text(record.get("id")) or str(number),
                "task": task,
                "next": [
                    {"step": n.node.text, "node": n.node.id, "score": round(n.score, 6)}
                    for n in predictor.next_steps(matched.nodes, k)
                ],
                "completion": [node.text for node in predictor.complete(matched.nodes)],
                "unmatched": list(matched.unmatched),
            }
            out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    click.echo(
        f"{queries} queries: {queries - rejected} answered, {rejected} rejected"
        + (f" (see {errors_target})" if rejected and errors_target else ""),
        err=True,
    )


@contextlib.contextmanager
def _grouped_records(
    path: str,
    text_column: str,
    id_column: str,
    group_column: str | None,
    input_format: str | None,
    max_chars: int,
) -> Iterator[Iterator[tuple[InputRow | RowError, str | RowError]]]:
    """Each record with its group (:data:`DEFAULT_GROUP` without a group column)."""
    with paired_records(
        path, text_column, id_column, group_column, input_format, max_chars
    ) as records:
        yield (
            (row, DEFAULT_GROUP if key is None else _group_of(key, group_column or ""))
            for row, key in records
        )


def _group_of(record: InputRow | RowError, column: str) -> str | RowError:
    if isinstance(record, InputRow):
        return record.text.strip()
    reason = "is empty" if record.reason == EMPTY_TEXT else record.reason
    return RowError(record.row_number, record.id, f"group column {column!r}: {reason}", record.line)


def _induce_groups(
    groups, encoder, settings, linker, graph, source, unit="sequences"
) -> list[ProcedureGraph]:
    esco = graph.taxonomy.release.version if graph is not None else None
    linking = linker.description if linker is not None else None
    graphs = []
    with progress_bar("inducing graphs", unit="groups", total=len(groups)) as bar:
        for group, sequences in groups.items():
            graphs.append(
                induce_graph(
                    sequences, group.key, encoder, settings, linker, esco, source,
                    unit=unit, skill_linking=linking, label=group.label,
                )
            )  # fmt: skip
            bar.update(1)
    return graphs


def _provenance(command: str, source: str, **options: str | None) -> dict[str, str]:
    found = {"generator": f"skillgraph {__version__}", "command": command}
    found["input"] = "stdin" if source == "-" else os.path.basename(source)
    return found | {name: value for name, value in options.items() if value is not None}


MAX_LINE_BYTES = 16 << 20  # a step sequence or query far beyond any real one is garbage


def _json_lines(path: str) -> Iterator[tuple[int, int, dict[str, Any] | RowError]]:
    """(record number, line number, JSON object or why the line is none) per non-blank line."""
    with open_source(path) as stream:
        yield from json_objects(stream, MAX_LINE_BYTES)


def _task_key(record: dict) -> str:
    task = record.get("task")
    if isinstance(task, bool) or not isinstance(task, str | int):
        raise SkillgraphError(f"task must be a string or an integer, got {task!r}")
    key = str(task).strip()
    if not key:
        raise SkillgraphError("task is empty")
    return key


def _query(record: dict, graphs: dict[str, ProcedureGraph]) -> tuple[str, list[str], int]:
    task = _task_key(record)
    if task not in graphs:
        known = sorted(graphs)
        listed = ", ".join(map(repr, known[:_UNKNOWN_LISTED]))
        more = " ..." if len(known) > _UNKNOWN_LISTED else ""
        raise SkillgraphError(f"unknown task {task!r}; the graphs file has {listed}{more}")
    prefix = record.get("prefix", [])
    if not isinstance(prefix, list) or not all(isinstance(s, str) for s in prefix):
        raise SkillgraphError("prefix must be a list of step texts")
    k = record.get("k", 3)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise SkillgraphError(f"k must be an integer from 1 to {MAX_K}, got {k!r}")
    return task, prefix, k


def _id_text(value: object) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value)


def _encoder(context: CliContext) -> Encoder:
    return load_encoder(context.settings.encoder, context.settings.data_dir)


@contextlib.contextmanager
def _text_output(path: str | None) -> Iterator[Any]:
    """A text file to write, stdout for "-", None for no path."""
    if path is None or path == "-":
        yield None if path is None else sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise click.ClickException(f"cannot write {path!r}: {exc.strerror or exc}") from exc
    with handle:
        yield handle


def _write_json(document: dict[str, Any], path: str) -> None:
    with _text_output(path) as handle:
        handle.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")


def _report(counts: str, graphs: Sequence[ProcedureGraph], output: str, errors: str | None) -> None:
    nodes = sum(len(g.nodes) for g in graphs)
    click.echo(
        f"{counts}; {len(graphs)} graphs, {nodes} step nodes"
        + (f" (rejected: see {errors})" if errors else "")
        + (f" -> {output}" if output != "-" else ""),
        err=True,
    )
