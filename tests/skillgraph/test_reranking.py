"""The ranking modes' re-ranker: its features (memory evidence among them), its ordering, its
JSON, and how the runtime and the extractor use it (fakes and the small ESCO export; the
shipped model is exercised by the integration tests of the ranking mode)."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest

from skillgraph import Ranking, Settings, SkillGraph, Threshold
from skillgraph.errors import CalibrationError
from skillgraph.index import IndexRows, TextKind, build_index_in_memory
from skillgraph.logistic import LogisticModel
from skillgraph.records import Evidence
from skillgraph.reranking import (
    RANK_FEATURES,
    RankFeatures,
    Reranker,
    RerankerModel,
    shipped_reranker,
)
from skillgraph.retrieval import Candidate
from skillgraph.runtime import load_reranker
from tests.fakes import WordEncoder, WordReader

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
SKILLS = ("skill/a", "skill/b", "skill/c")
ROWS = IndexRows(
    skill_uris=SKILLS,
    skill=np.array([0, 0, 1, 2, 2, 2], dtype=np.int32),
    kind=np.array([0, 1, 0, 1, 1, 1], dtype=np.int8),
    texts=(
        "manage projects",
        "project management",
        "use spreadsheets",
        "cook pasta",
        "prepare pasta dishes",
        "cooking",
    ),
    label_rows=6,
)


def _model(weights: dict[str, float], depth: int = 5, encoder: str = "fake-words") -> RerankerModel:
    width = len(RANK_FEATURES)
    coefficients = np.array([weights.get(name, 0.0) for name in RANK_FEATURES])
    model = LogisticModel(np.zeros(width), np.ones(width), coefficients, 0.0)
    return RerankerModel(model, depth, encoder, {"note": "test"})


def test_features_describe_scores_ranks_and_the_labels_words_in_the_sentence():
    supported = (Evidence(7, "We cook pasta.", 0.9), Evidence(8, "Cooking daily.", 0.7))
    candidates = [
        Candidate("skill/c", 0.8, 4, TextKind.ALT, evidence=supported),
        Candidate("skill/a", 0.6, 0, TextKind.PREFERRED),
        Candidate("skill/b", 0.5, 2, TextKind.PREFERRED),
    ]
    found = RankFeatures(ROWS)("We manage projects and cook.", candidates)
    assert found.shape == (3, len(RANK_FEATURES))
    column = {name: found[:, i] for i, name in enumerate(RANK_FEATURES)}
    assert column["score"].tolist() == [0.8, 0.6, 0.5]
    assert np.allclose(column["gap_to_best"], [0.0, 0.2, 0.3])
    assert np.allclose(column["log_rank"], np.log1p([0, 1, 2]))
    # "cook pasta": half its words; "manage projects": all; "use spreadsheets": none
    assert column["overlap"].tolist() == [0.5, 1.0, 0.0]
    # skill/c has no preferred label among its rows; skill/a's preferred label is all there
    assert column["preferred_overlap"].tolist() == [0.0, 1.0, 0.0]
    assert column["preferred_label"].tolist() == [0.0, 1.0, 1.0]
    assert np.allclose(column["log_labels"], np.log1p([3, 2, 1]))
    # the closest memory example naming the skill; none for skills no example supports
    assert column["evidence"].tolist() == [0.9, 0.0, 0.0]


def test_rerank_orders_by_probability_and_reports_it():
    reranker = Reranker(_model({"overlap": 4.0}), ROWS)
    candidates = [
        Candidate("skill/b", 0.9, 2, TextKind.PREFERRED),
        Candidate("skill/a", 0.6, 0, TextKind.PREFERRED),
        Candidate("skill/c", 0.5, 3, TextKind.ALT),
    ]
    found = reranker.rerank("manage projects", candidates)
    assert [c.skill_uri for c in found] == ["skill/a", "skill/b", "skill/c"]
    assert found[0].probability == pytest.approx(1 / (1 + math.exp(-4.0)))
    assert found[1].probability == found[2].probability == 0.5  # a tie keeps the cosine order
    assert [c.score for c in found] == [0.6, 0.9, 0.5]  # scores stay cosines
    assert reranker.rerank("anything", []) == []


def test_the_json_document_round_trips_and_bad_ones_are_refused(tmp_path):
    model = _model({"score": 2.0, "overlap": 1.0}, depth=40)
    path = tmp_path / "reranker.json"
    path.write_text(model.to_json())
    loaded = RerankerModel.load(path)
    assert loaded.to_json() == model.to_json()
    assert loaded.fingerprint == model.fingerprint
    assert (loaded.depth, loaded.encoder, dict(loaded.details)) == (
        40,
        "fake-words",
        {"note": "test"},
    )

    document = json.loads(model.to_json())
    bad = {
        "features": {**document, "features": ["score"]},
        "depth": {**document, "depth": 0},
        "depth above the ranking limit": {**document, "depth": 5000},
        "no encoder": {k: v for k, v in document.items() if k != "encoder"},
        "zero scale": {**document, "model": {**document["model"], "scale": [0.0] * 7}},
        "coefficients": {**document, "model": {**document["model"], "weights": [1.0]}},
        "model": {**document, "model": "none"},
    }
    for what, broken in bad.items():
        path.write_text(json.dumps(broken))
        with pytest.raises(CalibrationError):
            RerankerModel.load(path)
            pytest.fail(f"loaded with a broken {what}")
    path.write_text("{not json")
    with pytest.raises(CalibrationError, match="cannot read"):
        RerankerModel.load(path)


def test_the_shipped_reranker_is_for_the_default_encoder():
    path = shipped_reranker(Settings().extraction.reranker)
    assert path is not None
    model = RerankerModel.load(path)
    assert model.encoder == Settings().encoder.model
    assert model.details["cross_validation"]["folds"] >= 2
    assert shipped_reranker("no-such-reranker") is None


def test_the_runtime_loads_a_fitting_reranker_and_refuses_a_wrong_one(
    tmp_path, small_taxonomy, caplog
):
    encoder = WordEncoder()
    index = build_index_in_memory(small_taxonomy, encoder)
    fits, other = tmp_path / "fits.json", tmp_path / "other.json"
    fits.write_text(_model({"overlap": 1.0}).to_json())
    other.write_text(_model({"overlap": 1.0}, encoder="some-other-encoder").to_json())

    def settings(reranker: str) -> Settings:
        return Settings(data_dir=tmp_path).replace({"extraction.reranker": reranker})

    assert load_reranker(settings(""), encoder, index) is None
    loaded = load_reranker(settings(str(fits)), encoder, index)
    assert loaded is not None and loaded.depth == 5
    with pytest.raises(CalibrationError, match="fitted for some-other-encoder"):
        load_reranker(settings(str(other)), encoder, index)
    with pytest.raises(CalibrationError, match="neither a shipped re-ranker nor a file"):
        load_reranker(settings(str(tmp_path / "missing.json")), encoder, index)
    # The shipped default was fitted for the default encoder: another keeps the cosine order.
    with caplog.at_level(logging.WARNING, logger="skillgraph.runtime"):
        assert load_reranker(Settings(data_dir=tmp_path), encoder, index) is None
    assert "fitted for skillgraph-minilm-esco, not fake-words" in caplog.text


@pytest.fixture
def reranked_graph(tmp_path, small_taxonomy) -> SkillGraph:
    """The fakes with a re-ranker that prefers skills whose label words the sentence has."""
    path = tmp_path / "reranker.json"
    path.write_text(_model({"overlap": 6.0, "score": 1.0}, depth=20).to_json())
    settings = Settings(data_dir=tmp_path).replace(
        {"memory.enabled": False, "spans.model": "", "extraction.reranker": str(path)}
    )
    encoder = WordEncoder()
    index = build_index_in_memory(small_taxonomy, encoder)
    return SkillGraph.assemble(settings, small_taxonomy, encoder, index, reader=WordReader(()))


def test_ranking_is_in_the_order_of_the_probabilities_with_cosine_scores(reranked_graph):
    extractor = reranked_graph.extractor
    text = "We program in Python and install pipework."
    matches = extractor.extract(text, Ranking(5))
    probabilities = [m.probability for m in matches]
    assert all(p is not None for p in probabilities)
    assert probabilities == sorted(probabilities, reverse=True)
    assert PYTHON in [m.uri for m in matches]
    # the same candidates in cosine order, as without a re-ranker
    plain = SkillGraph.assemble(
        reranked_graph.settings.replace({"extraction.reranker": ""}),
        reranked_graph.taxonomy,
        extractor.encoder,
        reranked_graph.index,
    ).extractor
    cosine = plain.extract(text, Ranking(20))
    scores = {m.uri: m.score for m in cosine}
    assert all(m.score == pytest.approx(scores[m.uri]) for m in matches)
    assert all(m.probability is None for m in cosine)
    assert "probability" in matches[0].to_dict() and "span_text" not in matches[0].to_dict()


def test_a_threshold_still_applies_to_the_cosine(reranked_graph):
    extractor = reranked_graph.extractor
    text = "We program in Python and install pipework."
    ranked = extractor.extract(text, Ranking(20))
    floor = sorted(m.score for m in ranked)[-4]
    kept = extractor.extract(text, Threshold(floor, 20))
    assert kept and all(m.score >= floor for m in kept)
    assert {m.uri for m in kept} == {m.uri for m in ranked if m.score >= floor}
    assert [m.probability for m in kept] == sorted((m.probability for m in kept), reverse=True)
