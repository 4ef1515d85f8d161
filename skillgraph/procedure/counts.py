"""What many observations show, node by node and pair by pair: the counts graph induction reads.

Each observation is mapped onto the canonical nodes (a node seen again in the same observation
counts once, at its first place) and read as a partial order. Per node: the observations that
contain it, start with it (it comes first in an order that orders it) and end with it. Per pair:
``transitions`` — the source directly precedes the target (nothing ordered in between: for a
path, adjacent steps) — and ``before`` — the source comes anywhere before the target; stated
alternatives; and the evidence behind each.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from skillgraph.procedure.clustering import normalise_step
from skillgraph.procedure.evidence import CONDITION, OPTIONAL, Evidence
from skillgraph.procedure.observation import StepObservation, acyclic, closure, covering

Pair = tuple[int, int]


@dataclass(frozen=True)
class NodeObservation:
    """One observation over node numbers."""

    nodes: tuple[int, ...]  # distinct, in the observation's listed order
    before: frozenset[Pair]  # the transitive order
    direct: frozenset[Pair]  # its covering pairs
    alternatives: frozenset[Pair]  # (smaller, larger) node numbers
    unordered: tuple[tuple[tuple[int, ...], tuple[Evidence, ...]], ...]
    node_evidence: dict[int, list[Evidence]]
    pair_evidence: dict[Pair, list[Evidence]]  # of the order
    alternative_evidence: dict[Pair, list[Evidence]]

    def path(self) -> tuple[int, ...] | None:
        """The nodes as a path when the observation orders every pair, else None."""
        n = len(self.nodes)
        return self.nodes if len(self.before) == n * (n - 1) // 2 else None


def node_observations(
    observations: Sequence[StepObservation], node_of: dict[str, int]
) -> tuple[list[NodeObservation], int]:
    """Each observation over nodes, and how many repeats of a node within one were dropped."""
    found = []
    repeats = 0
    for observation in observations:
        mapped = [node_of[normalise_step(step)] for step in observation.steps]
        nodes = list(dict.fromkeys(mapped))
        repeats += len(mapped) - len(nodes)
        local = {node: position for position, node in enumerate(nodes)}
        evidence: dict[Pair, list[Evidence]] = defaultdict(list)
        wanted = []
        if observation.sequential:  # the path of first places
            wanted = [(a, a + 1) for a in range(len(nodes) - 1)]
        for pair in () if observation.sequential else observation.order:
            a, b = local[mapped[pair.before]], local[mapped[pair.after]]
            if a != b:
                wanted.append((a, b))
                evidence[(nodes[a], nodes[b])].extend(pair.evidence)
        order = closure(len(nodes), acyclic(len(nodes), wanted))
        before = frozenset((nodes[a], nodes[b]) for a, b in order)
        alternatives: dict[Pair, list[Evidence]] = defaultdict(list)
        for alt in observation.alternatives:
            a, b = mapped[alt.first], mapped[alt.second]
            if a != b:
                alternatives[(min(a, b), max(a, b))].extend(alt.evidence)
        node_evidence: dict[int, list[Evidence]] = defaultdict(list)
        for step, node in enumerate(mapped):
            node_evidence[node].extend(observation.evidence_of(step))
        unordered = tuple(
            (tuple(dict.fromkeys(mapped[s] for s in group.steps)), group.evidence)
            for group in observation.unordered
        )
        found.append(
            NodeObservation(
                nodes=tuple(nodes),
                before=before,
                direct=frozenset((nodes[a], nodes[b]) for a, b in covering(order)),
                alternatives=frozenset(alternatives),
                unordered=unordered,
                node_evidence=dict(node_evidence),
                pair_evidence=dict(evidence),
                alternative_evidence=dict(alternatives),
            )
        )
    return found, repeats


@dataclass
class Counts:
    size: int
    observations: int
    support: Counter[int]
    starts: Counter[int]
    ends: Counter[int]
    transitions: Counter[Pair]
    before: Counter[Pair]
    alternatives: Counter[Pair]
    position: dict[int, float]  # mean relative position in [0, 1]
    node_evidence: dict[int, list[Evidence]] = field(default_factory=dict)
    pair_evidence: dict[Pair, list[Evidence]] = field(default_factory=dict)
    alternative_evidence: dict[Pair, list[Evidence]] = field(default_factory=dict)
    stated_optional: Counter[int] = field(default_factory=Counter)  # conditional or optional

    @classmethod
    def of(cls, observations: Sequence[NodeObservation], size: int) -> Counts:
        support: Counter[int] = Counter()
        starts: Counter[int] = Counter()
        ends: Counter[int] = Counter()
        transitions: Counter[Pair] = Counter()
        before: Counter[Pair] = Counter()
        alternatives: Counter[Pair] = Counter()
        positions: dict[int, list[float]] = defaultdict(list)
        node_evidence: dict[int, list[Evidence]] = defaultdict(list)
        pair_evidence: dict[Pair, list[Evidence]] = defaultdict(list)
        alternative_evidence: dict[Pair, list[Evidence]] = defaultdict(list)
        stated_optional: Counter[int] = Counter()
        for seen in observations:
            nodes = seen.nodes
            support.update(nodes)
            transitions.update(seen.direct)
            before.update(seen.before)
            alternatives.update(seen.alternatives)
            has_before = {a for a, _ in seen.before}
            has_after = {b for _, b in seen.before}
            # A step that the observation orders against nothing starts or ends nothing,
            # unless it is all there is.
            single = len(nodes) == 1
            starts.update(n for n in nodes if single or (n in has_before and n not in has_after))
            ends.update(n for n in nodes if single or (n in has_after and n not in has_before))
            for index, node in enumerate(nodes):
                positions[node].append(index / (len(nodes) - 1) if len(nodes) > 1 else 0.5)
            for node, found in seen.node_evidence.items():
                node_evidence[node].extend(found)
                stated_optional[node] += any(e.rule in (OPTIONAL, CONDITION) for e in found)
            for pair, found in seen.pair_evidence.items():
                pair_evidence[pair].extend(found)
            for pair, found in seen.alternative_evidence.items():
                alternative_evidence[pair].extend(found)
        mean = {node: sum(values) / len(values) for node, values in positions.items()}
        return cls(
            size,
            len(observations),
            support,
            starts,
            ends,
            transitions,
            before,
            alternatives,
            mean,
            dict(node_evidence),
            dict(pair_evidence),
            dict(alternative_evidence),
            stated_optional,
        )
