"""Which graph an ad goes to: its ESCO occupation, given or matched from its title.

Ads are grouped by a value each one carries. When the value names an ESCO occupation — its URI
(or bare uuid), or a label that belongs to that occupation alone (a preferred label first) —
the group is the occupation: its URI keys the graph and its preferred label names it, so "plumber"
and the plumber's URI make one graph. Any other value is a group of its own. A job title is
matched to its best ESCO occupation by the occupation matcher instead; a title that matches none
puts its ad in no group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ontology import EscoTaxonomy
from ontology.errors import UnknownConceptError
from ontology.labels import normalize_label
from skillgraph.occupations import OccupationMatcher


@dataclass(frozen=True, slots=True)
class GroupKey:
    key: str  # the graph's key: an ESCO occupation URI, or the value as given
    label: str | None = None  # the occupation's preferred label, when the key is one


def group_of(value: str, taxonomy: EscoTaxonomy) -> GroupKey:
    """The group a value names: an ESCO occupation when it is one, else the value itself."""
    value = value.strip()
    try:
        occupation = taxonomy.occupation(value)
    except UnknownConceptError:
        found = taxonomy.find_occupations_by_label(value)
        wanted = normalize_label(value)
        preferred = [o for o in found if normalize_label(o.preferred_label) == wanted]
        named = preferred if preferred else found
        if len(named) != 1:
            return GroupKey(value)
        occupation = named[0]
    return GroupKey(occupation.uri, occupation.preferred_label)


def groups_of_titles(titles: Sequence[str], matcher: OccupationMatcher) -> list[GroupKey | None]:
    """The best-matching ESCO occupation of each title, or None where none fits."""
    found = matcher.match_many(titles, top_k=1)
    return [GroupKey(m[0].uri, m[0].label) if m else None for m in found]
