"""How much of a skill's labels a text spells out: the share of each label's content words found
in the text, over the labels the index holds for the skill.

The encoder compares meanings; a label whose words the text contains is evidence of another
kind, and both the ranking modes' re-ranker (:mod:`skillgraph.reranking`) and the extraction
mode's calibration (:mod:`skillgraph.calibration`) weigh it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from skillgraph.index import IndexRows, TextKind

_WORD = re.compile(r"[a-z0-9+#]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "with",
        "you",
        "your",
        "we",
        "will",
        "skills",
        "skill",
        "knowledge",
        "ability",
        "able",
        "experience",
        "work",
        "working",
    ]
)


@functools.lru_cache(maxsize=4_096)  # a query's words serve each of its candidates in turn
def content_words(text: str) -> frozenset[str]:
    """A query's (a span's, a sentence's) words less stop words; the cache is kept small
    since queries are users' text."""
    return _words(text)


@functools.lru_cache(maxsize=65_536)  # ESCO's labels: a fixed set, matched again and again
def _label_words(label: str) -> frozenset[str]:
    return _words(label)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def label_share(words: frozenset[str], label: str) -> float:
    """The share of ``label``'s content words among ``words`` (a query's :func:`content_words`)."""
    wanted = _label_words(label)
    return len(words & wanted) / len(wanted) if wanted else 0.0


@dataclass(frozen=True, slots=True)
class Overlap:
    best: float  # the largest share of one label's content words found in the text
    preferred: float  # the same for the preferred label (0 where ESCO gives none)
    labels: int  # the skill's labels in the index


class LabelOverlap:
    """Reads the skills' labels from the index rows (label rows come in ascending skill order,
    each skill's preferred label first, as ``IndexRows.from_taxonomy`` writes them)."""

    def __init__(self, rows: IndexRows) -> None:
        labels = rows.skill[: rows.label_rows]
        self._first = np.searchsorted(labels, np.arange(len(rows.skill_uris)), side="left")
        self._count = np.bincount(labels, minlength=len(rows.skill_uris))
        self._position = {uri: i for i, uri in enumerate(rows.skill_uris)}
        self._texts = rows.texts
        self._kinds = rows.kind

    def __call__(self, words: frozenset[str], skill_uri: str) -> Overlap:
        """``words``: the text's :func:`content_words`."""
        skill = self._position[skill_uri]
        first, count = int(self._first[skill]), int(self._count[skill])
        shares = [label_share(words, self._texts[row]) for row in range(first, first + count)]
        preferred = shares[0] if count and self._kinds[first] == TextKind.PREFERRED else 0.0
        return Overlap(max(shares, default=0.0), preferred, count)


__all__ = ["LabelOverlap", "Overlap", "content_words", "label_share"]
