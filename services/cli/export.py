"""``skillgraph export``: RDF for extraction results, the ESCO snapshot and procedure graphs.

Output streams to the file (or stdout) in Turtle, N-Triples, N-Quads, TriG or JSON-LD; memory
stays flat whatever the input size. Rows that cannot be converted go to the errors file with
their row number and reason, and the export goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import click
from pyoxigraph import NamedNode

from ontology import esco_triples
from services.batch import ErrorLog, RowError, errors_path_for, read_records
from services.batch.jobs import ExtractJob, adopt_graph
from services.batch.run import DEFAULT_BATCH_SIZE, stream_results
from services.cli.batch_run import workers_option
from services.cli.context import CliContext, progress_bar
from services.rdf import (
    EXPORT_FORMATS,
    ExtractionRun,
    GraphChunk,
    IriScheme,
    PostingConverter,
    PostingRecord,
    RdfError,
    RowWarning,
    export_format_for,
    posting_chunks,
    procedure_chunk,
    read_results,
    write_chunks,
)
from services.rdf.rdf_input import triple_chunks
from skillgraph import SkillgraphError
from skillgraph.modes import MAX_TOP_K

_JOB_AD_SUFFIXES = (".csv", ".csv.gz")


@dataclass(frozen=True)
class PostingOptions:
    """How postings are read and named: shared by ``export postings`` and ``push``."""

    dataset: str | None = None
    base_iri: str | None = None
    occupation: str = ""
    model: str = ""
    unknown_skills: str = "keep"
    extract: bool = False
    text_column: str = "text"
    id_column: str = "id"
    top_k: int | None = None
    min_score: float | None = None
    workers: int | None = None


def posting_options(function):
    """The click options behind :class:`PostingOptions`."""
    options = [
        click.option("--dataset", help="Dataset name in the postings' IRIs (rdf.dataset)."),
        click.option("--base-iri", help="Base of every IRI SkillGraph mints (rdf.base_iri)."),
        click.option("--occupation", default="", help="ESCO occupation URI for rows naming none."),
        click.option("--model", default="", help="Model for JSONL results naming none."),
        click.option(
            "--unknown-skills",
            type=click.Choice(["keep", "drop"]),
            default="keep",
            show_default=True,
            help="Skills not in the ESCO snapshot: export them anyway, or leave them out.",
        ),
        click.option(
            "--extract",
            is_flag=True,
            help="INPUT is job ads (CSV, or JSONL with text): extract first (default for .csv).",
        ),
        click.option("--text-column", default="text", show_default=True),
        click.option("--id-column", default="id", show_default=True),
        click.option("--top-k", type=click.IntRange(1, MAX_TOP_K)),
        click.option("--min-score", type=click.FloatRange(-1, 1)),
        workers_option,
    ]
    for option in reversed(options):
        function = option(function)
    return function


def posting_items(
    context: CliContext, input_path: str, options: PostingOptions
) -> Iterator[GraphChunk | RowError]:
    """One graph chunk per posting of ``input_path``, and the row errors and warnings between."""
    settings = context.settings
    iris = IriScheme(
        options.base_iri or settings.rdf.base_iri, options.dataset or settings.rdf.dataset
    )
    if options.extract or input_path.lower().endswith(_JOB_AD_SUFFIXES):
        extractor = context.graph.extractor
        mode = extractor.mode(options.top_k, options.min_score)  # bad ones fail before reading
        stamp = extractor.model(mode)
        run = ExtractionRun(model=stamp.name, fingerprint=stamp.fingerprint)
        rows: Iterable[PostingRecord | RowError] = _extracted(context, input_path, options)
    else:
        run = ExtractionRun(model=options.model)
        rows = read_results(input_path, occupation=options.occupation)
    converter = PostingConverter(iris, run, context.taxonomy, options.unknown_skills)  # type: ignore[arg-type]
    return posting_chunks(rows, converter)


def _extracted(
    context: CliContext, input_path: str, options: PostingOptions
) -> Iterator[PostingRecord | RowError]:
    records = read_records(
        input_path,
        text_column=options.text_column,
        id_column=options.id_column,
        max_text_chars=context.settings.extraction.max_text_chars,
    )
    adopt_graph(context.settings, context.graph)
    job = ExtractJob(context.settings, options.top_k, options.min_score)
    for result in stream_results(records, job, DEFAULT_BATCH_SIZE, options.workers):
        if isinstance(result, RowError):
            yield result
        else:
            yield PostingRecord(
                result.id,
                result.esco_version,
                result.skills,
                options.occupation,
                result.row_number,
                model=result.model,
            )


@click.group("export")
def export_group() -> None:
    """Write RDF: extraction results, the ESCO snapshot, procedure graphs."""


def _format_option(function):
    return click.option(
        "--format",
        "format_name",
        type=click.Choice(sorted(EXPORT_FORMATS)),
        help="RDF format (default: from the output's extension; Turtle for stdout).",
    )(function)


@export_group.command("postings")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", default="-", show_default=True, help="Output file, - for stdout.")
@_format_option
@posting_options
@click.option(
    "--errors", "errors_path", help="Where rejected rows go (default OUTPUT.errors.jsonl)."
)
@click.pass_obj
def export_postings(
    context: CliContext,
    input_path: str,
    output: str,
    format_name: str | None,
    errors_path: str | None,
    **options,
) -> None:
    """RDF for the postings in INPUT: the batch CLI's JSONL output, or job ads to extract first.

    Each posting becomes a named graph (kept in N-Quads, TriG and JSON-LD) holding the posting,
    one skill extraction per skill with score and evidence, and the extraction run.
    """
    try:
        fmt = export_format_for(output, format_name)
        items = posting_items(context, input_path, PostingOptions(**options))
        errors_target = errors_path or errors_path_for(output)
        counts = _Counts()
        with (
            ErrorLog(errors_target) as error_log,
            progress_bar("exporting", unit="postings") as bar,
        ):
            chunks = counts.chunks(items, error_log, bar.update)
            triples = write_chunks(chunks, output, fmt)
    except RdfError as exc:
        raise click.ClickException(str(exc)) from exc
    where = (
        f" (see {errors_target})" if (counts.rejected or counts.warnings) and errors_target else ""
    )
    click.echo(
        f"{counts.postings} postings, {triples} triples -> {output} ({fmt.name}); "
        f"{counts.rejected} rows rejected, {counts.warnings} warnings{where}",
        err=True,
    )
    if counts.rejected and not counts.postings:
        raise click.ClickException("nothing was exported: every row was rejected")


@export_group.command("esco")
@click.option("-o", "--output", default="-", show_default=True, help="Output file, - for stdout.")
@_format_option
@click.option("--graph", help="Named graph for N-Quads, TriG, JSON-LD (default: the release IRI).")
@click.option("--base-iri", help="Base of the release IRI (rdf.base_iri).")
@click.pass_obj
def export_esco(
    context: CliContext,
    output: str,
    format_name: str | None,
    graph: str | None,
    base_iri: str | None,
) -> None:
    """The configured ESCO snapshot in ESCO's own model (URIs as published)."""
    try:
        fmt = export_format_for(output, format_name)
        taxonomy = context.taxonomy
        release = IriScheme(base_iri or context.settings.rdf.base_iri).esco_release(
            taxonomy.release
        )
        target = parse_graph_iri(graph) if graph else release
        with progress_bar("exporting ESCO", unit="triples") as bar:
            chunks = triple_chunks(esco_triples(taxonomy, release), target, progress=bar.update)
            triples = write_chunks(chunks, output, fmt)
    except RdfError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{taxonomy.release.name}: {triples} triples -> {output} ({fmt.name})", err=True)


@export_group.command("procedures")
@click.argument("input_path", metavar="GRAPHS")
@click.option("-o", "--output", default="-", show_default=True, help="Output file, - for stdout.")
@_format_option
@click.option("--dataset", help="Dataset name in the IRIs (rdf.dataset).")
@click.option("--base-iri", help="Base of every IRI SkillGraph mints (rdf.base_iri).")
@click.pass_obj
def export_procedures(
    context: CliContext,
    input_path: str,
    output: str,
    format_name: str | None,
    dataset: str | None,
    base_iri: str | None,
) -> None:
    """RDF for the procedure graphs in GRAPHS (a `skillgraph procedure` JSON file)."""
    try:
        fmt = export_format_for(output, format_name)
        chunks = procedure_items(context, input_path, dataset, base_iri)
        triples = write_chunks(chunks, output, fmt)
    except SkillgraphError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{len(chunks)} procedure graphs, {triples} triples -> {output}", err=True)


def procedure_items(
    context: CliContext, input_path: str, dataset: str | None, base_iri: str | None
) -> list[GraphChunk]:
    """One graph chunk per procedure graph of a procedure-graph JSON file."""
    from skillgraph.procedure import read_graphs

    settings = context.settings
    iris = IriScheme(base_iri or settings.rdf.base_iri, dataset or settings.rdf.dataset)
    return [procedure_chunk(graph, iris) for graph in read_graphs(input_path)]


def parse_graph_iri(value: str) -> NamedNode:
    try:
        return NamedNode(value)
    except ValueError:
        raise click.BadParameter(f"not an absolute IRI: {value!r}", param_hint="--graph") from None


class _Counts:
    def __init__(self) -> None:
        self.postings = self.rejected = self.warnings = 0

    def chunks(self, items, error_log: ErrorLog, advance) -> Iterator[GraphChunk]:
        for item in items:
            if isinstance(item, RowError):
                error_log.write(item)
                if isinstance(item, RowWarning):
                    self.warnings += 1
                else:
                    self.rejected += 1
                continue
            self.postings += 1
            advance(1)
            yield item
