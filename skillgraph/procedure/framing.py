"""The words that introduce a duty without being part of it: "You will be responsible for ...",
"Then", "Ideally,", "You may also be asked to ...".

Framing is dropped from the step; what it says about the step is kept: a leading "Then" orders
the statement after the one before it, "you may" and "ideally" make its steps optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skillgraph.procedure.structure_cues import LEADING_ORDER

_FRAMING = re.compile(
    r"""(?:
        (?:you(?:['\u2019]ll|\s+will|\s+shall|\s+are\s+going\s+to|\s+would|\s+may|\s+might
               |\s+could)
          |we(?:['\u2019]ll|\s+will)?\s+need\s+you\s+to
          |the\s+(?:successful\s+)?(?:candidate|post[\s-]?holder|role[\s-]?holder|jobholder)\s+will)
        \s+(?:also\s+)?(?:be\s+)?
      | (?:be\s+|being\s+)?(?:responsible|accountable)\s+for\s+
      | (?:in\s+charge\s+of|tasked\s+with|involved\s+in|expected\s+to|required\s+to|asked\s+to
          |invited\s+to)\s+
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
_MODAL = re.compile(r"\b(?:may|might|could)\b", re.IGNORECASE)
# "Ideally, you will also ...", "Where possible, ...": optional before anything else.
_LEADING_OPTIONAL = re.compile(
    r"(ideally|optionally|preferably|(?:if|where|when)\s+possible)\b[\s,]*", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Framing:
    length: int  # leading characters of the statement that are not the duty
    framed: bool  # "You will ...": a duty even outside a duties section
    order: tuple[int, int] | None = None  # a leading "Then", "Next," (offsets in the statement)
    optional: tuple[int, int] | None = None  # "you may", "ideally"


def read_framing(text: str) -> Framing:
    """What leads a statement before its duty (see the module docstring)."""
    position = len(text) - len(text.lstrip())
    order = optional = None
    if match := LEADING_ORDER.match(text, position):
        order = match.span(1)
        position = match.end()
    if match := _LEADING_OPTIONAL.match(text, position):
        optional = match.span(1)
        position = match.end()
    start = position
    if not _FRAMING.match(text, position):
        inner = _INNER_FRAMING.match(text, position)
        if inner is None:
            return Framing(position, False, order, optional)
        position = inner.start(1)
    while (match := _FRAMING.match(text, position)) and match.end() > position:
        modal = _MODAL.search(match.group())
        if optional is None and modal is not None:
            optional = (match.start() + modal.start(), match.start() + modal.end())
        position = match.end()
    return Framing(position, position > start, order, optional)
