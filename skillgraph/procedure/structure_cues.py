"""Cues of structure inside a duty statement, read from spaCy's parse: conditions, optional
steps, pronoun objects, a step's object phrase, and sequence words that open a statement.

Each function looks at the parsed words of one statement (:func:`~skillgraph.procedure.syntax.
parse_imperatives`, heads included) between ``start`` and ``end`` and says where the cue is;
:mod:`skillgraph.procedure.steps` cuts it from the step and keeps it as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skillgraph.procedure.syntax import Word

# "if not in stock", "unless told otherwise", "whenever a line stops", "whichever is needed".
_CONDITION_MARKS = {"if", "unless", "whenever", "whichever"}
# "when needed", "where required", "as necessary": a situation, not a time or a place.
_SITUATION_MARKS = {"when", "where", "as"}
_NEED_WORDS = {
    "needed", "required", "necessary", "appropriate", "applicable", "requested", "instructed",
    "directed", "agreed", "relevant", "asked", "requires", "demands",
}  # fmt: skip
# "if possible", "where possible": the step is optional, not conditional.
_POSSIBLE = {"possible", "feasible", "practicable"}
_OPTIONAL_ADVERBS = {"ideally", "optionally", "preferably"}
# "... is a plus", "... would be an advantage": the duty is welcome, not required.
_OPTIONAL_TAIL = re.compile(
    r"[\s,]*(?:which\s+)?(?:is|are|would\s+be|will\s+be|['\u2019]s)\s+"
    r"(?:a\s+(?:big\s+|real\s+|definite\s+|huge\s+)?(?:plus|bonus)|an\s+(?:added\s+|real\s+)?"
    r"advantage|advantageous|desirable|beneficial|nice\s+to\s+have)\b[\s.!]*$",
    re.IGNORECASE,
)
_PRONOUNS = {"it", "them", "these", "those", "this"}
_OBJECT_DEPS = {"dobj", "obj", "nsubjpass"}
_MODIFIER_DEPS = {"det", "amod", "compound", "nummod", "poss", "nmod", "advmod"}
_NOUNS = {"NOUN", "PROPN"}
# A statement opening on one of these follows the statement before it ("Then hand over ...").
LEADING_ORDER = re.compile(
    r"(?:and\s+)?(then|next|afterwards|after\s+that|finally|lastly|subsequently)\b[\s,]*",
    re.IGNORECASE,
)
# Words that make a list a sequence ("First, ... Then ..."), beside the temporal cues.
SEQUENCE_WORDS = {"first", "firstly", "then", "next", "afterwards", "finally", "lastly"}


@dataclass(frozen=True, slots=True)
class Found:
    """A cue: its words ``[start, end)`` in the statement's word list, and its rule's reading."""

    start: int
    end: int
    kind: str  # "condition" or "optional"


def condition_at(words: list[Word], start: int, end: int) -> Found | None:
    """A condition clause inside a step ("order them if not in stock"): it runs to the end."""
    for index in range(start, end):
        word = words[index]
        following = words[index + 1].lower if index + 1 < end else ""
        if word.lower in _CONDITION_MARKS | _SITUATION_MARKS and following in _POSSIBLE:
            return Found(index, min(index + 2, end), "optional")
        if word.lower in _CONDITION_MARKS:
            head = words[word.head] if word.head >= 0 else None
            if head is not None and head.dep == "ccomp":
                continue  # "check if the pump works": what to check, not when
            return Found(index, end, "condition")
        if word.lower == "in" and following == "case":
            return Found(index, end, "condition")
        if word.lower in _SITUATION_MARKS and following in _NEED_WORDS | {"and"}:
            return Found(index, end, "condition")  # "as and when required" too
        if word.lower == "when" and word.head >= 0 and words[word.head].dep == "advcl":
            return Found(index, end, "condition")  # "when a machine breaks down"
    return None


def optional_tail(text: str, words: list[Word], start: int, end: int) -> Found | None:
    """A trailing "is a plus" (``text`` is the statement the words index)."""
    if end <= start:
        return None
    match = _OPTIONAL_TAIL.search(text, words[start].end, words[end - 1].end)
    if match is None:
        return None
    first = next((i for i in range(start, end) if words[i].start >= match.start()), end)
    return Found(first, end, "optional") if first > start else None


def optional_adverb(words: list[Word], start: int, end: int) -> Found | None:
    """An adverb before the verb that makes the step optional ("ideally", "optionally")."""
    for index in range(start, end):
        if words[index].lower in _OPTIONAL_ADVERBS:
            return Found(index, index + 1, "optional")
        if words[index].pos not in {"ADV", "PUNCT"}:
            break
    return None


def pronoun_object(words: list[Word], verb: int, end: int) -> int | None:
    """The index of a pronoun that is the object of the verb at ``verb`` ("bring them back")."""
    for index in range(verb + 1, end):
        word = words[index]
        if word.lower not in _PRONOUNS or word.pos not in {"PRON", "DET"}:
            continue
        if word.dep in _OBJECT_DEPS or (word.dep == "pobj" and _governed_by(words, index, verb)):
            return index
    return None


def object_phrase(words: list[Word], verb: int, end: int) -> tuple[int, int] | None:
    """The words ``[start, stop)`` of the verb's object noun phrase without what follows its
    head ("worn parts" of "replace worn parts such as bearings"); conjoined nouns stay
    ("gas boilers and central heating systems")."""
    head = next(
        (
            i
            for i in range(verb + 1, end)
            if words[i].dep in {"dobj", "obj"} and words[i].pos in _NOUNS
        ),
        None,
    )
    if head is None:
        head = next((i for i in range(verb + 1, end) if words[i].pos in _NOUNS), None)
    if head is None:
        return None
    left = head
    while (
        left - 1 > verb and words[left - 1].dep in _MODIFIER_DEPS and words[left - 1].pos != "ADV"
    ):
        left -= 1
    right = head + 1
    probe = right
    while probe < end and words[probe].lower in {"and", "or", "&", ","}:
        conj = probe + 1
        while conj < end and words[conj].dep in _MODIFIER_DEPS:
            conj += 1
        if conj < end and words[conj].dep == "conj" and words[conj].head == head:
            right = probe = conj + 1
        else:
            break
    return left, right


def _governed_by(words: list[Word], index: int, verb: int) -> bool:
    """Whether the word's head chain reaches the verb within two steps (pobj -> prep -> verb)."""
    head = words[index].head
    for _ in range(2):
        if head < 0:
            return False
        if head == verb:
            return True
        head = words[head].head
    return False
