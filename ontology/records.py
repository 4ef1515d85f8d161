"""Typed ESCO records. URIs are kept exactly as ESCO publishes them; empty strings mean unknown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EscoRelease:
    version: str  # e.g. "v1.2.0"
    language: str  # ISO 639-1, e.g. "en"

    @property
    def name(self) -> str:
        """Snapshot name, e.g. ``esco-v1.2.0-en``."""
        return f"esco-{self.version}-{self.language}"


@dataclass(frozen=True, slots=True)
class Skill:
    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    skill_type: str = ""  # "skill/competence", "knowledge" or "" (unknown)
    reuse_level: str = ""  # "transversal", "cross-sector", "sector-specific", "occupation-specific"
    broader: tuple[str, ...] = ()  # URIs of broader skills or skill groups
    essential_skills: tuple[str, ...] = ()  # skillSkillRelations, relationType "essential"
    optional_skills: tuple[str, ...] = ()  # skillSkillRelations, relationType "optional"

    @property
    def uuid(self) -> str:
        return self.uri.rsplit("/", 1)[-1]

    @property
    def labels(self) -> tuple[str, ...]:
        return ((self.preferred_label,) if self.preferred_label else ()) + self.alt_labels


@dataclass(frozen=True, slots=True)
class SkillGroup:
    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    code: str = ""  # e.g. "S1.2.3" or an ISCED-F code
    broader: tuple[str, ...] = ()

    @property
    def uuid(self) -> str:
        return self.uri.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class IscoGroup:
    uri: str
    code: str  # e.g. "2512"
    preferred_label: str
    description: str = ""
    broader: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Occupation:
    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    isco_code: str = ""  # the ISCO unit group, e.g. "2512"
    code: str = ""  # ESCO occupation code, e.g. "2512.4"
    broader: tuple[str, ...] = ()  # broader occupations or ISCO groups
    essential_skills: tuple[str, ...] = ()
    optional_skills: tuple[str, ...] = ()

    @property
    def uuid(self) -> str:
        return self.uri.rsplit("/", 1)[-1]


Concept = Skill | SkillGroup | IscoGroup | Occupation
