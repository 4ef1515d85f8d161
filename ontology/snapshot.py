"""Compact, versioned taxonomy snapshots: one gzip-compressed JSON document per ESCO release.

Layout: header fields (format, format_version, ESCO version and language, created_at, source,
attribution, counts) and ``tables``, one per record type, stored column-wise: each table maps
a record field name to the list of that field's values, so that key names are not repeated per
record. Cross-references to skills (broader, essential/optional skills: 141k in v1.2.0) are
stored as integer positions in the skills table; any other URI is stored as a string.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ontology.errors import SnapshotError
from ontology.files import atomic_write
from ontology.records import EscoRelease, IscoGroup, Occupation, Skill, SkillGroup
from ontology.taxonomy import EscoTaxonomy

__all__ = [
    "DEFAULT_SNAPSHOT",
    "ESCO_ATTRIBUTION",
    "FORMAT_VERSION",
    "SHIPPED_SNAPSHOT_DIR",
    "SNAPSHOT_SUFFIX",
    "SnapshotInfo",
    "available_snapshots",
    "find_snapshot",
    "read_snapshot",
    "read_snapshot_info",
    "write_snapshot",
]

log = logging.getLogger(__name__)

FORMAT_NAME = "skillgraph-esco-snapshot"
FORMAT_VERSION = 1  # bump on any change that older readers would misread
ESCO_ATTRIBUTION = (
    "ESCO © European Union, https://esco.ec.europa.eu — reuse authorised provided the source is "
    "acknowledged (Commission Decision 2011/833/EU)."
)
SHIPPED_SNAPSHOT_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SNAPSHOT = "esco-v1.2.0-en"
SNAPSHOT_SUFFIX = ".json.gz"

_REFERENCE_FIELDS = frozenset({"broader", "essential_skills", "optional_skills"})
_TUPLE_FIELDS = _REFERENCE_FIELDS | {"alt_labels"}
_LEVEL_COLUMN = "level"  # extra skill_groups column: the group's level in the skills hierarchy


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """The header of a snapshot file."""

    path: Path
    format_version: int
    release: EscoRelease
    created_at: str  # ISO 8601, UTC
    source: str
    attribution: str
    counts: Mapping[str, int]


def write_snapshot(
    taxonomy: EscoTaxonomy, path: str | os.PathLike[str], *, source: str = ""
) -> Path:
    """Write ``taxonomy`` to ``path`` atomically: readers see the old file or the new one.

    ``source`` describes where the data came from (e.g. which export, how it was built).
    Returns the path written.
    """
    target = Path(path)
    document = _encode(taxonomy, source)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def write(temporary: Path) -> None:
        # mtime=0 keeps the gzip header free of the build time (it is in the JSON header).
        with (
            temporary.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
        ):
            gz.write(payload)

    atomic_write(target, write)
    log.info("wrote snapshot %s (%d bytes)", target, target.stat().st_size)
    return target


def read_snapshot(path: str | os.PathLike[str]) -> EscoTaxonomy:
    """Read a snapshot written by :func:`write_snapshot`.

    Raises :class:`SnapshotError` (naming the path) when the file is missing, corrupt,
    truncated, not a snapshot, or written in a newer format than this code reads.
    """
    source = Path(path)
    document = _load(source)
    info = _header(document, source)
    try:
        tables = document["tables"]
        skill_uris = tables["skills"]["uri"]
        groups_table = tables["skill_groups"]
        groups = _decode_table(groups_table, SkillGroup, skill_uris)
        levels = {
            group.uri: level
            for group, level in zip(groups, groups_table[_LEVEL_COLUMN], strict=True)
            if level is not None
        }
        return EscoTaxonomy(
            info.release,
            _decode_table(tables["skills"], Skill, skill_uris),
            _decode_table(tables["occupations"], Occupation, skill_uris),
            groups,
            _decode_table(tables["isco_groups"], IscoGroup, skill_uris),
            group_levels=levels,
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise SnapshotError(f"malformed snapshot {source}: {error!r}") from error


def read_snapshot_info(path: str | os.PathLike[str]) -> SnapshotInfo:
    """The header of a snapshot (this still decompresses and parses the whole file)."""
    source = Path(path)
    return _header(_load(source), source)


def find_snapshot(name_or_path: str | os.PathLike[str], search_dirs: Sequence[Path] = ()) -> Path:
    """Resolve a snapshot: an existing file path as is, else ``<name>.json.gz`` looked up in
    ``search_dirs`` in order, then in :data:`SHIPPED_SNAPSHOT_DIR`."""
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    name = str(name_or_path).removesuffix(SNAPSHOT_SUFFIX)
    directories = _search_path(search_dirs)
    for directory in directories:
        path = directory / f"{name}{SNAPSHOT_SUFFIX}"
        if path.is_file():
            return path
    available = ", ".join(available_snapshots(search_dirs)) or "none"
    searched = ", ".join(str(d) for d in directories)
    raise SnapshotError(
        f"no ESCO snapshot named {name!r} (searched {searched}); available: {available}"
    )


def available_snapshots(search_dirs: Sequence[Path] = ()) -> list[str]:
    """Names of the snapshots in ``search_dirs`` and the shipped directory, in lookup order."""
    names: dict[str, None] = {}
    for directory in _search_path(search_dirs):
        if directory.is_dir():
            for path in sorted(directory.glob(f"*{SNAPSHOT_SUFFIX}")):
                names[path.name.removesuffix(SNAPSHOT_SUFFIX)] = None
    return list(names)


def _search_path(search_dirs: Iterable[Path]) -> list[Path]:
    return [Path(d) for d in search_dirs] + [SHIPPED_SNAPSHOT_DIR]


# -- encoding --------------------------------------------------------------------------------


def _encode(taxonomy: EscoTaxonomy, source: str) -> dict[str, Any]:
    skill_index = {uri: position for position, uri in enumerate(taxonomy.skills)}
    tables = {
        "skills": _encode_table(taxonomy.skills.values(), Skill, skill_index),
        "skill_groups": _encode_table(taxonomy.skill_groups.values(), SkillGroup, skill_index),
        "isco_groups": _encode_table(taxonomy.isco_groups.values(), IscoGroup, skill_index),
        "occupations": _encode_table(taxonomy.occupations.values(), Occupation, skill_index),
    }
    levels = taxonomy.group_levels
    tables["skill_groups"][_LEVEL_COLUMN] = [levels.get(uri) for uri in taxonomy.skill_groups]
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "esco_version": taxonomy.release.version,
        "language": taxonomy.release.language,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "attribution": ESCO_ATTRIBUTION,
        "counts": taxonomy.stats(),
        "tables": tables,
    }


def _encode_table(
    records: Iterable[Any], record_type: type[Any], skill_index: Mapping[str, int]
) -> dict[str, list[Any]]:
    rows = list(records)
    table: dict[str, list[Any]] = {}
    for field in fields(record_type):
        values = [getattr(record, field.name) for record in rows]
        if field.name in _REFERENCE_FIELDS:
            values = [[skill_index.get(uri, uri) for uri in refs] for refs in values]
        table[field.name] = values
    return table


# -- decoding --------------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    try:
        with gzip.open(path, "rb") as handle:
            document = json.loads(handle.read())
    except FileNotFoundError as error:
        raise SnapshotError(f"snapshot not found: {path}") from error
    # BadGzipFile is an OSError, a truncated stream an EOFError, bad JSON or UTF-8 a ValueError.
    except (OSError, EOFError, zlib.error, ValueError) as error:
        raise SnapshotError(
            f"cannot read snapshot {path}: corrupt or truncated ({error})"
        ) from error
    if not isinstance(document, dict):
        raise SnapshotError(f"{path} is not an ESCO taxonomy snapshot")
    return document


def _header(document: dict[str, Any], path: Path) -> SnapshotInfo:
    if document.get("format") != FORMAT_NAME:
        raise SnapshotError(f"{path} is not an ESCO taxonomy snapshot (no {FORMAT_NAME!r} format)")
    version = document.get("format_version")
    if type(version) is not int or version < 1:
        raise SnapshotError(f"{path} has an invalid format_version: {version!r}")
    if version > FORMAT_VERSION:
        raise SnapshotError(
            f"{path} uses snapshot format version {version}, but this code reads versions up to "
            f"{FORMAT_VERSION}: upgrade skillgraph or rebuild the snapshot"
        )
    try:
        return SnapshotInfo(
            path=path,
            format_version=version,
            release=EscoRelease(version=document["esco_version"], language=document["language"]),
            created_at=document["created_at"],
            source=document.get("source", ""),
            attribution=document["attribution"],
            counts=dict(document.get("counts", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise SnapshotError(f"malformed snapshot header in {path}: {error!r}") from error


def _decode_table(
    table: Mapping[str, list[Any]], record_type: type[Any], skill_uris: Sequence[str]
) -> list[Any]:
    size = len(table["uri"])
    columns: list[list[Any]] = []
    for field in fields(record_type):
        values = table.get(field.name)
        if values is None:
            # A field added to the records after this file was written: use its default.
            if field.default is MISSING:
                raise KeyError(field.name)
            columns.append([field.default] * size)
        elif field.name in _REFERENCE_FIELDS:
            columns.append(
                [tuple(skill_uris[r] if type(r) is int else r for r in refs) for refs in values]
            )
        elif field.name in _TUPLE_FIELDS:
            columns.append([tuple(value) for value in values])
        else:
            columns.append(values)
    return [record_type(*row) for row in zip(*columns, strict=True)]


if __name__ == "__main__":
    # ``python -m ontology.snapshot`` still works, but runpy warns because ``ontology`` imports
    # this module; ``python -m ontology.build_snapshot`` is the warning-free spelling.
    import sys

    from ontology.build_snapshot import main

    sys.exit(main())
