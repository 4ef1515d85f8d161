"""Why a procedure graph says what it says: the rule that fired and the words that made it fire.

Every structural statement about an ad (two steps are alternatives, a step has a condition, a
list is unordered, one step comes before another) carries the evidence that produced it. In the
graph of one ad an evidence keeps its place in the ad (``start``/``end``); a graph induced from
many ads merges the same rule and cue into one evidence with a ``count`` of the ads that show it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# The rules, by the name the graph writes.
EXPLICIT_ORDER = "explicit-order"  # "then", "before", "after", "once", a leading "Next," ...
TEXT_ORDER = "text-order"  # consecutive duties in prose, a numbered list, one bullet's clauses
ALTERNATIVE = "alternative"  # "or", "either ... or"
CONDITION = "condition"  # "if not in stock", "when needed", "where required"
OPTIONAL = "optional"  # "ideally", "is a plus", "you may"
PRONOUN = "pronoun"  # "order them" -> "order worn parts"
UNORDERED_LIST = "unordered-list"  # a bullet list without sequence words: a set, not a chain

RULES = (EXPLICIT_ORDER, TEXT_ORDER, ALTERNATIVE, CONDITION, OPTIONAL, PRONOUN, UNORDERED_LIST)


@dataclass(frozen=True, slots=True)
class Evidence:
    rule: str  # one of RULES
    cue: str  # the words that fired it ("or", "if not in stock", "them -> worn parts")
    count: int = 1  # observations (ads, sequences) that show it
    start: int | None = None  # in the ad's text, for the graph of one ad
    end: int | None = None

    def located(self) -> bool:
        return self.start is not None and self.end is not None


def merge_evidence(found: Iterable[Evidence], keep_places: bool) -> tuple[Evidence, ...]:
    """One evidence per rule and cue (and place, with ``keep_places``), counts summed; in rule
    order, then most frequent first."""
    counts: Counter[tuple[str, str, int | None, int | None]] = Counter()
    for evidence in found:
        place = (evidence.start, evidence.end) if keep_places else (None, None)
        counts[(evidence.rule, evidence.cue, *place)] += evidence.count
    order = {rule: position for position, rule in enumerate(RULES)}
    ranked = sorted(
        counts.items(),
        key=lambda item: (order.get(item[0][0], len(order)), -item[1], item[0][1]),
    )
    return tuple(Evidence(rule, cue, n, start, end) for (rule, cue, start, end), n in ranked)
