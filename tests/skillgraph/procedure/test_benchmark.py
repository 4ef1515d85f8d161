"""A smoke test of the procedure benchmark's core on a handful of paths (not the benchmark)."""

from __future__ import annotations

from benchmarks.procedure import (
    InducedGraph,
    LinearScript,
    NoRepeatTransitionModel,
    TaskPaths,
    TransitionModel,
    edit_distance,
    evaluate,
    folds_of,
    set_aside,
)
from skillgraph import SkillGraph

A, B, C, D = "prepare the site", "install pipework", "fit the boiler", "commission the boiler"
TASK = TaskPaths(
    task="boiler",
    linear_script=(A, B, C, D),
    paths=((A, B, C, D),) * 6 + ((A, C, B, D),) * 6,
)


def test_the_graph_uses_what_a_first_order_chain_cannot(full_graph: SkillGraph):
    methods = {
        "linear": LinearScript,
        "transition": TransitionModel,
        "graph": lambda task, train: InducedGraph(
            task, train, full_graph.encoder, full_graph.settings.procedure
        ),
    }
    results = evaluate([TASK], methods, folds=2, seed=1)
    for result in results.values():
        assert result.overall.next_total == 12 * 3
        assert result.overall.completions == 12
    graph, chain = results["graph"].micro(), results["transition"].micro()
    # After A, B, C or A, C, B only D is left: the graph knows it, the chain sees a tie.
    assert graph["acc1"] > chain["acc1"]
    assert graph["acc3"] == 100.0
    assert results["linear"].micro()["acc1"] < 100.0
    assert set(results["graph"].per_task) == {"boiler"}


def test_folds_are_balanced_and_seeded():
    folds = folds_of(TASK.paths, 5, seed=3, task="boiler")
    assert sorted(folds.count(f) for f in range(5)) == [2, 2, 2, 3, 3]
    assert folds == folds_of(TASK.paths, 5, seed=3, task="boiler")
    assert folds != folds_of(TASK.paths, 5, seed=4, task="boiler")


def test_edit_distance():
    assert edit_distance([], []) == 0
    assert edit_distance(["a", "b"], ["a", "b"]) == 0
    assert edit_distance(["a", "b"], ["b", "a"]) == 2
    assert edit_distance(["a"], ["a", "b", "c"]) == 2


def test_the_strong_baseline_never_predicts_a_step_already_done():
    paths = ((A, B, C, D),) * 2 + ((A, C, B, D),) * 6
    chain = NoRepeatTransitionModel(TASK, paths)
    weak = TransitionModel(TASK, paths)
    # After A, B, C the weak chain follows C's most frequent successor, B, already done.
    assert weak.next_steps([A, B, C], 1) == [B]
    assert chain.next_steps([A, B, C], 3) == [D]
    assert chain.complete([A, C]) == [B, D]


def test_the_paths_set_aside_are_a_seeded_quarter_of_each_task():
    task = TaskPaths("t", (A, B), tuple((A, B, str(i)) for i in range(10)))
    development, aside = set_aside([task], share=0.25, seed=7)
    assert len(aside[0].paths) == 3 and len(development[0].paths) == 7
    assert set(aside[0].paths).isdisjoint(development[0].paths)
    assert set_aside([task], share=0.25, seed=7) == (development, aside)
    assert set_aside([task], share=0.25, seed=8)[1] != aside
