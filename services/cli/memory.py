"""``skillgraph memory``: the example memory that steers extraction (docs/memory.md).

``add`` streams annotated files into the memory in batches (one transaction each); records that
cannot be used are reported with their row number and reason, and the rest is stored.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import click

from services.batch import batches
from services.cli.context import CliContext, progress_bar
from skillgraph.encoders import load_encoder
from skillgraph.errors import InputError
from skillgraph.memory import (
    FORMATS,
    LEVELS,
    ExampleMemory,
    ExampleStore,
    LabelledExample,
    SourceFormatError,
    SourceRow,
    memory_path,
    read_source,
    seed_names,
)

log = logging.getLogger(__name__)


@dataclass
class AddSummary:
    rows: int = 0
    added: int = 0
    merged: int = 0
    no_skill: int = 0
    rejected: int = 0
    unmapped_labels: int = 0


@click.group("memory")
def memory_group() -> None:
    """The example memory: annotated examples that steer extraction, without retraining."""


@memory_group.command("add")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    help="Input format (default: guessed from each file).",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="sentence",
    show_default=True,
    help="annotations format: one example per sentence or per annotated span.",
)
@click.option("--source", help="Tag stored with the examples (default FORMAT:FILENAME).")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=256,
    show_default=True,
    help="Examples embedded and stored together (one transaction).",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write rejected records here as JSON Lines (default: stderr).",
)
@click.pass_obj
def add_command(
    context: CliContext,
    files: tuple[Path, ...],
    file_format: str | None,
    level: str,
    source: str | None,
    batch_size: int,
    errors_path: Path | None,
) -> None:
    """Add the annotated examples of FILES: examples JSONL, SkillSkape CSV, or the benchmark's
    annotations CSV / JSONL (labels are mapped to the loaded ESCO release)."""
    memory = _open_memory(context)
    summary = AddSummary()
    errors = errors_path.open("w", encoding="utf-8") if errors_path else None
    try:
        with progress_bar("adding examples", unit="rows") as bar:
            for path in files:
                rows = read_source(path, memory.taxonomy, file_format, level, source)
                for batch in batches(rows, batch_size):
                    _add_batch(memory, path, batch, summary, errors)
                    bar.update(len(batch))
    except SourceFormatError as exc:
        raise click.ClickException(f"{exc} (stored so far: {_counts(summary)})") from exc
    finally:
        if errors:
            errors.close()
    where = f" (see {errors_path})" if summary.rejected and errors_path else ""
    click.echo(
        f"{summary.rows} records: {_counts(summary)}, {summary.no_skill} without an ESCO skill, "
        f"{summary.rejected} rejected{where}; {summary.unmapped_labels} labels matched no "
        f"skill of {memory.taxonomy.release.name} -> {memory.store.path}",
        err=True,
    )
    if summary.rejected and not summary.added and not summary.merged:
        raise click.ClickException("nothing was stored: every usable record was rejected")


@memory_group.command("seed")
@click.argument("name", default="skillskape")
@click.pass_obj
def seed_command(context: CliContext, name: str) -> None:
    """Add a shipped seed to the memory (once; again only if the shipped file changed)."""
    if name not in seed_names():
        raise click.BadParameter(f"shipped seeds: {', '.join(seed_names())}", param_hint="NAME")
    added = _open_memory(context).add_seed(name)
    click.echo(f"seed {name}: {added} examples added" if added else f"seed {name}: already in")


@memory_group.command("list")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines (what `memory add` reads).")
@click.pass_obj
def list_command(context: CliContext, limit: int, offset: int, as_json: bool) -> None:
    """Stored examples, oldest first."""
    for example in _store(context).examples(limit, offset):
        if as_json:
            click.echo(json.dumps(example.to_dict(), ensure_ascii=False))
        else:
            labels = ", ".join(example.skills) + "".join(f", NOT {u}" for u in example.negatives)
            click.echo(f"{example.id}\t{example.text}\t{labels}")


@memory_group.command("remove")
@click.argument("ids", nargs=-1, required=True, type=click.IntRange(1))
@click.pass_obj
def remove_command(context: CliContext, ids: tuple[int, ...]) -> None:
    """Remove stored examples by id."""
    store = _store(context)
    missing = [i for i in ids if not store.remove(i)]
    click.echo(f"removed {len(ids) - len(missing)} example(s)", err=True)
    if missing:
        raise click.ClickException(f"no stored example with id {', '.join(map(str, missing))}")


@memory_group.command("info")
@click.pass_obj
def info_command(context: CliContext) -> None:
    """Where the memory lives and how many examples it holds."""
    settings = context.settings.memory
    store = _store(context)
    click.echo(f"memory: {settings.name} ({'on' if settings.enabled else 'off'})")
    click.echo(f"file: {store.path}{'' if store.path.exists() else ' (not created yet)'}")
    click.echo(f"examples: {store.count()}")
    click.echo(
        f"k = {settings.k}, temperature = {settings.temperature}, weight = {settings.weight}, "
        f"min_similarity = {settings.min_similarity}, seed = {settings.seed or 'none'}"
    )


def _add_batch(
    memory: ExampleMemory,
    path: Path,
    batch: list[SourceRow],
    summary: AddSummary,
    errors: TextIO | None,
) -> None:
    usable: list[LabelledExample] = []
    for row in batch:
        summary.rows += 1
        summary.unmapped_labels += len(row.unmapped)
        if row.no_skill:
            summary.no_skill += 1
            continue
        reason = row.error
        if row.example is not None:
            try:
                usable.append(memory.check(row.example))
                continue
            except InputError as exc:
                reason = str(exc)
        summary.rejected += 1
        record = {"file": path.name, "row": row.row_number, "reason": reason}
        if errors:
            errors.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            click.echo(f"{path.name} row {row.row_number}: {reason}", err=True)
    for added in memory.add(usable):
        summary.merged += added.merged
        summary.added += not added.merged


def _counts(summary: AddSummary) -> str:
    return f"{summary.added} added, {summary.merged} merged into stored examples"


def _open_memory(context: CliContext) -> ExampleMemory:
    """The memory with the taxonomy and encoder, without loading the ESCO index."""
    settings = context.settings
    if not settings.memory.enabled:
        raise click.ClickException("the example memory is off (memory.enabled = false)")
    encoder = load_encoder(settings.encoder, settings.data_dir)
    return ExampleMemory.open(settings, context.taxonomy, encoder)


def _store(context: CliContext) -> ExampleStore:
    return ExampleStore(memory_path(context.settings))
