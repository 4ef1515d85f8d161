"""Fixtures for the ontology tests (the small export itself comes from tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def export_copy(tmp_path: Path, esco_small_dir: Path) -> Path:
    """A writable copy of the fixture in a directory whose path names no version."""
    target = tmp_path / "export"
    shutil.copytree(esco_small_dir, target)
    return target
