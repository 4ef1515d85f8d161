"""Fakes-backed runtimes for fast unit tests of the core's logic (see tests/fakes.py)."""

from __future__ import annotations

import numpy as np
import pytest

from ontology import EscoTaxonomy
from skillgraph import Settings, SkillGraph
from skillgraph.calibration import FEATURES, Calibrator, LogisticModel
from skillgraph.index import build_index_in_memory
from tests.fakes import WordEncoder, WordReader

SKILL_WORDS = ("Python", "PostgreSQL", "pipework", "staff")


def score_only_calibrator(threshold: float = 0.5) -> Calibrator:
    """p = sigmoid(8 * (score - 0.5)) on both paths: accepts what scores above 0.5."""
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("score")] = 8.0
    model = LogisticModel(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), weights, -4.0)
    return Calibrator({"span": model, "sentence": model}, threshold, {"encoder": "fake-reader"})


@pytest.fixture
def fake_graph(tmp_path, small_taxonomy: EscoTaxonomy) -> SkillGraph:
    """The small ESCO export, a word-vector encoder and reader, an in-memory index."""
    calibration = tmp_path / "calibration.json"
    calibration.write_text(score_only_calibrator().to_json())
    settings = Settings(data_dir=tmp_path).replace(
        {"memory.enabled": False, "spans.calibration": str(calibration)}
    )
    encoder = WordEncoder()
    index = build_index_in_memory(small_taxonomy, encoder)
    encoder.texts_encoded = 0
    return SkillGraph.assemble(
        settings, small_taxonomy, encoder, index, reader=WordReader(SKILL_WORDS)
    )
