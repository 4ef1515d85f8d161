"""ErrorLog: rejected rows as JSON lines beside the output, or on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from services.batch import BatchOutputError, ErrorLog, RowError, errors_path_for

ERRORS = [
    RowError(2, None, "malformed row: expected 2 fields, got 3", 3),
    RowError(5, "ad-5", "empty text — «vide»", 7),
]


def test_errors_path_for() -> None:
    assert errors_path_for("out/skills.jsonl") == "out/skills.jsonl.errors.jsonl"
    assert errors_path_for(Path("skills.parquet")) == "skills.parquet.errors.jsonl"
    assert errors_path_for("-") is None


def test_errors_go_to_the_file_and_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.errors.jsonl"
    path.write_text("stale line from an earlier run\n")
    with ErrorLog(path) as log:
        for error in ERRORS:
            log.write(error)
        assert log.count == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"row": 2, "line": 3, "id": None, "reason": "malformed row: expected 2 fields, got 3"},
        {"row": 5, "line": 7, "id": "ad-5", "reason": "empty text — «vide»"},
    ]


def test_a_run_without_errors_leaves_no_log_and_removes_an_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "out.csv.errors.jsonl"
    path.write_text("stale\n")
    with ErrorLog(path) as log:
        pass
    assert log.count == 0
    assert not path.exists()


def test_without_a_path_errors_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with ErrorLog() as log:
        log.write(ERRORS[0])
    captured = capsys.readouterr()
    assert captured.out == ""
    assert json.loads(captured.err) == ERRORS[0].to_dict()


def test_unwritable_log_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(BatchOutputError, match="cannot open error log"):
        ErrorLog(tmp_path / "missing-dir" / "errors.jsonl")


def test_only_a_plain_file_is_removed_as_a_stale_log(tmp_path: Path) -> None:
    kept = tmp_path / "kept.jsonl"
    kept.write_text("someone else's\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(kept)
    with ErrorLog(link):
        pass
    assert link.is_symlink() and kept.read_text() == "someone else's\n"
    with ErrorLog(os.devnull) as log:
        log.write(RowError(1, "a", "bad", 1))
    assert Path(os.devnull).is_char_device()  # once, a stale-log cleanup removed /dev/null
