"""``skillgraph query``: a read-only SPARQL query against the embedded store or a server."""

from __future__ import annotations

import csv
import json
import sys

import click

from services.cli.context import CliContext
from services.rdf import QueryResult, RdfError, open_store


@click.command("query")
@click.argument("sparql")
@click.option("--store", "store_url", help="Store URL (default: store.url; the embedded store).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
    help="How SELECT results are printed (CONSTRUCT and DESCRIBE print N-Triples).",
)
@click.pass_obj
def query_command(
    context: CliContext, sparql: str, store_url: str | None, output_format: str
) -> None:
    """Run a read-only SPARQL query: SPARQL is its text, @FILE, or - for stdin.

    \b
      skillgraph query 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }'
    """
    text = _checked(_query_text(sparql))
    settings = context.settings
    try:
        with open_store(settings.store, settings.data_dir, store_url) as store:
            result = store.query(text)
    except RdfError as exc:
        raise click.ClickException(str(exc)) from exc
    _print(result, output_format)


def _query_text(argument: str) -> str:
    if argument == "-":
        return sys.stdin.read()
    if argument.startswith("@"):
        try:
            with open(argument[1:], encoding="utf-8") as handle:
                return handle.read()
        except OSError as exc:
            raise click.BadParameter(f"cannot read {argument[1:]}: {exc.strerror}") from None
    return argument


def _checked(text: str) -> str:
    if not text.strip():
        raise click.BadParameter("the query is empty", param_hint="SPARQL")
    return text


def _print(result: QueryResult, output_format: str) -> None:
    if result.graph is not None:
        click.echo(result.graph.decode("utf-8"), nl=False)
        return
    if output_format == "json" or result.boolean is not None:
        click.echo(
            json.dumps(result.json, ensure_ascii=False, indent=1)
            if output_format == "json"
            else str(result.boolean).lower()
        )
        return
    names = result.variables
    rows = [
        [binding.get(name, {}).get("value", "") for name in names] for binding in result.bindings
    ]
    if output_format in ("csv", "tsv"):
        writer = csv.writer(
            sys.stdout, delimiter="," if output_format == "csv" else "\t", lineterminator="\n"
        )
        writer.writerow(names)
        writer.writerows(rows)
        return
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    click.echo("  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True)))
    for row in rows:
        click.echo("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))
    click.echo(f"({len(rows)} rows)", err=True)
