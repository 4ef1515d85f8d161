"""``EscoTaxonomy``: lookups, label lookup and search, hierarchy helpers."""

from __future__ import annotations

import pytest

from ontology import (
    EscoRelease,
    EscoTaxonomy,
    IscoGroup,
    Occupation,
    Skill,
    SkillGroup,
    UnknownConceptError,
    normalize_label,
)
from ontology.taxonomy import OCCUPATION_NAMESPACE as OCCUPATION
from ontology.taxonomy import SKILL_NAMESPACE as SKILL

ISCO = "http://data.europa.eu/esco/isco/"
ISCED = "http://data.europa.eu/esco/isced-f/"
PYTHON_UUID = "ccd0a1d9-afda-43d9-b901-96344886e14d"
PYTHON = SKILL + PYTHON_UUID
MANAGE_STAFF = SKILL + "339ac029-066a-4985-9f9d-b3d7c8fea0bb"
MANAGE_MUSICAL_STAFF = SKILL + "0005c151-5b5a-4a66-8aac-60e734beb1ab"
SOFTWARE_DEVELOPER = OCCUPATION + "f2b15a0e-e65a-438a-affb-29b9d50b77d1"
RELEASE = EscoRelease(version="v0.0.1", language="en")


def labelled(*labels: tuple[str, ...]) -> EscoTaxonomy:
    """A taxonomy of skills ``s0, s1, ...`` whose labels are (preferred, *alternatives)."""
    skills = [
        Skill(uri=f"s{i}", preferred_label=pref, alt_labels=alts)
        for i, (pref, *alts) in enumerate(labels)
    ]
    return EscoTaxonomy(RELEASE, skills, [])


# -- lookups -------------------------------------------------------------------------------


def test_looks_up_records_by_uri_and_by_uuid(small_taxonomy: EscoTaxonomy) -> None:
    assert small_taxonomy.skill(PYTHON) is small_taxonomy.skill(PYTHON_UUID)
    assert small_taxonomy.skill(PYTHON).preferred_label == "Python (computer programming)"
    developer = small_taxonomy.occupation("f2b15a0e-e65a-438a-affb-29b9d50b77d1")
    assert developer.uri == SOFTWARE_DEVELOPER
    assert small_taxonomy.skill_group("aab9f44d-fe0e-46d8-a470-11ce82a64846").code == "S4.8.1"
    assert small_taxonomy.skill_group(ISCED + "0613").code == "0613"


def test_concept_finds_every_kind(small_taxonomy: EscoTaxonomy) -> None:
    assert isinstance(small_taxonomy.concept(PYTHON), Skill)
    assert isinstance(small_taxonomy.concept(SOFTWARE_DEVELOPER), Occupation)
    assert isinstance(small_taxonomy.concept(ISCED + "061"), SkillGroup)
    assert isinstance(small_taxonomy.concept(ISCO + "C2512"), IscoGroup)


def test_unknown_concept_error_names_the_uri(small_taxonomy: EscoTaxonomy) -> None:
    missing = SKILL + "00000000-0000-0000-0000-000000000000"
    with pytest.raises(UnknownConceptError) as error:
        small_taxonomy.skill(missing)
    assert isinstance(error.value, KeyError)
    assert error.value.uri == missing
    assert str(error.value) == f"unknown ESCO skill in esco-v1.2.0-en: {missing}"


def test_lookups_are_kind_specific(small_taxonomy: EscoTaxonomy) -> None:
    with pytest.raises(UnknownConceptError, match="unknown ESCO occupation"):
        small_taxonomy.occupation(PYTHON)
    with pytest.raises(UnknownConceptError, match="unknown ESCO skill group"):
        small_taxonomy.skill_group(PYTHON_UUID)
    with pytest.raises(UnknownConceptError, match="unknown ESCO concept"):
        small_taxonomy.concept(PYTHON_UUID)  # concept() takes exact URIs only


def test_record_mappings_are_read_only(small_taxonomy: EscoTaxonomy) -> None:
    with pytest.raises(TypeError):
        small_taxonomy.skills["x"] = small_taxonomy.skill(PYTHON)  # type: ignore[index]
    with pytest.raises(TypeError):
        small_taxonomy.group_levels["x"] = 1  # type: ignore[index]


def test_rejects_duplicate_uris() -> None:
    with pytest.raises(ValueError, match="duplicate skill URI: s0"):
        EscoTaxonomy(RELEASE, [Skill("s0", "a"), Skill("s0", "b")], [])


def test_stats_count_records_and_relations(small_taxonomy: EscoTaxonomy) -> None:
    stats = small_taxonomy.stats()
    assert stats["skills"] == len(small_taxonomy.skills) == 27
    assert stats["skill_skill_relations"] == 3 + 2 + 1  # scripting, use databases, debugging
    assert stats["occupation_skill_relations"] == 36  # 37 rows, one repeated
    assert stats["skill_alt_labels"] == sum(
        len(s.alt_labels) for s in small_taxonomy.skills.values()
    )


# -- exact label lookup --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Manage   Staff ", "manage staff"),
        ("undertake procedures heavier than 5,700 kg", "undertake procedures heavier than 5700 kg"),
        ("plan, design and build", "plan design and build"),
        ("Straße\tplanen", "strasse planen"),
        ("", ""),
    ],
)
def test_normalize_label(text: str, expected: str) -> None:
    assert normalize_label(text) == expected


@pytest.mark.parametrize(
    "label", ["Python", "  python ", "PYTHON", "Python (computer programming)"]
)
def test_finds_skills_by_label_ignoring_case_and_spacing(
    small_taxonomy: EscoTaxonomy, label: str
) -> None:
    assert [s.uri for s in small_taxonomy.find_skills_by_label(label)] == [PYTHON]


def test_finds_labels_written_without_commas() -> None:
    taxonomy = labelled(("manage budgets, staff and premises",))
    assert [s.uri for s in taxonomy.find_skills_by_label("Manage budgets staff and premises")] == [
        "s0"
    ]


def test_label_lookup_lists_preferred_matches_first_once_each() -> None:
    taxonomy = labelled(("database management systems", "SQL", "sql"), ("SQL",), ("query", "sql"))
    assert [s.uri for s in taxonomy.find_skills_by_label("sql")] == ["s1", "s0", "s2"]
    assert taxonomy.find_skills_by_label("no such label") == []


def test_finds_occupations_by_alt_label(small_taxonomy: EscoTaxonomy) -> None:
    found = small_taxonomy.find_occupations_by_label("Software Developers")
    assert [o.uri for o in found] == [SOFTWARE_DEVELOPER]


# -- ranked search -------------------------------------------------------------------------


def test_search_ranks_exact_then_prefix_then_all_words_then_partial() -> None:
    taxonomy = labelled(
        ("database",),  # partial: "data" is only a prefix of a word
        ("very big data sets",),  # all words, longer label
        ("big data",),  # all words
        ("data mining",),  # starts with the query
        ("Data",),  # exact
        ("mining",),  # no match
    )
    hits = taxonomy.search_skills("data")
    assert [h.concept.uri for h in hits] == ["s4", "s3", "s2", "s1", "s0"]
    assert hits[0].score == 1.0
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 for s in scores)
    assert hits[-1].score < 0.5  # partial matches stay below every full-word match


def test_search_returns_each_concept_once_with_its_best_label(
    small_taxonomy: EscoTaxonomy,
) -> None:
    hits = small_taxonomy.search_skills("manage staff")
    assert [(h.concept.uri, h.matched_label, h.score) for h in hits[:2]] == [
        (MANAGE_STAFF, "manage staff", 1.0),
        (MANAGE_MUSICAL_STAFF, "manage staff of music", hits[1].score),
    ]
    assert 0.75 <= hits[1].score < 1.0
    assert len({h.concept.uri for h in hits}) == len(hits)


def test_search_prefers_preferred_labels_on_equal_scores() -> None:
    taxonomy = labelled(("database management systems", "SQL"), ("SQL",))
    hits = taxonomy.search_skills("sql")
    assert [(h.concept.uri, h.score) for h in hits] == [("s1", 1.0), ("s0", 1.0)]


def test_search_matches_alt_labels_and_word_prefixes(small_taxonomy: EscoTaxonomy) -> None:
    python = small_taxonomy.search_skills("python")[0]
    assert (python.concept.uri, python.matched_label, python.score) == (PYTHON, "Python", 1.0)
    postgres = small_taxonomy.search_skills("postgre")
    assert postgres[0].concept.preferred_label == "PostgreSQL"
    java = small_taxonomy.search_skills("programming java")[0]
    assert java.concept.preferred_label == "Java (computer programming)"


def test_search_respects_limit(small_taxonomy: EscoTaxonomy) -> None:
    assert len(small_taxonomy.search_skills("software", limit=2)) == 2
    with pytest.raises(ValueError, match="limit"):
        small_taxonomy.search_skills("software", limit=0)


@pytest.mark.parametrize("query", ["", "   ", " , "])
def test_search_rejects_empty_queries(small_taxonomy: EscoTaxonomy, query: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        small_taxonomy.search_skills(query)


def test_searches_occupations(small_taxonomy: EscoTaxonomy) -> None:
    hits = small_taxonomy.search_occupations("Software developer")
    assert (hits[0].concept.uri, hits[0].score) == (SOFTWARE_DEVELOPER, 1.0)
    assert small_taxonomy.search_occupations("conductor")[0].concept.preferred_label == (
        "music director"
    )


# -- hierarchy -----------------------------------------------------------------------------


def test_ancestors_are_breadth_first_without_repeats(small_taxonomy: EscoTaxonomy) -> None:
    assert small_taxonomy.ancestors(PYTHON) == [
        ISCED + "0613",
        SKILL + "21d2f96d-35f7-4e3f-9745-c533d2dd6e97",  # computer programming
        ISCED + "061",
        SKILL + "f5369f2f-e52b-43d8-8d31-79a6c11188d8",  # digital content creation
        ISCED + "06",
        SKILL + "98fb499f-9155-412d-a8a0-95ba97126fec",  # S5.6.1
        SKILL + "c46fcb45-5c14-4ffa-abed-5a43f104bb22",  # K, knowledge
        SKILL + "cacc62f3-2df4-4cc3-9d5d-0d014db56bd9",  # S5.6
        SKILL + "243eb885-07c7-4b77-ab9c-827551d83dc4",  # S5
        SKILL + "335228d2-297d-4e0e-a6ee-bc6a8dc110d9",  # S, skills
    ]


def test_ancestors_of_an_occupation(small_taxonomy: EscoTaxonomy) -> None:
    devops = OCCUPATION + "cc867bee-ab5c-427f-9244-f7a204d9574b"
    assert small_taxonomy.ancestors(devops) == [
        ISCO + "C2512",
        OCCUPATION + "349ee6f6-c295-4c38-9b98-48765b55280e",
        ISCO + "C251",
        ISCO + "C25",
        ISCO + "C2",
    ]


def test_ancestors_survive_cycles_and_unknown_targets() -> None:
    skills = [Skill("a", "a", broader=("b",)), Skill("b", "b", broader=("a", "outside"))]
    taxonomy = EscoTaxonomy(RELEASE, skills, [])
    assert taxonomy.ancestors("a") == ["b", "outside"]
    with pytest.raises(UnknownConceptError):
        taxonomy.ancestors("outside")


def test_skill_group_at_each_level(small_taxonomy: EscoTaxonomy) -> None:
    path = [small_taxonomy.skill_group_at_level(PYTHON, level) for level in range(4)]
    assert path == [
        SKILL + "c46fcb45-5c14-4ffa-abed-5a43f104bb22",
        ISCED + "06",
        ISCED + "061",
        ISCED + "0613",
    ]
    # Several parents: the first-listed broader concept wins (S4.8.1, not T4.4 or S4.2.1).
    assert small_taxonomy.skill_group_at_level(MANAGE_STAFF, 3) == (
        SKILL + "aab9f44d-fe0e-46d8-a470-11ce82a64846"
    )
    assert small_taxonomy.skill_group_at_level(ISCED + "061", 2) == ISCED + "061"
    assert small_taxonomy.skill_group_at_level(PYTHON, 4) is None
    with pytest.raises(ValueError, match="levels start at 0"):
        small_taxonomy.skill_group_at_level(PYTHON, -1)


def test_group_levels_fall_back_to_the_broader_chain(small_taxonomy: EscoTaxonomy) -> None:
    rebuilt = EscoTaxonomy(
        small_taxonomy.release,
        small_taxonomy.skills.values(),
        small_taxonomy.occupations.values(),
        small_taxonomy.skill_groups.values(),
        small_taxonomy.isco_groups.values(),
    )
    assert dict(rebuilt.group_levels) == dict(small_taxonomy.group_levels)


def test_siblings_share_the_group_at_a_level(small_taxonomy: EscoTaxonomy) -> None:
    siblings = small_taxonomy.siblings(PYTHON_UUID)
    labels = {small_taxonomy.skill(uri).preferred_label for uri in siblings}
    assert labels == {
        "Java (computer programming)",
        "computer programming",
        "JavaScript",
        "SQL",
        "ICT debugging tools",
        "query languages",
        "C++",
    }
    assert small_taxonomy.siblings(MANAGE_STAFF) == [MANAGE_MUSICAL_STAFF]
    assert small_taxonomy.siblings(PYTHON, level=4) == []


def test_siblings_at_the_top_level(small_taxonomy: EscoTaxonomy) -> None:
    knowledge = small_taxonomy.siblings(PYTHON, level=0)
    assert MANAGE_STAFF not in knowledge
    assert SKILL + "a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996" in knowledge  # PostgreSQL
