"""Run the real ``skillgraph`` command in-process on the small ESCO export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ontology import EscoTaxonomy, write_snapshot
from services.cli import main


@pytest.fixture(scope="session")
def small_snapshot(tmp_path_factory: pytest.TempPathFactory, small_taxonomy: EscoTaxonomy) -> Path:
    return write_snapshot(small_taxonomy, tmp_path_factory.mktemp("esco") / "small.json.gz")


@pytest.fixture
def cli(model_data_dir: Path, small_snapshot: Path) -> Callable[..., Result]:
    """``cli("extract", ...)`` runs skillgraph on the small snapshot with the test data dir."""

    def run(*args: str, input: str | bytes | None = None) -> Result:
        base = ["--data-dir", str(model_data_dir), "--set", f"esco.snapshot={small_snapshot}"]
        return CliRunner().invoke(main, [*base, *args], input=input, catch_exceptions=False)

    return run
