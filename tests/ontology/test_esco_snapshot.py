"""Snapshots: round trip, header, damage handling, atomic writes, lookup, the shipped file."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ontology import (
    DEFAULT_SNAPSHOT,
    ESCO_ATTRIBUTION,
    SHIPPED_SNAPSHOT_DIR,
    EscoRelease,
    EscoTaxonomy,
    SnapshotError,
    available_snapshots,
    find_snapshot,
    read_snapshot,
    read_snapshot_info,
    write_snapshot,
)
from ontology.build_snapshot import main as build_snapshot
from ontology.snapshot import FORMAT_VERSION

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


@pytest.fixture
def snapshot_path(tmp_path: Path, small_taxonomy: EscoTaxonomy) -> Path:
    return write_snapshot(small_taxonomy, tmp_path / "small.json.gz", source="esco_small fixture")


def rewrite(path: Path, change: Any) -> None:
    """Apply ``change`` to the decoded JSON document of a snapshot and write it back."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    change(document)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(document, handle)


def assert_same_taxonomy(actual: EscoTaxonomy, expected: EscoTaxonomy) -> None:
    assert actual.release == expected.release
    for name in ("skills", "occupations", "skill_groups", "isco_groups", "group_levels"):
        got, want = getattr(actual, name), getattr(expected, name)
        assert list(got.items()) == list(want.items()), name  # equal records, same order


# -- round trip and header -----------------------------------------------------------------


def test_round_trip_keeps_every_record(snapshot_path: Path, small_taxonomy: EscoTaxonomy) -> None:
    assert_same_taxonomy(read_snapshot(snapshot_path), small_taxonomy)


def test_header_carries_release_source_and_attribution(
    snapshot_path: Path, small_taxonomy: EscoTaxonomy
) -> None:
    info = read_snapshot_info(snapshot_path)
    assert info.path == snapshot_path
    assert info.format_version == FORMAT_VERSION
    assert info.release == EscoRelease(version="v1.2.0", language="en")
    assert info.source == "esco_small fixture"
    assert info.attribution == ESCO_ATTRIBUTION
    assert "Commission Decision 2011/833/EU" in info.attribution
    assert datetime.fromisoformat(info.created_at).tzinfo is not None
    assert dict(info.counts) == small_taxonomy.stats()


def test_skill_references_are_stored_as_positions(snapshot_path: Path) -> None:
    with gzip.open(snapshot_path, "rt", encoding="utf-8") as handle:
        tables = json.load(handle)["tables"]
    skill_uris = tables["skills"]["uri"]
    references = [r for refs in tables["occupations"]["optional_skills"] for r in refs]
    assert references and all(isinstance(r, int) for r in references)
    assert skill_uris.index(PYTHON) in references
    # Broader skill groups are not skills: they stay URIs.
    assert (
        "http://data.europa.eu/esco/isced-f/0613"
        in tables["skills"]["broader"][skill_uris.index(PYTHON)]
    )


# -- damaged, foreign and newer files ------------------------------------------------------


def test_newer_format_version_is_refused(snapshot_path: Path) -> None:
    rewrite(snapshot_path, lambda doc: doc.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(SnapshotError, match=f"format version {FORMAT_VERSION + 1}") as error:
        read_snapshot(snapshot_path)
    assert str(snapshot_path) in str(error.value)


def test_foreign_json_is_refused(snapshot_path: Path) -> None:
    rewrite(snapshot_path, lambda doc: doc.update(format="something-else"))
    with pytest.raises(SnapshotError, match="not an ESCO taxonomy snapshot"):
        read_snapshot(snapshot_path)


def test_missing_table_is_reported_as_malformed(snapshot_path: Path) -> None:
    rewrite(snapshot_path, lambda doc: doc["tables"].pop("occupations"))
    with pytest.raises(SnapshotError, match="malformed snapshot"):
        read_snapshot(snapshot_path)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"not gzip at all", id="not-gzip"),
        pytest.param(lambda data: gzip.compress(b'{"format": '), id="bad-json"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_corrupt_files_raise_snapshot_error_with_path(snapshot_path: Path, damage: Any) -> None:
    snapshot_path.write_bytes(damage(snapshot_path.read_bytes()))
    with pytest.raises(SnapshotError) as error:
        read_snapshot(snapshot_path)
    assert str(snapshot_path) in str(error.value)


def test_missing_file_raises_snapshot_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="not found"):
        read_snapshot(tmp_path / "absent.json.gz")


# -- writing -------------------------------------------------------------------------------


def test_failed_write_leaves_the_old_file_and_no_temporary(
    snapshot_path: Path, small_taxonomy: EscoTaxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot_path.read_bytes()

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(gzip.GzipFile, "write", fail)
    with pytest.raises(OSError, match="disk full"):
        write_snapshot(small_taxonomy, snapshot_path)
    monkeypatch.undo()
    assert snapshot_path.read_bytes() == before
    assert [p.name for p in snapshot_path.parent.iterdir()] == [snapshot_path.name]


def test_write_creates_parent_directories(tmp_path: Path, small_taxonomy: EscoTaxonomy) -> None:
    target = tmp_path / "a" / "b" / "small.json.gz"
    assert write_snapshot(small_taxonomy, target) == target
    assert read_snapshot(target).release == small_taxonomy.release


def test_build_entry_point(tmp_path: Path, esco_small_dir: Path) -> None:
    output = tmp_path / "built.json.gz"
    assert build_snapshot([str(esco_small_dir), str(output), "--language", "en"]) == 0
    info = read_snapshot_info(output)
    assert info.release == EscoRelease(version="v1.2.0", language="en")
    assert "v1.2.0" in info.source
    assert build_snapshot([str(tmp_path / "absent"), str(tmp_path / "x.json.gz")]) == 1
    assert not (tmp_path / "x.json.gz").exists()


# -- finding snapshots ---------------------------------------------------------------------


def test_find_snapshot_resolution_order(tmp_path: Path, snapshot_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for directory in (first, second):
        directory.mkdir()
        (directory / "custom.json.gz").write_bytes(snapshot_path.read_bytes())

    assert find_snapshot(str(snapshot_path), []) == snapshot_path  # an existing path as is
    assert find_snapshot("custom", [first, second]) == first / "custom.json.gz"
    assert find_snapshot("custom.json.gz", [second, first]) == second / "custom.json.gz"
    assert find_snapshot(DEFAULT_SNAPSHOT, [first]) == (
        SHIPPED_SNAPSHOT_DIR / f"{DEFAULT_SNAPSHOT}.json.gz"
    )


def test_find_snapshot_lists_what_is_available(tmp_path: Path, snapshot_path: Path) -> None:
    assert available_snapshots([tmp_path]) == ["small", DEFAULT_SNAPSHOT]
    with pytest.raises(SnapshotError) as error:
        find_snapshot("esco-v9.9-xx", [tmp_path])
    assert "no ESCO snapshot named 'esco-v9.9-xx'" in str(error.value)
    assert f"available: small, {DEFAULT_SNAPSHOT}" in str(error.value)


# -- the shipped snapshot ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> EscoTaxonomy:
    return read_snapshot(find_snapshot(DEFAULT_SNAPSHOT))


@pytest.mark.slow
def test_shipped_snapshot_content(shipped: EscoTaxonomy) -> None:
    assert shipped.release == EscoRelease(version="v1.2.0", language="en")
    assert len(shipped.skills) > 13_000
    assert len(shipped.occupations) > 3_000
    assert [s.uri for s in shipped.find_skills_by_label("Python")] == [PYTHON]
    info = read_snapshot_info(find_snapshot(DEFAULT_SNAPSHOT))
    assert info.attribution == ESCO_ATTRIBUTION


@pytest.mark.slow
def test_fixture_rows_agree_with_the_shipped_release(
    shipped: EscoTaxonomy, small_taxonomy: EscoTaxonomy
) -> None:
    # The fixture is a subset of the real release: same URIs, labels, types and codes.
    for skill in small_taxonomy.skills.values():
        real = shipped.skill(skill.uri)
        assert (real.preferred_label, real.skill_type) == (skill.preferred_label, skill.skill_type)
        assert set(skill.broader) <= set(real.broader)
    for occupation in small_taxonomy.occupations.values():
        real_occupation = shipped.occupation(occupation.uri)
        assert (real_occupation.isco_code, real_occupation.code) == (
            occupation.isco_code,
            occupation.code,
        )
        assert set(occupation.essential_skills) <= set(real_occupation.essential_skills)
    for uri, level in small_taxonomy.group_levels.items():
        assert shipped.group_levels[uri] == level
