import pytest

from training.span_metrics import span_f1


def test_strict_needs_exact_boundaries_and_loose_any_overlap():
    gold = [[(0, 2), (5, 6)], [], [(1, 3)]]
    predicted = [[(0, 2), (4, 5)], [(0, 1)], [(2, 4)]]
    scores = span_f1(gold, predicted)
    assert scores["strict"].precision == pytest.approx(1 / 4)
    assert scores["strict"].recall == pytest.approx(1 / 3)
    # Loose: (0, 2) and (2, 4) overlap gold; (4, 5) and (0, 1) do not.
    assert scores["loose"].precision == pytest.approx(2 / 4)
    assert scores["loose"].recall == pytest.approx(2 / 3)
    assert span_f1([[]], [[]])["strict"].f1 == 0.0
