"""Next-step prediction and sequence completion from a procedure graph.

The next step after a prefix is drawn from the steps not done yet, plus the end of the
procedure. A first estimate interpolates, from the broadest context to the most specific
(Witten-Bell: a context seen ``n`` times with ``t`` distinct outcomes gets weight
``n / (n + t)``, the rest goes to the broader estimate):

1. node support (and, for the end, how many sequences end anywhere);
2. the graph's edges out of the last step (and how often a sequence ends there);
3. from the graph's observed paths: the last two steps; the set of steps done; the set of
   steps done and the last one.

The end keeps that probability; the steps share the rest by a log-linear score of their
:data:`~skillgraph.procedure.path_stats.FEATURES` (that estimate, what followed the last step
and the one before it in the paths, whether the step is usually present with the ones done, its
usual position, the order of the steps done ...), weighted by :data:`WEIGHTS`. So a first-order
chain is the special case of level 2 alone; excluding done steps and using the whole prefix is
what a graph adds (steps rarely repeat, and what was done already tells which branch is being
followed). Completion is a beam search for the most likely remaining path.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from skillgraph.encoders import Encoder
from skillgraph.procedure.clustering import normalise_step
from skillgraph.procedure.graph import ProcedureGraph, StepNode
from skillgraph.procedure.path_stats import END, PathStatistics, path_contexts

_PRIOR = 0.5  # added to every node's support so that unseen continuations keep some mass
# Weights of path_stats.FEATURES, fitted leave-one-out on the development part of the
# CrossTask/wikiHow paths (`python benchmarks/procedure.py --fit`; docs/benchmarks.md). With
# (1, 0, ...) the steps are ranked by the interpolated probability alone.
WEIGHTS = (
    0.0678, 0.3116, 0.1743, -0.1847, -0.1462, 0.0719, 0.191, 0.2978, 0.2415, 0.0347, 0.0385, 0.1559,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NextStep:
    node: StepNode
    score: float  # probability given the prefix, among the steps not done yet and the end


@dataclass(frozen=True, slots=True)
class StepMatch:
    """How a query's prefix maps onto the graph's nodes."""

    nodes: tuple[str, ...]  # node ids of the recognised steps, in order, repeats dropped
    unmatched: tuple[str, ...]  # steps that name no node


class StepMatcher:
    """Maps step texts to nodes: a node's own wordings first, then (with an encoder) the
    nearest wording at ``threshold`` cosine or more."""

    def __init__(
        self, graph: ProcedureGraph, encoder: Encoder | None = None, threshold: float = 0.75
    ) -> None:
        self.encoder = encoder
        self.threshold = threshold
        self._exact: dict[str, str] = {}
        owners: list[str] = []
        texts: list[str] = []
        for node in graph.nodes:
            for text in (node.text, *(v.text for v in node.variants)):
                key = normalise_step(text)
                self._exact.setdefault(key, node.id)
                owners.append(node.id)
                texts.append(key)
        self._owners = owners
        self._texts = texts
        self._vectors: np.ndarray | None = None

    def match(self, steps: Sequence[str]) -> StepMatch:
        found: list[str | None] = [self._exact.get(normalise_step(s)) for s in steps]
        missing = [i for i, node in enumerate(found) if node is None]
        if missing and self.encoder is not None and self._texts:
            if self._vectors is None:
                self._vectors = self.encoder.encode(self._texts)
            queries = self.encoder.encode([steps[i] for i in missing])
            similarities = queries @ self._vectors.T
            for row, index in enumerate(missing):
                best = int(np.argmax(similarities[row]))
                if similarities[row, best] >= self.threshold:
                    found[index] = self._owners[best]
        nodes: list[str] = []
        for node in found:
            if node is not None and node not in nodes:
                nodes.append(node)
        unmatched = tuple(s for s, node in zip(steps, found, strict=True) if node is None)
        return StepMatch(tuple(nodes), unmatched)


class GraphPredictor:
    """Predicts over one graph; build once per graph, then query many prefixes.

    ``weights`` score the :data:`~skillgraph.procedure.path_stats.FEATURES` of each step not
    done yet; the default :data:`WEIGHTS` were fitted leave-one-out on public step paths.
    """

    def __init__(self, graph: ProcedureGraph, weights: Sequence[float] = WEIGHTS) -> None:
        self.graph = graph
        self.weights = np.asarray(weights, dtype=float)
        self.stats = PathStatistics(graph)

    def interpolated(self, prefix: Sequence[str]) -> dict[str | None, float]:
        """Witten-Bell interpolation over each not-yet-done node id and ``END`` (module
        docstring): the first of the features, and the probability of the end."""
        stats = self.stats
        done = set(prefix)
        outcomes: list[str | None] = [n for n in stats.ids if n not in done]
        outcomes.append(END)
        prior: dict[str | None, float] = {
            o: stats.support[o] + _PRIOR for o in outcomes if o is not END
        }
        prior[END] = stats.sequences + _PRIOR
        total = sum(prior.values())
        probability = {o: prior[o] / total for o in outcomes}
        if not prefix:
            return _interpolate(probability, stats.starts)
        probability = _interpolate(probability, stats.after.get(prefix[-1], Counter()))
        for context in path_contexts(prefix):
            probability = _interpolate(probability, stats.contexts.get(context, Counter()))
        return probability

    def distribution(self, prefix: Sequence[str]) -> dict[str | None, float]:
        """Probability of each not-yet-done node id, and of ``END``, after ``prefix``: the end
        as interpolated, the steps sharing the rest by their weighted features."""
        interpolated = self.interpolated(prefix)
        candidates = [o for o in interpolated if o is not END]
        if not prefix or not candidates:
            return interpolated
        rows = self.stats.features(prefix, candidates, interpolated)
        scores = np.asarray(rows) @ self.weights
        shares = np.exp(scores - scores.max())
        shares *= (1.0 - interpolated[END]) / shares.sum()
        found: dict[str | None, float] = dict(zip(candidates, shares.tolist(), strict=True))
        found[END] = interpolated[END]
        return found

    def training_examples(self) -> list[tuple[list[list[float]], int]]:
        """Leave-one-out examples from the graph's own paths: for each path (taken out of the
        counts) and each of its prefixes, the features of every candidate and which one came
        next. What :data:`WEIGHTS` are fitted on."""
        examples = []
        for nodes, count in list(self.stats.live_paths()):
            for _ in range(count):
                self.stats.add_path(nodes, -1)
                for length in range(1, len(nodes)):
                    prefix = nodes[:length]
                    interpolated = self.interpolated(prefix)
                    candidates = [o for o in interpolated if o is not END]
                    rows = self.stats.features(prefix, candidates, interpolated)
                    examples.append((rows, candidates.index(nodes[length])))
                self.stats.add_path(nodes, 1)
        return examples

    def next_steps(self, prefix: Sequence[str], k: int = 3) -> list[NextStep]:
        """The ``k`` most likely next steps (the end of the procedure is not a step)."""
        probability = self.distribution(prefix)
        ranked = sorted(
            (o for o in probability if o is not END),
            key=lambda o: (-probability[o], self.graph.node(o).rank),
        )
        return [NextStep(self.graph.node(o), probability[o]) for o in ranked[:k]]

    def complete(self, prefix: Sequence[str], beam_width: int = 4) -> list[StepNode]:
        """The most likely remaining path after ``prefix``, up to the end of the procedure."""
        beams: list[tuple[float, tuple[str, ...]]] = [(0.0, tuple(prefix))]
        finished: list[tuple[float, tuple[str, ...]]] = []
        for _ in range(len(self.stats.ids) + 1):
            candidates: list[tuple[float, tuple[str, ...]]] = []
            for log_p, path in beams:
                for outcome, p in self.distribution(path).items():
                    if p <= 0:
                        continue
                    if outcome is END:
                        finished.append((log_p + math.log(p), path))
                    else:
                        candidates.append((log_p + math.log(p), (*path, outcome)))
            beams = heapq.nlargest(beam_width, candidates, key=lambda c: c[0])
            best_finished = max((f[0] for f in finished), default=-math.inf)
            if not beams or beams[0][0] < best_finished:
                break  # log-probabilities only fall: no open path can beat a finished one
        if not finished:
            return []
        _, best = max(finished, key=lambda f: f[0])
        return [self.graph.node(n) for n in best[len(prefix) :]]


def _interpolate(
    lower: dict[str | None, float], counts: Counter[str | None]
) -> dict[str | None, float]:
    """Witten-Bell interpolation of ``counts`` (restricted to the outcomes) over ``lower``."""
    seen = {o: counts[o] for o in lower if counts.get(o)}
    total = sum(seen.values())
    if not total:
        return lower
    weight = total / (total + len(seen))
    return {o: weight * seen.get(o, 0) / total + (1 - weight) * p for o, p in lower.items()}
