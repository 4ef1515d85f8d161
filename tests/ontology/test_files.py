"""The one atomic write, and finding what a killed one left."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ontology.files import atomic_write, leftover_temporaries


def test_atomic_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old")
    atomic_write(target, lambda temporary: temporary.write_text("new"))
    assert target.read_text() == "new"
    assert leftover_temporaries(target) == []


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old")

    def fail(temporary: Path) -> None:
        temporary.write_text("half")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail)
    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data.json"]


def test_leftover_temporaries_finds_what_a_killed_write_left(tmp_path: Path) -> None:
    target = tmp_path / "part-000001.parquet"
    # A process killed in the middle of its write: the cleanup never runs.
    script = (
        "import os, signal, sys\n"
        "from ontology.files import atomic_write\n"
        "def die(temporary):\n"
        "    temporary.write_text('half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "atomic_write(sys.argv[1], die)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], check=False)
    assert done.returncode == -signal.SIGKILL
    assert not target.exists()
    (left,) = leftover_temporaries(target)
    assert left.read_text() == "half"
    assert left.suffix == ".parquet" and left.name.startswith(".part-000001.parquet-")
    # Another path's temporaries, and look-alikes that tempfile would not make, are not its.
    (tmp_path / ".part-000001.parquet-notours.parquet").write_text("x")
    assert leftover_temporaries(tmp_path / "part-000002.parquet") == []
    assert leftover_temporaries(target) == [left]


def test_leftover_temporaries_of_a_missing_directory_is_empty(tmp_path: Path) -> None:
    assert leftover_temporaries(tmp_path / "missing" / "file.txt") == []
