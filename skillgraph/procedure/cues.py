"""Temporal cues in duty statements: "before", "prior to", "ahead of", "after", "once",
"following", and "then" between two steps.

A cue relates a step to an event: "prepare the site *before* installing pipework", "*once* the
pipework is installed, pressure test the system". The event is normalised to an action where it
has one ("install pipework", "install the pipework"); :mod:`skillgraph.procedure.extraction`
resolves it to a step of the ad.
"""

from __future__ import annotations

import enum
from collections.abc import Container
from dataclasses import dataclass

from skillgraph.procedure.evidence import Evidence
from skillgraph.procedure.syntax import ActionKey, Word, base_form, join_words, noun_head

# Words before "after" that make it part of a phrasal verb ("look after residents").
_PHRASAL_AFTER = {"look", "looks", "looking", "looked", "care", "cares", "caring"}
# "once a week", "once per shift": frequency, not order.
_FREQUENCY_AFTER_ONCE = {"a", "an", "per", "every", "each", "or", "daily", "weekly", "again"}
_EVENT_STARTERS = {"the", "each", "every", "a", "an", "any", "all", "completion", "use"}
_PASSIVE_AUX = {"is", "are", "was", "were", "been", "be", "being", "has", "have", "had", "gets"}


class CueRelation(enum.Enum):
    BEFORE = "before"  # the step happens before the event
    AFTER = "after"  # the step happens after the event


CUES: dict[str, CueRelation] = {
    "before": CueRelation.BEFORE,
    "prior to": CueRelation.BEFORE,
    "ahead of": CueRelation.BEFORE,
    "after": CueRelation.AFTER,
    "once": CueRelation.AFTER,
    "following": CueRelation.AFTER,
    "then": CueRelation.AFTER,
}


@dataclass(frozen=True, slots=True)
class TemporalCue:
    """An explicit order: step ``step`` happens ``relation`` the event."""

    step: int  # index into the steps of the same statement
    cue: str  # as written, lower case: "before", "prior to", "once", "then" ...
    relation: CueRelation
    event: str  # normalised: "install pipework"; for "then", the previous step's text
    start: int  # span of the event in the ad
    end: int
    action: ActionKey  # of the event; an event with a verb may become a step of its own
    target: int | None = None  # for "then": the step (same statement) it refers to
    evidence: tuple[Evidence, ...] = ()  # a resolved pronoun in the event


def cue_at(words: list[Word], index: int, leading: bool) -> str | None:
    """The temporal cue that starts at ``words[index]``, if it is one there."""
    word = words[index].lower
    following = words[index + 1] if index + 1 < len(words) else None
    if following is None:
        return None
    if word == "prior" and following.lower == "to":
        return "prior to"
    if word == "ahead" and following.lower == "of":
        return "ahead of"
    if word == "before":
        return word
    if word == "after":
        if index > 0 and words[index - 1].lower in _PHRASAL_AFTER:
            return None
        return word
    if word == "once":
        return None if following.lower in _FREQUENCY_AFTER_ONCE else word
    if word == "following":
        previous = words[index - 1] if index > 0 else None
        if not leading and previous is not None and previous.pos in {"VERB", "DET", "ADP"}:
            return None  # "follow the following procedures"
        if following.lower in _EVENT_STARTERS or following.tag == "VBG":
            return word
    return None


def read_event(words: list[Word], lexicon: Container[str]) -> tuple[str, ActionKey]:
    """An event's normalised text and action: "installing pipework" -> "install pipework",
    "the pipework is installed" -> "install the pipework"; a noun phrase stays as it is."""
    first = words[0]
    if first.tag == "VBG" or (first.pos == "VERB" and first.lower in lexicon):
        verb = base_form(first, lexicon)
        return " ".join([verb, *join_words(words[1:])]), ActionKey(verb, noun_head(words[1:]))
    for index, word in enumerate(words):
        if word.tag == "VBN" and index > 0 and words[index - 1].lower in _PASSIVE_AUX:
            subject = [w for w in words[:index] if w.lower not in _PASSIVE_AUX]
            if subject:
                verb = base_form(word, lexicon)
                text = " ".join([verb, *join_words(subject), *join_words(words[index + 1 :])])
                return text, ActionKey(verb, noun_head(subject))
    return " ".join(join_words(words)), ActionKey(None, noun_head(words))
