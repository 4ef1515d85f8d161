"""The records step splitting produces: a step, the object a later pronoun refers to, and what
one duty statement says (its steps, cues, alternatives, a leading "Then")."""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillgraph.procedure.cues import TemporalCue
from skillgraph.procedure.evidence import PRONOUN, Evidence
from skillgraph.procedure.syntax import ActionKey


@dataclass(frozen=True, slots=True)
class ObjectPhrase:
    text: str  # as written: "worn parts", "the line"
    head: str | None  # lemma of its head noun


@dataclass(frozen=True, slots=True)
class PendingPronoun:
    """A pronoun object no earlier step of its statement resolves ("Bring them back")."""

    word: str
    position: int  # in the step's text
    start: int  # in the ad
    end: int


@dataclass(frozen=True, slots=True)
class Step:
    """One action and its object, normalised, with the span of the ad it comes from."""

    text: str  # "install heating systems"
    start: int  # the ad's text[start:end] is where the step comes from
    end: int
    action: ActionKey
    evidence: tuple[Evidence, ...] = ()  # conditions, optionality, resolved pronouns
    obj: ObjectPhrase | None = None  # what a later "it" or "them" refers to
    pronoun: PendingPronoun | None = None

    def resolved(self, antecedent: ObjectPhrase) -> Step:
        """This step with its pending pronoun replaced by ``antecedent``."""
        pending = self.pronoun
        if pending is None:
            return self
        cut = pending.position
        text = self.text[:cut] + antecedent.text + self.text[cut + len(pending.word) :]
        cue = f"{pending.word} -> {antecedent.text}"
        found = Evidence(PRONOUN, cue, start=pending.start, end=pending.end)
        return replace(
            self,
            text=text,
            action=ActionKey(self.action.verb, antecedent.head),
            evidence=(*self.evidence, found),
            obj=antecedent,
            pronoun=None,
        )


@dataclass(frozen=True, slots=True)
class StatementSteps:
    steps: tuple[Step, ...]
    cues: tuple[TemporalCue, ...]
    # (earlier step, later step, evidence): stated as alternatives ("or", "either ... or").
    alternatives: tuple[tuple[int, int, Evidence], ...] = ()
    order: Evidence | None = None  # a leading "Then": after the statement before
    sequenced: bool = False  # has sequence words: a list of such statements is ordered
