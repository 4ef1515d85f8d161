"""Ads assembled from postings: no-span sentences kept, span sentences replaced in order."""

from __future__ import annotations

from training.evaluation import BenchmarkSentence
from training.postings import assemble_ads, set_counts
from training.span_data import TaggedSentence

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def sentence(text: str, tags: str, posting: int) -> TaggedSentence:
    return TaggedSentence(tuple(text.split()), tuple(tags.split()), posting, "house")


def test_span_sentences_are_replaced_and_gold_is_their_union(small_taxonomy):
    postings = [
        [sentence("About us", "O O", 1), sentence("Know Java", "O B", 1)],
        [sentence("Nothing here", "O O", 2)],  # no span: not an ad
        [sentence("Use SQL", "O B", 3), sentence("Use Go", "O B", 3)],  # too few left
    ]
    python = small_taxonomy.skill(PYTHON)
    bench = [
        BenchmarkSentence("You know Python.", (python.preferred_label,), frozenset({PYTHON})),
        BenchmarkSentence("Be nice.", ("no such ESCO label",), frozenset()),
    ]
    (ad,) = assemble_ads(postings, bench, small_taxonomy, "t")
    assert ad.sentences == ("About us", "You know Python.")
    assert ad.gold == {PYTHON}
    assert ad.text == "About us\nYou know Python."


def test_set_counts_are_micro():
    counts = set_counts([["a", "b"], []], [frozenset({"a"}), frozenset({"c", "d"})])
    assert (counts.true_positives, counts.predicted, counts.gold) == (1, 2, 3)
    assert counts.precision == 0.5 and round(counts.recall, 4) == 0.3333
    assert counts.percentages() == [50.0, 33.3, 40.0]
