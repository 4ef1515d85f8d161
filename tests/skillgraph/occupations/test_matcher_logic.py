"""The matcher's logic on a tiny taxonomy with the fast word encoder (no model)."""

from pathlib import Path

import pytest

from ontology import EscoRelease, EscoTaxonomy, IscoGroup, Occupation, Skill
from skillgraph.config import OccupationSettings
from skillgraph.occupations import OccupationMatcher, OccupationRows
from tests.fakes import WordEncoder

E = "http://data.europa.eu/esco/"
PYTHON, SQL, KNIVES = (f"{E}skill/python", f"{E}skill/sql", f"{E}skill/knives")


def _taxonomy() -> EscoTaxonomy:
    groups = [
        IscoGroup(f"{E}isco/C2", "2", "Professionals"),
        IscoGroup(f"{E}isco/C25", "25", "ICT professionals", broader=(f"{E}isco/C2",)),
        IscoGroup(f"{E}isco/C251", "251", "Software developers", broader=(f"{E}isco/C25",)),
        IscoGroup(f"{E}isco/C2512", "2512", "Software developers", broader=(f"{E}isco/C251",)),
        IscoGroup(f"{E}isco/C9412", "9412", "Kitchen helpers"),
    ]
    occupations = [
        Occupation(
            f"{E}occupation/dev",
            "software developer",
            ("programmer", "coder"),
            isco_code="2512",
            essential_skills=(PYTHON,),
            optional_skills=(SQL,),
        ),
        Occupation(
            f"{E}occupation/db",
            "database developer",
            ("database programmer",),
            isco_code="2512",
            essential_skills=(SQL,),
        ),
        Occupation(
            f"{E}occupation/kp",
            "kitchen porter",
            ("kitchen helper", "pot washer"),
            isco_code="9412",
            essential_skills=(KNIVES,),
        ),
    ]
    skills = [Skill(uri, uri.rsplit("/", 1)[1]) for uri in (PYTHON, SQL, KNIVES)]
    return EscoTaxonomy(EscoRelease("v1.2.0", "en"), skills, occupations, isco_groups=groups)


@pytest.fixture
def taxonomy() -> EscoTaxonomy:
    return _taxonomy()


def _matcher(taxonomy, tmp_path: Path, **settings) -> OccupationMatcher:
    return OccupationMatcher.load(taxonomy, WordEncoder(), OccupationSettings(**settings), tmp_path)


def test_a_noisy_title_finds_its_occupation_with_the_isco_path(taxonomy, tmp_path):
    (best, *_) = _matcher(taxonomy, tmp_path).match("Senior Programmer (m/f/d) - Remote")
    assert best.uri == f"{E}occupation/dev" and best.label == "software developer"
    assert best.matched_label == "programmer" and best.score == pytest.approx(0.98, abs=0.021)
    assert best.isco_code == "2512"
    assert [step.code for step in best.isco_path] == ["2", "25", "251", "2512"]
    assert best.to_dict()["isco_path"][1] == {"code": "25", "label": "ICT professionals"}


def test_a_non_title_or_a_weak_match_gets_an_empty_answer(taxonomy, tmp_path):
    matcher = _matcher(taxonomy, tmp_path, min_score=0.6)
    assert matcher.match("Apply now!") == []  # nothing left once cleaned
    assert matcher.match("gardener") == []  # no label shares a word: below the threshold
    assert _matcher(taxonomy, tmp_path, min_score=-1.0).match("gardener", top_k=3)


def test_answers_are_ordered_cut_at_top_k_and_in_input_order(taxonomy, tmp_path):
    matcher = _matcher(taxonomy, tmp_path, min_score=0.0)
    answers = matcher.match_many(["database programmer", "pot washer", "Job ID 991"], top_k=2)
    assert [a[0].uri for a in answers[:2]] == [f"{E}occupation/db", f"{E}occupation/kp"]
    assert answers[2] == []
    scores = [m.score for m in answers[0]]
    assert len(answers[0]) <= 2 and scores == sorted(scores, reverse=True)
    with pytest.raises(ValueError, match="top_k"):
        matcher.match("coder", top_k=0)
    with pytest.raises(ValueError, match="skill sets"):
        matcher.match_many(["coder"], [(), ()])


def test_a_later_segment_counts_at_its_weight(taxonomy, tmp_path):
    # "Kitchen" names nothing alone; the second segment does, at segment_weight.
    matcher = _matcher(taxonomy, tmp_path, min_score=0.0, segment_weight=0.5)
    (best, *_) = matcher.match("Night team | pot washer")
    assert best.uri == f"{E}occupation/kp"
    assert best.score == pytest.approx(0.5, abs=0.02)


def test_the_ads_skills_vote_through_the_occupation_skill_relations(taxonomy, tmp_path):
    title = "developer"  # as near "software developer" as "database developer"
    plain = _matcher(taxonomy, tmp_path, min_score=0.0)
    voting = _matcher(taxonomy, tmp_path, min_score=0.0, skill_weight=0.3)
    first = plain.match(title, top_k=2)
    assert {m.uri for m in first} == {f"{E}occupation/dev", f"{E}occupation/db"}
    assert voting.match(title, skills={SQL})[0].uri == f"{E}occupation/db"
    assert voting.match(title, skills={PYTHON})[0].uri == f"{E}occupation/dev"
    # Without skills the vote changes nothing.
    assert [m.score for m in voting.match(title, top_k=2)] == [m.score for m in first]


def test_label_vectors_are_encoded_once_and_left_out_labels_are_not_indexed(taxonomy, tmp_path):
    encoder = WordEncoder()
    OccupationMatcher.load(taxonomy, encoder, OccupationSettings(), tmp_path)
    encoded = encoder.texts_encoded
    assert encoded == 8  # every distinct label
    OccupationMatcher.load(taxonomy, encoder, OccupationSettings(), tmp_path)
    assert encoder.texts_encoded == encoded  # from the cache
    rows = OccupationRows.from_taxonomy(taxonomy, leave_out=[(f"{E}occupation/kp", "Pot Washer")])
    assert "pot washer" not in rows.texts and len(rows.texts) == 7
    assert rows.digest() != OccupationRows.from_taxonomy(taxonomy).digest()
    held_out = OccupationMatcher.load(
        taxonomy, encoder, OccupationSettings(min_score=-1.0), tmp_path, rows=rows
    )
    assert held_out.match("pot washer")[0].matched_label != "pot washer"
