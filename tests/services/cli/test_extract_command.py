"""``skillgraph extract`` end to end on files: order, errors, formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pyoxigraph

from ontology.namespace import SG

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
POSTGRES = "http://data.europa.eu/esco/skill/a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"


def _write_csv(path: Path) -> Path:
    rows = [
        b"id,text\r\n",
        b'ad-1,"Experience with Python and PostgreSQL.\nYou will manage staff."\r\n',
        b"ad-2,\r\n",  # empty text
        b"ad-3,SQL queries,unexpected extra field\r\n",  # malformed
        b"ad-4,Caf\xe9 staff wanted\r\n",  # not UTF-8
        b"ad-5,Lead a team of Java developers\r\n",
    ]
    path.write_bytes(b"".join(rows))
    return path


def test_csv_to_jsonl_keeps_order_and_reports_every_bad_row(cli, tmp_path):
    source = _write_csv(tmp_path / "ads.csv")
    output = tmp_path / "skills.jsonl"
    result = cli("extract", str(source), "--output", str(output), "--top-k", "5")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["id"] for r in records] == ["ad-1", "ad-5"]
    assert {PYTHON, POSTGRES} <= {s["uri"] for s in records[0]["skills"]}
    assert all(len(r["skills"]) == 5 and r["esco_version"] == "v1.2.0" for r in records)
    text = "Experience with Python and PostgreSQL.\nYou will manage staff."
    for skill in records[0]["skills"]:
        assert text[skill["start"] : skill["end"]] == skill["sentence"]

    errors = [json.loads(line) for line in Path(f"{output}.errors.jsonl").read_text().splitlines()]
    assert [(e["row"], e["id"]) for e in errors] == [(2, "ad-2"), (3, None), (4, "ad-4")]
    assert "empty text" in errors[0]["reason"]
    assert "expected 2 fields, got 3" in errors[1]["reason"]
    assert "not UTF-8" in errors[2]["reason"]
    assert "5 rows: 2 extracted, 3 rejected" in result.stderr


def test_min_score_zero_is_ranking_mode(cli, tmp_path):
    source = tmp_path / "ads.jsonl"
    source.write_text(
        json.dumps({"id": 7, "text": "Write SQL."}) + "\n" + json.dumps({"text": "Java"}) + "\n"
    )
    output = tmp_path / "out.jsonl"
    result = cli("extract", str(source), "-o", str(output), "--top-k", "3", "--min-score", "0")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["id"] for r in records] == ["7", "2"]  # a missing id becomes the row number
    assert [len(r["skills"]) for r in records] == [3, 3]
    assert not Path(f"{output}.errors.jsonl").exists()  # no rejected row, no errors file


def test_jsonl_results_carry_their_model_into_rdf(cli, tmp_path):
    source = tmp_path / "ads.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "Write SQL queries in Python."}) + "\n")
    ranked, extracted = tmp_path / "ranked.jsonl", tmp_path / "extracted.jsonl"
    assert cli("extract", str(source), "-o", str(ranked), "--top-k", "3").exit_code == 0
    assert cli("extract", str(source), "-o", str(extracted)).exit_code == 0
    stamps = []
    for path in (ranked, extracted):
        (record,) = [json.loads(line) for line in path.read_text().splitlines()]
        assert record["model"] and record["model_fingerprint"]
        stamps.append((record["model"], record["model_fingerprint"]))
    assert stamps[0] != stamps[1]  # ranking is the encoder's, extraction the reader's

    graph = tmp_path / "extracted.nq"
    result = cli("export", "postings", str(extracted), "-o", str(graph))
    assert result.exit_code == 0, result.output
    quads = list(pyoxigraph.parse(path=graph, format=pyoxigraph.RdfFormat.N_QUADS))
    provenance = (SG.model, SG.modelFingerprint)
    recorded = {(q.predicate.value, q.object.value) for q in quads if q.predicate in provenance}
    assert recorded == {(SG.model.value, stamps[1][0]), (SG.modelFingerprint.value, stamps[1][1])}


def test_csv_and_parquet_outputs(cli, tmp_path):
    source = tmp_path / "ads.csv"
    source.write_text('id,body\nx,"Python, SQL"\ny,"Say ""hello"", then lead others"\n')
    as_csv = tmp_path / "out.csv"
    result = cli("extract", str(source), "--text-column", "body", "-o", str(as_csv), "--top-k", "2")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(as_csv.open()))
    assert [(r["id"], r["rank"]) for r in rows] == [("x", "1"), ("x", "2"), ("y", "1"), ("y", "2")]
    assert rows[2]["sentence"] == 'Say "hello", then lead others'

    as_parquet = tmp_path / "out.parquet"
    result = cli(
        "extract", str(source), "--text-column", "body", "-o", str(as_parquet), "--top-k", "2"
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(as_parquet).to_pylist()
    assert [r["id"] for r in table] == ["x", "y"]
    assert [s["uri"] for s in table[0]["skills"]] == [r["uri"] for r in rows[:2]]


def test_stdin_to_stdout(cli):
    result = cli(
        "extract",
        "-",
        "--input-format",
        "jsonl",
        "--top-k",
        "1",
        input=json.dumps({"id": "a", "text": "PostgreSQL"}) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["skills"][0]["uri"] == POSTGRES


def test_missing_text_column_is_one_clear_error(cli, tmp_path):
    source = tmp_path / "ads.csv"
    source.write_text("id,description\n1,Python\n")
    result = cli("extract", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert "text" in result.stderr and "description" in result.stderr
    assert "Traceback" not in result.output


def test_bad_parameters_fail_before_reading(cli, tmp_path):
    result = cli("extract", str(tmp_path / "absent.csv"), "--top-k", "0")
    assert result.exit_code == 2
    assert "--top-k" in result.stderr
