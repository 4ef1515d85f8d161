"""Duty statements into steps: one action and its object each, with temporal cues.

"Install and commission boilers, then hand over to the customer" becomes three steps, "install
boilers", "commission boilers" and "hand over to the customer": clauses split where a
coordinator ("and", "or", a comma, "then", a semicolon) is followed by an action verb, and a bare
verb borrows the object of the verb after it. A step's text starts with its verb in base form.
Temporal cues (:mod:`skillgraph.procedure.cues`) split a statement too: "prepare the site
before installing pipework" is one step and a cue relating it to the event "install pipework".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from skillgraph.procedure.action_verbs import ActionLexicon
from skillgraph.procedure.cues import CUES, CueRelation, TemporalCue, cue_at, read_event
from skillgraph.procedure.duties import DutyStatement, Section
from skillgraph.procedure.syntax import (
    ActionKey,
    Word,
    action_key,
    base_form,
    join_words,
    noun_head,
    parse_imperatives,
)

# Framing that introduces a duty without being part of it ("You will be responsible for ...").
_FRAMING = re.compile(
    r"""(?:
        (?:you(?:['\u2019]ll|\s+will|\s+shall|\s+are\s+going\s+to|\s+would)
          |we(?:['\u2019]ll|\s+will)?\s+need\s+you\s+to
          |the\s+(?:successful\s+)?(?:candidate|post[\s-]?holder|role[\s-]?holder|jobholder)\s+will)
        \s+(?:also\s+)?(?:be\s+)?
      | (?:be\s+|being\s+)?(?:responsible|accountable)\s+for\s+
      | (?:in\s+charge\s+of|tasked\s+with|involved\s+in|expected\s+to|required\s+to)\s+
      | your\s+(?:main\s+|key\s+)?(?:role|job|duties|responsibilities|tasks)
        \s+(?:will\s+)?(?:includes?|involves?|is|are|be)\s*:?\s+
      | this\s+(?:role|job|position)\s+(?:will\s+)?(?:involves?|includes?)\s+
      | (?:duties|responsibilities|tasks)\s+(?:will\s+)?include\s*:?\s+
      | to\s+|also\s+|then\s+
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# "As a planner you will ...", "In this role, you'll ...": framing after an opening phrase.
_INNER_FRAMING = re.compile(
    r"(?:as|in|within|on|day\s+to\s+day)\b[^.;:]{0,60}?\b(you(?:['\u2019]ll|\s+will)\s)",
    re.IGNORECASE,
)

_COORDINATORS = {"and", "or", "&", ",", "and/or", "/"}
_PARTICLES = {"prt", "compound:prt"}
_TRAILING = {",", ".", ";", ":", "and", "or", "&", "-", "\u2013", "\u2014", "etc", "!", "?"}
_NOT_VERBS = {"NOUN", "PROPN", "ADJ", "ADP", "DET", "NUM"}
_AUXILIARIES = {"be", "have", "will", "shall", "can", "may", "must", "should", "would"}
_CONTENT = {"NOUN", "PROPN", "VERB"}  # a duty without a verb still names something


@dataclass(frozen=True, slots=True)
class Step:
    """One action and its object, normalised, with the span of the ad it comes from."""

    text: str  # "install heating systems"
    start: int  # the ad's text[start:end] is where the step comes from
    end: int
    action: ActionKey


@dataclass(frozen=True, slots=True)
class StatementSteps:
    steps: tuple[Step, ...]
    cues: tuple[TemporalCue, ...]


@dataclass
class _Segment:
    start: int  # word indices, end exclusive
    end: int
    cue: str | None = None  # set for an event: the cue that introduced it
    then: bool = False  # the step follows the one before it ("..., then ...")


class StepSplitter:
    """Splits duty statements into steps, using a lexicon of action verbs."""

    def __init__(self, lexicon: ActionLexicon) -> None:
        self.lexicon = lexicon

    def split(self, statements: Sequence[DutyStatement]) -> list[StatementSteps]:
        """Steps of each statement, in order; the spaCy work is batched across statements."""
        skips = [_framing_length(s.text) for s in statements]
        bodies = [s.text[skip:] for s, skip in zip(statements, skips, strict=True)]
        found = []
        for statement, skip, words in zip(
            statements, skips, parse_imperatives(bodies), strict=True
        ):
            found.append(self._statement(statement, skip > 0, words, statement.start + skip))
        return found

    def _statement(
        self, statement: DutyStatement, framed: bool, words: list[Word], offset: int
    ) -> StatementSteps:
        if not self._is_duty(statement, framed, words):
            return StatementSteps((), ())
        segments = self._segments(words)
        step_segments = [s for s in segments if s.cue is None]
        steps: list[Step] = []
        cues: list[TemporalCue] = []
        pending: list[_Segment] = []  # "Once X is done, do Y": the event comes before its step
        for segment in segments:
            if segment.cue is not None:
                if steps:  # "do Y before X": the cue belongs to the step before it
                    cues.append(self._cue(len(steps) - 1, segment, words, offset))
                else:
                    pending.append(segment)
                continue
            step = self._step(segment, words, offset, step_segments)
            if step is None:
                continue
            steps.append(step)
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
        return StatementSteps(tuple(steps), tuple(cues))

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
        if cue is not None:  # "Once the pipework is installed, test it"
            comma = next((i for i in range(first, len(words)) if words[i].text == ","), None)
            if comma is not None:
                segments.append(_Segment(first + len(cue.split()), comma, cue=cue))
                start = comma + 1
        current = _Segment(start, start)
        index = start
        while index < len(words):
            boundary = self._boundary(words, index, current)
            if boundary is None and words[index].text == ";":
                boundary = (index + 1, False, None)
            if boundary is None:
                index += 1
                continue
            current.end = index
            segments.append(current)
            next_start, then, cue = boundary
            current = _Segment(next_start, next_start, cue=cue, then=then)
            index = next_start
        current.end = len(words)
        segments.append(current)
        return [s for s in segments if _trimmed_end(words, s.start, s.end) > s.start]

    def _boundary(
        self, words: list[Word], index: int, current: _Segment
    ) -> tuple[int, bool, str | None] | None:
        """Whether a new clause starts at ``index``: (its first word, after "then", its cue)."""
        if index <= current.start:
            return None
        cue = cue_at(words, index, leading=False)
        if cue is not None:
            return index + len(cue.split()), False, cue
        look = index
        then = False
        while look < len(words) and (words[look].lower in _COORDINATORS | {"then"}):
            then = then or words[look].lower == "then"
            look += 1
        if look == index or look >= len(words):
            return None
        if words[look].tag == "VBG" and words[current.start].tag != "VBG":
            return None  # "including washing and dressing": a list of activities, not clauses
        bare = current.cue is None and self._verb_only(words, current.start, index)
        if self._is_action(words, look, lenient=bare or then):
            return look, then, None
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
        self, segment: _Segment, words: list[Word], offset: int, step_segments: list[_Segment]
    ) -> Step | None:
        start = _skip_adverbs(words, segment.start, segment.end)
        end = _trimmed_end(words, start, segment.end)
        verb_index = self._verb_start(words, start, end) if end > start else None
        if verb_index is None:
            return None
        verb = words[verb_index]
        body = words[verb_index + 1 : end]
        source_end = words[end - 1].end
        if self._verb_only(words, verb_index, end):
            borrowed = self._object_of_next(segment, words, step_segments)
            if borrowed:
                body = [*body, *borrowed]
                source_end = borrowed[-1].end
        head = [w.lower for w in words[start:verb_index]]  # "pressure" in "pressure test"
        text = " ".join([*head, base_form(verb, self.lexicon), *join_words(body)])
        action = ActionKey(base_form(verb, self.lexicon), noun_head(body))
        return Step(text, offset + words[start].start, offset + source_end, action)

    def _object_of_next(
        self, segment: _Segment, words: list[Word], step_segments: list[_Segment]
    ) -> list[Word]:
        """The object of the next clause with one, for a verb that has none of its own."""
        position = step_segments.index(segment)
        for following in step_segments[position + 1 :]:
            start = _skip_adverbs(words, following.start, following.end)
            end = _trimmed_end(words, start, following.end)
            rest = start + 1
            while rest < end and words[rest].dep in _PARTICLES:
                rest += 1
            if rest < end:
                return words[rest:end]
        return []

    def _cue(self, step: int, segment: _Segment, words: list[Word], offset: int) -> TemporalCue:
        end = _trimmed_end(words, segment.start, segment.end)
        event = words[segment.start : end] or words[segment.start : segment.end]
        text, action = read_event(event, self.lexicon)
        assert segment.cue is not None
        return TemporalCue(
            step=step,
            cue=segment.cue,
            relation=CUES[segment.cue],
            event=text,
            start=offset + event[0].start,
            end=offset + event[-1].end,
            action=action,
        )


def _framing_length(text: str) -> int:
    """How many leading characters of a statement are framing rather than the duty."""
    position = len(text) - len(text.lstrip())
    if not _FRAMING.match(text, position):
        inner = _INNER_FRAMING.match(text, position)
        if inner is None:
            return 0
        position = inner.start(1)
    while (match := _FRAMING.match(text, position)) and match.end() > position:
        position = match.end()
    return position


def _first_content(words: list[Word]) -> int | None:
    return next((i for i, word in enumerate(words) if word.pos != "PUNCT"), None)


def _skip_adverbs(words: list[Word], start: int, end: int) -> int:
    while start < end and (words[start].pos in {"ADV", "PUNCT"} or words[start].lower == "to"):
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
