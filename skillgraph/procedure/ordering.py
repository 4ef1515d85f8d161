"""The order of an ad's steps: text order, overridden where a temporal cue says otherwise."""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def procedure_order(
    count: int, constraints: Sequence[tuple[int, int]]
) -> tuple[list[int], list[tuple[int, int]]]:
    """Steps ``0..count-1`` (in text order) in an order that keeps every ``(before, after)``
    constraint, and otherwise text order; and the constraints left out.

    Constraints are taken in the order given; one that would close a cycle with those already
    taken contradicts them and is left out rather than guessed around.
    """
    successors: list[set[int]] = [set() for _ in range(count)]
    ignored: list[tuple[int, int]] = []
    for before, after in constraints:
        if before == after or after in successors[before]:
            continue
        if reaches(successors, after, before):
            ignored.append((before, after))
            continue
        successors[before].add(after)
    indegree = [0] * count
    for targets in successors:
        for target in targets:
            indegree[target] += 1
    ready = [step for step in range(count) if indegree[step] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        step = heapq.heappop(ready)  # the earliest in the text among those free to go
        order.append(step)
        for target in successors[step]:
            indegree[target] -= 1
            if indegree[target] == 0:
                heapq.heappush(ready, target)
    return order, ignored


def reaches(successors: Sequence[set[int]], start: int, goal: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` over ``successors``."""
    stack = [start]
    seen = {start}
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for following in successors[node] - seen:
            seen.add(following)
            stack.append(following)
    return False
