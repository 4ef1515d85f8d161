"""The duty statements of a job ad: the bullets and sentences of its responsibilities part.

Ads put duties under a heading ("What you'll do", "Duties", "Key responsibilities") and end that
part at the next heading ("Requirements", "About you", "Benefits"). Where an ad has a duties
heading, only its statements count. Where it has none, statements outside the clearly non-duty
parts are candidates, and :mod:`skillgraph.procedure.steps` keeps those that read as duties.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from skillgraph.segmentation import Segmenter, Sentence

_APOSTROPHE = r"['\u2019]"
_DUTY_HEADING = re.compile(
    rf"""(?:
        what\s+you(?:{_APOSTROPHE}ll|\s+will)\s+(?:do|be\s+doing)
      | (?:key|main|core|daily|your|the|job|role)?\s*
        (?:duties|responsibilities|tasks|accountabilities)
        (?:\s+(?:and|&)\s+(?:duties|responsibilities|tasks))?
        (?:\s+(?:include|will\s+include|are))?
      | day[\s-]to[\s-]day(?:\s+(?:duties|tasks|work))?
      | (?:a|your)\s+(?:typical\s+)?day(?:\s+in\s+the\s+(?:life|role))?
      | what\s+the\s+(?:job|role)\s+involves
      | in\s+this\s+role,?\s+you\s+will
      | the\s+role\s+involves
    )\b""",
    re.VERBOSE | re.IGNORECASE,
)
# Headings of prose about the role: duties may be mixed with other things.
_ROLE_HEADING = re.compile(
    r"(?:about\s+the\s+(?:role|job|position)|the\s+(?:role|job|position)|job\s+description"
    r"|role\s+(?:overview|description|summary)|overview)\b",
    re.IGNORECASE,
)
_OTHER_HEADING = re.compile(
    rf"""(?:requirements|what\s+we{_APOSTROPHE}?(?:re|\s+are)\s+looking\s+for
      | about\s+(?:you|us|the\s+(?:company|team))|who\s+(?:you\s+are|we\s+are)
      | you(?:{_APOSTROPHE}ll|\s+will)\s+(?:need|have|bring)|you\s+(?:have|bring|are|need)
      | what\s+(?:we|you)(?:{_APOSTROPHE}ll|\s+will)?\s+(?:need|bring|get)(?:\s+from\s+you)?
      | your\s+(?:skills|experience|profile|background)
      | (?:essential|desirable|required|preferred)\b|nice\s+to\s+have|must\s+haves?
      | qualifications|skills|experience|knowledge|competencies|person\s+specification
      | benefits|what\s+we\s+offer|(?:the\s+)?perks|salary|pay\b|rewards?|package
      | how\s+to\s+apply|why\s+(?:join|work)|hours|location|working\s+pattern|contract
      | (?:the\s+)?company|equal\s+opportunit)""",
    re.VERBOSE | re.IGNORECASE,
)
_JOINED_WORD = re.compile(r"(?:and|&|/)\s*[\w'\u2019-]+", re.IGNORECASE)
_TITLE_SMALL_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"}
_HEADING_DECORATION = " \t#*_=>-:|•"
_MAX_HEADING_WORDS = 8
_INLINE_BULLETS = "\u2022\u00b7\u25aa\u25e6\u25cf\u25a0\u25ba\u25b8\u2713\u2714\u27a2\u27a4"
# A list item's marker at the start of its line: bullets, dashes, "1.", "2)", "(a)".
_BULLET = re.compile(rf"[ \t]*[-*+>o\u2013\u2014{_INLINE_BULLETS}](?=\s)")
_NUMBER = re.compile(r"[ \t]*\(?(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)](?=\s)")


class Section(enum.Enum):
    DUTIES = "duties"  # under a duties heading: every statement counts
    ROLE = "role"  # under a heading about the role: statements that read as duties count
    UNLABELLED = "unlabelled"  # before any heading
    OTHER = "other"  # requirements, benefits, about us: never duties


@dataclass(frozen=True, slots=True)
class DutyStatement:
    """A candidate duty sentence or bullet, with offsets into the ad's text."""

    text: str
    start: int
    end: int
    section: Section
    # For a list item: where its item starts (the marker's line or inline bullet; statements of
    # one item share it) and whether the list is numbered. None for prose.
    item: int | None = None
    numbered: bool = False


def duty_statements(text: str, segmenter: Segmenter) -> list[DutyStatement]:
    """The statements that may hold duties, in text order (see the module docstring)."""
    return _select(_sectioned(text, segmenter.split(text)))


def _sectioned(text: str, sentences: Sequence[Sentence]) -> list[DutyStatement]:
    section = Section.UNLABELLED
    found: list[DutyStatement] = []
    for sentence in sentences:
        heading = _heading(text, sentence)
        if heading is None:
            item, numbered = _list_item(text, sentence.start)
            found.append(
                DutyStatement(sentence.text, sentence.start, sentence.end, section, item, numbered)
            )
            continue
        section, body_start = heading
        if body_start < sentence.end:  # "Duties: install boilers, ..." on one line
            found.append(
                DutyStatement(text[body_start : sentence.end], body_start, sentence.end, section)
            )
    return found


def _list_item(text: str, start: int) -> tuple[int | None, bool]:
    """Where the list item holding ``start`` begins, and whether it is numbered."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[:start].rstrip()
    if before and before[-1] in _INLINE_BULLETS and before.rfind("\n") < len(before) - 1:
        bullet = len(before) - 1
        if text.find("\n", line_start, bullet) < 0 and text[line_start:bullet].strip():
            return bullet, False  # "Duties: • install boilers • service them"
    if _NUMBER.match(text, line_start):
        return line_start, True
    if _BULLET.match(text, line_start):
        return line_start, False
    return None, False


def _select(statements: list[DutyStatement]) -> list[DutyStatement]:
    if any(s.section is Section.DUTIES for s in statements):
        return [s for s in statements if s.section is Section.DUTIES]
    return [s for s in statements if s.section is not Section.OTHER and not _is_title(s.text)]


def _heading(text: str, sentence: Sentence) -> tuple[Section, int] | None:
    """The section a heading opens and where its inline body starts; None if not a heading."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    before = text[line_start : sentence.start].strip(_HEADING_DECORATION)
    if before:  # a heading starts its line
        return None
    core = sentence.text.strip(_HEADING_DECORATION)
    colon = sentence.text.find(":")
    label = core
    body_start = sentence.end
    if colon >= 0:
        label = sentence.text[:colon].strip(_HEADING_DECORATION)
        body_start = sentence.start + colon + 1
        while body_start < sentence.end and text[body_start].isspace():
            body_start += 1
    if not label or len(label.split()) > _MAX_HEADING_WORDS:
        return None
    for pattern, section in (
        (_DUTY_HEADING, Section.DUTIES),
        (_OTHER_HEADING, Section.OTHER),
        (_ROLE_HEADING, Section.ROLE),
    ):
        match = pattern.match(label)
        if match and _covers(label, match, strict=colon < 0 and section is Section.OTHER):
            return section, body_start
    if colon >= 0 and body_start >= sentence.end:
        return Section.OTHER, body_start  # an unknown "Heading:" line ends the duties part
    return None


def _covers(label: str, match: re.Match[str], strict: bool) -> bool:
    """A heading is (nearly) all pattern: "Duties", "Your key duties", not a duty sentence.

    Without a colon, words such as "pay" or "experience" also start ordinary sentences, so a
    non-duty heading must then be the pattern alone, or joined to one more word
    ("Skills and experience").
    """
    rest = label[match.end() :].strip(" .!?-\u2013\u2014")
    if strict:
        return not rest or _JOINED_WORD.fullmatch(rest) is not None
    return len(rest.split()) <= 3 and not label.endswith(".")


def _is_title(text: str) -> bool:
    """A title line ("Support Worker - Learning Disabilities"), not a duty."""
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", text)
    if len(words) < 2 or text.rstrip()[-1:] in ".!?":
        return False
    return all(w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)
