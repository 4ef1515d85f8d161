"""Steps linked like skills: through the extraction core (calibrated probability, "no skill"
when nothing passes) or by plain ranking; and the hand-checked linking set is sound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillgraph import Ranking, SkillGraph
from skillgraph.procedure import LinkedSkill, induce_graph
from skillgraph.procedure.step_skills import StepSkillLinker, duty_sentence

LINKING_SET = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "step_links.jsonl"
STEPS = ["operate forklift trucks", "administer prescribed medication", "work alternate weekends"]


@pytest.fixture(scope="module")
def linker(full_graph: SkillGraph) -> StepSkillLinker:
    return StepSkillLinker.for_settings(full_graph.extractor, full_graph.settings.procedure)


def test_steps_link_through_the_extraction_core(linker, full_graph):
    settings = full_graph.settings.procedure
    description = linker.description
    assert description == {
        "method": "extraction",
        "threshold": settings.skill_threshold,
        "max_skills": settings.skills_per_step,
    }
    forklift, medication, weekends = linker.link(STEPS)
    assert "operate forklift" in {s.label for s in forklift}
    assert "administer prescribed medication" in {s.label for s in medication}
    assert weekends == ()  # no skill fits: none, rather than the nearest three
    for found in (forklift, medication):
        probabilities = [s.probability for s in found]
        assert 1 <= len(found) <= settings.skills_per_step
        assert all(p is not None and p >= settings.skill_threshold for p in probabilities)
        assert probabilities == sorted(probabilities, reverse=True)


def test_steps_are_read_as_the_duty_sentence_they_stand_for(linker, full_graph):
    assert duty_sentence(" hang internal doors. ") == "You will hang internal doors."
    step = "administer prescribed medication"
    (linked,) = linker.link([step])
    (read,) = full_graph.extractor.extract_many([duty_sentence(step)], linker.mode())
    assert linked == tuple(LinkedSkill(m.uri, m.label, m.score, m.probability) for m in read)
    assert "administer prescribed medication" in {s.label for s in linked}
    # Why: the bare phrase gets no span, the duty sentence does.
    reader = full_graph.extractor.spans.reader
    bare, duty = reader.read([step, duty_sentence(step)])
    assert not bare.spans and [s.text for s in duty.spans] == [step]


def test_ranking_gives_the_ranking_modes_top_k(full_graph):
    ranking = StepSkillLinker(full_graph.extractor, 3, method="ranking")
    assert ranking.description == {"method": "ranking", "top_k": 3}
    for step, found in zip(STEPS, ranking.link(STEPS), strict=True):
        ranked = full_graph.extractor.extract(step, Ranking(3))
        assert [s.uri for s in found] == [m.uri for m in ranked]
        assert [s.probability for s in found] == [m.probability for m in ranked]  # re-ranked


def test_a_graph_says_how_its_skills_were_linked(linker, full_graph):
    known = (LinkedSkill("urn:example:skill", "remembered", 0.5, 0.9),)
    linker.remember("work alternate weekends", known)
    graph = induce_graph(
        [["work alternate weekends", "operate forklift trucks"]] * 2,
        "linked",
        full_graph.encoder,
        full_graph.settings.procedure,
        linker,
        skill_linking=linker.description,
    )
    nodes = {node.text: node for node in graph.nodes}
    assert nodes["work alternate weekends"].skills == known  # remembered, not searched again
    assert graph.skill_linking == linker.description


def test_the_hand_checked_linking_set_names_real_esco_skills(full_graph: SkillGraph):
    records = [json.loads(line) for line in LINKING_SET.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 150
    assert len({r["id"] for r in records}) == len(records)
    assert len({r["sector"] for r in records}) >= 10
    assert len({r["step"] for r in records}) == len(records)
    skills = full_graph.taxonomy.skills
    for record in records:
        for link in record["skills"]:
            assert link["uri"] in skills, (record["id"], link)
            assert skills[link["uri"]].preferred_label == link["label"], record["id"]
    assert sum(not r["skills"] for r in records) >= 5  # steps no ESCO skill fits
