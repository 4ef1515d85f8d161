"""Links and e-mail addresses blanked out of a sentence before the reader tokenizes it.

The span models never saw a link: the span sets' 23,166 sentences hold one. Put in front of
every dev sentence, a link or an address cost the shipped head up to 56 points of strict
span-F1 (docs/benchmarks.md, "Span tagging on noisy sentences"): a few dozen odd sub-words
drown the sentence's context. Spaces in their place keep every character offset, so spans and
their text still come from the sentence as written; a link is never a skill.
"""

from __future__ import annotations

import re

__all__ = ["blank_links"]

# A scheme or "www." up to the next space; an address with a dotted domain.
_LINKS = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


def blank_links(text: str) -> str:
    """``text`` with each link and e-mail address replaced by as many spaces; ``text`` itself
    where nothing else would be left to read."""
    blanked = _LINKS.sub(lambda match: " " * len(match.group()), text)
    return blanked if blanked.strip() else text
