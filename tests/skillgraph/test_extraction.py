"""The default extraction mode on the real ESCO snapshot: spans, linking, calibration, merging.

Uses the shipped span model and calibration, the default encoder and the index from install.
"""

from __future__ import annotations

import pytest

from skillgraph import Ranking

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


@pytest.fixture(scope="module")
def extractor(full_graph):
    assert full_graph.extractor.spans is not None, "the default mode uses spans"
    return full_graph.extractor


def test_a_sentence_with_no_skill_gives_nothing(extractor):
    assert extractor.extract("We are located in the heart of the city centre.") == []


def test_an_explicit_skill_comes_with_its_span(extractor):
    text = "Benefits include a pension plan.\nYou have solid experience with Python programming."
    matches = extractor.extract(text)
    python = next(m for m in matches if m.uri == PYTHON)
    assert "Python" in python.span_text
    assert text[python.span_start : python.span_end] == python.span_text
    assert python.start <= python.span_start < python.span_end <= python.end
    assert text[python.start : python.end] == python.sentence
    assert python.probability >= extractor.spans.threshold
    found = python.to_dict()
    assert {"probability", "span_text", "span_start", "span_end"} <= set(found)


def test_an_implicit_skill_is_found_though_no_label_is_written(extractor):
    text = "You will talk to customers every day."
    matches = extractor.extract(text)
    labels = {m.label for m in matches}
    assert labels & {"communicate with customers", "contact customers"}, labels
    assert not any(label in text for label in labels)
    for match in matches:
        assert text[match.span_start : match.span_end] == match.span_text


def test_a_skill_in_several_sentences_is_reported_once_with_its_best_span(extractor):
    first = "Knowledge of Python is a plus."
    second = "You write Python code every day, from scripts to services."
    text = f"{first}\n{second}"
    matches = extractor.extract(text)
    pythons = [m for m in matches if m.uri == PYTHON]
    assert len(pythons) == 1
    alone = [
        next((m.probability for m in extractor.extract(part) if m.uri == PYTHON), 0.0)
        for part in (first, second)
    ]
    assert pythons[0].probability == pytest.approx(max(alone), abs=1e-6)
    assert text[pythons[0].span_start : pythons[0].span_end] == pythons[0].span_text
    assert len({m.uri for m in matches}) == len(matches)


def test_ranking_mode_has_the_rerankers_probabilities_and_no_spans(extractor):
    matches = extractor.extract("Experience with Python and PostgreSQL.", Ranking(5))
    assert len(matches) == 5 and PYTHON in {m.uri for m in matches}
    probabilities = [m.probability for m in matches]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < probabilities[-1] < 1
    assert all("span_text" not in m.to_dict() and m.span_start is None for m in matches)
