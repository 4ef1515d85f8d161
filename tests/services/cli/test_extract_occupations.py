"""``skillgraph extract --title-column/--occupation-column`` end to end on the small ESCO export
with the real encoder: each row's occupations and its skills' context in every output format,
bad occupation cells as row errors, the same output resumed or on workers, and the posting's
occupation in the RDF export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pyoxigraph
import pytest

from ontology.namespace import SCHEMA
from services.batch.columns import OCCUPATION_CSV_COLUMNS, PARQUET_OCCUPATION_SCHEMA
from services.batch.jobs import PostingJob

E = "http://data.europa.eu/esco/occupation/"
DATABASE_DEVELOPER = f"{E}b11e1742-5e28-4270-b081-b0193d85ee7d"
ICT_PROJECT_MANAGER = f"{E}8b6388a4-4904-471b-9331-d3b1211f5525"
SOFTWARE_DEVELOPER_UUID = "f2b15a0e-e65a-438a-affb-29b9d50b77d1"
SOFTWARE_DEVELOPER = f"{E}{SOFTWARE_DEVELOPER_UUID}"
ROWS = [
    {
        "id": "db",
        "title": "Senior Database Programmer (m/f/d) - Remote",
        "text": "Experience with Python and PostgreSQL. You write SQL queries.",
    },
    {"id": "none", "title": "Apply now!", "text": "You will manage staff."},
    {  # the occupation given (by UUID) is the context, whatever the title names
        "id": "given",
        "title": "Scrum Master | Berlin",
        "occupation": SOFTWARE_DEVELOPER_UUID,
        "text": "You write Java and debug software.",
    },
    {"id": "unknown", "title": "Cook", "occupation": f"{E}no-such", "text": "You write Python."},
    {"id": "untitled", "title": None, "occupation": "", "text": "Lead a team of Java devs."},
    {"id": "empty", "title": "Cook", "text": ""},
    {"id": "pasted", "title": "Cook " * 201, "text": "You cook."},  # an ad in the title field
]
COLUMNS = ("--title-column", "title", "--occupation-column", "occupation")


def _input(tmp_path: Path, rows: list[dict] = ROWS) -> Path:
    source = tmp_path / "ads.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return source


def _extract(cli, source: Path, output: Path, *options: str) -> list[dict]:
    result = cli("extract", str(source), "-o", str(output), *COLUMNS, *options)
    assert result.exit_code == 0, result.output
    return (
        [json.loads(line) for line in output.read_text().splitlines()]
        if output.suffix == ".jsonl"
        else []
    )


@pytest.fixture
def written(cli, tmp_path) -> tuple[Path, list[dict]]:
    output = tmp_path / "skills.jsonl"
    return output, _extract(cli, _input(tmp_path), output)


def test_each_row_gets_its_occupations_and_the_skills_context(written, small_taxonomy):
    output, records = written
    assert [r["id"] for r in records] == ["db", "none", "given", "untitled"]
    db, none, given, untitled = records
    assert db["occupations"][0]["uri"] == DATABASE_DEVELOPER
    assert db["occupations"][0]["isco_path"][-1]["code"] == "2521"
    assert db["context"]["occupation"] == DATABASE_DEVELOPER
    for record in (db, given):  # every relation as ESCO has it, and the gap list
        occupation = small_taxonomy.occupation(record["context"]["occupation"])
        found = list(dict.fromkeys(s["uri"] for s in record["skills"]))
        assert found, "the ad's skills"
        assert [s["uri"] for s in record["context"]["skills"]] == found
        assert [s["relation"] for s in record["context"]["skills"]] == [
            "essential" if uri in occupation.essential_skills
            else "optional" if uri in occupation.optional_skills else None
            for uri in found
        ]  # fmt: skip
        assert [s["uri"] for s in record["context"]["missing_essential"]] == [
            uri for uri in occupation.essential_skills if uri not in found
        ]
    assert {"optional"} <= {s["relation"] for s in db["context"]["skills"]}  # Python, PostgreSQL
    # A non-title: no occupation, rather than a wrong one; its skills are kept.
    assert none["occupations"] == [] and none["context"] is None and none["skills"]
    assert given["occupations"][0]["uri"] == ICT_PROJECT_MANAGER  # what the title names
    assert given["context"]["occupation"] == SOFTWARE_DEVELOPER  # what the row gives
    assert untitled["occupations"] == [] and untitled["context"] is None
    errors = [json.loads(line) for line in Path(f"{output}.errors.jsonl").read_text().splitlines()]
    assert [(e["id"], e["reason"]) for e in errors] == [
        ("unknown", f"occupation column 'occupation': no ESCO occupation '{E}no-such'"),
        ("empty", "empty text"),
        ("pasted", "title column 'title': 1004 characters (limit 1000)"),
    ]


def test_without_the_columns_the_output_is_unchanged(cli, tmp_path, written):
    _, records = written
    plain = tmp_path / "plain.jsonl"
    assert cli("extract", str(_input(tmp_path)), "-o", str(plain)).exit_code == 0
    lines = [json.loads(line) for line in plain.read_text().splitlines()]
    assert all("occupations" not in r and "context" not in r for r in lines)
    extra = ("occupations", "context")
    by_id = {r["id"]: {k: v for k, v in r.items() if k not in extra} for r in records}
    assert [by_id[r["id"]] for r in lines if r["id"] in by_id] == list(by_id.values())


def test_csv_and_parquet_carry_the_occupation(cli, tmp_path, written):
    _, records = written
    source = _input(tmp_path)
    as_csv, as_parquet = tmp_path / "out.csv", tmp_path / "out.parquet"
    _extract(cli, source, as_csv)
    _extract(cli, source, as_parquet)
    with as_csv.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ())[-4:] == OCCUPATION_CSV_COLUMNS
        lines = list(reader)
    for record in records:
        mine = [line for line in lines if line["id"] == record["id"]]
        assert len(mine) == len(record["skills"])
        context = record["context"] or {"occupation": "", "label": "", "skills": []}
        assert {line["occupation"] for line in mine} == {context["occupation"]}
        assert {line["occupation_label"] for line in mine} == {context["label"]}
        relations = {s["uri"]: s["relation"] or "" for s in context["skills"]}
        assert [line["relation"] for line in mine] == [
            relations.get(line["uri"], "") for line in mine
        ]
    (db,) = {line["occupation_score"] for line in lines if line["id"] == "db"}
    assert float(db) == records[0]["occupations"][0]["score"]
    # Given, not matched from the title: no match score.
    assert {line["occupation_score"] for line in lines if line["id"] == "given"} == {""}

    table = pq.read_table(as_parquet)
    assert table.schema.equals(PARQUET_OCCUPATION_SCHEMA)
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        assert row["occupations"] == record["occupations"]
        assert row["context"] == record["context"]


def test_the_export_links_each_posting_to_its_occupation(cli, tmp_path, written):
    output, _ = written
    graph = tmp_path / "postings.nq"
    result = cli("export", "postings", str(output), "-o", str(graph))
    assert result.exit_code == 0, result.output
    quads = pyoxigraph.parse(path=graph, format=pyoxigraph.RdfFormat.N_QUADS)
    linked = {
        q.subject.value.rsplit("/", 1)[1]: q.object.value
        for q in quads
        if q.predicate == SCHEMA.relevantOccupation
    }
    assert linked == {"db": DATABASE_DEVELOPER, "given": SOFTWARE_DEVELOPER}


def test_a_missing_column_is_a_clear_error(cli, tmp_path):
    source = tmp_path / "ads.csv"
    source.write_text("id,text\n1,You write SQL.\n")
    result = cli("extract", str(source), "-o", str(tmp_path / "out.jsonl"), "--title-column", "job")
    assert result.exit_code != 0
    assert "no 'job' column" in result.output


class _Killed(Exception):
    pass


def test_a_failed_run_resumes_and_workers_write_the_same(cli, tmp_path, monkeypatch):
    rows = [{**row, "id": f"{row['id']}-{n}"} for n in range(6) for row in ROWS if row["text"]]
    source = _input(tmp_path, rows)
    options = ("--batch-size", "2", "--checkpoint-every", "4")
    whole = tmp_path / "whole.jsonl"
    _extract(cli, source, whole, *options, "--workers", "1")
    pooled = tmp_path / "pooled.jsonl"
    _extract(cli, source, pooled, *options, "--workers", "2")
    assert pooled.read_bytes() == whole.read_bytes()

    run = PostingJob.__call__

    def dies_at_row_17(job, batch):
        if any(ad.row_number == 17 for ad, _, _ in batch):
            raise _Killed
        return run(job, batch)

    output = tmp_path / "out.jsonl"
    with monkeypatch.context() as patch:
        patch.setattr(PostingJob, "__call__", dies_at_row_17)
        with pytest.raises(_Killed):
            cli("extract", str(source), "-o", str(output), *COLUMNS, *options, "--workers", "1")
    assert Path(f"{output}.checkpoint.json").exists()
    assert 0 < output.read_text().count("\n") < len(rows) - 12  # cut short, 12 rejected
    _extract(cli, source, output, *options, "--workers", "1", "--resume")
    assert output.read_bytes() == whole.read_bytes()
    errors = Path(f"{output}.errors.jsonl").read_bytes()
    assert errors == Path(f"{whole}.errors.jsonl").read_bytes() and errors.count(b"\n") == 12
