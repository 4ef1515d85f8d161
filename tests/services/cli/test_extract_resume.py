"""The batch commands at scale, end to end with the real extractor: killed with SIGKILL
mid-run and resumed, it writes what an uninterrupted run writes, byte for byte; any number of
workers writes the same; Parquet in, and the CSV a spreadsheet can open safely."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
TOOLS = ["Python", "SQL", "Java", "Linux", "Docker", "Excel", "SAP", "Kubernetes", "React", "AWS"]
DUTIES = [
    "You will manage staff and report to the {}.",
    "Install pipework and commission heating systems in {} buildings.",
    "Strong communication skills and {} years in a team.",
    "We offer a friendly office in {} city centre.",
]


@pytest.fixture(scope="module")
def ads(tmp_path_factory) -> Path:
    """300 ads of three sentences (mostly distinct, some repeated, as on real boards), with two
    bad rows: long enough to be killed half-way."""
    path = tmp_path_factory.mktemp("ads") / "ads.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(300):
            a, b = TOOLS[n % 10], TOOLS[(n // 10) % 10]
            text = " ".join(
                [
                    f"Experience with {a} and {b} for {n % 7 + 1} years is required.",
                    DUTIES[n % 4].format(n),
                    f"Knowledge of {b} is a plus.",
                ]
            )
            if n in (17, 155):
                text = ""  # rejected rows go to the errors file, and must resume too
            handle.write(json.dumps({"id": f"ad-{n}", "text": text}) + "\n")
    return path


@pytest.fixture
def command(model_data_dir, small_snapshot):
    def build(*args: str) -> list[str]:
        return [
            SKILLGRAPH,
            "-q",
            "--data-dir",
            str(model_data_dir),
            "--set",
            f"esco.snapshot={small_snapshot}",
            *args,
        ]

    return build


def _run(args: list[str]) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def _kill_after_a_checkpoint(args: list[str], checkpoint: Path) -> None:
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not checkpoint.exists():
        assert process.poll() is None, "the run ended before its first checkpoint"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.2)  # let it write past the checkpoint: those rows must not be duplicated
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.parquet"])
def test_a_run_killed_with_sigkill_resumes_to_the_same_bytes(command, ads, tmp_path, name):
    options = ["--batch-size", "2", "--checkpoint-every", "4", "--workers", "1"]
    whole = tmp_path / "whole" / name
    whole.parent.mkdir()
    _run(command("extract", str(ads), "-o", str(whole), *options))

    output = tmp_path / name
    checkpoint = Path(f"{output}.checkpoint.json")
    _kill_after_a_checkpoint(command("extract", str(ads), "-o", str(output), *options), checkpoint)
    assert checkpoint.exists()
    if name == "out.jsonl":  # what a kill leaves: whole rows only
        for line in output.read_bytes().splitlines(keepends=True):
            assert line.endswith(b"\n") and json.loads(line)
    resumed = _run(command("extract", str(ads), "-o", str(output), "--resume", *options))
    assert "300 rows: 298 extracted, 2 rejected" in resumed.stderr
    assert output.read_bytes() == whole.read_bytes()
    errors = Path(f"{output}.errors.jsonl").read_bytes()
    assert errors == Path(f"{whole}.errors.jsonl").read_bytes()
    assert errors.count(b"\n") == 2
    assert not checkpoint.exists()
    # Nothing the killed run was writing is left: no temporaries, no parts.
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["whole", name, f"{name}.errors.jsonl"]
    )


def test_resuming_with_other_settings_is_refused(command, ads, tmp_path):
    output = tmp_path / "out.jsonl"
    options = ["--batch-size", "2", "--checkpoint-every", "4", "--workers", "1"]
    checkpoint = Path(f"{output}.checkpoint.json")
    _kill_after_a_checkpoint(command("extract", str(ads), "-o", str(output), *options), checkpoint)
    before = output.read_bytes()
    refused = subprocess.run(
        command("extract", str(ads), "-o", str(output), "--resume", "--top-k", "5", *options),
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "cannot resume" in refused.stderr and "top_k: null then, 5 now" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert output.read_bytes() == before


@pytest.mark.parametrize("mode", [[], ["--top-k", "5"]], ids=["extraction", "ranking"])
def test_any_number_of_workers_writes_the_same(command, ads, tmp_path, mode):
    outputs = []
    for workers in ("1", "2", "3"):
        output = tmp_path / f"w{workers}.jsonl"
        _run(command("extract", str(ads), "-o", str(output), "--workers", workers, *mode,
                     "--batch-size", "8"))  # fmt: skip
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count(b"\n") == 298


def test_parquet_input_and_a_spreadsheet_safe_csv(cli, tmp_path):
    source = tmp_path / "ads.parquet"
    table = pa.table(
        {
            "ref": pa.array([1, 2, 3], pa.int64()),
            "body": ['=HYPERLINK("http://x") You know Python and SQL.', None, "Write SQL."],
        }
    )
    pq.write_table(table, source, row_group_size=2)
    output = tmp_path / "out.csv"
    args = ("extract", str(source), "--text-column", "body", "--id-column", "ref", "-o")
    result = cli(*args, str(output))
    assert result.exit_code == 0, result.output
    assert "3 rows: 2 extracted, 1 rejected" in result.stderr
    with output.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["id"] for row in rows} == {"1", "3"}
    first = [row for row in rows if row["id"] == "1"]
    assert first and all(row["sentence"].startswith("'=HYPERLINK") for row in first)
    assert all(row["probability"] and row["span_text"] for row in rows if row["uri"])
    assert len({row["score"] for row in rows if row["uri"]}) > 1  # a real score, not 1.0

    raw = tmp_path / "raw.csv"
    assert cli(*args, str(raw), "--raw-csv").exit_code == 0
    with raw.open(newline="", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["sentence"].startswith("=HYPERLINK")


def test_commands_that_extract_on_the_way_write_the_same_with_workers(command, ads, tmp_path):
    """``export postings --extract`` and ``procedure extract`` run the same batch jobs."""
    written = {}
    for workers in ("1", "2"):
        rdf, graphs, steps = (tmp_path / f"w{workers}.{ext}" for ext in ("nt", "json", "jsonl"))
        _run(command("export", "postings", str(ads), "--extract", "-o", str(rdf),
                     "--workers", workers))  # fmt: skip
        _run(command("procedure", "extract", str(ads), "-o", str(graphs), "--steps", str(steps),
                     "--workers", workers, "--batch-size", "8"))  # fmt: skip
        written[workers] = [path.read_bytes() for path in (rdf, graphs, steps)]
    assert written["1"] == written["2"]
    rdf, graphs, steps = written["1"]
    assert rdf.count(b"\n") > 298 and b"/posting/ad-299>" in rdf
    assert json.loads(graphs)["graphs"][0]["nodes"]
    assert steps.count(b"\n") == 149  # half the ads have duties; ad-17 of them is empty
