"""Fitting the calibration: the logistic fit, the threshold choice."""

from __future__ import annotations

import numpy as np
import pytest

from skillgraph import Settings
from skillgraph.calibration import FEATURES
from skillgraph.errors import CalibrationError
from skillgraph.runtime import calibration_path
from training.calibration import choose_threshold, fit_logistic, sweep
from training.calibration_data import CalibrationSources, calibrate, sources_for


def test_logistic_fit_learns_the_direction_and_calibrates():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4000, len(FEATURES)))
    truth = 1 / (1 + np.exp(-(2.0 * x[:, 0] - 1.0 * x[:, 7] - 0.5)))
    y = (rng.random(4000) < truth).astype(float)
    model = fit_logistic(x, y, np.ones(len(y)), l2=1.0)
    assert model.weights[0] > 1.5 and model.weights[7] < -0.7
    assert abs(model.weights[3]) < 0.2
    predicted = model.probability(x)
    assert abs(predicted.mean() - y.mean()) < 0.01
    assert np.corrcoef(predicted, truth)[0, 1] > 0.98


def test_no_positive_example_means_never():
    x = np.ones((5, len(FEATURES)))
    model = fit_logistic(x, np.zeros(5), np.ones(5))
    assert model.probability(x).max() < 1e-6


def test_threshold_prefers_precision_at_least_recall():
    best = [{"a": 0.9, "b": 0.6, "c": 0.3}, {"d": 0.8, "e": 0.4}]
    gold = [frozenset({"a", "c"}), frozenset({"d", "x"})]
    rows = sweep(best, gold, max_skills=30)
    threshold, precision, recall, f1 = choose_threshold(rows)
    assert precision >= recall
    assert threshold > 0.6  # a and d only: P 1.0, R 0.5
    assert max(r[3] for r in rows) >= f1


def test_a_memory_seeded_with_skillskape_keeps_skillskape_out_of_the_calibration(tmp_path):
    sources = CalibrationSources(tmp_path, (tmp_path / "skillskape.csv",), tmp_path / "train")
    seeded = Settings(data_dir=tmp_path)  # the default memory is seeded
    plain = seeded.replace({"memory.seed": ""})
    assert sources_for(plain, sources) == sources
    assert sources_for(seeded, sources).skillskape == ()
    assert sources_for(seeded, sources).bench_dir == sources.bench_dir
    off = seeded.replace({"memory.enabled": False})  # no memory, nothing it could find
    assert sources_for(off, sources) == sources


def test_a_taggers_calibration_never_overwrites_the_heads(tmp_path):
    sources = CalibrationSources(tmp_path, (), tmp_path / "train")
    tagged = Settings(data_dir=tmp_path).replace({"spans.tagger": "skillgraph-minilm-spans-2"})
    head_calibration = calibration_path(tagged)
    before = head_calibration.read_bytes()
    with pytest.raises(CalibrationError, match=r"set spans\.calibration"):
        calibrate(tagged, sources)
    assert head_calibration.read_bytes() == before
