"""Loader for the official ESCO CSV export (any release, any language).

The export is a directory of ``<name>_<lang>.csv`` files. Columns are addressed by header name
because their order differs between releases. Only ``skills`` and ``occupations`` are required;
every other file adds relations and is skipped with a warning when absent. Empty fields mean
"unknown" and are kept as empty strings.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from ontology.errors import EscoFormatError
from ontology.records import EscoRelease, IscoGroup, Occupation, Skill, SkillGroup
from ontology.taxonomy import EscoTaxonomy

__all__ = ["infer_language", "infer_version", "load_esco_csv"]

log = logging.getLogger(__name__)

# Descriptions and alt-label lists can exceed csv's default 128 KiB field limit.
_FIELD_SIZE_LIMIT = 64 * 1024 * 1024
# ESCO language codes: "en", "pt", "nb", and region variants such as "en-us". The strict pattern
# keeps side files such as "skills_en_provenance.csv" out of language inference.
_SKILLS_FILE = re.compile(r"skills_([a-z]{2,3}(?:-[a-z]{2,4})?)\.csv", re.IGNORECASE)
# "v1.2.0", "1.2", "esco_v1.2.0" but not "python3.11": no letter, digit or dot right before.
_VERSION = re.compile(r"(?<![A-Za-z0-9.])v?(\d+\.\d+(?:\.\d+)?)(?![\d.])")
_HIERARCHY_LEVELS = range(4)


def load_esco_csv(
    directory: str | Path, *, version: str | None = None, language: str | None = None
) -> EscoTaxonomy:
    """Load an ESCO CSV export directory into an :class:`EscoTaxonomy`.

    ``language`` defaults to the one in the ``skills_<lang>.csv`` file name; ``version``
    defaults to the first ``v1.2.0``-like component of the path, deepest first. Raises
    :class:`EscoFormatError` when the directory, a required file or a required column is
    missing, or when the language or version cannot be inferred.
    """
    root = Path(directory)
    if not root.is_dir():
        raise EscoFormatError(f"ESCO export directory not found: {root}")
    language = (language or infer_language(root)).strip().lower()
    release = EscoRelease(
        version=_normalize_version(version) or infer_version(root), language=language
    )
    if csv.field_size_limit() < _FIELD_SIZE_LIMIT:
        csv.field_size_limit(_FIELD_SIZE_LIMIT)

    export = _Export(root, language)
    skill_broader = export.broader("broaderRelationsSkillPillar")
    occupation_broader = export.broader("broaderRelationsOccPillar")
    skill_links = export.relations("skillSkillRelations", "originalSkillUri", "relatedSkillUri")
    occupation_links = export.relations("occupationSkillRelations", "occupationUri", "skillUri")

    skills = [
        Skill(
            uri=uri,
            preferred_label=row["preferredLabel"].strip(),
            alt_labels=_split_labels(row.get("altLabels", "")),
            description=row.get("description", ""),
            skill_type=row.get("skillType", "").strip(),
            reuse_level=row.get("reuseLevel", "").strip(),
            broader=skill_broader.pop(uri, ()),
            essential_skills=skill_links.pop_kind(uri, "essential"),
            optional_skills=skill_links.pop_kind(uri, "optional"),
        )
        for uri, row in export.concepts("skills", required=("preferredLabel",))
    ]
    groups = [
        SkillGroup(
            uri=uri,
            preferred_label=row["preferredLabel"].strip(),
            alt_labels=_split_labels(row.get("altLabels", "")),
            description=row.get("description", ""),
            code=row.get("code", "").strip(),
            broader=skill_broader.pop(uri, ()),
        )
        for uri, row in export.concepts("skillGroups", required=("preferredLabel",), optional=True)
    ]
    occupations = [
        Occupation(
            uri=uri,
            preferred_label=row["preferredLabel"].strip(),
            alt_labels=_split_labels(row.get("altLabels", "")),
            description=row.get("description", ""),
            isco_code=row.get("iscoGroup", "").strip(),
            code=row.get("code", "").strip(),
            broader=occupation_broader.pop(uri, ()),
            essential_skills=occupation_links.pop_kind(uri, "essential"),
            optional_skills=occupation_links.pop_kind(uri, "optional"),
        )
        for uri, row in export.concepts("occupations", required=("preferredLabel",))
    ]
    isco_groups = [
        IscoGroup(
            uri=uri,
            code=row["code"].strip(),
            preferred_label=row["preferredLabel"].strip(),
            description=row.get("description", ""),
            broader=occupation_broader.pop(uri, ()),
        )
        for uri, row in export.concepts(
            "ISCOGroups", required=("code", "preferredLabel"), optional=True
        )
    ]
    # Whatever is left was never claimed by a loaded concept.
    _warn_unclaimed(export.file_name("broaderRelationsSkillPillar"), skill_broader)
    _warn_unclaimed(export.file_name("broaderRelationsOccPillar"), occupation_broader)
    _warn_unclaimed(export.file_name("skillSkillRelations"), skill_links.by_source)
    _warn_unclaimed(export.file_name("occupationSkillRelations"), occupation_links.by_source)

    taxonomy = EscoTaxonomy(
        release, skills, occupations, groups, isco_groups, group_levels=export.group_levels()
    )
    _warn_dangling(taxonomy)
    unlabelled = sum(1 for s in skills if not s.preferred_label)
    if unlabelled:
        log.info("%d skill(s) have no preferred label; kept with the label unknown", unlabelled)
    log.info("loaded %s from %s: %s", release.name, root, taxonomy.stats())
    return taxonomy


def infer_language(directory: str | Path) -> str:
    """The ``<lang>`` of the single ``skills_<lang>.csv`` file in ``directory``."""
    root = Path(directory)
    found = sorted(
        match.group(1).lower()
        for path in root.glob("skills_*.csv")
        if (match := _SKILLS_FILE.fullmatch(path.name))
    )
    if len(found) != 1:
        what = (
            "no skills_<lang>.csv file" if not found else f"several languages ({', '.join(found)})"
        )
        raise EscoFormatError(f"cannot infer the ESCO language in {root}: {what}; pass language=")
    return found[0]


def infer_version(directory: str | Path) -> str:
    """The ESCO version named by a path component (deepest first), e.g. ``.../v1.2.0/``."""
    path = Path(directory).resolve()
    for part in reversed(path.parts):
        if match := _VERSION.search(part):
            return "v" + match.group(1)
    raise EscoFormatError(
        f"cannot infer the ESCO version from the path {path}; pass version= (e.g. 'v1.2.0')"
    )


def _normalize_version(version: str | None) -> str | None:
    if version is None:
        return None
    version = version.strip()
    if not version:
        raise EscoFormatError("version is empty")
    return f"v{version}" if version[0].isdigit() else version


def _split_labels(text: str) -> tuple[str, ...]:
    # One label per line in the files this loader reads; drop blanks and repeats, keep order.
    return tuple(dict.fromkeys(label for line in text.splitlines() if (label := line.strip())))


@dataclass
class _Links:
    """Typed source -> target relations, deduplicated per kind in file order."""

    by_source: dict[str, dict[str, dict[str, None]]] = field(default_factory=dict)

    def pop_kind(self, source: str, kind: str) -> tuple[str, ...]:
        kinds = self.by_source.get(source)
        if kinds is None:
            return ()
        targets = tuple(kinds.pop(kind, {}))
        if not kinds:
            del self.by_source[source]
        return targets


class _Export:
    """Access to the files of one export directory."""

    def __init__(self, root: Path, language: str) -> None:
        self.root = root
        self.language = language

    def file_name(self, stem: str) -> str:
        return f"{stem}_{self.language}.csv"

    def rows(
        self, stem: str, required: Iterable[str], *, optional: bool = False
    ) -> Iterator[dict[str, str]]:
        """Rows of one file as dicts by header name; missing trailing cells read as ""."""
        path = self.root / self.file_name(stem)
        if not path.is_file():
            if not optional:
                raise EscoFormatError(f"required file {path.name} is missing from {self.root}")
            log.warning("%s is missing from %s; its data is left empty", path.name, self.root)
            return
        # utf-8-sig: some exports start with a byte-order mark, which would corrupt the header.
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            missing = [name for name in required if name not in header]
            if missing:
                raise EscoFormatError(f"{path} lacks required column(s): {', '.join(missing)}")
            width = len(header)
            for row in reader:
                if not row:  # a blank line, e.g. at the end of a hand-edited file
                    continue
                if len(row) < width:
                    row += [""] * (width - len(row))
                yield dict(zip(header, row, strict=False))

    def concepts(
        self, stem: str, required: Iterable[str], *, optional: bool = False
    ) -> Iterator[tuple[str, dict[str, str]]]:
        """(conceptUri, row) for each row; rows without a URI are skipped with one warning."""
        skipped = 0
        for row in self.rows(stem, ("conceptUri", *required), optional=optional):
            uri = row["conceptUri"].strip()
            if uri:
                yield uri, row
            else:
                skipped += 1
        if skipped:
            log.warning(
                "skipped %d row(s) with an empty conceptUri in %s", skipped, self.file_name(stem)
            )

    def broader(self, stem: str) -> dict[str, tuple[str, ...]]:
        """conceptUri -> broader URIs in file order, without repeats."""
        found: dict[str, dict[str, None]] = {}
        for uri, row in self.concepts(stem, ("broaderUri",), optional=True):
            if broader := row["broaderUri"].strip():
                found.setdefault(uri, {})[broader] = None
        return {uri: tuple(targets) for uri, targets in found.items()}

    def relations(self, stem: str, source_column: str, target_column: str) -> _Links:
        """Essential/optional links from ``source_column`` to ``target_column`` URIs."""
        links = _Links()
        unknown_kinds: Counter[str] = Counter()
        for row in self.rows(stem, (source_column, target_column, "relationType"), optional=True):
            source, target = row[source_column].strip(), row[target_column].strip()
            kind = row["relationType"].strip().lower()
            if kind not in ("essential", "optional"):
                unknown_kinds[kind] += 1
            elif source and target:
                links.by_source.setdefault(source, {}).setdefault(kind, {})[target] = None
        if unknown_kinds:
            log.warning(
                "ignored rows with unknown relationType in %s: %s",
                self.file_name(stem),
                dict(unknown_kinds),
            )
        return links

    def group_levels(self) -> dict[str, int]:
        """Skill-group URI -> N, the ``Level N URI`` column that the group appears in."""
        columns = [f"Level {n} URI" for n in _HIERARCHY_LEVELS]
        levels: dict[str, int] = {}
        for row in self.rows("skillsHierarchy", columns, optional=True):
            for level, column in enumerate(columns):
                if uri := row[column].strip():
                    levels.setdefault(uri, level)
        return levels


def _warn_dangling(taxonomy: EscoTaxonomy) -> None:
    known = {
        *taxonomy.skills,
        *taxonomy.occupations,
        *taxonomy.skill_groups,
        *taxonomy.isco_groups,
    }
    skills, occupations = taxonomy.skills.values(), taxonomy.occupations.values()
    concepts: Iterable[Skill | Occupation | SkillGroup | IscoGroup] = chain(
        skills, occupations, taxonomy.skill_groups.values(), taxonomy.isco_groups.values()
    )
    records: tuple[Iterable[Skill | Occupation], ...] = (skills, occupations)
    references = chain(
        (uri for concept in concepts for uri in concept.broader),
        (uri for record in chain(*records) for uri in record.essential_skills),
        (uri for record in chain(*records) for uri in record.optional_skills),
    )
    dangling = sum(1 for uri in references if uri not in known)
    if dangling:
        # Kept: a reference to a concept outside this export is still true information.
        log.warning("%d reference(s) point to URIs that are not in the export", dangling)


def _warn_unclaimed(file_name: str, leftovers: Mapping[str, object]) -> None:
    if leftovers:
        sample = ", ".join(list(leftovers)[:3])
        log.warning(
            "%d concept URI(s) in %s are not in the export and were ignored (e.g. %s)",
            len(leftovers),
            file_name,
            sample,
        )
