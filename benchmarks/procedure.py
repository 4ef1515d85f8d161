"""Procedure graphs on CrossTask/wikiHow step paths: next-step and completion accuracy of the
induced graph against a linear-script and a first-order transition baseline. Writes the
"procedure" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/procedure.py [--folds 5] [--seed 13]

Protocol: the paths of each task are shuffled (seeded) and split into ``--folds`` folds; each
fold is predicted by models built on the other folds, so every path is tested once. For every
tested path of n steps, next-step accuracy is measured at every prefix length 1..n-1 (Acc@1:
the top candidate is the true next step; Acc@3: it is among the top three). Completion: given
the first max(1, floor(n/2)) steps, the model predicts the rest of the path, including where it
ends; *exact* is the share of paths predicted exactly, *similarity* the mean of
1 - edit distance / max(length predicted, length true). Micro figures pool all predictions;
macro figures average the per-task figures. The graph uses the shipped defaults (the
predictor's choice of contexts was explored on a 70/30 split of the same public paths; no
constant was tuned).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import SHARED, table, write_section
from skillgraph import load_settings
from skillgraph.config import ProcedureSettings
from skillgraph.encoders import Encoder, load_encoder
from skillgraph.procedure import GraphPredictor, StepMatcher, induce_graph

PATHS = SHARED / "data" / "procedures" / "crosstask-wikihow" / "paths.jsonl"
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

    def __init__(self, task: TaskPaths, train: Sequence[Sequence[str]]) -> None:
        self.after: dict[str, Counter[str | None]] = defaultdict(Counter)
        self.frequency: Counter[str] = Counter()
        for path in train:
            self.frequency.update(path)
            for step, following in zip(path, [*path[1:], None], strict=True):
                self.after[step][following] += 1

    def next_steps(self, prefix: Sequence[str], k: int) -> list[str]:
        counts = self.after[prefix[-1]]
        ranked = sorted(self.frequency, key=lambda s: (-counts[s], -self.frequency[s], s))
        return ranked[:k]

    def complete(self, prefix: Sequence[str]) -> list[str]:
        steps: list[str] = []
        last = prefix[-1]
        for _ in range(len(self.frequency)):  # a chain may cycle: stop after as many steps
            counts = self.after[last]
            if not counts:
                break
            following = max(counts, key=lambda s: (counts[s], s is None, s or ""))
            if following is None:
                break
            steps.append(following)
            last = following
        return steps


class InducedGraph:
    """SkillGraph: a procedure graph induced from the training paths (shipped defaults)."""

    def __init__(
        self, task: TaskPaths, train: Sequence[Sequence[str]], encoder: Encoder,
        settings: ProcedureSettings,
    ) -> None:  # fmt: skip
        graph = induce_graph(train, task.task, encoder, settings)
        self.predictor = GraphPredictor(graph)
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


def folds_of(paths: Sequence[tuple[str, ...]], folds: int, seed: int, task: str) -> list[int]:
    """The fold of each path: a seeded shuffle dealt round-robin."""
    order = list(range(len(paths)))
    random.Random(f"{seed}:{task}").shuffle(order)
    fold = [0] * len(paths)
    for position, index in enumerate(order):
        fold[index] = position % folds
    return fold


def evaluate(
    tasks: Iterable[TaskPaths], methods: dict[str, ModelFactory], folds: int = 5, seed: int = 13
) -> dict[str, MethodResult]:
    """Cross-validated next-step and completion scores of each method (module docstring)."""
    results = {name: MethodResult() for name in methods}
    for task in tasks:
        fold = folds_of(task.paths, folds, seed, task.task)
        for held_out in range(folds):
            train = [p for p, f in zip(task.paths, fold, strict=True) if f != held_out]
            test = [p for p, f in zip(task.paths, fold, strict=True) if f == held_out]
            if not train or not test:
                continue
            for name, factory in methods.items():
                score = score_model(factory(task, train), test)
                results[name].overall.add(score)
                results[name].per_task.setdefault(task.task, Score()).add(score)
    return results


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


def methods_for(encoder: Encoder, settings: ProcedureSettings) -> dict[str, ModelFactory]:
    return {
        "linear script (wikiHow order)": LinearScript,
        "first-order transition model": TransitionModel,
        "SkillGraph procedure graph": lambda task, train: InducedGraph(
            task, train, encoder, settings
        ),
    }


def report(results: dict[str, MethodResult], tasks: list[TaskPaths], folds: int, seed: int) -> str:
    rows = []
    for name, result in results.items():
        micro, macro = result.micro(), result.macro()
        rows.append(
            [name]
            + [f"{micro[m]:.1f}" for m in ("acc1", "acc3", "exact", "similarity")]
            + [f"{macro[m]:.1f}" for m in ("acc1", "acc3", "exact")]
        )
    names = list(results)
    graph, linear, chain = (results[n].micro()["acc1"] for n in (names[2], names[0], names[1]))
    paths = sum(len(t.paths) for t in tasks)
    predictions = results[names[0]].overall.next_total
    header = [
        "method", "next Acc@1", "next Acc@3", "completion exact", "completion similarity",
        "macro Acc@1", "macro Acc@3", "macro exact",
    ]  # fmt: skip
    return f"""## Procedure graphs (CrossTask / wikiHow step paths)

{paths} observed paths over {len(tasks)} tasks (`../shared/data/procedures/crosstask-wikihow`,
Zhou et al. 2023, MIT), {folds}-fold cross-validation per task (seed {seed}): every path is
predicted once by models built from the other folds; {predictions} next-step predictions.
Next step: every prefix of every held-out path (Acc@1, Acc@3). Completion: given the first
max(1, ⌊n/2⌋) steps, the predicted rest of the path (where it ends included) — *exact*: the
share predicted exactly; *similarity*: mean of 1 - edit distance / longer length. Macro:
mean over tasks. The graph uses the shipped `procedure.*` defaults and no constant was tuned on
these folds; which contexts the predictor uses was chosen while exploring a 70/30 split of the
same public paths (the paths kept aside are measured independently).

{table(header, rows)}

Goals: Acc@1 ≥ linear + 15 points ({graph - linear:+.1f}) and ≥ transition model + 5 points
({graph - chain:+.1f}).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()
    encoder = load_encoder(settings.encoder, settings.data_dir)
    tasks = load_tasks()
    results = evaluate(tasks, methods_for(encoder, settings.procedure), args.folds, args.seed)
    markdown = report(results, tasks, args.folds, args.seed)
    print(markdown)
    if not args.no_write:
        write_section(
            "procedure",
            f"python benchmarks/procedure.py --folds {args.folds} --seed {args.seed}",
            markdown,
        )


if __name__ == "__main__":
    main()
