"""Procedure graphs on CrossTask/wikiHow step paths: next-step and completion accuracy of the
induced graph against a linear-script and two first-order transition baselines. Writes the
"procedure" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/procedure.py [--folds 5] [--seed 13]        # development
    .venv/bin/python benchmarks/procedure.py --fit                          # WEIGHTS to ship
    .venv/bin/python benchmarks/procedure.py --held-out                     # once per candidate

Split: a quarter of each task's paths (seeded, ``HELD_OUT_SEED``) was set aside before any
prediction work of issue 20 and is measured only with ``--held-out``, once per finished
candidate. Development uses the rest: its paths are shuffled (seeded) and split into ``--folds``
folds; each fold is predicted by models built on the other folds, so every development path is
tested once, and the predictor's feature weights are fitted (leave-one-out, on each graph's own
paths) on the other folds only. ``--held-out`` builds the graphs from all development paths
and uses the shipped weights (``--fit`` prints them: fitted the same way on all development
paths).

Metrics: for every tested path of n steps, next-step accuracy is measured at every prefix length
1..n-1 (Acc@1: the top candidate is the true next step; Acc@3: it is among the top three).
Completion: given the first max(1, floor(n/2)) steps, the model predicts the rest of the path,
including where it ends; *exact* is the share of paths predicted exactly, *similarity* the mean
of 1 - edit distance / max(length predicted, length true). Micro figures pool all predictions;
macro figures average the per-task figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import SHARED, table, write_section
from skillgraph import load_settings
from skillgraph.config import ProcedureSettings
from skillgraph.encoders import Encoder, load_encoder
from skillgraph.procedure import GraphPredictor, StepMatcher, induce_graph
from skillgraph.procedure.prediction import WEIGHTS

PATHS = SHARED / "data" / "procedures" / "crosstask-wikihow" / "paths.jsonl"
# Set aside before any prediction work of issue 20 and never tuned on: a quarter of each task's
# paths, chosen by this seed. Development (choices, cross-validation) uses the rest.
HELD_OUT_SHARE = 0.25
HELD_OUT_SEED = 20
log = logging.getLogger("benchmarks.procedure")


@dataclass(frozen=True)
class TaskPaths:
    task: str
    linear_script: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]


class Model(Protocol):
    def next_steps(self, prefix: Sequence[str], k: int) -> list[str]: ...
    def complete(self, prefix: Sequence[str]) -> list[str]: ...


ModelFactory = Callable[[TaskPaths, Sequence[Sequence[str]]], Model]


class LinearScript:
    """Baseline: the wikiHow order. Next: the steps after the last one done, in script order."""

    def __init__(self, task: TaskPaths, train: Sequence[Sequence[str]]) -> None:
        self.script = task.linear_script

    def _after(self, prefix: Sequence[str]) -> list[str]:
        position = self.script.index(prefix[-1]) if prefix[-1] in self.script else -1
        return list(self.script[position + 1 :])

    def next_steps(self, prefix: Sequence[str], k: int) -> list[str]:
        return self._after(prefix)[:k]

    def complete(self, prefix: Sequence[str]) -> list[str]:
        return [step for step in self._after(prefix) if step not in prefix]


class TransitionModel:
    """Baseline: a first-order Markov chain over steps, with an end state; ties and unseen
    contexts fall back to step frequency. Completion follows the most likely transition."""

    skip_done = False  # whether a step already done may be predicted again

    def __init__(self, task: TaskPaths, train: Sequence[Sequence[str]]) -> None:
        self.after: dict[str, Counter[str | None]] = defaultdict(Counter)
        self.frequency: Counter[str] = Counter()
        for path in train:
            self.frequency.update(path)
            for step, following in zip(path, [*path[1:], None], strict=True):
                self.after[step][following] += 1

    def next_steps(self, prefix: Sequence[str], k: int) -> list[str]:
        counts = self.after[prefix[-1]]
        done = set(prefix) if self.skip_done else set()
        ranked = sorted(
            (s for s in self.frequency if s not in done),
            key=lambda s: (-counts[s], -self.frequency[s], s),
        )
        return ranked[:k]

    def complete(self, prefix: Sequence[str]) -> list[str]:
        steps: list[str] = []
        done = set(prefix) if self.skip_done else set()
        last = prefix[-1]
        for _ in range(len(self.frequency)):  # a chain may cycle: stop after as many steps
            counts = {s: n for s, n in self.after[last].items() if s not in done}
            if not counts:
                break
            following = max(counts, key=lambda s: (counts[s], s is None, s or ""))
            if following is None:
                break
            steps.append(following)
            if self.skip_done:
                done.add(following)
            last = following
        return steps


class NoRepeatTransitionModel(TransitionModel):
    """Baseline: the same first-order chain, but it never predicts a step already done (no
    step repeats within a path of this data): the most frequent successor of the last step
    among the steps not done yet, ties and unseen ones by step frequency. Completion follows
    the most likely transition to a step not done yet, or the end."""

    skip_done = True


class InducedGraph:
    """SkillGraph: a procedure graph induced from the training paths (shipped defaults; the
    predictor's weights as given, the shipped ones by default)."""

    def __init__(
        self, task: TaskPaths, train: Sequence[Sequence[str]], encoder: Encoder,
        settings: ProcedureSettings, weights: Sequence[float] = WEIGHTS,
    ) -> None:  # fmt: skip
        graph = induce_graph(train, task.task, encoder, settings)
        self.predictor = GraphPredictor(graph, weights)
        self.matcher = StepMatcher(graph)  # exact wordings: the paths use the step library

    def _nodes(self, prefix: Sequence[str]) -> tuple[str, ...]:
        return self.matcher.match(prefix).nodes

    def next_steps(self, prefix: Sequence[str], k: int) -> list[str]:
        return [s.node.text for s in self.predictor.next_steps(self._nodes(prefix), k)]

    def complete(self, prefix: Sequence[str]) -> list[str]:
        return [node.text for node in self.predictor.complete(self._nodes(prefix))]


@dataclass
class Score:
    next_total: int = 0
    hits_at_1: int = 0
    hits_at_3: int = 0
    completions: int = 0
    exact: int = 0
    similarity: float = 0.0

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float]:
        return {
            "acc1": 100 * self.hits_at_1 / max(self.next_total, 1),
            "acc3": 100 * self.hits_at_3 / max(self.next_total, 1),
            "exact": 100 * self.exact / max(self.completions, 1),
            "similarity": 100 * self.similarity / max(self.completions, 1),
        }


@dataclass
class MethodResult:
    overall: Score = field(default_factory=Score)
    per_task: dict[str, Score] = field(default_factory=dict)

    def micro(self) -> dict[str, float]:
        return self.overall.figures()

    def macro(self) -> dict[str, float]:
        figures = [score.figures() for score in self.per_task.values()]
        return {name: sum(f[name] for f in figures) / len(figures) for name in figures[0]}


def load_tasks(path: Path = PATHS) -> list[TaskPaths]:
    grouped: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    scripts: dict[str, tuple[str, ...]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            task = str(record["task_id"])
            scripts[task] = tuple(record["linear_script"])
            grouped[task].append(tuple(record["observed_path"]))
    return [TaskPaths(t, scripts[t], tuple(grouped[t])) for t in sorted(grouped, key=_task_order)]


def _task_order(task: str) -> tuple[int, str]:
    return (int(task), task) if task.isdigit() else (1 << 30, task)


def set_aside(
    tasks: Sequence[TaskPaths], share: float = HELD_OUT_SHARE, seed: int = HELD_OUT_SEED
) -> tuple[list[TaskPaths], list[TaskPaths]]:
    """(development, held out): each task's paths shuffled (seeded), the first ``share`` of
    them (rounded up) kept aside."""
    development, held_out = [], []
    for task in tasks:
        order = list(range(len(task.paths)))
        random.Random(f"aside:{seed}:{task.task}").shuffle(order)
        cut = math.ceil(share * len(order))
        aside = set(order[:cut])
        keep = tuple(p for i, p in enumerate(task.paths) if i not in aside)
        kept_aside = tuple(p for i, p in enumerate(task.paths) if i in aside)
        development.append(TaskPaths(task.task, task.linear_script, keep))
        held_out.append(TaskPaths(task.task, task.linear_script, kept_aside))
    return development, held_out


def folds_of(paths: Sequence[tuple[str, ...]], folds: int, seed: int, task: str) -> list[int]:
    """The fold of each path: a seeded shuffle dealt round-robin."""
    order = list(range(len(paths)))
    random.Random(f"{seed}:{task}").shuffle(order)
    fold = [0] * len(paths)
    for position, index in enumerate(order):
        fold[index] = position % folds
    return fold


FoldHook = Callable[[Sequence[tuple[TaskPaths, list[tuple[str, ...]]]]], None]


def evaluate(
    tasks: Iterable[TaskPaths],
    methods: dict[str, ModelFactory],
    folds: int = 5,
    seed: int = 13,
    before_fold: FoldHook | None = None,
) -> dict[str, MethodResult]:
    """Cross-validated next-step and completion scores of each method (module docstring).
    ``before_fold`` sees every task's training paths of a fold before any model is built."""
    tasks = list(tasks)
    results = {name: MethodResult() for name in methods}
    fold_of = {task.task: folds_of(task.paths, folds, seed, task.task) for task in tasks}
    for held_out in range(folds):
        splits = []
        for task in tasks:
            fold = fold_of[task.task]
            train = [p for p, f in zip(task.paths, fold, strict=True) if f != held_out]
            test = [p for p, f in zip(task.paths, fold, strict=True) if f == held_out]
            if train and test:
                splits.append((task, train, test))
        if before_fold is not None:
            before_fold([(task, train) for task, train, _ in splits])
        for task, train, test in splits:
            for name, factory in methods.items():
                score = score_model(factory(task, train), test)
                results[name].overall.add(score)
                results[name].per_task.setdefault(task.task, Score()).add(score)
    return results


def held_out(
    development: Sequence[TaskPaths], aside: Sequence[TaskPaths], methods: dict[str, ModelFactory]
) -> dict[str, MethodResult]:
    """Models built from all development paths of each task, scored on the paths set aside."""
    results = {name: MethodResult() for name in methods}
    for task, test in zip(development, aside, strict=True):
        for name, factory in methods.items():
            score = score_model(factory(task, list(task.paths)), test.paths)
            results[name].overall.add(score)
            results[name].per_task.setdefault(task.task, Score()).add(score)
    return results


def fit_weights(
    splits: Sequence[tuple[TaskPaths, Sequence[Sequence[str]]]],
    encoder: Encoder,
    settings: ProcedureSettings,
    l2: float = 0.001,
) -> list[float]:
    """The predictor's feature weights that maximise the likelihood of each next step, over
    the leave-one-out examples of each task's graph (conditional logit, L-BFGS)."""
    from scipy.optimize import minimize  # benchmarks only: the product never fits

    examples = []
    for task, train in splits:
        graph = induce_graph(train, task.task, encoder, settings)
        examples += GraphPredictor(graph).training_examples()
    width = max(len(rows) for rows, _ in examples)
    features = np.zeros((len(examples), width, len(WEIGHTS)))
    mask = np.full((len(examples), width), -1e9)
    for index, (rows, _) in enumerate(examples):
        features[index, : len(rows)] = rows
        mask[index, : len(rows)] = 0.0
    truth = np.array([answer for _, answer in examples])
    picked = features[np.arange(len(examples)), truth]

    def loss(weights: np.ndarray) -> tuple[float, np.ndarray]:
        scores = features @ weights + mask
        scores -= scores.max(axis=1, keepdims=True)
        probability = np.exp(scores)
        probability /= probability.sum(axis=1, keepdims=True)
        likelihood = np.log(probability[np.arange(len(truth)), truth] + 1e-12).mean()
        gradient = (picked - np.einsum("nk,nkd->nd", probability, features)).mean(axis=0)
        return -(likelihood - l2 * weights @ weights / 2), -(gradient - l2 * weights)

    start = np.zeros(len(WEIGHTS))
    start[0] = 1.0
    fitted = minimize(loss, start, jac=True, method="L-BFGS-B")
    return [round(float(w), 4) for w in fitted.x]


def score_model(model: Model, test: Sequence[Sequence[str]]) -> Score:
    score = Score()
    for path in test:
        for length in range(1, len(path)):
            candidates = model.next_steps(path[:length], 3)
            score.next_total += 1
            score.hits_at_1 += bool(candidates) and candidates[0] == path[length]
            score.hits_at_3 += path[length] in candidates[:3]
        cut = max(1, len(path) // 2)
        predicted, true = model.complete(path[:cut]), list(path[cut:])
        score.completions += 1
        score.exact += predicted == true
        score.similarity += 1 - edit_distance(predicted, true) / max(len(predicted), len(true), 1)
    return score


def edit_distance(left: Sequence[str], right: Sequence[str]) -> int:
    row = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        previous, row[0] = row[0], i
        for j, b in enumerate(right, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (a != b))
    return row[-1]


@dataclass
class Weights:
    """The predictor's weights a graph model uses: refitted per fold in development."""

    values: list[float] = field(default_factory=lambda: list(WEIGHTS))


def methods_for(
    encoder: Encoder, settings: ProcedureSettings, weights: Weights | None = None
) -> dict[str, ModelFactory]:
    held = weights or Weights()
    return {
        "linear script (wikiHow order)": LinearScript,
        "first-order transition model": TransitionModel,
        "first-order transition model, never a step done": NoRepeatTransitionModel,
        "SkillGraph procedure graph": lambda task, train: InducedGraph(
            task, train, encoder, settings, held.values
        ),
    }


HEADER = [
    "method", "next Acc@1", "next Acc@3", "completion exact", "completion similarity",
    "macro Acc@1", "macro Acc@3", "macro exact",
]  # fmt: skip


def _rows(results: dict[str, MethodResult]) -> list[list[str]]:
    rows = []
    for name, result in results.items():
        micro, macro = result.micro(), result.macro()
        rows.append(
            [name]
            + [f"{micro[m]:.1f}" for m in ("acc1", "acc3", "exact", "similarity")]
            + [f"{macro[m]:.1f}" for m in ("acc1", "acc3", "exact")]
        )
    return rows


def _goals(results: dict[str, MethodResult]) -> str:
    linear, chain, strong, graph = (r.micro()["acc1"] for r in results.values())
    return (
        f"Acc@1 against the linear script {graph - linear:+.1f}, the first-order model "
        f"{graph - chain:+.1f}, the first-order model that never predicts a step done "
        f"{graph - strong:+.1f} (goal: +5)."
    )


def held_out_report(kept_aside: dict[str, MethodResult], aside: list[TaskPaths]) -> str:
    queries = next(iter(kept_aside.values())).overall.next_total
    return f"""## Procedure graphs, held out (CrossTask / wikiHow step paths)

{sum(len(t.paths) for t in aside)} paths set aside before the work on prediction for issue 20 (a
quarter of each task's, seed {HELD_OUT_SEED}), {queries} next-step predictions; graphs from all
development paths, the shipped weights; measured once per finished candidate. Protocol and
methods as in the section above.

{table(HEADER, _rows(kept_aside))}

{_goals(kept_aside)}
"""


def report(
    development: dict[str, MethodResult],
    tasks: list[TaskPaths],
    aside: list[TaskPaths],
    folds: int,
    seed: int,
) -> str:
    paths = sum(len(t.paths) for t in tasks)
    predictions = next(iter(development.values())).overall.next_total
    return f"""## Procedure graphs (CrossTask / wikiHow step paths)

{paths + sum(len(t.paths) for t in aside)} observed paths over {len(tasks)} tasks
(`../shared/data/procedures/crosstask-wikihow`, Zhou et al. 2023, MIT). A quarter of each task's
paths ({sum(len(t.paths) for t in aside)}, seed {HELD_OUT_SEED}) was set aside before any work on
prediction for issue 20; the other {paths} are for development. Next step: every prefix of every
tested path (Acc@1, Acc@3). Completion: given the first max(1, ⌊n/2⌋) steps, the predicted rest
of the path (where it ends included) — *exact*: the share predicted exactly; *similarity*: mean
of 1 - edit distance / longer length. Macro: mean over tasks. Baselines: the wikiHow order; a
first-order transition model; the same model never predicting a step already done (no step
repeats in these paths). The graph uses the shipped `procedure.*` defaults; its predictor scores
each step by six features of the graph's counts and paths (the interpolated probability, what
followed the last and the step before it in the paths, how likely the step is present at all,
its usual position, the order of the steps done), with weights fitted leave-one-out on each
graph's own paths.

**Development** ({folds}-fold cross-validation per task, seed {seed}: every development path is
predicted once by models built from the other folds, the weights fitted on those folds only;
{predictions} next-step predictions):

{table(HEADER, _rows(development))}

{_goals(development)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--fit", action="store_true", help="print the weights to ship, only")
    parser.add_argument("--held-out", action="store_true", help="score the paths set aside, only")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()
    encoder = load_encoder(settings.encoder, settings.data_dir)
    development, aside = set_aside(load_tasks())
    if args.fit:
        all_paths = [(task, list(task.paths)) for task in development]
        print("WEIGHTS =", tuple(fit_weights(all_paths, encoder, settings.procedure)))
        return
    weights = Weights()

    def refit(splits: Sequence[tuple[TaskPaths, list[tuple[str, ...]]]]) -> None:
        weights.values = fit_weights(splits, encoder, settings.procedure)
        log.info("fold weights %s", weights.values)

    if args.held_out:  # the paths set aside, once per finished candidate: nothing else
        kept_aside = held_out(development, aside, methods_for(encoder, settings.procedure))
        markdown = held_out_report(kept_aside, aside)
        print(markdown)
        if not args.no_write:
            command = "python benchmarks/procedure.py --held-out"
            write_section("procedure-held-out", command, markdown)
        return
    methods = methods_for(encoder, settings.procedure, weights)
    results = evaluate(development, methods, args.folds, args.seed, refit)
    markdown = report(results, development, aside, args.folds, args.seed)
    print(markdown)
    if not args.no_write:
        command = f"python benchmarks/procedure.py --folds {args.folds} --seed {args.seed}"
        write_section("procedure", command, markdown)


if __name__ == "__main__":
    main()
