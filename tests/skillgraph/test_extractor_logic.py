"""The extractor's modes, merging and caching on fakes (milliseconds; no model)."""

from __future__ import annotations

import pytest

from skillgraph import Ranking, Threshold
from tests.compare import same_skills

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
AD = "We need Python.\nYou will use PostgreSQL and Python.\nWe need Python."


@pytest.fixture
def extractor(fake_graph):
    return fake_graph.extractor


def test_ranking_returns_top_k_merged_across_sentences_with_the_best_evidence(extractor):
    matches = extractor.extract(AD, Ranking(5))
    assert len(matches) == len({m.uri for m in matches}) == 5
    python = next(m for m in matches if m.uri == PYTHON)
    alone = {
        s: next(m.score for m in extractor.extract(s, Ranking(5)) if m.uri == PYTHON)
        for s in set(AD.splitlines())
    }
    assert python.sentence == max(alone, key=alone.get) and python.score == max(alone.values())
    assert AD[python.start : python.end] == python.sentence
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)


def test_threshold_keeps_what_ranking_scores_above_it(extractor):
    ranked = extractor.extract(AD, Ranking(20))
    floor = ranked[4].score
    kept = extractor.extract(AD, Threshold(floor, 20))
    assert [m.uri for m in kept] == [m.uri for m in ranked if m.score >= floor]


def test_repeated_sentences_are_encoded_once_and_give_the_same_result(extractor):
    encoder = extractor.encoder
    first = extractor.extract_many([AD], Ranking(5))
    encoded = encoder.texts_encoded
    again = extractor.extract_many([AD, AD], Ranking(5))
    assert encoder.texts_encoded == encoded  # every sentence came from the cache
    assert again == [first[0], first[0]]
    extractor.extract_many([AD], Ranking(6))  # another mode is another result
    assert encoder.texts_encoded > encoded


def test_a_batch_gives_what_its_texts_give_one_by_one(extractor):
    texts = [AD, "Install pipework and manage staff.", "SQL"]
    together = extractor.extract_many(texts, Ranking(4))
    extractor.clear_cache()
    for found, text in zip(together, texts, strict=True):
        assert same_skills(found, extractor.extract(text, Ranking(4)))
