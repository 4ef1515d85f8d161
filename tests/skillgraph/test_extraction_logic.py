"""The extraction mode's decisions on fakes: proposals, threshold, evidence, the cache."""

from __future__ import annotations

import math

import pytest

from skillgraph import Extraction

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
AD = "Benefits: a pension.\nWe need Python.\nYou will use Python daily.\nWe need Python."


@pytest.fixture
def extraction(fake_graph):
    return fake_graph.spans


def test_spans_are_proposed_with_their_sentence_as_context(extraction, fake_graph):
    (sentences,) = fake_graph.extractor.segmenter.split_many([AD])
    proposals = extraction.proposals(sentences)
    python = [p for ps in proposals for p in ps if p.facts.path == "span"]
    assert {p.text for p in python} == {"Python"}
    for proposal in python:
        assert AD[proposal.start : proposal.end] == proposal.text
        assert proposal.sentence.start <= proposal.start < proposal.end <= proposal.sentence.end
    assert all(p.facts.path == "sentence" for p in proposals[0])  # no span in "Benefits"
    # "Python" spells out the whole of the alt label "Python" of its two labels
    found = next(p for p in python if p.candidate.skill_uri == PYTHON)
    assert (found.facts.label_overlap, found.facts.labels) == (1.0, 3)
    others = [p for p in python if p.candidate.skill_uri != PYTHON]
    assert others and all(p.facts.label_overlap < 1.0 for p in others)


def test_only_skills_at_the_threshold_are_kept_once_with_their_best_evidence(fake_graph):
    matches = fake_graph.extractor.extract(AD)
    assert matches and len({m.uri for m in matches}) == len(matches)
    assert all(m.probability >= fake_graph.spans.threshold for m in matches)
    python = next(m for m in matches if m.uri == PYTHON)
    assert AD[python.span_start : python.span_end] == "Python"
    assert python.probability == pytest.approx(1 / (1 + math.exp(-8 * (python.score - 0.5))))


def test_a_repeated_sentence_is_read_once_and_placed_at_each_of_its_offsets(fake_graph):
    reader = fake_graph.spans.reader
    fake_graph.extractor.extract(AD)
    read = reader.sentences_read
    assert read == 3  # four sentences, one of them twice
    later = "We need Python.\nOther text about staff."
    (matches,) = fake_graph.extractor.extract_many([later], Extraction(30))
    assert reader.sentences_read == read + 1  # only the new sentence
    python = next(m for m in matches if m.uri == PYTHON)
    assert later[python.span_start : python.span_end] == "Python" and python.span_start == 8


def test_case_variants_share_one_reading(fake_graph):
    reader = fake_graph.spans.reader
    fake_graph.extractor.extract("We need Python.")
    read = reader.sentences_read
    (match,) = [m for m in fake_graph.extractor.extract("WE NEED PYTHON.") if m.uri == PYTHON]
    assert reader.sentences_read == read
    assert match.span_text == "PYTHON" and match.sentence == "WE NEED PYTHON."
