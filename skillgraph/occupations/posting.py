"""A posting's occupations: its title's matches (the ad's skills voting) and its skills set
against the occupation given for it, else the best match. One piece of code for every route
that answers both: ``POST /v1/extract`` with a title, ``POST /v1/occupations/match``,
``skillgraph occupations --text-column`` and ``skillgraph extract --title-column``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from skillgraph.occupations.context import OccupationContext, occupation_context
from skillgraph.occupations.matcher import OccupationMatch, OccupationMatcher

__all__ = ["MAX_TITLE_CHARS", "PostingOccupations", "posting_occupations"]

MAX_TITLE_CHARS = 1000  # a longer "title" is an ad pasted in the wrong field


@dataclass(frozen=True, slots=True)
class PostingOccupations:
    matches: tuple[OccupationMatch, ...]  # the title's, best first; empty: none confident
    context: OccupationContext | None  # None: no occupation given and none matched

    @property
    def occupation(self) -> str | None:
        """The posting's occupation (URI): the one given, else the best match."""
        return self.context.occupation if self.context is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "occupations": [m.to_dict() for m in self.matches],
            "context": self.context.to_dict() if self.context is not None else None,
        }


def posting_occupations(
    matcher: OccupationMatcher,
    titles: Sequence[str],
    skills: Sequence[Sequence[str]],
    given: Sequence[str | None] | None = None,
    top_k: int | None = None,
) -> list[PostingOccupations]:
    """Per posting: its ``title``'s occupations (an empty title matches none), its ``skills``
    (URIs) voting, and those skills against its ``given`` occupation (URI or uuid), else the
    best match. Raises :class:`~ontology.UnknownConceptError` for a given occupation ESCO does
    not have: check each one first where one bad posting must not cost the others."""
    given = given or [None] * len(titles)
    if not len(titles) == len(skills) == len(given):
        raise ValueError(f"{len(titles)} titles, {len(skills)} skill sets, {len(given)} given")
    found = matcher.match_many(titles, skills, top_k)
    answers = []
    for matches, uris, occupation in zip(found, skills, given, strict=True):
        target = occupation or (matches[0].uri if matches else None)
        context = occupation_context(matcher.taxonomy, target, uris) if target else None
        answers.append(PostingOccupations(tuple(matches), context))
    return answers
