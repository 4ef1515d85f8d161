"""The calibration file: features, round trip, and the shipped one."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from skillgraph.calibration import (
    FEATURES,
    CalibrationError,
    Calibrator,
    CandidateFacts,
    LogisticModel,
    content_words,
)
from skillgraph.index import TextKind
from skillgraph.spans import CALIBRATION_FILE, DEFAULT_SPAN_MODEL, span_model_dir


def facts(
    path: str, score: float, query: str = "Python", matched: str = "Python"
) -> CandidateFacts:
    return CandidateFacts(
        path, score, 0, 0.1, 0.0, score, True, 0.9, query, matched, TextKind.ALT,
        "knowledge", "cross-sector", 1, 0.0, 1,
    )  # fmt: skip


def test_features_describe_overlap_type_and_genericity():
    vector = dict(zip(FEATURES, facts("span", 0.8, "Python 3", "Python").vector(), strict=True))
    assert vector["overlap"] == 1.0 and vector["knowledge"] == 1.0
    assert vector["reuse_cross-sector"] == 1.0 and vector["reuse_transversal"] == 0.0
    assert vector["preferred_label"] == 0.0
    assert content_words("Experience with the Python skills") == {"python"}


def test_features_say_how_much_of_the_skills_labels_the_query_spells_out():
    found = replace(facts("span", 0.8), label_overlap=0.5, labels=3)
    vector = dict(zip(FEATURES, found.vector(), strict=True))
    assert vector["label_overlap"] == 0.5 and vector["log_labels"] == pytest.approx(math.log1p(3))


def test_probabilities_follow_each_paths_model_and_survive_json(tmp_path):
    width = len(FEATURES)
    weights = np.zeros(width)
    weights[0] = 4.0  # only the score matters
    models = {
        "span": LogisticModel(np.full(width, 0.5), np.ones(width), weights, 0.0),
        "sentence": LogisticModel(np.full(width, 0.5), np.ones(width), weights, -3.0),
    }
    calibrator = Calibrator(models, 0.5, {"note": "test"})
    candidates = [facts("span", 0.9), facts("span", 0.1), facts("sentence", 0.9)]
    probabilities = calibrator.probabilities(candidates)
    assert probabilities[0] > 0.8 > 0.2 > probabilities[1]
    assert probabilities[2] < probabilities[0]  # the sentence path is stricter here
    path = tmp_path / "calibration.json"
    path.write_text(calibrator.to_json())
    loaded = Calibrator.load(path)
    assert loaded.threshold == 0.5 and loaded.details == {"note": "test"}
    assert np.allclose(loaded.probabilities(candidates), probabilities, atol=1e-5)
    document = json.loads(path.read_text())
    broken = {
        "other features": {**document, "features": document["features"][:-1]},
        "one model per path": {k: v for k, v in document.items() if k != "models"},
        "must be a number": {**document, "threshold": None},
        "must be a probability": {**document, "threshold": 1.5},
    }
    for message, bad in broken.items():
        path.write_text(json.dumps(bad))
        with pytest.raises(CalibrationError, match=message):
            Calibrator.load(path)


def test_the_shipped_calibration_loads_and_has_a_threshold():
    calibrator = Calibrator.load(span_model_dir(DEFAULT_SPAN_MODEL) / CALIBRATION_FILE)
    assert 0.0 < calibrator.threshold < 1.0
    assert set(calibrator.models) == {"span", "sentence"}
