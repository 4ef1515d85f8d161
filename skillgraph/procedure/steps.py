"""Duty statements into steps: one action and its object each, with temporal cues.

"Install and commission boilers, then hand over to the customer" becomes three steps, "install
boilers", "commission boilers" and "hand over to the customer": clauses split where a
coordinator ("and", "or", a comma, "then", a semicolon) is followed by an action verb, and a bare
verb borrows the object of the verb after it. A step's text starts with its verb in base form.
Temporal cues (:mod:`skillgraph.procedure.cues`) split a statement too: "prepare the site
before installing pipework" is one step and a cue relating it to the event "install pipework".

Structure cues (:mod:`skillgraph.procedure.structure_cues`) are cut from a step and kept as its
evidence: an "or" between two clauses makes them alternatives; a condition ("if not in stock",
"when needed", a leading "If a line stops,") or an optional marker ("ideally", "is a plus",
"you may") makes the step conditional or optional; a pronoun object ("bring them back") takes
the object of the step before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from skillgraph.procedure.action_verbs import ActionLexicon
from skillgraph.procedure.cues import CUES, CueRelation, TemporalCue, cue_at, read_event
from skillgraph.procedure.duties import DutyStatement, Section
from skillgraph.procedure.evidence import ALTERNATIVE, CONDITION, OPTIONAL, PRONOUN, Evidence
from skillgraph.procedure.framing import read_framing
from skillgraph.procedure.step_records import ObjectPhrase, PendingPronoun, StatementSteps, Step
from skillgraph.procedure.structure_cues import (
    SEQUENCE_WORDS,
    Found,
    condition_at,
    object_phrase,
    optional_adverb,
    optional_tail,
    pronoun_object,
)
from skillgraph.procedure.syntax import (
    ActionKey,
    Word,
    action_key,
    base_form,
    join_words,
    noun_head,
    parse_imperatives,
)

_COORDINATORS = {"and", "or", "&", ",", "and/or", "/"}
_PARTICLES = {"prt", "compound:prt"}
_TRAILING = {",", ".", ";", ":", "and", "or", "&", "-", "\u2013", "\u2014", "etc", "!", "?"}
_NOT_VERBS = {"NOUN", "PROPN", "ADJ", "ADP", "DET", "NUM"}
_AUXILIARIES = {"be", "have", "will", "shall", "can", "may", "must", "should", "would"}
_CONTENT = {"NOUN", "PROPN", "VERB"}  # a duty without a verb still names something
# A statement opening on one of these, up to a comma, states a condition for its steps.
_LEADING_CONDITIONS = {"if", "unless", "whenever", "when", "where", "should"}
_PRONOUN_WORD = re.compile(r"\b(?:it|them|these|those|this)\b", re.IGNORECASE)


@dataclass
class _Segment:
    start: int  # word indices, end exclusive
    end: int
    cue: str | None = None  # set for an event: the cue that introduced it
    then: bool = False  # the step follows the one before it ("..., then ...")
    alternative: int | None = None  # index of the "or" before it
    condition: bool = False  # a leading "If ..., " clause, not a step


class StepSplitter:
    """Splits duty statements into steps, using a lexicon of action verbs."""

    def __init__(self, lexicon: ActionLexicon) -> None:
        self.lexicon = lexicon

    def split(self, statements: Sequence[DutyStatement]) -> list[StatementSteps]:
        """Steps of each statement, in order; the spaCy work is batched across statements."""
        framings = [read_framing(s.text) for s in statements]
        bodies = [s.text[f.length :] for s, f in zip(statements, framings, strict=True)]
        found = []
        for statement, framing, body, words in zip(
            statements, framings, bodies, parse_imperatives(bodies), strict=True
        ):
            offset = statement.start + framing.length
            read = self._statement(statement, framing.framed, body, words, offset)
            notes = []
            if framing.optional is not None:
                start, end = framing.optional
                notes.append(_evidence(OPTIONAL, statement, start, end))
            order = None
            if framing.order is not None:
                order = _evidence("explicit-order", statement, *framing.order)
            steps = tuple(replace(s, evidence=(*notes, *s.evidence)) for s in read.steps)
            sequenced = read.sequenced or order is not None
            found.append(replace(read, steps=steps, order=order, sequenced=sequenced))
        return found

    def _statement(
        self, statement: DutyStatement, framed: bool, body: str, words: list[Word], offset: int
    ) -> StatementSteps:
        if not self._is_duty(statement, framed, words):
            return StatementSteps((), ())
        segments = self._segments(words)
        step_segments = [s for s in segments if s.cue is None and not s.condition]
        steps: list[Step] = []
        cues: list[TemporalCue] = []
        alternatives: list[tuple[int, int, Evidence]] = []
        either = next((w for w in words if w.lower == "either" and w.dep == "preconj"), None)
        pending: list[_Segment] = []  # "Once X is done, do Y": the event comes before its step
        conditions: list[Evidence] = []  # "If a line stops, ...": for every step after it
        subject: ObjectPhrase | None = None  # "If a machine breaks down, report it"
        for segment in segments:
            if segment.condition:
                first, last = words[segment.start], words[segment.end - 1]
                cue = body[first.start : last.end]
                conditions.append(Evidence(CONDITION, cue, start=offset + first.start,
                                           end=offset + last.end))  # fmt: skip
                subject = _phrase(words, object_phrase(words, segment.start, segment.end))
                continue
            if segment.cue is not None:
                if steps:  # "do Y before X": the cue belongs to the step before it
                    cues.append(self._cue(len(steps) - 1, segment, words, offset, steps[-1].obj))
                else:  # "Once the services are tested, deploy them": them = the services
                    pending.append(segment)
                    span = object_phrase(words, segment.start - 1, segment.end)
                    subject = _phrase(words, span) or subject
                continue
            step = self._step(segment, body, words, offset, step_segments)
            if step is None:
                continue
            antecedent = steps[-1].obj if steps else subject
            if step.pronoun is not None and antecedent is not None:
                step = step.resolved(antecedent)
            if conditions:
                step = replace(step, evidence=(*conditions, *step.evidence))
            steps.append(step)
            if segment.alternative is not None and len(steps) > 1:
                word = words[segment.alternative]
                cue = "either ... or" if either is not None else word.lower
                place = {"start": offset + word.start, "end": offset + word.end}
                alternatives.append((len(steps) - 2, len(steps) - 1,
                                     Evidence(ALTERNATIVE, cue, **place)))  # fmt: skip
            if segment.then and len(steps) > 1:
                before = steps[-2]
                cues.append(
                    TemporalCue(
                        len(steps) - 1,
                        "then",
                        CueRelation.AFTER,
                        before.text,
                        before.start,
                        before.end,
                        before.action,
                        target=len(steps) - 2,
                    )
                )
            cues.extend(self._cue(len(steps) - 1, event, words, offset) for event in pending)
            pending.clear()
        if not steps and statement.section is Section.DUTIES and _names_something(words):
            steps.append(_nominal_step(words, offset))
        opening = _first_content(words)
        # A cue orders duties when its event is an action ("before installing pipework"), not
        # a time ("after each visit").
        ordered = any(cue.action.verb is not None for cue in cues)
        sequenced = ordered or (opening is not None and words[opening].lower in SEQUENCE_WORDS)
        return StatementSteps(tuple(steps), tuple(cues), tuple(alternatives), None, sequenced)

    def _is_duty(self, statement: DutyStatement, framed: bool, words: list[Word]) -> bool:
        """Under a duties heading every statement is; elsewhere it must open with a verb,
        framing ("You will") or a temporal cue."""
        if statement.section is Section.DUTIES or framed:
            return True
        first = _first_content(words)
        if first is None:
            return False
        if cue_at(words, first, leading=True) is not None:
            return True
        first = _skip_adverbs(words, first, len(words))
        return first < len(words) and self._is_action(words, first, lenient=True)

    def _segments(self, words: list[Word]) -> list[_Segment]:
        """Step clauses and event clauses, in text order."""
        first = _first_content(words)
        if first is None:
            return []
        segments: list[_Segment] = []
        start = first
        cue = cue_at(words, first, leading=True)
        comma = next((i for i in range(first, len(words)) if words[i].text == ","), None)
        if cue is not None and comma is not None:  # "Once the pipework is installed, test it"
            segments.append(_Segment(first + len(cue.split()), comma, cue=cue))
            start = comma + 1
        elif words[first].lower in _LEADING_CONDITIONS and comma is not None:
            segments.append(_Segment(first, comma, condition=True))  # "If a line stops, ..."
            start = comma + 1
        current = _Segment(start, start)
        index = start
        while index < len(words):
            boundary = self._boundary(words, index, current)
            if boundary is None and words[index].text == ";":
                boundary = (index + 1, False, None, None)
            if boundary is None:
                index += 1
                continue
            current.end = index
            segments.append(current)
            next_start, then, cue, alternative = boundary
            current = _Segment(next_start, next_start, cue=cue, then=then, alternative=alternative)
            index = next_start
        current.end = len(words)
        segments.append(current)
        return [s for s in segments if _trimmed_end(words, s.start, s.end) > s.start]

    def _boundary(
        self, words: list[Word], index: int, current: _Segment
    ) -> tuple[int, bool, str | None, int | None] | None:
        """Whether a new clause starts at ``index``: (its first word, after "then", its cue,
        the "or" that makes it an alternative to the clause before)."""
        if index <= current.start:
            return None
        cue = cue_at(words, index, leading=False)
        if cue is not None:
            return index + len(cue.split()), False, cue, None
        look = index
        then = False
        alternative = None
        while look < len(words) and (words[look].lower in _COORDINATORS | {"then"}):
            then = then or words[look].lower == "then"
            if words[look].lower == "or":  # not "and/or": both may be done
                alternative = look
            look += 1
        if look == index or look >= len(words):
            return None
        if words[look].tag == "VBG" and words[current.start].tag != "VBG":
            return None  # "including washing and dressing": a list of activities, not clauses
        bare = current.cue is None and self._verb_only(words, current.start, index)
        if self._is_action(words, look, lenient=bare or then):
            return look, then, None, alternative
        return None

    def _verb_only(self, words: list[Word], start: int, end: int) -> bool:
        """Whether a clause is a verb alone ("install" in "install and commission boilers")."""
        start = _skip_adverbs(words, start, end)
        if end <= start or not self._is_action(words, start, lenient=True):
            return False
        return all(w.dep in _PARTICLES or w.pos == "ADP" for w in words[start + 1 : end])

    def _is_action(self, words: list[Word], index: int, lenient: bool) -> bool:
        """Whether ``words[index]``, at a clause start, is an action verb (base or -ing form).

        ``lenient``: the context expects a verb (a statement's start, after a bare verb or
        "then"), so a lexicon word counts whatever spaCy tagged it.
        """
        word = words[index]
        if word.lower in _AUXILIARIES or word.lemma in _AUXILIARIES:
            return False
        if word.tag == "VBG":
            return base_form(word, self.lexicon) in self.lexicon
        if word.lower in self.lexicon:
            if lenient or word.pos not in _NOT_VERBS:
                return True
            followed = index + 1 < len(words) and words[index + 1].pos not in {"PUNCT", "CCONJ"}
            return word.lower in self.lexicon.strong and followed
        return word.pos == "VERB" and word.tag in {"VB", "VBP"}

    def _verb_start(self, words: list[Word], start: int, end: int) -> int | None:
        """Index of a clause's verb: its first word, or the second in a noun-verb compound
        such as "pressure test"; None for a clause without one."""
        if self._is_action(words, start, lenient=True):
            return start
        second = start + 1
        if (
            second < end
            and words[start].pos == "NOUN"
            and words[second].tag in {"VB", "VBP"}
            and words[second].lower in self.lexicon
        ):
            return second
        return None

    def _step(
        self,
        segment: _Segment,
        body: str,
        words: list[Word],
        offset: int,
        step_segments: list[_Segment],
    ) -> Step | None:
        notes: list[Evidence] = []
        adverb = optional_adverb(words, segment.start, segment.end)
        if adverb is not None:
            notes.append(_note(OPTIONAL, body, words, adverb, offset))
        start = _skip_adverbs(words, segment.start, segment.end)
        end = _trimmed_end(words, start, segment.end)
        verb_index = self._verb_start(words, start, end) if end > start else None
        if verb_index is None:
            return None
        dropped: set[int] = set()
        tail = optional_tail(body, words, verb_index + 1, end)
        if tail is not None:  # "mentoring juniors is a plus"
            notes.append(_note(OPTIONAL, body, words, tail, offset))
            end = _trimmed_end(words, start, tail.start)
        found = condition_at(words, verb_index + 1, end)
        if found is not None:  # "if not in stock", or "if possible" (optional)
            notes.append(_note(found.kind, body, words, found, offset))
            if found.end >= end:
                end = _trimmed_end(words, start, found.start)
            else:
                dropped.update(range(found.start, found.end))
        verb = words[verb_index]
        indices = [i for i in range(verb_index + 1, end) if i not in dropped]
        source_end = words[end - 1].end
        object_range = object_phrase(words, verb_index, end)
        if self._verb_only(words, verb_index, end):
            borrowed = self._object_of_next(segment, words, step_segments)
            if borrowed is not None:
                indices += range(*borrowed)
                source_end = words[borrowed[1] - 1].end
                object_range = object_phrase(words, borrowed[0] - 1, borrowed[1])
        head = [w.lower for w in words[start:verb_index]]  # "pressure" in "pressure test"
        verb_text = base_form(verb, self.lexicon)
        text = " ".join([*head, verb_text, *join_words([words[i] for i in indices])])
        action = ActionKey(verb_text, noun_head([words[i] for i in indices]))
        pending = None
        pronoun = pronoun_object(words, verb_index, end)
        if pronoun is not None:
            before = [*head, verb_text, *join_words([words[i] for i in indices if i < pronoun])]
            position = len(" ".join(before)) + 1
            word = words[pronoun].text
            if text[position : position + len(word)] == word:
                place = (offset + words[pronoun].start, offset + words[pronoun].end)
                pending = PendingPronoun(word, position, *place)
        obj = _phrase(words, object_range) if pending is None else None
        start_at = offset + words[start].start
        return Step(text, start_at, offset + source_end, action, tuple(notes), obj, pending)

    def _object_of_next(
        self, segment: _Segment, words: list[Word], step_segments: list[_Segment]
    ) -> tuple[int, int] | None:
        """The object (word range) of the next clause with one, for a verb without one."""
        position = step_segments.index(segment)
        for following in step_segments[position + 1 :]:
            start = _skip_adverbs(words, following.start, following.end)
            end = _trimmed_end(words, start, following.end)
            condition = condition_at(words, start + 1, end)
            if condition is not None and condition.end >= end:
                end = _trimmed_end(words, start, condition.start)
            rest = start + 1
            while rest < end and words[rest].dep in _PARTICLES:
                rest += 1
            if rest < end:
                return rest, end
        return None

    def _cue(
        self,
        step: int,
        segment: _Segment,
        words: list[Word],
        offset: int,
        antecedent: ObjectPhrase | None = None,
    ) -> TemporalCue:
        end = _trimmed_end(words, segment.start, segment.end)
        event = words[segment.start : end] or words[segment.start : segment.end]
        text, action = read_event(event, self.lexicon)
        evidence: tuple[Evidence, ...] = ()
        pronoun = pronoun_object(words, segment.start, end) if antecedent is not None else None
        # "test the line before handing it back": "it" is the line.
        if antecedent is not None and pronoun is not None:
            word = words[pronoun]
            match = _PRONOUN_WORD.search(text, text.find(" ") + 1)
            if match is not None and match.group().lower() == word.lower:
                text = text[: match.start()] + antecedent.text + text[match.end() :]
                action = ActionKey(action.verb, antecedent.head)
                cue = f"{word.text} -> {antecedent.text}"
                place = {"start": offset + word.start, "end": offset + word.end}
                evidence = (Evidence(PRONOUN, cue, **place),)
        assert segment.cue is not None
        return TemporalCue(
            step=step,
            cue=segment.cue,
            relation=CUES[segment.cue],
            event=text,
            start=offset + event[0].start,
            end=offset + event[-1].end,
            action=action,
            evidence=evidence,
        )


def _phrase(words: list[Word], span: tuple[int, int] | None) -> ObjectPhrase | None:
    if span is None:
        return None
    phrase = words[span[0] : span[1]]
    return ObjectPhrase(" ".join(join_words(phrase)), noun_head(phrase))


def _note(rule: str, body: str, words: list[Word], found: Found, offset: int) -> Evidence:
    first, last = words[found.start], words[found.end - 1]
    cue = body[first.start : last.end]
    return Evidence(rule, cue, start=offset + first.start, end=offset + last.end)


def _evidence(rule: str, statement: DutyStatement, start: int, end: int) -> Evidence:
    """Evidence for words of a statement's framing (offsets in the statement)."""
    cue = statement.text[start:end].lower()
    return Evidence(rule, cue, start=statement.start + start, end=statement.start + end)


def _first_content(words: list[Word]) -> int | None:
    return next((i for i, word in enumerate(words) if word.pos != "PUNCT"), None)


def _skip_adverbs(words: list[Word], start: int, end: int) -> int:
    while start < end and (
        words[start].pos in {"ADV", "PUNCT"} or words[start].lower in {"to", "either"}
    ):
        start += 1
    return start


def _trimmed_end(words: list[Word], start: int, end: int) -> int:
    while end > start and (
        words[end - 1].lower in _TRAILING
        or (words[end - 1].pos == "PUNCT" and words[end - 1].text not in {")", "]"})
    ):
        end -= 1
    return end


def _names_something(words: list[Word]) -> bool:
    return any(
        word.pos in _CONTENT and word.text.isalpha() and word.lemma not in _AUXILIARIES
        for word in words
    )


def _nominal_step(words: list[Word], offset: int) -> Step:
    """A duty phrased without a verb ("Stock rotation"), kept whole."""
    start = _first_content(words) or 0
    end = max(_trimmed_end(words, start, len(words)), start + 1)
    body = words[start:end]
    text = " ".join(join_words(body))
    if body[0].pos != "PROPN" and not body[0].text.isupper():
        text = text[:1].lower() + text[1:]
    return Step(text, offset + body[0].start, offset + body[-1].end, action_key(body))
