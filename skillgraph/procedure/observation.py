"""One observed execution of a task, as graph induction reads it: steps and a partial order.

A step path (CrossTask, a user's sequence) is a total order: each step directly follows the one
before. A job ad is less: a bullet list without sequence words orders nothing, "replace the part
or order one" states two alternatives, and only some pairs are ordered, each with the evidence
that ordered it. Both are a :class:`StepObservation`; induction counts what each one shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from skillgraph.procedure.evidence import Evidence
from skillgraph.procedure.ordering import reaches

Pair = tuple[int, int]


@dataclass(frozen=True, slots=True)
class OrderedPair:
    """Step ``before`` comes before step ``after`` (indices into the observation's steps)."""

    before: int
    after: int
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class AlternativePair:
    first: int
    second: int
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class StatedSet:
    """Steps stated without an order among them (a bullet list without sequence words)."""

    steps: tuple[int, ...]
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class StepObservation:
    """Steps (distinct texts, listed in an order that respects ``order``) and what is known of
    their order; pairs that would close a cycle with earlier ones are left out when read."""

    steps: tuple[str, ...]
    order: tuple[OrderedPair, ...]
    alternatives: tuple[AlternativePair, ...] = ()
    unordered: tuple[StatedSet, ...] = ()
    step_evidence: tuple[tuple[Evidence, ...], ...] = field(default=())  # per step, or empty
    # A path: each step directly follows the one before, a repeated step counting at its
    # first place (``order`` is then the chain of the steps as listed).
    sequential: bool = False

    @classmethod
    def path(cls, steps: Sequence[str]) -> StepObservation:
        pairs = tuple(OrderedPair(i, i + 1) for i in range(len(steps) - 1))
        return cls(tuple(steps), pairs, sequential=True)

    def evidence_of(self, step: int) -> tuple[Evidence, ...]:
        return self.step_evidence[step] if self.step_evidence else ()


def acyclic(count: int, pairs: Iterable[Pair]) -> list[Pair]:
    """``pairs`` in the order given, each kept unless it repeats one or closes a cycle."""
    successors: list[set[int]] = [set() for _ in range(count)]
    kept: list[Pair] = []
    for before, after in pairs:
        if before == after or after in successors[before] or reaches(successors, after, before):
            continue
        successors[before].add(after)
        kept.append((before, after))
    return kept


def closure(count: int, pairs: Iterable[Pair]) -> set[Pair]:
    """Every (a, b) with a path from a to b over the (acyclic) ``pairs``."""
    successors: list[set[int]] = [set() for _ in range(count)]
    for before, after in pairs:
        successors[before].add(after)
    found: set[Pair] = set()
    for start in range(count):
        stack = list(successors[start])
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            found.add((start, node))
            stack.extend(successors[node])
    return found


def covering(pairs: set[Pair]) -> set[Pair]:
    """The transitive reduction of a transitive relation: pairs with nothing in between. For a
    total order, the adjacent steps."""
    after: dict[int, set[int]] = {}
    for a, b in pairs:
        after.setdefault(a, set()).add(b)
    return {(a, b) for a, b in pairs if not any(b in after.get(c, ()) for c in after[a] if c != b)}
