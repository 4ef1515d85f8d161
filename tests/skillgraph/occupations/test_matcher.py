"""The occupation matcher on the full ESCO snapshot with the real encoder: noisy titles,
non-titles and the gap list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillgraph.occupations import occupation_context

TITLES = Path(__file__).parents[3] / "benchmarks" / "data" / "occupation_titles.jsonl"

NOISY = {
    "Kitchen Porter / KP part-time": "kitchen porter",
    "HGV Class 1 Driver - Nights": "cargo vehicle driver",
    "Forklift Driver (Counterbalance) 40hrs": "forklift operator",
    "Bus Driver - PCV licence required": "bus driver",
    "Primary School Teacher (KS2)": "primary school teacher",
    "Data Analyst - SQL & Power BI": "data analyst",
    "🚀 Senior Data Scientist (Remote) 💰 £70k + bonus": "data scientist",
    "Registered Nurse (RGN) - £18.50 per hour - Manchester": "nurse responsible for general care",
    "Healthcare Assistant (HCA) Nights": "healthcare assistant",
}


@pytest.fixture(scope="module")
def matcher(full_graph):
    return full_graph.occupations


def test_the_runtime_loads_one_matcher(full_graph, matcher):
    assert full_graph.occupations is matcher
    assert len(matcher.rows.uris) == len(full_graph.taxonomy.occupations)


@pytest.mark.parametrize(("title", "label"), NOISY.items(), ids=list(NOISY))
def test_noisy_titles_find_their_occupation(matcher, title, label):
    (best, *_) = matcher.match(title)
    assert best.label == label
    assert best.score >= matcher.settings.min_score
    assert best.isco_path[-1].code == best.isco_code


def test_non_titles_get_no_confident_match(matcher):
    entries = [json.loads(line) for line in TITLES.read_text().splitlines()]
    non_titles = [e["title"] for e in entries if not e["accept"]]
    assert len(non_titles) == 15
    assert matcher.match_many(non_titles) == [[] for _ in non_titles]


def test_the_gap_list_names_the_essential_skills_the_ad_did_not_mention(full_graph, matcher):
    taxonomy = full_graph.taxonomy
    (porter, *_) = matcher.match("Kitchen Porter")
    occupation = taxonomy.occupation(porter.uri)
    essential = list(occupation.essential_skills)
    assert len(essential) >= 3
    optional = occupation.optional_skills[0]
    unrelated = next(uri for uri in taxonomy.skills if uri not in occupation.essential_skills
                     and uri not in occupation.optional_skills)  # fmt: skip
    context = occupation_context(taxonomy, porter.uri, [essential[0], optional, unrelated])
    assert [s.relation for s in context.skills] == ["essential", "optional", None]
    assert [s.uri for s in context.missing_essential] == essential[1:]
    assert context.missing_essential[0].label == taxonomy.skill(essential[1]).preferred_label
    assert context.to_dict()["label"] == "kitchen porter"


def test_the_ads_skills_move_an_ambiguous_title(matcher, full_graph):
    title = "Engineer"
    plain = [m.uri for m in matcher.match(title, top_k=5)]
    assert plain
    # The essential skills of the fifth candidate, as an ad about that job would show them.
    target = full_graph.taxonomy.occupation(plain[-1])
    voted = matcher.match(title, skills=target.essential_skills, top_k=5)
    assert [m.uri for m in voted].index(target.uri) < plain.index(target.uri)
