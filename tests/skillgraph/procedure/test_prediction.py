"""Next-step prediction and completion on a small induced graph."""

from __future__ import annotations

import dataclasses

import pytest

from skillgraph import SkillGraph
from skillgraph.procedure import GraphPredictor, ProcedureGraph, StepMatcher, induce_graph

PREPARE, PIPEWORK, BOILER, TEST, COMMISSION = (
    "prepare the site",
    "install pipework",
    "fit the boiler",
    "pressure test the system",
    "commission the boiler",
)
JOBS = (
    [[PREPARE, PIPEWORK, BOILER, TEST, COMMISSION]] * 4
    + [[PREPARE, BOILER, PIPEWORK, TEST, COMMISSION]] * 2
    + [[PREPARE, PIPEWORK, BOILER, COMMISSION]] * 2
)


@pytest.fixture(scope="module")
def graph(full_graph: SkillGraph) -> ProcedureGraph:
    return induce_graph(JOBS, "boiler", full_graph.encoder, full_graph.settings.procedure)


def _ids(graph: ProcedureGraph, *texts: str) -> list[str]:
    by_text = {node.text: node.id for node in graph.nodes}
    return [by_text[text] for text in texts]


def test_next_steps_are_ranked_and_scored(graph):
    ranked = GraphPredictor(graph).next_steps(_ids(graph, PREPARE), k=3)
    assert [n.node.text for n in ranked][:2] == [PIPEWORK, BOILER]
    assert len(ranked) == 3 and ranked[2].node.text in {TEST, COMMISSION}
    scores = [n.score for n in ranked]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0.5 and sum(scores) <= 1.0


def test_steps_already_done_are_not_predicted_again(graph):
    predictor = GraphPredictor(graph)
    # After the boiler went in first, the pipework follows: the edge boiler -> pipework is
    # rare overall, but pipework is the one step of the pair still to do.
    ranked = predictor.next_steps(_ids(graph, PREPARE, BOILER), k=5)
    assert ranked[0].node.text == PIPEWORK
    assert {PREPARE, BOILER}.isdisjoint(n.node.text for n in ranked)
    assert len(ranked) == 3  # only three steps are left


def test_completion_is_the_most_likely_rest_of_the_procedure(graph):
    predictor = GraphPredictor(graph)
    rest = predictor.complete(_ids(graph, PREPARE))
    assert [node.text for node in rest] == [PIPEWORK, BOILER, TEST, COMMISSION]
    rest = predictor.complete(_ids(graph, PREPARE, BOILER))
    assert [node.text for node in rest] == [PIPEWORK, TEST, COMMISSION]
    assert predictor.complete(_ids(graph, PREPARE, PIPEWORK, BOILER, TEST, COMMISSION)) == []


def test_an_empty_prefix_predicts_the_first_step(graph):
    predictor = GraphPredictor(graph)
    assert predictor.next_steps([], k=1)[0].node.text == PREPARE
    assert [n.text for n in predictor.complete([])][:2] == [PREPARE, PIPEWORK]


def test_a_graph_without_stored_paths_predicts_from_its_edges(graph):
    bare = dataclasses.replace(graph, paths=())
    ranked = GraphPredictor(bare).next_steps(_ids(graph, PREPARE, PIPEWORK), k=2)
    assert ranked[0].node.text == BOILER


def test_the_matcher_knows_wordings_and_near_wordings(graph, full_graph: SkillGraph):
    exact = StepMatcher(graph).match(["Prepare the site.", "INSTALL PIPEWORK", "dance"])
    assert exact.nodes == tuple(_ids(graph, PREPARE, PIPEWORK))
    assert exact.unmatched == ("dance",)
    near = StepMatcher(graph, full_graph.encoder, threshold=0.75)
    found = near.match(["prepare site", "install new pipework", "sing a song"])
    assert found.nodes == tuple(_ids(graph, PREPARE, PIPEWORK))
    assert found.unmatched == ("sing a song",)
    repeated = StepMatcher(graph).match([PREPARE, PREPARE, PIPEWORK])
    assert repeated.nodes == tuple(_ids(graph, PREPARE, PIPEWORK))


def test_the_interpolated_estimate_alone_is_the_special_case_of_one_weight(graph):
    only = GraphPredictor(graph, weights=(1.0,) + (0.0,) * 11)
    prefix = _ids(graph, PREPARE)
    interpolated = only.interpolated(prefix)
    ranked = [n.node.id for n in only.next_steps(prefix, k=4)]
    assert ranked == sorted(ranked, key=lambda o: -interpolated[o])
    shipped = GraphPredictor(graph).distribution(prefix)
    assert abs(sum(shipped.values()) - 1.0) < 1e-9
    assert shipped[None] == interpolated[None]  # the end keeps its interpolated probability


def test_training_examples_leave_each_path_out_and_put_it_back(graph):
    predictor = GraphPredictor(graph)
    before = predictor.next_steps(_ids(graph, PREPARE), k=3)
    examples = predictor.training_examples()
    # Eight paths of five, five, four steps: a prefix per step but the last.
    assert len(examples) == 4 * 4 + 2 * 4 + 2 * 3
    for rows, answer in examples:
        assert 0 <= answer < len(rows)
        assert all(len(row) == len(predictor.weights) for row in rows)
    assert predictor.next_steps(_ids(graph, PREPARE), k=3) == before  # counts restored
