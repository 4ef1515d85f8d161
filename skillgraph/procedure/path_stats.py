"""The counts next-step prediction reads, over node ids, and the features it scores steps by.

From the graph's nodes and edges: node support, starts, and the transitions out of each step
(with how often a sequence ends there). From its observed paths: the contexts of each step
(the last two steps, the set done, the set done and the last), which step comes before which,
where each step usually stands, and the paths themselves, which vote for what comes after the
last step done. :meth:`PathStatistics.add_path` adds or (count -1) takes out one path, so that
weights can be fitted leave-one-out on a graph's own paths.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence

from skillgraph.procedure.graph import ProcedureGraph, Relation

END = None  # the end of the procedure, as an outcome
Outcome = str | None

# What each feature is, in the order of the weights (prediction.WEIGHTS).
FEATURES = (
    "log of the interpolated (Witten-Bell) probability",
    "log share of paths with the last step whose next step not done yet is this one",
    "log share of paths with the step before the last whose next step not done is this one",
    "log share of paths (down-weighted per done step they lack) that contain this step",
    "distance between the steps done so far and this step's usual position",
    "mean log probability that each done step comes before this one",
    "log share of the transitions out of the last step that go to this one",
    "log share of paths lacking at most one done step whose first step not done is this one",
    "log share of paths with the last step that also have this one",
    "log share of what followed the last two steps that is this one",
    "log share of what followed the set of steps done that is this one",
    "log share of what followed the set of steps done, with the same last step, that is this one",
)
_VOTE_SMOOTHING = 0.5


class PathStatistics:
    def __init__(self, graph: ProcedureGraph) -> None:
        self.ids = [node.id for node in graph.nodes]
        self.rank = {node.id: node.rank for node in graph.nodes}
        self.sequences = graph.sequences
        self.support: Counter[str] = Counter({n.id: n.support for n in graph.nodes})
        self.starts: Counter[Outcome] = Counter({n.id: n.starts for n in graph.nodes if n.starts})
        self.after: dict[str, Counter[Outcome]] = defaultdict(Counter)
        self.before: Counter[tuple[str, str]] = Counter()
        for edge in graph.edges:
            if edge.relation is Relation.ALTERNATIVE:
                continue
            self.after[edge.source][edge.target] += edge.support
            if not graph.paths:  # no paths: the order the edges saw
                self.before[(edge.source, edge.target)] = edge.before
                self.before[(edge.target, edge.source)] = edge.after
        for node in graph.nodes:
            if node.ends:
                self.after[node.id][END] += node.ends
        self.contexts: dict[Hashable, Counter[Outcome]] = defaultdict(Counter)
        self.paths: Counter[tuple[str, ...]] = Counter()
        self.position_sum: Counter[str] = Counter()
        self.position_count: Counter[str] = Counter()
        for path in graph.paths:
            self._add_path_evidence(path.nodes, path.count)

    def add_path(self, nodes: Sequence[str], count: int) -> None:
        """Add (or, with a negative count, take out) one observed path and all it shows."""
        self.sequences += count
        self.support.update({node: count for node in nodes})
        self.starts[nodes[0]] += count
        for step, following in zip(nodes, [*nodes[1:], END], strict=True):
            self.after[step][following] += count
        self._add_path_evidence(tuple(nodes), count)

    def _add_path_evidence(self, nodes: tuple[str, ...], count: int) -> None:
        self.paths[nodes] += count
        for index in range(1, len(nodes) + 1):
            following = nodes[index] if index < len(nodes) else END
            for context in path_contexts(nodes[:index]):
                self.contexts[context][following] += count
        for index, node in enumerate(nodes):
            self.position_sum[node] += index * count
            self.position_count[node] += count
            for later in nodes[index + 1 :]:
                self.before[(node, later)] += count

    def live_paths(self) -> Iterable[tuple[tuple[str, ...], int]]:
        return ((nodes, count) for nodes, count in self.paths.items() if count > 0)

    def features(
        self, prefix: Sequence[str], candidates: Sequence[str], interpolated: dict[Outcome, float]
    ) -> list[list[float]]:
        """One row of :data:`FEATURES` per candidate step (none of them done)."""
        done = set(prefix)
        last = prefix[-1]
        second = prefix[-2] if len(prefix) >= 2 else None
        after_last: Counter[Outcome] = Counter()
        after_second: Counter[Outcome] = Counter()
        present: dict[str, float] = defaultdict(float)
        present_total = 0.0
        first_left: Counter[Outcome] = Counter()
        for nodes, count in self.live_paths():
            if len(done.difference(nodes)) <= 1:
                first_left[next((n for n in nodes if n not in done), END)] += count
            if last in nodes:
                after_last[_next_not_done(nodes, nodes.index(last), done)] += count
            if second is not None and second in nodes:
                after_second[_next_not_done(nodes, nodes.index(second), done)] += count
            weight = count * 0.5 ** len(done.difference(nodes))
            present_total += weight
            for node in nodes:
                present[node] += weight
        size = len(candidates) + 1
        found = [self.contexts.get(c, Counter()) for c in path_contexts(prefix)]
        contexts = found if len(found) == 3 else [Counter(), *found]
        rows = []
        for candidate in candidates:
            rows.append(
                [
                    math.log(max(interpolated[candidate], 1e-12)),
                    _log_share(after_last, candidate, size),
                    0.0 if second is None else _log_share(after_second, candidate, size),
                    math.log((present[candidate] + 0.5) / (present_total + 1.0)),
                    abs(len(prefix) - self._usual_position(candidate)),
                    sum(self._log_before(step, candidate) for step in done) / len(done),
                    _log_share(self.after.get(last, Counter()), candidate, size),
                    _log_share(first_left, candidate, size),
                    math.log(
                        (self.before[(last, candidate)] + self.before[(candidate, last)] + 0.5)
                        / (self.support[last] + 1.0)
                    ),
                    *(_log_share(counts, candidate, size) for counts in contexts),
                ]
            )
        return rows

    def _usual_position(self, node: str) -> float:
        seen = self.position_count[node]
        return self.position_sum[node] / seen if seen > 0 else float(self.rank[node])

    def _log_before(self, first: str, second: str) -> float:
        forward, backward = self.before[(first, second)], self.before[(second, first)]
        return math.log((forward + 0.5) / (forward + backward + 1.0))


def path_contexts(done: Sequence[str]) -> list[Hashable]:
    """The contexts of a prefix beyond its last step, broadest first: last two steps, set of
    steps done, set of steps done and last step."""
    contexts: list[Hashable] = []
    if len(done) >= 2:
        contexts.append(("last-two", done[-2], done[-1]))
    seen = frozenset(done)
    contexts.append(("done", seen))
    contexts.append(("done-last", seen, done[-1]))
    return contexts


def _next_not_done(nodes: tuple[str, ...], index: int, done: set[str]) -> Outcome:
    return next((node for node in nodes[index + 1 :] if node not in done), END)


def _log_share(votes: Counter[Outcome], outcome: str, size: int) -> float:
    total = sum(votes.values())
    return math.log((votes[outcome] + _VOTE_SMOOTHING) / (total + _VOTE_SMOOTHING * size))
