"""``skillgraph memory`` end to end: files in, examples listed and removed, extraction taught.

Each test uses a memory of its own name, so the shared test data directory stays as it was.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

P = "http://data.europa.eu/esco/skill/"
PYTHON = P + "ccd0a1d9-afda-43d9-b901-96344886e14d"
SQL = P + "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
DIGITAL_CONTENT = P + "d822b4b2-26c7-4bd9-970d-229c6504f615"
SKILLSKAPE = """,sentence,skills
0,Write posts and short videos for our social media channels.,['create digital content']
1,Join a great team.,['UNK']
2,You know the Python language well.,"['Python (computer programming)', 'no such label']"
3,Broken list.,"['SQL'"
"""
AD = "You will produce blog articles and videos for Instagram."
TAUGHT = "Write posts and short videos for our social media."
ANNOTATIONS = """sentence,span,sub_span,label
You know Python and SQL .,Python,,Python (computer programming)
You know Python and SQL .,SQL,,SQL
"""


@pytest.fixture
def memory_cli(cli, tmp_path):
    """``cli`` on an unseeded memory named after the test's temporary directory."""
    name = f"--set=memory.name={tmp_path.name}"
    return lambda *args, **kwargs: cli(name, "--set=memory.seed=", *args, **kwargs)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def listed(memory_cli) -> list[dict]:
    result = memory_cli("memory", "list", "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_add_reports_bad_records_and_stores_the_rest(memory_cli, tmp_path):
    skillskape = write(tmp_path / "train.csv", SKILLSKAPE)
    annotations = write(tmp_path / "house_annotations.csv", ANNOTATIONS)
    result = memory_cli("memory", "add", skillskape, annotations, "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert "train.csv row 4: unreadable label list" in result.stderr
    assert "5 records: 3 added, 0 merged" in result.stderr
    assert "1 without an ESCO skill, 1 rejected" in result.stderr
    assert "1 labels matched no skill" in result.stderr
    examples = listed(memory_cli)
    assert [(e["text"], e["skills"], e["source"]) for e in examples] == [
        (
            "Write posts and short videos for our social media channels.",
            [DIGITAL_CONTENT],
            "skillskape:train.csv",
        ),
        ("You know the Python language well.", [PYTHON], "skillskape:train.csv"),
        ("You know Python and SQL .", [PYTHON, SQL], "annotations:house_annotations.csv"),
    ]
    again = memory_cli("memory", "add", skillskape, "--errors", str(tmp_path / "bad.jsonl"))
    assert "2 merged into stored examples" in again.stderr and len(listed(memory_cli)) == 3
    (bad,) = [json.loads(line) for line in (tmp_path / "bad.jsonl").read_text().splitlines()]
    assert bad == {"file": "train.csv", "row": 4, "reason": "unreadable label list \"['SQL'\""}


def test_taught_examples_show_up_in_extraction_until_removed(memory_cli, tmp_path):
    ads = write(tmp_path / "ads.jsonl", '{"id": "a", "text": "' + AD + '"}\n')
    examples = write(
        tmp_path / "examples.jsonl",
        json.dumps({"text": TAUGHT, "skills": [DIGITAL_CONTENT]}) + "\n",
    )
    assert memory_cli("memory", "add", examples).exit_code == 0
    (example,) = listed(memory_cli)

    def skills() -> list[dict]:
        result = memory_cli("extract", ads, "--top-k", "3")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["skills"]

    (taught,) = [s for s in skills() if s.get("evidence")]
    assert taught["uri"] == DIGITAL_CONTENT
    assert taught["evidence"][0]["example_id"] == example["id"]
    removed = memory_cli("memory", "remove", str(example["id"]))
    assert removed.exit_code == 0 and "removed 1" in removed.stderr
    assert not any(s.get("evidence") for s in skills())
    again = memory_cli("memory", "remove", str(example["id"]))
    assert again.exit_code == 1 and f"no stored example with id {example['id']}" in again.stderr


def test_info_and_clear_errors(memory_cli, cli, tmp_path):
    info = memory_cli("memory", "info")
    assert info.exit_code == 0 and "examples: 0" in info.stdout and "not created" in info.stdout
    unknown = memory_cli("memory", "add", write(tmp_path / "notes.txt", "hello\n"))
    assert unknown.exit_code == 1 and "cannot tell the format" in unknown.stderr
    off = memory_cli("--set", "memory.enabled=false", "memory", "add", str(tmp_path / "notes.txt"))
    assert off.exit_code == 1 and "memory is off" in off.stderr
    seed = memory_cli("memory", "seed", "no-such-seed")
    assert seed.exit_code == 2 and "skillskape" in seed.stderr
    assert "Traceback" not in unknown.output + off.output + seed.output


def test_csv_and_parquet_outputs_carry_the_evidence_too(memory_cli, tmp_path):
    ads = write(tmp_path / "ads.jsonl", '{"id": "a", "text": "' + AD + '"}\n')
    examples = write(
        tmp_path / "examples.jsonl",
        json.dumps({"text": TAUGHT, "skills": [DIGITAL_CONTENT]}) + "\n",
    )
    assert memory_cli("memory", "add", examples).exit_code == 0
    jsonl, table, flat = tmp_path / "o.jsonl", tmp_path / "o.parquet", tmp_path / "o.csv"
    for output in (jsonl, table, flat):
        result = memory_cli("extract", ads, "--top-k", "3", "-o", str(output))
        assert result.exit_code == 0, result.output
    skills = json.loads(jsonl.read_text())["skills"]
    assert any(s.get("evidence") for s in skills)
    with flat.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["uri"] for r in rows] == [s["uri"] for s in skills]
    assert [json.loads(r["evidence"]) if r["evidence"] else [] for r in rows] == [
        s.get("evidence", []) for s in skills
    ]
    (row,) = pq.read_table(table).to_pylist()
    assert [s["uri"] for s in row["skills"]] == [s["uri"] for s in skills]
    assert [s["evidence"] for s in row["skills"]] == [s.get("evidence", []) for s in skills]


def test_a_file_with_only_bad_records_fails(memory_cli, tmp_path):
    broken = write(tmp_path / "train.csv", ",sentence,skills\n0,Broken list.,\"['SQL'\"\n")
    result = memory_cli("memory", "add", broken)
    assert result.exit_code == 1
    assert "nothing was stored" in result.output
    assert listed(memory_cli) == []
