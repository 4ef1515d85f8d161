"""User parameters to modes: which mode, its defaults, and what is out of range."""

from __future__ import annotations

import pytest

from skillgraph import Extraction, InputError, Ranking, Threshold
from skillgraph.config import ExtractionSettings
from skillgraph.modes import MAX_TOP_K, resolve_mode

SETTINGS = ExtractionSettings()


@pytest.mark.parametrize(
    ("top_k", "min_score", "spans", "mode"),
    [
        (None, None, True, Extraction(SETTINGS.max_skills)),
        (None, None, False, Threshold(SETTINGS.min_score, SETTINGS.max_skills)),
        (5, None, True, Ranking(5)),
        (None, 0.4, True, Threshold(0.4, SETTINGS.top_k)),
        (3, 0.0, True, Threshold(0.0, 3)),
        (MAX_TOP_K, None, False, Ranking(MAX_TOP_K)),
    ],
)
def test_parameters_choose_the_mode(top_k, min_score, spans, mode):
    assert resolve_mode(top_k, min_score, SETTINGS, spans=spans) == mode


@pytest.mark.parametrize(
    ("top_k", "min_score", "message"),
    [
        (0, None, "top_k must be"),
        (MAX_TOP_K + 1, None, "top_k must be"),
        (True, None, "top_k must be"),
        (None, 1.5, "min_score must be"),
        (None, -1.01, "min_score must be"),
    ],
)
def test_out_of_range_parameters_are_input_errors(top_k, min_score, message):
    with pytest.raises(InputError, match=message):
        resolve_mode(top_k, min_score, SETTINGS)


def test_modes_are_values_that_can_group_requests():
    assert {Ranking(5), Ranking(5), Threshold(0.5, 10)} == {Ranking(5), Threshold(0.5, 10)}
