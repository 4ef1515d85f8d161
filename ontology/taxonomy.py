"""``EscoTaxonomy``: one ESCO release in memory, with lookups, label search and hierarchy."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

from ontology.errors import UnknownConceptError
from ontology.labels import LabelHit, LabelIndex, normalize_label
from ontology.records import Concept, EscoRelease, IscoGroup, Occupation, Skill, SkillGroup

__all__ = ["OCCUPATION_NAMESPACE", "SKILL_NAMESPACE", "EscoTaxonomy", "normalize_label"]

SKILL_NAMESPACE = "http://data.europa.eu/esco/skill/"  # skills and most skill groups
OCCUPATION_NAMESPACE = "http://data.europa.eu/esco/occupation/"

_R = TypeVar("_R", Skill, Occupation, SkillGroup, IscoGroup)


class EscoTaxonomy:
    """An immutable ESCO release: records by URI, label lookup/search and hierarchy helpers.

    Construction only indexes records by URI; label indexes and sibling tables are built on
    first use, so that reading a snapshot stays fast.
    """

    def __init__(
        self,
        release: EscoRelease,
        skills: Iterable[Skill],
        occupations: Iterable[Occupation],
        skill_groups: Iterable[SkillGroup] = (),
        isco_groups: Iterable[IscoGroup] = (),
        *,
        group_levels: Mapping[str, int] | None = None,
    ) -> None:
        """Index the records (their order is kept).

        ``group_levels`` maps skill-group URIs to their level (0-3) in the ESCO skills hierarchy,
        as published in ``skillsHierarchy``; groups it does not cover get their depth along the
        ``broader`` chain of skill groups, which agrees with the published levels in v1.2.0.
        """
        self._release = release
        self._skills = _by_uri(skills, "skill")
        self._occupations = _by_uri(occupations, "occupation")
        self._skill_groups = _by_uri(skill_groups, "skill group")
        self._isco_groups = _by_uri(isco_groups, "ISCO group")
        levels = _levels_from_broader(self._skill_groups)
        levels.update((uri, lvl) for uri, lvl in (group_levels or {}).items() if uri in levels)
        self._group_levels = levels
        self._skill_labels = LabelIndex(tuple(self._skills.values()))
        self._occupation_labels = LabelIndex(tuple(self._occupations.values()))
        self._members_by_level: dict[int, dict[str, tuple[str, ...]]] = {}

    def __repr__(self) -> str:
        return (
            f"<EscoTaxonomy {self._release.name}: {len(self._skills)} skills, "
            f"{len(self._occupations)} occupations>"
        )

    # -- records ---------------------------------------------------------------------------

    @property
    def release(self) -> EscoRelease:
        return self._release

    @property
    def skills(self) -> Mapping[str, Skill]:
        """Skills by URI, in load order."""
        return MappingProxyType(self._skills)

    @property
    def occupations(self) -> Mapping[str, Occupation]:
        return MappingProxyType(self._occupations)

    @property
    def skill_groups(self) -> Mapping[str, SkillGroup]:
        return MappingProxyType(self._skill_groups)

    @property
    def isco_groups(self) -> Mapping[str, IscoGroup]:
        return MappingProxyType(self._isco_groups)

    @property
    def group_levels(self) -> Mapping[str, int]:
        """Level of each skill group, from 0 (pillar tops: "skills", "knowledge") to 3."""
        return MappingProxyType(self._group_levels)

    def skill(self, uri_or_uuid: str) -> Skill:
        """The skill with this URI, or with this bare uuid in the ESCO skill namespace."""
        return self._lookup(self._skills, uri_or_uuid, SKILL_NAMESPACE, "skill")

    def occupation(self, uri_or_uuid: str) -> Occupation:
        """The occupation with this URI, or with this bare uuid in the ESCO occupation namespace."""
        return self._lookup(self._occupations, uri_or_uuid, OCCUPATION_NAMESPACE, "occupation")

    def skill_group(self, uri_or_uuid: str) -> SkillGroup:
        """The skill group with this URI (ISCED-F groups too), or with this bare uuid."""
        return self._lookup(self._skill_groups, uri_or_uuid, SKILL_NAMESPACE, "skill group")

    def concept(self, uri: str) -> Concept:
        """The skill, occupation, skill group or ISCO group with exactly this URI."""
        found = self._get(uri)
        if found is None:
            raise UnknownConceptError(uri, "concept", self._release.name)
        return found

    def stats(self) -> dict[str, int]:
        """Record and relation counts, e.g. for logs and health endpoints."""
        skills, occupations = self._skills.values(), self._occupations.values()
        concepts: list[Iterable[Concept]] = [
            skills,
            occupations,
            self._skill_groups.values(),
            self._isco_groups.values(),
        ]
        return {
            "skills": len(self._skills),
            "skill_alt_labels": sum(len(s.alt_labels) for s in skills),
            "occupations": len(self._occupations),
            "occupation_alt_labels": sum(len(o.alt_labels) for o in occupations),
            "skill_groups": len(self._skill_groups),
            "isco_groups": len(self._isco_groups),
            "occupation_skill_relations": sum(
                len(o.essential_skills) + len(o.optional_skills) for o in occupations
            ),
            "skill_skill_relations": sum(
                len(s.essential_skills) + len(s.optional_skills) for s in skills
            ),
            "broader_relations": sum(len(c.broader) for group in concepts for c in group),
        }

    # -- labels ----------------------------------------------------------------------------

    def find_skills_by_label(self, label: str) -> list[Skill]:
        """Skills having ``label`` as preferred or alternative label, compared after
        :func:`normalize_label`. Preferred-label matches come first, then alt-label matches."""
        return self._skill_labels.find(label)

    def find_occupations_by_label(self, label: str) -> list[Occupation]:
        """Occupations having ``label`` as a label; same rules as :meth:`find_skills_by_label`."""
        return self._occupation_labels.find(label)

    def search_skills(self, query: str, limit: int = 10) -> list[LabelHit[Skill]]:
        """Rank skills by lexical match of ``query`` against their preferred and alt labels.

        Tiers, best first: exact normalised match (score 1.0); label begins with the query's
        words; label holds every query word (IDF-weighted coverage, so shorter labels first);
        some query words match whole words or word prefixes. Each skill appears once, with its
        best label; equal scores go to preferred labels, then to shorter labels. Raises
        ``ValueError`` for an empty query.
        """
        return self._skill_labels.search(query, limit)

    def search_occupations(self, query: str, limit: int = 10) -> list[LabelHit[Occupation]]:
        """Rank occupations by label; same rules as :meth:`search_skills`."""
        return self._occupation_labels.search(query, limit)

    # -- hierarchy -------------------------------------------------------------------------

    def ancestors(self, uri: str) -> list[str]:
        """URIs of everything broader than ``uri``, transitively, nearest first (BFS).

        Follows ``broader`` across kinds (skill -> skill or group, occupation -> occupation or
        ISCO group). Each URI appears once, so cycles end the walk; broader URIs that are not in
        the taxonomy are listed but cannot be expanded.
        """
        start = self.concept(uri)
        seen = {start.uri}
        found: list[str] = []
        queue = deque(start.broader)
        while queue:
            current = queue.popleft()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            concept = self._get(current)
            if concept is not None:
                queue.extend(concept.broader)
        return found

    def skill_group_at_level(self, uri: str, level: int) -> str | None:
        """The skill group at ``level`` of the skills hierarchy above ``uri`` (nearest first).

        ``uri`` may be a skill or a skill group; a group at that level is its own answer.
        Skills with several parents get the group reached first breadth-first, i.e. through
        their first-listed broader concepts. None when no ancestor sits at that level.
        """
        if level < 0:
            raise ValueError(f"hierarchy levels start at 0, got {level}")
        if self._group_levels.get(uri) == level:
            return uri
        for ancestor in self.ancestors(uri):
            if self._group_levels.get(ancestor) == level:
                return ancestor
        return None

    def siblings(self, skill_uri: str, level: int = 3) -> list[str]:
        """Other skills whose :meth:`skill_group_at_level` at ``level`` is this skill's group.

        Accepts a URI or bare uuid. Empty when the skill has no group at that level.
        """
        skill = self.skill(skill_uri)
        group = self.skill_group_at_level(skill.uri, level)
        if group is None:
            return []
        members = self._members_at_level(level).get(group, ())
        return [uri for uri in members if uri != skill.uri]

    # -- internals -------------------------------------------------------------------------

    def _members_at_level(self, level: int) -> dict[str, tuple[str, ...]]:
        # One pass over all skills per level, on first use; later calls are lookups.
        members = self._members_by_level.get(level)
        if members is None:
            grouped: dict[str, list[str]] = {}
            for uri in self._skills:
                group = self.skill_group_at_level(uri, level)
                if group is not None:
                    grouped.setdefault(group, []).append(uri)
            members = {group: tuple(uris) for group, uris in grouped.items()}
            self._members_by_level[level] = members
        return members

    def _get(self, uri: str) -> Concept | None:
        return (
            self._skills.get(uri)
            or self._occupations.get(uri)
            or self._skill_groups.get(uri)
            or self._isco_groups.get(uri)
        )

    def _lookup(self, table: Mapping[str, _R], key: str, namespace: str, kind: str) -> _R:
        record = table.get(key)
        if record is None and "/" not in key:
            record = table.get(namespace + key)
        if record is None:
            raise UnknownConceptError(key, kind, self._release.name)
        return record


def _by_uri(records: Iterable[_R], kind: str) -> dict[str, _R]:
    table: dict[str, _R] = {}
    for record in records:
        if record.uri in table:
            raise ValueError(f"duplicate {kind} URI: {record.uri}")
        table[record.uri] = record
    return table


def _levels_from_broader(groups: Mapping[str, SkillGroup]) -> dict[str, int]:
    """Depth of each group along its first broader skill group (top groups are level 0)."""
    levels: dict[str, int] = {}
    for uri in groups:
        chain: list[str] = []
        current: str | None = uri
        # Walk up until a group with a known level, the top, or a cycle.
        while current is not None and current not in levels and current not in chain:
            chain.append(current)
            parents = [p for p in groups[current].broader if p in groups]
            current = parents[0] if parents else None
        base = levels[current] + 1 if current is not None and current in levels else 0
        for depth, member in enumerate(reversed(chain)):
            levels[member] = base + depth
    return levels
