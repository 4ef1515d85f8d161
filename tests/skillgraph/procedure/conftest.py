"""Fixtures for the procedure-graph tests: the real extractor over the embedded runtime."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillgraph import SkillGraph
from skillgraph.config import ProcedureSettings
from skillgraph.procedure import ProcedureExtractor

JOB_ADS = Path(__file__).parent / "job_ads.json"


@pytest.fixture(scope="session")
def procedure_extractor(full_graph: SkillGraph) -> ProcedureExtractor:
    return ProcedureExtractor.from_graph(full_graph)


@pytest.fixture(scope="session")
def job_ads() -> dict[str, str]:
    """Twelve hand-written ads across trades, care, logistics and software, by id."""
    return {ad["id"]: ad["text"] for ad in json.loads(JOB_ADS.read_text(encoding="utf-8"))}


@pytest.fixture
def settings() -> ProcedureSettings:
    return ProcedureSettings()
