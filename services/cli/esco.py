"""ESCO snapshots: import an official CSV export, list and describe what is available."""

from __future__ import annotations

from pathlib import Path

import click

from ontology import available_snapshots, load_esco_csv, write_snapshot
from services.cli.context import CliContext
from skillgraph.runtime import snapshot_dir


@click.group("esco")
def esco_group() -> None:
    """ESCO releases: import, list, info."""


@esco_group.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--version", help="ESCO release, e.g. v1.2.0 (default: read from the path).")
@click.option("--language", help="Language code (default: from the skills_<lang>.csv name).")
@click.pass_obj
def esco_import(context: CliContext, directory: Path, version, language) -> None:
    """Build a snapshot from an official ESCO CSV export in DIRECTORY."""
    taxonomy = load_esco_csv(directory, version=version, language=language)
    name = taxonomy.release.name
    target = snapshot_dir(context.settings) / f"{name}.json.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_snapshot(taxonomy, target)
    stats = taxonomy.stats()
    click.echo(
        f"imported {name}: {stats['skills']} skills, {stats['occupations']} occupations "
        f"-> {target}\nselect it with: --set esco.snapshot={name}  "
        f"(or SKILLGRAPH_ESCO__SNAPSHOT={name}, or esco.snapshot in the config file)"
    )


@esco_group.command("list")
@click.pass_obj
def esco_list(context: CliContext) -> None:
    """Snapshots available (imported ones first, then those shipped with SkillGraph)."""
    current = context.settings.esco.snapshot
    for name in available_snapshots([snapshot_dir(context.settings)]):
        click.echo(f"{'*' if name == current else ' '} {name}")


@esco_group.command("info")
@click.pass_obj
def esco_info(context: CliContext) -> None:
    """Counts of the configured snapshot."""
    taxonomy = context.taxonomy
    click.echo(
        f"{taxonomy.release.name} (ESCO {taxonomy.release.version}, {taxonomy.release.language})"
    )
    for key, value in taxonomy.stats().items():
        click.echo(f"  {key}: {value}")
