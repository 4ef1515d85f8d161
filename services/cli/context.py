"""What every subcommand shares: the settings, and the runtime loaded once on demand."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import click
from tqdm import tqdm

from ontology import EscoTaxonomy
from services.settings import ServiceSettings
from skillgraph import SkillGraph, load_taxonomy


@dataclass
class CliContext:
    settings: ServiceSettings

    @cached_property
    def taxonomy(self) -> EscoTaxonomy:
        return load_taxonomy(self.settings)

    @cached_property
    def graph(self) -> SkillGraph:
        with progress_bar("encoding ESCO texts (first run only)", unit="texts") as bar:

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            return SkillGraph.load(self.settings, taxonomy=self.taxonomy, progress=advance)


def progress_bar(description: str, unit: str = "rows", total: int | None = None) -> tqdm:
    """A progress bar on a terminal, nothing when stderr is a file or a pipe."""
    return tqdm(
        desc=description, unit=unit, total=total, disable=not sys.stderr.isatty(), leave=False
    )


def data_set_names(sets: str, file_of: Callable[[str], Path]) -> list[str]:
    """The names in a comma-separated ``--sets`` option, each of whose ``file_of(name)``
    exists; otherwise a usage error naming the missing ones."""
    names = [name.strip() for name in sets.split(",") if name.strip()]
    missing = [str(file_of(name)) for name in names if not file_of(name).is_file()]
    if not names or missing:
        raise click.BadParameter(f"no {', '.join(missing) or 'sets named'}", param_hint="--sets")
    return names
