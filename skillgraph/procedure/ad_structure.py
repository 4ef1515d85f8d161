"""What the layout of an ad says about the order of its steps.

* Prose orders its duties by text: each step (or each set of stated alternatives) comes before
  the next one.
* A numbered list, or a bullet list whose items use sequence words ("then", "before", "once",
  "first" ...), is a sequence too.
* A bullet list without sequence words is a set: its items are not ordered against each other
  (only the clauses inside one item are), and the ad's graph says so.
* A statement opening on "Then", "Next," or "Finally," follows the statement before it: explicit.
* Stated alternatives ("replace the part, or order one") share one place in the order: what
  comes before one comes before the other, and neither comes before the other.

Explicit cues inside statements ("before", "once") are read by :mod:`skillgraph.procedure.cues`
and :mod:`skillgraph.procedure.extraction`; this module adds the order that layout gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skillgraph.procedure.evidence import TEXT_ORDER, UNORDERED_LIST, Evidence

UNORDERED_CUE = "bullet list without sequence words"


@dataclass(frozen=True, slots=True)
class StatementPart:
    """One duty statement of an ad: its own steps (indices into the ad's steps, text order) and
    what it says about them."""

    steps: tuple[int, ...]
    alternatives: tuple[tuple[int, int, Evidence], ...]  # ad step indices
    order: Evidence | None  # a leading "Then": after the statement before
    sequenced: bool
    item: int | None  # the list item it belongs to; None in prose
    numbered: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Precedence:
    """Step ``before`` comes before step ``after`` (indices into the ad's steps)."""

    before: int
    after: int
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Alternative:
    first: int
    second: int
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class UnorderedSet:
    steps: tuple[int, ...]
    evidence: Evidence


@dataclass(frozen=True)
class Layout:
    precedence: tuple[Precedence, ...]  # from text order and leading "Then"s
    alternatives: tuple[Alternative, ...]
    unordered: tuple[UnorderedSet, ...]


def ad_layout(parts: Sequence[StatementPart], spans: Sequence[tuple[int, int]]) -> Layout:
    """The order the layout of an ad gives its steps (see the module docstring); ``spans`` are
    the steps' places in the ad."""
    precedence: list[Precedence] = []
    unordered: list[UnorderedSet] = []
    alternatives = [Alternative(a, b, e) for p in parts for a, b, e in p.alternatives]
    for block in _blocks(parts):
        listed = block[0].item is not None
        numbered = any(p.numbered for p in block)
        if not listed or numbered or any(p.sequenced for p in block):
            cue = "prose" if not listed else "numbered list" if numbered else "sequence words"
            precedence += _chain(block, cue, spans)
            continue
        items: dict[int | None, list[StatementPart]] = {}
        for part in block:
            items.setdefault(part.item, []).append(part)
        for item in items.values():
            precedence += _chain(item, "one list item", spans)
        steps = tuple(step for part in block for step in part.steps)
        if len(items) > 1 and len(steps) > 1:
            place = {"start": block[0].start, "end": block[-1].end}
            unordered.append(UnorderedSet(steps, Evidence(UNORDERED_LIST, UNORDERED_CUE, **place)))
    return Layout(tuple(precedence), tuple(alternatives), tuple(unordered))


def _blocks(parts: Sequence[StatementPart]) -> list[list[StatementPart]]:
    """Runs of statements that are all prose or all list items, without empty statements."""
    blocks: list[list[StatementPart]] = []
    for part in parts:
        if not part.steps:
            continue
        if blocks and (blocks[-1][0].item is None) == (part.item is None):
            blocks[-1].append(part)
        else:
            blocks.append([part])
    return blocks


def _chain(
    parts: Sequence[StatementPart], cue: str, spans: Sequence[tuple[int, int]]
) -> list[Precedence]:
    """Each place (a step, or alternatives together) before the next one, across ``parts``;
    a statement opening on "Then" is ordered by that instead."""
    found: list[Precedence] = []
    previous: list[int] = []
    for part in parts:
        places = _places(part)
        for number, place in enumerate(places):
            explicit = part.order if number == 0 else None
            for before in previous:
                for after in place:
                    evidence = explicit or Evidence(
                        TEXT_ORDER, cue, start=spans[before][0], end=spans[after][1]
                    )
                    found.append(Precedence(before, after, evidence))
            previous = place
    return found


def _places(part: StatementPart) -> list[list[int]]:
    """The statement's steps in order, stated alternatives sharing a place."""
    paired = {(a, b) for a, b, _ in part.alternatives}
    places: list[list[int]] = []
    for step in part.steps:
        if places and any((other, step) in paired for other in places[-1]):
            places[-1].append(step)
        else:
            places.append([step])
    return places
