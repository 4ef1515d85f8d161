"""Checking and merging examples against the small ESCO export."""

from __future__ import annotations

import pytest

from skillgraph import TextTooLongError
from skillgraph.memory import ExampleError, LabelledExample, UnknownSkillError, text_key
from skillgraph.memory.examples import check_example, merge_labels
from tests.skillgraph.memory.conftest import PYTHON, SQL


@pytest.fixture
def check(small_taxonomy):
    return lambda example: check_example(example, small_taxonomy, max_chars=200)


def test_a_valid_example_is_trimmed_and_its_skills_become_distinct_uris(check):
    uuid = PYTHON.rsplit("/", 1)[1]
    checked = check(LabelledExample("  You know Python.\n", (uuid, PYTHON, SQL), (), "t"))
    assert checked == LabelledExample("You know Python.", (PYTHON, SQL), (), "t")


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_is_refused(check, text):
    with pytest.raises(ExampleError, match="text is empty"):
        check(LabelledExample(text, (PYTHON,)))


def test_overlong_text_is_refused_with_the_limit(check):
    with pytest.raises(TextTooLongError) as caught:
        check(LabelledExample("x" * 201, (PYTHON,)))
    assert caught.value.limit == 200


def test_unknown_skills_are_refused_and_every_one_is_named(check):
    bad = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    with pytest.raises(UnknownSkillError) as caught:
        check(LabelledExample("You know Python.", (PYTHON, bad), ("no-such-skill",)))
    assert caught.value.references == (bad, "no-such-skill")
    assert bad in str(caught.value) and "no-such-skill" in str(caught.value)


def test_an_example_needs_a_label_and_no_skill_both_ways(check):
    with pytest.raises(ExampleError, match="at least one skill"):
        check(LabelledExample("You know Python."))
    with pytest.raises(ExampleError, match="both expressed and negated"):
        check(LabelledExample("You know Python.", (PYTHON,), (PYTHON,)))


def test_merging_unions_labels_and_the_newer_word_wins():
    assert merge_labels(((PYTHON,), ()), ((SQL,), ())) == ((PYTHON, SQL), ())
    assert merge_labels(((PYTHON, SQL), ()), ((), (PYTHON,))) == ((SQL,), (PYTHON,))
    assert merge_labels(((), (PYTHON,)), ((PYTHON,), ())) == ((PYTHON,), ())


def test_texts_that_differ_in_case_and_spacing_are_one_example():
    assert text_key("You  know\nPython.") == text_key("you know python.")
    assert text_key("You know Python.") != text_key("You know Python")
