"""Fixtures shared across the suite: real ESCO data, the real encoder, real indexes.

Heavy things are session-scoped: the ONNX export of the default model is made once per run
(by our own export code, so every ONNX test also exercises it), and the full runtime reuses
the index that ``make install`` built in the default data directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ontology import EscoTaxonomy, load_esco_csv
from skillgraph import Settings, SkillGraph, load_settings
from skillgraph.encoders import BASE_MODEL, onnx_dir_for, resolve_model

FIXTURES = Path(__file__).parent / "fixtures"
ESCO_SMALL_DIR = FIXTURES / "esco_small" / "v1.2.0"


@pytest.fixture(scope="session")
def esco_small_dir() -> Path:
    """A 27-skill ESCO export in the official CSV format (real rows, URIs and labels).

    The version is part of the path so that loaders can infer it.
    """
    return ESCO_SMALL_DIR


@pytest.fixture(scope="session")
def small_taxonomy(esco_small_dir: Path) -> EscoTaxonomy:
    return load_esco_csv(esco_small_dir)


@pytest.fixture(scope="session")
def model_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding our own ONNX export (fp32 and int8) of the base model; the
    default (shipped) model is expanded into it on first use."""
    from training.onnx_export import export_onnx

    data_dir = tmp_path_factory.mktemp("data")
    source = resolve_model(BASE_MODEL, data_dir)
    export_onnx(source.torch_dir, onnx_dir_for(BASE_MODEL, data_dir), BASE_MODEL)
    return data_dir


@pytest.fixture(scope="session")
def small_settings(model_data_dir: Path) -> Settings:
    """Default settings but an empty memory of their own: the default one holds the SkillSkape
    seed once any full-ESCO run in this data directory has opened it."""
    return Settings(data_dir=model_data_dir).replace(
        {"memory.seed": "", "memory.name": "small-unseeded"}
    )


@pytest.fixture(scope="session")
def small_graph(small_settings: Settings, small_taxonomy: EscoTaxonomy) -> SkillGraph:
    """The default encoder (ONNX fp32) and an exact index over the small export."""
    return SkillGraph.load(small_settings, taxonomy=small_taxonomy)


@pytest.fixture(scope="session")
def full_graph() -> SkillGraph:
    """The embedded defaults: shipped ESCO snapshot, default encoder, the index from install."""
    return SkillGraph.load(load_settings())


@pytest.fixture
def no_english_model(monkeypatch):
    """As if the procedure extra (spaCy's English model) were not installed."""
    from skillgraph.procedure import syntax

    monkeypatch.setattr(syntax, "_pipeline", None)
    real_find_spec = syntax.importlib.util.find_spec
    monkeypatch.setattr(
        syntax.importlib.util,
        "find_spec",
        lambda name, *a: None if name == syntax.PIPELINE else real_find_spec(name, *a),
    )
