"""``skillgraph push``: load postings (or any RDF file, or ESCO) into a graph store, resumably.

Idempotent: every posting is its own named graph and is replaced, never doubled, by a re-push;
``--graph`` puts the whole input in one graph, which the push replaces as a whole. If the store
goes away, the command says how far it got and the same command resumes from there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from pyoxigraph import NamedNode, RdfFormat

from ontology import esco_triples
from services.batch import ErrorLog, RowError
from services.cli.context import CliContext, progress_bar
from services.cli.export import (
    PostingOptions,
    parse_graph_iri,
    posting_items,
    posting_options,
    procedure_items,
)
from services.rdf import (
    Checkpoint,
    GraphChunk,
    IriScheme,
    checkpoint_for,
    input_fingerprint,
    into_graph,
    open_store,
    push_chunks,
    rdf_format_for,
    read_rdf_chunks,
    store_location,
)
from services.rdf.rdf_input import triple_chunks
from skillgraph import SkillgraphError

_RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "rdfxml": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}


@click.command("push")
@click.argument("input_path", metavar="[INPUT]", required=False)
@click.option("--store", "store_url", help="Store URL (default: store.url; the embedded store).")
@click.option("--graph", help="Put all of INPUT in this named graph, replacing what it held.")
@click.option("--esco", is_flag=True, help="Push the configured ESCO snapshot (no INPUT).")
@click.option(
    "--format",
    "rdf_format",
    type=click.Choice(sorted(_RDF_FORMATS)),
    help="RDF format of INPUT when its extension does not say.",
)
@posting_options
@click.option("--batch-size", type=click.IntRange(1, 100_000), help="Graph chunks per batch.")
@click.option(
    "--restart", is_flag=True, help="Start over, ignoring an interrupted push's checkpoint."
)
@click.option("--errors", "errors_path", help="Where rejected rows go (default: stderr).")
@click.pass_obj
def push_command(
    context: CliContext,
    input_path: str | None,
    store_url: str | None,
    graph: str | None,
    esco: bool,
    rdf_format: str | None,
    batch_size: int | None,
    restart: bool,
    errors_path: str | None,
    **options,
) -> None:
    """Push INPUT to a store: the batch CLI's JSONL output, job ads to extract (.csv, or
    --extract), an RDF file, or procedure graphs (.json from `skillgraph procedure`).

    \b
    Stores: the embedded one (default, under the data dir), a directory, or a SPARQL server:
      skillgraph push results.jsonl --store http://localhost:7878
    """
    if esco == (input_path is not None):
        raise click.UsageError("give either INPUT or --esco")
    settings = context.settings
    started = time.perf_counter()
    if input_path not in (None, "-") and not Path(input_path).is_file():
        raise click.BadParameter(f"no such file: {input_path}", param_hint="INPUT")
    target = parse_graph_iri(graph) if graph else None
    try:
        items = _items(context, input_path, target, rdf_format, PostingOptions(**options))
        location = store_location(settings.store, settings.data_dir, store_url)
        checkpoint = _checkpoint(context, input_path, esco, location, graph, options, restart)
        with (
            open_store(settings.store, settings.data_dir, store_url) as store,
            ErrorLog(errors_path) as error_log,
            progress_bar("pushing", unit="graphs") as bar,
        ):
            report = push_chunks(
                items,
                store,
                error_log=error_log,
                checkpoint=checkpoint,
                batch_chunks=batch_size or settings.store.batch_postings,
                progress=bar.update,
            )
    except SkillgraphError as exc:  # RdfError, BatchInputError and the core's
        raise click.ClickException(str(exc)) from exc
    seconds = time.perf_counter() - started
    resumed = (
        f" (resumed after {report.resumed_after} pushed earlier)" if report.resumed_after else ""
    )
    issues = (
        f"; {report.rejected} rows rejected, {report.warnings} warnings"
        if report.rejected or report.warnings
        else ""
    )
    click.echo(
        f"pushed {report.chunks} graph chunks, {report.triples} triples to {location} "
        f"in {seconds:.1f} s{resumed}{issues}",
        err=True,
    )
    if report.rejected and not report.chunks and not report.resumed_after:
        raise click.ClickException("nothing was pushed: every row was rejected")


def _items(
    context: CliContext,
    input_path: str | None,
    graph: NamedNode | None,
    rdf_format: str | None,
    options: PostingOptions,
) -> Iterator[GraphChunk | RowError]:
    settings = context.settings
    if input_path is None:  # --esco
        taxonomy = context.taxonomy
        release = IriScheme(options.base_iri or settings.rdf.base_iri).esco_release(
            taxonomy.release
        )
        return triple_chunks(esco_triples(taxonomy, release), graph or release)
    chosen = _RDF_FORMATS[rdf_format] if rdf_format else rdf_format_for(input_path)
    if chosen is not None:
        return iter(read_rdf_chunks(input_path, chosen, graph))
    if input_path.lower().endswith(".json"):  # a `skillgraph procedure` graph file
        chunks = procedure_items(context, input_path, options.dataset, options.base_iri)
        return into_graph(chunks, graph) if graph else iter(chunks)
    items = posting_items(context, input_path, options)
    return into_graph(items, graph) if graph else items


def _checkpoint(
    context: CliContext,
    input_path: str | None,
    esco: bool,
    location: str,
    graph: str | None,
    options: dict[str, Any],
    restart: bool,
) -> Checkpoint | None:
    """The checkpoint of this push (None for stdin: it cannot be read twice)."""
    fingerprint = (
        {"esco": context.settings.esco.snapshot}
        if esco or input_path is None
        else input_fingerprint(input_path)
    )
    if fingerprint is None:
        return None
    identity = {
        "input": fingerprint,
        "store": location,
        "graph": graph,
        "rdf": [context.settings.rdf.base_iri, context.settings.rdf.dataset],
        "options": {key: options[key] for key in sorted(options)},
    }
    checkpoint = checkpoint_for(context.settings.data_dir / "push", identity)
    if restart:
        checkpoint.clear()
    return checkpoint
