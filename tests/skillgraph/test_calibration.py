"""The calibration file: features, round trip, the settings it was fitted under, and the
shipped ones."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import replace

import numpy as np
import pytest

from skillgraph.calibration import (
    FEATURES,
    FITTED_SETTINGS,
    CalibrationError,
    Calibrator,
    CandidateFacts,
    LogisticModel,
    content_words,
    fitted_settings,
    settings_drift,
)
from skillgraph.config import Settings
from skillgraph.index import TextKind
from skillgraph.runtime import load_calibrator
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


def test_settings_drift_names_each_setting_that_moved_since_fitting():
    settings = Settings()
    recorded = fitted_settings(settings)
    assert list(recorded) == list(FITTED_SETTINGS)
    assert settings_drift(recorded, settings) == []
    unseeded = settings.replace({"memory.seed": "", "spans.neighbours_weight": 0.4})
    assert settings_drift(recorded, unseeded) == [
        "memory.seed: 'skillskape' -> ''",
        "spans.neighbours_weight: 0.0 -> 0.4",
    ]
    # A memory off when fitted and now: its parameters cannot matter; a key this version no
    # longer knows is not a drift either.
    off = {**fitted_settings(settings.replace({"memory.enabled": False})), "gone.key": 1}
    assert settings_drift(off, settings.replace({"memory.enabled": False, "memory.k": 9})) == []
    assert settings_drift(off, settings) == ["memory.enabled: False -> True"]
    # The head's datastore counts only with a weight above 0 and the head's probabilities in
    # use: not with weight 0 (the default), nor beside a tagger reading alone.
    assert settings_drift(recorded, settings.replace({"spans.neighbours": 8})) == []
    knn = settings.replace({"spans.neighbours_weight": 0.4})
    assert settings_drift(fitted_settings(knn), knn.replace({"spans.neighbours": 8})) == [
        "spans.neighbours: 32 -> 8"
    ]
    alone = knn.replace({"spans.tagger": "skillgraph-minilm-spans-2"})
    assert settings_drift(fitted_settings(alone), alone.replace({"spans.neighbours": 8})) == []
    mixed = knn.replace({"profile": "accurate"})
    assert mixed.spans.tagger_weight < 1.0
    assert settings_drift(fitted_settings(mixed), mixed.replace({"spans.neighbours": 8})) == [
        "spans.neighbours: 32 -> 8"
    ]
    mixed = settings.replace({"profile": "accurate"})
    weight = mixed.spans.tagger_weight
    assert settings_drift(fitted_settings(alone), mixed) == [
        f"spans.tagger_weight: 1.0 -> {weight}"
    ]


@pytest.mark.parametrize(
    ("profile", "file"), [("fast", CALIBRATION_FILE), ("accurate", "calibration-accurate.json")]
)
def test_each_shipped_calibration_was_fitted_under_its_profiles_settings(profile, file):
    calibrator = Calibrator.load(span_model_dir(DEFAULT_SPAN_MODEL) / file)
    settings = Settings().replace({"profile": profile})
    assert settings_drift(calibrator.details["fitted_with"], settings) == []


def test_the_runtime_warns_when_a_calibration_is_read_under_other_settings(tmp_path, caplog):
    settings = Settings(data_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="skillgraph.runtime"):
        assert load_calibrator(settings) is not None
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="skillgraph.runtime"):
        assert load_calibrator(settings.replace({"memory.seed": ""})) is not None
    (record,) = caplog.records
    assert "fitted under other settings (memory.seed: 'skillskape' -> '')" in record.getMessage()
