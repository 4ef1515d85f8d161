"""A memory over the real encoder and ESCO index, in a fresh data directory per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillgraph import SkillGraph

P = "http://data.europa.eu/esco/skill/"
PYTHON = P + "ccd0a1d9-afda-43d9-b901-96344886e14d"
SQL = P + "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
POSTGRES = P + "a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"
MANAGE_STAFF = P + "339ac029-066a-4985-9f9d-b3d7c8fea0bb"
DIGITAL_CONTENT = P + "d822b4b2-26c7-4bd9-970d-229c6504f615"


@pytest.fixture
def small_memory_graph(small_graph: SkillGraph, tmp_path: Path) -> SkillGraph:
    """The small-ESCO runtime with an empty memory of its own."""
    settings = small_graph.settings.replace(
        {"data_dir": tmp_path, "memory.enabled": "true", "memory.seed": ""}
    )
    return SkillGraph.assemble(
        settings, small_graph.taxonomy, small_graph.encoder, small_graph.index
    )


@pytest.fixture
def full_memory_graph(full_graph: SkillGraph, tmp_path: Path) -> SkillGraph:
    """The full runtime with an empty memory of its own."""
    settings = full_graph.settings.replace(
        {"data_dir": tmp_path, "memory.enabled": "true", "memory.seed": ""}
    )
    return SkillGraph.assemble(settings, full_graph.taxonomy, full_graph.encoder, full_graph.index)
