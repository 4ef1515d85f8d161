"""One job ad into its procedure: duty statements, steps in order, and each step's skills.

A temporal cue's event ("before installing pipework") names a step of the ad when their actions
agree (same verb and object) or their wordings are close (``event_match_threshold``). An event
that names no step but has a verb of its own becomes a step (``from_cue``); one without
("after each visit") is kept as an unresolved cue and orders nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from skillgraph.config import ProcedureSettings
from skillgraph.encoders import Encoder
from skillgraph.extractor import SkillExtractor
from skillgraph.procedure.action_verbs import ActionLexicon, action_lexicon
from skillgraph.procedure.ad_procedure import (
    AdProcedure,
    ExtractedStep,
    OrderConstraint,
    UnresolvedCue,
)
from skillgraph.procedure.ad_structure import Precedence, StatementPart, ad_layout
from skillgraph.procedure.clustering import normalise_step
from skillgraph.procedure.cues import CueRelation, TemporalCue
from skillgraph.procedure.duties import DutyStatement, duty_statements
from skillgraph.procedure.evidence import EXPLICIT_ORDER, Evidence
from skillgraph.procedure.graph import LinkedSkill
from skillgraph.procedure.observation import acyclic
from skillgraph.procedure.ordering import procedure_order
from skillgraph.procedure.step_skills import StepSkillLinker
from skillgraph.procedure.steps import ObjectPhrase, StatementSteps, Step, StepSplitter
from skillgraph.runtime import SkillGraph

__all__ = [
    "AdProcedure",
    "ExtractedStep",
    "OrderConstraint",
    "ProcedureExtractor",
    "UnresolvedCue",
]


@dataclass
class _Draft:
    """An ad's steps and cues while events are being resolved."""

    steps: list[Step]
    cues: list[TemporalCue]  # ``step`` indexes ``steps``
    own: int = 0  # steps stated as duties; those after them come from cue events
    # Per statement: (its first step, the statement, what the splitter read).
    parts: list[tuple[int, DutyStatement, StatementSteps]] = field(default_factory=list)


class ProcedureExtractor:
    def __init__(
        self,
        skills: SkillExtractor,
        encoder: Encoder,
        lexicon: ActionLexicon,
        settings: ProcedureSettings,
    ) -> None:
        self.skills = skills
        self.encoder = encoder
        self.splitter = StepSplitter(lexicon)
        self.settings = settings
        self.linker = StepSkillLinker.for_settings(skills, settings)

    @classmethod
    def from_graph(cls, graph: SkillGraph) -> ProcedureExtractor:
        lexicon = action_lexicon(graph.taxonomy)
        return cls(graph.extractor, graph.encoder, lexicon, graph.settings.procedure)

    def extract(self, text: str, with_skills: bool = True) -> AdProcedure:
        return self.extract_many([text], with_skills)[0]

    def extract_many(self, texts: Sequence[str], with_skills: bool = True) -> list[AdProcedure]:
        """The procedure of each ad; parsing, encoding and skill search are batched.

        ``with_skills=False`` leaves steps without skills (when only the order is wanted).
        """
        for text in texts:
            self.skills.check_text(text)
        statements = [duty_statements(text, self.skills.segmenter) for text in texts]
        flat = [s for ad in statements for s in ad]
        split = iter(self.splitter.split(flat))
        drafts = []
        for ad in statements:
            draft = _Draft([], [])
            antecedent: ObjectPhrase | None = None  # the last object named, for "them"
            for statement in ad:
                found = next(split)
                offset = len(draft.steps)
                steps = list(found.steps)
                if steps and steps[0].pronoun is not None and antecedent is not None:
                    steps[0] = steps[0].resolved(antecedent)
                antecedent = next((s.obj for s in reversed(steps) if s.obj), antecedent)
                draft.parts.append((offset, statement, replace(found, steps=tuple(steps))))
                draft.steps.extend(steps)
                draft.cues.extend(_shift(cue, offset) for cue in found.cues)
            draft.own = len(draft.steps)
            drafts.append(draft)
        resolved = self._resolve_events(drafts)
        step_texts = [step.text for draft, _ in resolved for step in draft.steps]
        found_skills = iter(self.linker.link(step_texts) if with_skills else [])
        procedures = []
        for draft, links in resolved:
            skills = [tuple(next(found_skills, ())) for _ in draft.steps]
            procedures.append(self._procedure(draft, links, skills))
        return procedures

    def _resolve_events(
        self, drafts: list[_Draft]
    ) -> list[tuple[_Draft, list[tuple[TemporalCue, int | None]]]]:
        """Each cue with the step its event names (adding steps for unmatched verb events)."""
        events = [c.event for d in drafts for c in d.cues if c.target is None]
        steps = [s.text for d in drafts for s in d.steps]
        vectors = self.encoder.encode(events + steps) if events else None
        event_row = 0
        step_row = len(events)
        resolved = []
        for draft in drafts:
            count = len(draft.steps)
            step_vectors = None if vectors is None else vectors[step_row : step_row + count]
            step_row += count
            links: list[tuple[TemporalCue, int | None]] = []
            added: dict[str, int] = {}
            for cue in list(draft.cues):
                if cue.target is not None:
                    links.append((cue, cue.target))
                    continue
                assert vectors is not None and step_vectors is not None
                target = self._named_step(cue, draft.steps, vectors[event_row], step_vectors)
                event_row += 1
                # An event becomes a step only as an action on a thing ("install pipework"),
                # not on a pronoun ("put them away") nor as a bare time ("each visit").
                if target is None and cue.action.verb is not None and cue.action.object:
                    key = normalise_step(cue.event)
                    if key not in added:
                        added[key] = len(draft.steps)
                        draft.steps.append(
                            Step(cue.event, cue.start, cue.end, cue.action, cue.evidence)
                        )
                    target = added[key]
                links.append((cue, target))
            resolved.append((draft, links))
        return resolved

    def _named_step(
        self, cue: TemporalCue, steps: list[Step], event: np.ndarray, vectors: np.ndarray
    ) -> int | None:
        action = cue.action
        for index, step in enumerate(steps):
            same = action.verb is not None and action.object is not None
            if index != cue.step and same and step.action == action:
                return index
        if not len(vectors):
            return None
        similarities = vectors @ event
        similarities[cue.step] = -1.0
        # Close wordings of opposite actions ("close the shop", "open the shop") are no match.
        for index, step in enumerate(steps[: len(vectors)]):  # steps added since: not encoded
            if not step.action.compatible(action):
                similarities[index] = -1.0
        best = int(np.argmax(similarities))
        return best if similarities[best] >= self.settings.event_match_threshold else None

    def _procedure(
        self,
        draft: _Draft,
        links: list[tuple[TemporalCue, int | None]],
        skills: list[tuple[LinkedSkill, ...]],
    ) -> AdProcedure:
        order_in_text = sorted(range(len(draft.steps)), key=lambda i: draft.steps[i].start)
        position = {old: new for new, old in enumerate(order_in_text)}
        steps = tuple(
            ExtractedStep(
                draft.steps[old].text,
                draft.steps[old].start,
                draft.steps[old].end,
                draft.steps[old].action,
                skills[old],
                from_cue=old >= draft.own,
                evidence=draft.steps[old].evidence,
            )
            for old in order_in_text
        )
        constraints: list[OrderConstraint] = []
        unresolved: list[UnresolvedCue] = []
        for cue, target in links:
            step = position[cue.step]
            if target is None:
                unresolved.append(
                    UnresolvedCue(step, cue.cue, cue.relation, cue.event, cue.start, cue.end)
                )
                continue
            other = position[target]
            pair = (step, other) if cue.relation is CueRelation.BEFORE else (other, step)
            constraints.append(OrderConstraint(pair[0], pair[1], cue.cue, cue.start, cue.end))
        _, ignored_pairs = procedure_order(len(steps), [(c.before, c.after) for c in constraints])
        ignored = tuple(c for c in constraints if (c.before, c.after) in set(ignored_pairs))
        kept = tuple(c for c in constraints if c not in ignored)
        layout = ad_layout(_parts(draft, position), [(s.start, s.end) for s in steps])
        stated = [
            Precedence(c.before, c.after, Evidence(EXPLICIT_ORDER, c.cue, 1, c.start, c.end))
            for c in kept
        ]
        candidates = [*stated, *layout.precedence]
        allowed = set(acyclic(len(steps), [(p.before, p.after) for p in candidates]))
        precedence = []
        for candidate in candidates:  # the first evidence of a pair orders it
            if (candidate.before, candidate.after) in allowed:
                allowed.discard((candidate.before, candidate.after))
                precedence.append(candidate)
        order, _ = procedure_order(len(steps), [(p.before, p.after) for p in precedence])
        return AdProcedure(
            steps,
            tuple(order),
            kept,
            ignored,
            tuple(unresolved),
            tuple(precedence),
            layout.alternatives,
            layout.unordered,
        )


def _parts(draft: _Draft, position: dict[int, int]) -> list[StatementPart]:
    """Each statement's own steps, renumbered in text order, for :func:`ad_layout`."""
    parts = []
    for first, statement, found in draft.parts:
        count = len(found.steps)
        steps = tuple(position[first + i] for i in range(count))
        alternatives = tuple(
            (position[first + a], position[first + b], e) for a, b, e in found.alternatives
        )
        parts.append(
            StatementPart(
                steps,
                alternatives,
                found.order,
                found.sequenced,
                statement.item,
                statement.numbered,
                statement.start,
                statement.end,
            )
        )
    return parts


def _shift(cue: TemporalCue, offset: int) -> TemporalCue:
    target = None if cue.target is None else cue.target + offset
    return replace(cue, step=cue.step + offset, target=target)
