"""Graph induction on tiny hand-made paths whose optional, interchangeable and branching steps,
and cycles, are known."""

from __future__ import annotations

import pytest

from skillgraph import InputError, SkillGraph
from skillgraph.procedure import (
    LinkedSkill,
    ProcedureGraph,
    Relation,
    check_sequence,
    induce_graph,
)
from skillgraph.procedure.step_skills import StepSkillLinker

PREPARE, PIPEWORK, BOILER, COMMISSION, SURVEY = (
    "prepare the site",
    "install pipework",
    "fit the boiler",
    "commission the boiler",
    "survey the property",
)
# Pipework and boiler come in either order; the survey is done in 2 of 8 jobs.
BOILER_JOBS = (
    [[PREPARE, PIPEWORK, BOILER, COMMISSION]] * 3
    + [[PREPARE, BOILER, PIPEWORK, COMMISSION]] * 3
    + [[SURVEY, "Prepare the site.", "Install the pipework", BOILER, COMMISSION]] * 2
)


def _by_text(graph: ProcedureGraph) -> dict:
    return {node.text: node for node in graph.nodes}


def _edge(graph: ProcedureGraph, source: str, target: str):
    nodes = _by_text(graph)
    [edge] = [
        e for e in graph.edges if (e.source, e.target) == (nodes[source].id, nodes[target].id)
    ]
    return edge


@pytest.fixture(scope="module")
def boiler(full_graph: SkillGraph) -> ProcedureGraph:
    return induce_graph(BOILER_JOBS, "boiler", full_graph.encoder, full_graph.settings.procedure)


def test_variants_of_a_step_share_a_node(boiler):
    nodes = _by_text(boiler)
    assert sorted(nodes) == sorted([PREPARE, PIPEWORK, BOILER, COMMISSION, SURVEY])
    assert {v.text: v.count for v in nodes[PIPEWORK].variants} == {
        PIPEWORK: 6,
        "Install the pipework": 2,
    }
    assert sum(v.count for v in nodes[PREPARE].variants) == 8
    assert boiler.sequences == 8


def test_a_step_skipped_in_most_jobs_is_optional(boiler):
    nodes = _by_text(boiler)
    assert nodes[SURVEY].optional
    assert nodes[SURVEY].skip_rate == pytest.approx(0.75)
    assert (nodes[SURVEY].support, nodes[SURVEY].starts) == (2, 2)
    assert not any(nodes[text].optional for text in (PREPARE, PIPEWORK, BOILER, COMMISSION))
    assert nodes[COMMISSION].ends == 8


def test_steps_seen_in_both_orders_are_interchangeable(boiler):
    forward = _edge(boiler, PIPEWORK, BOILER)
    backward = _edge(boiler, BOILER, PIPEWORK)
    assert forward.relation is backward.relation is Relation.INTERCHANGEABLE
    assert (forward.support, forward.reverse_support) == (5, 3)
    assert (forward.before, forward.after) == (5, 3)
    assert forward.in_dag and not backward.in_dag  # the DAG keeps one direction
    assert _edge(boiler, PREPARE, PIPEWORK).relation is Relation.PRECEDES
    assert _edge(boiler, SURVEY, PREPARE).relation is Relation.PRECEDES


def test_nodes_are_ranked_in_procedure_order(boiler):
    assert [node.text for node in boiler.nodes] == [
        SURVEY,
        PREPARE,
        PIPEWORK,
        BOILER,
        COMMISSION,
    ]
    assert [node.rank for node in boiler.nodes] == [0, 1, 2, 3, 4]


def test_a_step_with_several_frequent_successors_branches(full_graph: SkillGraph):
    jobs = [["wash hands", "clean the wound", "apply a dressing"]] * 3 + [
        ["wash hands", "remove stitches", "apply a dressing"]
    ] * 2
    graph = induce_graph(jobs, "wound care", full_graph.encoder, full_graph.settings.procedure)
    nodes = _by_text(graph)
    assert nodes["wash hands"].branch
    assert not nodes["clean the wound"].branch
    assert _edge(graph, "wash hands", "clean the wound").branch
    assert _edge(graph, "wash hands", "remove stitches").branch
    assert not _edge(graph, "clean the wound", "apply a dressing").branch


def test_opposite_actions_stay_apart_however_similar(full_graph: SkillGraph):
    jobs = [["open the grill lid", "put the steak on the grill", "close the grill lid"]] * 2
    graph = induce_graph(jobs, "grill", full_graph.encoder, full_graph.settings.procedure)
    assert len(graph.nodes) == 3  # cosine 0.95, but open and close are different actions


def _is_dag(graph: ProcedureGraph) -> bool:
    rank = {node.id: node.rank for node in graph.nodes}
    return all(rank[e.source] < rank[e.target] for e in graph.edges if e.in_dag)


def test_rare_back_edges_break_cycles_and_are_logged(full_graph: SkillGraph):
    jobs = [["A: prepare the site", "B: install pipework", "C: fit the boiler"]] * 5 + [
        ["C: fit the boiler", "A: prepare the site"]
    ]
    graph = induce_graph(jobs, "cycle", full_graph.encoder, full_graph.settings.procedure)
    back = _edge(graph, "C: fit the boiler", "A: prepare the site")
    assert back.relation is Relation.BACK and not back.in_dag
    assert (back.support, back.before, back.after) == (1, 1, 5)
    [removed] = graph.removed_edges
    assert (removed.source, removed.target, removed.support) == (back.source, back.target, 1)
    assert "against the usual order" in removed.reason
    assert _is_dag(graph)
    assert graph.nodes[0].text == "A: prepare the site"


def test_a_two_way_cycle_keeps_one_direction_in_the_dag(full_graph: SkillGraph):
    jobs = [["load the van", "plan the route"]] * 3 + [["plan the route", "load the van"]] * 3
    graph = induce_graph(jobs, "van", full_graph.encoder, full_graph.settings.procedure)
    assert {e.relation for e in graph.edges} == {Relation.INTERCHANGEABLE}
    assert sum(e.in_dag for e in graph.edges) == 1
    assert len(graph.removed_edges) == 1
    assert "interchangeable" in graph.removed_edges[0].reason
    assert _is_dag(graph)


def test_a_step_repeated_in_one_sequence_counts_once(full_graph: SkillGraph):
    jobs = [["check stock", "order supplies", "check stock", "label shelves"]] * 2
    graph = induce_graph(jobs, "stock", full_graph.encoder, full_graph.settings.procedure)
    assert graph.repeats_dropped == 2
    assert [p.nodes for p in graph.paths] == [tuple(n.id for n in graph.nodes)]
    assert graph.paths[0].count == 2


def test_node_ids_are_stable_across_inductions(full_graph: SkillGraph, boiler):
    again = induce_graph(
        list(reversed(BOILER_JOBS)), "boiler", full_graph.encoder, full_graph.settings.procedure
    )
    assert {n.text: n.id for n in again.nodes} == {n.text: n.id for n in boiler.nodes}
    assert all(n.id.startswith("step-") for n in boiler.nodes)


def test_nodes_link_to_esco_skills_by_plain_ranking(full_graph: SkillGraph):
    linker = StepSkillLinker(full_graph.extractor, top_k=3, method="ranking")
    known = (LinkedSkill("urn:example:skill", "remembered skill", 0.5),)
    linker.remember(PREPARE, known)
    graph = induce_graph(
        [[PREPARE, "install heating boilers"]] * 2,
        "linked",
        full_graph.encoder,
        full_graph.settings.procedure,
        linker,
        esco_version="v1.2.0",
    )
    nodes = _by_text(graph)
    assert nodes[PREPARE].skills == known  # linked once, not searched again
    labels = [s.label for s in nodes["install heating boilers"].skills]
    assert len(labels) == 3 and "install heating boiler" in labels
    assert graph.esco_version == "v1.2.0"
    assert graph.encoder == full_graph.encoder.name


@pytest.mark.parametrize(
    ("sequences", "message"),
    [
        ([], "no sequences"),
        ([["a b", "c d"], []], "sequence 1: the sequence is empty"),
        ([["a b", "  "]], "sequence 0: step 1 is empty"),
        ([["a b", 3]], "step 1 must be a string"),
        (["a b"], "steps must be a list"),
    ],
)
def test_bad_sequences_are_refused_with_a_reason(full_graph: SkillGraph, sequences, message):
    with pytest.raises(InputError, match=message):
        induce_graph(sequences, "bad", full_graph.encoder, full_graph.settings.procedure)


def test_a_one_step_sequence_shows_no_order():
    with pytest.raises(InputError, match="has 1 step; at least 2"):
        check_sequence(["install pipework"])
    with pytest.raises(InputError, match="the sequence is empty"):
        check_sequence([])
    with pytest.raises(InputError, match="limit 3"):
        check_sequence(["a", "b", "c", "d"], max_steps=3)
    assert check_sequence(("a", "b")) == ["a", "b"]
