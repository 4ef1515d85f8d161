"""``run_batches``: checkpoints, resume, refusals and workers, with a pure job (fast; the real
extractor's SIGKILL test is tests/services/cli/test_extract_resume.py)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from services.batch import BatchResumeError, InputRow, RowError, RowResult, open_writer
from services.batch.checkpoint import CHECKPOINT_SUFFIX, RunCheckpoint
from services.batch.run import RunPlan, run_batches
from services.batch.writers import parts_dir_for
from skillgraph.records import SkillMatch

IDENTITY = {"command": "test", "top_k": 3}


class LabelJob:
    """One skill per row, labelled with its text; rows whose text says "bad" are rejected.
    Module level so that worker processes can unpickle it."""

    def __call__(self, rows):
        out = []
        for row in rows:
            if isinstance(row, RowError):
                out.append(row)
            elif "bad" in row.text:
                out.append(RowError(row.row_number, row.id, "bad text", row.row_number))
            else:
                skill = SkillMatch("u", row.text.upper(), 0.5, "knowledge", row.text, 0, 1)
                out.append(RowResult(row.id, row.row_number, "v1.2.0", (skill,)))
        return out


class Interrupted(Exception):
    pass


class FailingJob(LabelJob):
    """Fails on the batch holding row ``fail_at``, as a crash would."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at

    def __call__(self, rows):
        if any(r.row_number == self.fail_at for r in rows):
            raise Interrupted
        return super().__call__(rows)


def _records(n: int = 50):
    for i in range(1, n + 1):
        yield InputRow(i, f"ad-{i}", "bad" if i % 7 == 0 else f"text {i}")


def _run(output: Path, job=None, **plan) -> None:
    options = {"identity": IDENTITY, "batch_size": 4, "checkpoint_every": 8, **plan}
    errors = str(output) + ".errors.jsonl"
    run_batches(
        _records(),
        job or LabelJob(),
        lambda mark: open_writer(output, resume_at=mark),
        RunPlan(output=str(output), errors=errors, **options),
    )


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.parquet"])
def test_a_failed_run_resumes_to_the_same_bytes(tmp_path: Path, name: str) -> None:
    whole = tmp_path / "whole" / name
    whole.parent.mkdir()
    _run(whole)
    output = tmp_path / name
    with pytest.raises(Interrupted):
        _run(output, FailingJob(fail_at=30))
    checkpoint = json.loads(Path(str(output) + CHECKPOINT_SUFFIX).read_text())
    assert checkpoint["position"]["records"] == 24  # the last batch boundary 8+ records apart
    _run(output, resume=True)
    assert output.read_bytes() == whole.read_bytes()
    errors = Path(str(output) + ".errors.jsonl")
    assert errors.read_bytes() == Path(str(whole) + ".errors.jsonl").read_bytes()
    assert not Path(str(output) + CHECKPOINT_SUFFIX).exists()
    assert not parts_dir_for(output).exists()


def test_rows_written_after_the_checkpoint_are_dropped_on_resume(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with pytest.raises(Interrupted):
        _run(output, FailingJob(fail_at=30))
    with output.open("ab") as handle:
        handle.write(b'{"id": "half a ro')  # what a kill mid-write could leave
    _run(output, resume=True)
    ids = [json.loads(line)["id"] for line in output.read_text().splitlines()]
    assert ids == [f"ad-{i}" for i in range(1, 51) if i % 7]


def test_parquet_resume_with_other_checkpoints_still_gives_the_same_file(tmp_path: Path) -> None:
    whole = tmp_path / "whole.parquet"
    _run(whole, checkpoint_every=1000)
    output = tmp_path / "out.parquet"
    with pytest.raises(Interrupted):
        _run(output, FailingJob(fail_at=45), checkpoint_every=4)
    _run(output, resume=True, checkpoint_every=4)
    assert output.read_bytes() == whole.read_bytes()
    assert pq.read_table(output).num_rows == 50 - 7


def test_resuming_with_other_settings_is_refused_and_says_what_differs(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with pytest.raises(Interrupted):
        _run(output, FailingJob(fail_at=30))
    before = output.read_bytes()
    with pytest.raises(BatchResumeError, match=r"other top_k \(top_k: 3 then, 5 now\)"):
        _run(output, resume=True, identity={**IDENTITY, "top_k": 5})
    assert output.read_bytes() == before  # nothing touched


def test_resume_without_a_checkpoint(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    _run(output, resume=True)  # nothing there yet: starts from the first row
    assert len(output.read_text().splitlines()) == 43
    with pytest.raises(BatchResumeError, match="nothing to resume"):
        _run(output, resume=True)  # complete: the checkpoint is gone


def test_an_unreadable_checkpoint_is_refused(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    Path(str(output) + CHECKPOINT_SUFFIX).write_text("{not json")
    with pytest.raises(BatchResumeError, match="unreadable"):
        _run(output, resume=True)


def test_without_resume_an_unfinished_run_starts_over(tmp_path: Path, caplog) -> None:
    output = tmp_path / "out.jsonl"
    with pytest.raises(Interrupted):
        _run(output, FailingJob(fail_at=30))
    with caplog.at_level(logging.WARNING):
        _run(output)
    assert "pass --resume" in caplog.text
    assert len(output.read_text().splitlines()) == 43


def test_stdout_cannot_be_resumed(tmp_path: Path) -> None:
    with pytest.raises(BatchResumeError, match="stdout"):
        run_batches(
            _records(),
            LabelJob(),
            lambda mark: open_writer("-"),
            RunPlan("-", None, {}, resume=True),
        )


def test_the_checkpoint_never_claims_more_than_the_files_hold(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with pytest.raises(Interrupted):
        _run(output, FailingJob(fail_at=30))
    position = RunCheckpoint.beside(output, IDENTITY).load()
    assert output.stat().st_size >= position.output_mark > 0
    lines = output.read_bytes()[: position.output_mark].decode().splitlines()
    assert len(lines) == position.records - position.rejected


def test_workers_give_the_same_output_as_one_process(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    _run(one, workers=1)
    _run(two, workers=2)
    assert one.read_bytes() == two.read_bytes()
