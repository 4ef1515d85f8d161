import pytest

from tests.conftest import FIXTURES
from training.evaluation import (
    BenchmarkSentence,
    load_benchmark,
    score_rankings,
    set_scores,
    unmapped_labels,
)

BENCH = FIXTURES / "bench" / "small_benchmark.jsonl"


def _sentence(gold, labels=None):
    return BenchmarkSentence("s", tuple(labels or gold), frozenset(gold))


def test_rp_and_mrr_follow_the_definition():
    sentences = [_sentence({"a"}), _sentence({"a", "b"}), _sentence({"x"}, labels=["x", "lost"])]
    rankings = [
        ["z", "a"],  # rank 2: RP@5 1/1, MRR 1/2
        ["a", "q", "q2", "q3", "q4", "b"],  # b at 6: RP@5 1/2, RP@10 2/2, MRR 1
        ["y"] * 10,  # nothing: 0, and "lost" maps to no skill
    ]
    scores = score_rankings(rankings, sentences)
    assert scores.rp5 == pytest.approx((1 + 0.5 + 0) / 3)
    assert scores.rp10 == pytest.approx((1 + 1 + 0) / 3)
    assert scores.mrr == pytest.approx((0.5 + 1 + 0) / 3)
    assert scores.as_percentages() == {"RP@5": 50.0, "RP@10": 66.7, "MRR": 0.5}


def test_rp_denominator_is_min_k_and_gold_count():
    gold = {f"g{i}" for i in range(7)}
    ranking = sorted(gold) + ["x"] * 3
    scores = score_rankings([ranking], [_sentence(gold)])
    assert scores.rp5 == 1.0  # 5 of min(5, 7)
    assert scores.rp10 == 1.0  # 7 of min(10, 7)


def test_mismatched_inputs_are_errors():
    with pytest.raises(ValueError, match="2 rankings for 1"):
        score_rankings([[], []], [_sentence({"a"})])
    with pytest.raises(ValueError, match="no benchmark"):
        score_rankings([], [])


def test_standard_protocol_drops_special_labels_and_empty_sentences(small_taxonomy):
    sentences = load_benchmark(BENCH, small_taxonomy)
    assert len(sentences) == 4
    assert all("UNDERSPECIFIED" not in s.gold_labels for s in sentences)
    two = next(s for s in sentences if s.sentence.startswith("You will write SQL"))
    assert two.gold_labels == ("SQL", "PostgreSQL")
    assert len(two.gold_uris) == 2
    assert unmapped_labels(sentences, small_taxonomy) == ["COBOL"]
    with_empty = load_benchmark(BENCH, small_taxonomy, include_empty=True)
    assert len(with_empty) == 5 and with_empty[3].gold_labels == ()


def test_set_scores_sweep_thresholds():
    sentences = [_sentence({"a"}), _sentence(set(), labels=[])]
    predictions = [[("a", 0.9), ("b", 0.6)], [("c", 0.7)]]
    low, high = set_scores(predictions, sentences, [0.5, 0.8])
    assert (low.precision, low.recall) == pytest.approx((1 / 3, 1.0))
    assert (high.precision, high.recall, high.f1) == pytest.approx((1.0, 1.0, 1.0))
