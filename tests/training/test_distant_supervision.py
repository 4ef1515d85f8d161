import pytest

from tests.conftest import FIXTURES
from training.distant_supervision import LabelMatcher, distant_pairs, read_token_file

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
POSTGRES = "http://data.europa.eu/esco/skill/a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"
DBMS = "http://data.europa.eu/esco/skill/ab1e97ed-2319-4293-a8b7-072d2648822f"
MANAGE_STAFF = "http://data.europa.eu/esco/skill/339ac029-066a-4985-9f9d-b3d7c8fea0bb"


@pytest.fixture(scope="module")
def matcher(small_taxonomy):
    return LabelMatcher(small_taxonomy)


def test_labels_match_by_lemma_and_longest_first(matcher):
    (found,) = matcher.matches(["Knowledge of Database Management Systems and PostgreSQL."])
    assert [(m.skill_uri, m.label) for m in found] == [
        (DBMS, "database management systems"),  # not the shorter "database" inside it
        (POSTGRES, "PostgreSQL"),
    ]
    (managed,) = matcher.matches(["She managed staff for years."])  # managed -> manage
    assert [m.skill_uri for m in managed] == [MANAGE_STAFF]


def test_one_word_alt_labels_are_not_evidence(matcher):
    # "Python" is only an alt label of "Python (computer programming)": too ambiguous alone.
    (found,) = matcher.matches(["We keep a python and some Postgres in the office."])
    assert not {PYTHON, POSTGRES} & {m.skill_uri for m in found}


def test_distant_pairs_from_token_files(matcher):
    sentences = list(read_token_file(FIXTURES / "train" / "sentences_small.json"))
    assert "Java" not in sentences  # one-token fragments are skipped
    pairs = distant_pairs(sentences, matcher, "distant:test", max_label_share=1.0)
    by_sentence = {}
    for pair in pairs:
        by_sentence.setdefault(pair.text, set()).add(pair.skill_uri)
    assert by_sentence["We use Python and PostgreSQL every day ."] == {POSTGRES}
    assert MANAGE_STAFF in by_sentence["You will manage staff in our facilities ."]
    assert all(p.source == "distant:test" for p in pairs)


def test_frequent_labels_are_dropped(matcher):
    sentences = ["Postgres here."] * 50 + ["We manage staff."]
    pairs = distant_pairs(sentences, matcher, "x", max_label_share=0.1)
    assert {p.skill_uri for p in pairs} == {MANAGE_STAFF}
