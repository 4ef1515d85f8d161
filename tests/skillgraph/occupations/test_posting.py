"""A posting's occupations and context (posting_occupations) on the tiny taxonomy of
test_matcher_logic with the fast word encoder."""

import pytest

from ontology import UnknownConceptError
from skillgraph.config import OccupationSettings
from skillgraph.occupations import OccupationMatcher, posting_occupations
from tests.fakes import WordEncoder
from tests.skillgraph.occupations.test_matcher_logic import KNIVES, PYTHON, SQL, E, _taxonomy

DEV, DB, KP = (f"{E}occupation/dev", f"{E}occupation/db", f"{E}occupation/kp")


@pytest.fixture
def matcher(tmp_path) -> OccupationMatcher:
    settings = OccupationSettings(min_score=0.6)
    return OccupationMatcher.load(_taxonomy(), WordEncoder(), settings, tmp_path)


def test_the_context_is_the_best_match_unless_an_occupation_is_given(matcher):
    matched, given, untitled = posting_occupations(
        matcher, ["Senior Programmer", "Senior Programmer", ""], [[PYTHON, KNIVES]] * 3,
        [None, KP, None],
    )  # fmt: skip
    assert matched.matches[0].uri == DEV and matched.occupation == DEV
    assert matched.context is not None
    assert [s.relation for s in matched.context.skills] == ["essential", None]
    assert matched.context.missing_essential == ()
    # A given occupation is the context; the title's matches stay what the title names.
    assert given.matches == matched.matches and given.occupation == KP
    assert given.context is not None
    assert [s.relation for s in given.context.skills] == [None, "essential"]
    # No title and nothing given: no occupation, no context.
    assert untitled.matches == () and untitled.context is None and untitled.occupation is None
    assert untitled.to_dict() == {"occupations": [], "context": None}


def test_the_gap_list_and_the_answer_as_json(matcher):
    (posting,) = posting_occupations(matcher, ["database programmer"], [[PYTHON]])
    assert posting.occupation == DB
    answer = posting.to_dict()
    assert answer["occupations"][0]["label"] == "database developer"
    assert answer["context"]["skills"] == [{"uri": PYTHON, "label": "python", "relation": None}]
    assert answer["context"]["missing_essential"] == [{"uri": SQL, "label": "sql"}]


def test_a_non_title_has_no_occupation_but_a_given_one_still_gives_context(matcher):
    none, given = posting_occupations(matcher, ["Apply now!"] * 2, [[SQL]] * 2, [None, DB])
    assert none.matches == () and none.context is None
    assert given.matches == () and given.occupation == DB
    assert given.context is not None and given.context.relation_of(SQL) == "essential"


def test_an_unknown_given_occupation_or_uneven_inputs_are_refused(matcher):
    with pytest.raises(UnknownConceptError):
        posting_occupations(matcher, ["cook"], [[]], [f"{E}occupation/nope"])
    with pytest.raises(ValueError, match="2 titles, 1 skill sets"):
        posting_occupations(matcher, ["cook", "coder"], [[]])
