"""One job ad's procedure, as extraction finds it: steps, their order and structure, as records
and as JSON, and as the observation graph induction reads
(:class:`~skillgraph.procedure.observation.StepObservation`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from skillgraph.procedure.ad_structure import Alternative, Precedence, UnorderedSet
from skillgraph.procedure.cues import CueRelation
from skillgraph.procedure.evidence import CONDITION, OPTIONAL, Evidence
from skillgraph.procedure.graph import LinkedSkill
from skillgraph.procedure.graph_format import evidence_to_list, skill_to_dict
from skillgraph.procedure.observation import (
    AlternativePair,
    OrderedPair,
    StatedSet,
    StepObservation,
)
from skillgraph.procedure.syntax import ActionKey


@dataclass(frozen=True, slots=True)
class ExtractedStep:
    text: str  # normalised: "install heating systems"
    start: int  # the ad's text[start:end] is where the step comes from
    end: int
    action: ActionKey
    skills: tuple[LinkedSkill, ...]
    from_cue: bool  # named only in a temporal cue ("before installing pipework")
    evidence: tuple[Evidence, ...] = ()  # conditions, optionality, resolved pronouns

    @property
    def optional(self) -> bool:
        """Stated as optional ("ideally", "is a plus") or conditional ("if not in stock")."""
        return any(e.rule in (OPTIONAL, CONDITION) for e in self.evidence)

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(e.cue for e in self.evidence if e.rule == CONDITION)


@dataclass(frozen=True, slots=True)
class OrderConstraint:
    """Step ``before`` comes before step ``after`` (indices in text order), as a cue says."""

    before: int
    after: int
    cue: str  # "before", "once", "then" ...
    start: int  # the cue's event in the ad
    end: int


@dataclass(frozen=True, slots=True)
class UnresolvedCue:
    """A cue whose event is no step of the ad ("after each visit")."""

    step: int
    cue: str
    relation: CueRelation
    event: str
    start: int
    end: int


@dataclass(frozen=True)
class AdProcedure:
    steps: tuple[ExtractedStep, ...]  # in text order
    order: tuple[int, ...]  # step indices in an order that keeps every precedence
    constraints: tuple[OrderConstraint, ...]
    ignored: tuple[OrderConstraint, ...]  # contradicted earlier constraints (would be a cycle)
    unresolved: tuple[UnresolvedCue, ...]
    # The partial order: explicit cues, then the order the layout gives (ad_structure).
    precedence: tuple[Precedence, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    unordered: tuple[UnorderedSet, ...] = ()

    def sequence(self) -> list[str]:
        """Step texts in :attr:`order`, each once: one order the ad allows."""
        return list(dict.fromkeys(self.steps[index].text for index in self.order))

    def observation(self) -> StepObservation:
        """The ad as graph induction reads it: its distinct steps, their partial order, the
        alternatives, unordered sets and each step's evidence."""
        texts = self.sequence()
        where = {text: position for position, text in enumerate(texts)}
        place = [where[step.text] for step in self.steps]
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        for step, position in zip(self.steps, place, strict=True):
            evidence[position].extend(step.evidence)
        return StepObservation(
            steps=tuple(texts),
            order=tuple(
                OrderedPair(place[p.before], place[p.after], (p.evidence,))
                for p in self.precedence
                if place[p.before] != place[p.after]
            ),
            alternatives=tuple(
                AlternativePair(place[a.first], place[a.second], (a.evidence,))
                for a in self.alternatives
            ),
            unordered=tuple(
                StatedSet(tuple(dict.fromkeys(place[s] for s in u.steps)), (u.evidence,))
                for u in self.unordered
            ),
            step_evidence=tuple(tuple(evidence[i]) for i in range(len(texts))),
        )

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        """JSON-ready form; with the ad's ``text``, each step also carries its source span."""
        steps = []
        for index, step in enumerate(self.steps):
            record: dict[str, Any] = {"index": index, "text": step.text}
            if text is not None:
                record["source"] = text[step.start : step.end]
            record |= {
                "start": step.start,
                "end": step.end,
                "from_cue": step.from_cue,
                "optional": step.optional,
                "conditions": list(step.conditions),
                "action": {"verb": step.action.verb, "object": step.action.object},
                "skills": [skill_to_dict(s) for s in step.skills],
                "evidence": evidence_to_list(step.evidence),
            }
            steps.append(record)
        return {
            "steps": steps,
            "order": list(self.order),
            "constraints": [_constraint(c) for c in self.constraints],
            "ignored_constraints": [_constraint(c) for c in self.ignored],
            "unresolved_cues": [
                {
                    "step": c.step,
                    "cue": c.cue,
                    "relation": c.relation.value,
                    "event": c.event,
                    "start": c.start,
                    "end": c.end,
                }
                for c in self.unresolved
            ],
            "structure": {
                "precedes": [
                    {"before": p.before, "after": p.after, **_evidence(p.evidence)}
                    for p in self.precedence
                ],
                "alternatives": [
                    {"steps": [a.first, a.second], **_evidence(a.evidence)}
                    for a in self.alternatives
                ],
                "unordered": [
                    {"steps": list(u.steps), **_evidence(u.evidence)} for u in self.unordered
                ],
            },
        }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    [found] = evidence_to_list([evidence])
    found.pop("count")
    return {"evidence": found}


def _constraint(constraint: OrderConstraint) -> dict[str, Any]:
    return {
        "before": constraint.before,
        "after": constraint.after,
        "cue": constraint.cue,
        "start": constraint.start,
        "end": constraint.end,
    }
