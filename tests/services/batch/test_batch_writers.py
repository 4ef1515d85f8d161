"""Result writers: JSON Lines, CSV and Parquet round trips, stdout, and row-group flushing."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from services.batch import (
    WRITERS,
    BatchOutputError,
    RowResult,
    infer_format,
    open_writer,
)
from services.batch.columns import (
    CSV_COLUMNS,
    OCCUPATION_CSV_COLUMNS,
    PARQUET_OCCUPATION_SCHEMA,
    PARQUET_SCHEMA,
    SKILL_COLUMNS,
    parquet_row,
)
from services.batch.writers import (
    JsonlResultWriter,
    ParquetResultWriter,
    neutralise_formula,
    parts_dir_for,
)
from skillgraph.occupations import (
    IscoStep,
    OccupationContext,
    OccupationMatch,
    PostingOccupations,
    SkillRelation,
)
from skillgraph.records import Evidence, ModelStamp, SkillMatch

HOSTILE = 'He said "hi", then left;\nnew line\r\nand a tab\t, emoji 🦀, NUL-free \\ backslash'
PYTHON = SkillMatch(
    uri="http://data.europa.eu/esco/skill/1",
    label="Python",
    score=0.9876543,
    skill_type="knowledge",
    sentence="We use Python.",
    start=0,
    end=14,
)
SQL = SkillMatch(
    uri="http://data.europa.eu/esco/skill/2",
    label='SQL, "the" language',
    score=0.5,
    skill_type="skill/competence",
    sentence=HOSTILE,
    start=15,
    end=15 + len(HOSTILE),
)
RESULTS = [
    RowResult("ad-1", 1, "v1.2.0", (PYTHON, SQL)),
    RowResult("ad-2", 2, "v1.2.0", ()),
    RowResult('id, with "quotes"\nand newline', 3, "v1.2.0", ()),
]
# The extraction mode's fields, a memory's evidence, a model, and cells that look like formulas.
EXTRACTED = SkillMatch(
    uri="http://data.europa.eu/esco/skill/3",
    label="=cmd|' /C calc'!A0",
    score=-0.25,
    skill_type="knowledge",
    sentence="@SUM(1) You know SQL.",
    start=0,
    end=21,
    evidence=(Evidence(7, "+knows SQL", 0.75),),
    probability=0.625,
    span_text="SQL",
    span_start=17,
    span_end=20,
)
STAMP = ModelStamp("onnx-int8:reader", "abc123/viterbi")
FULL = RowResult("=1+1", 4, "v1.2.0", (EXTRACTED,), STAMP)


def _write_all(target: Path | str, format: str | None = None) -> None:
    with open_writer(target, format) as writer:
        for result in RESULTS:
            writer.write(result)


def test_jsonl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    _write_all(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [result.to_dict() for result in RESULTS]
    assert "🦀" in lines[0]  # not \u-escaped
    assert json.loads(lines[0])["skills"][0]["score"] == 0.987654


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    _write_all(path)
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert tuple(rows[0]) == CSV_COLUMNS
    blank = [""] * 5  # probability, span text and offsets, evidence
    expected = [
        ["ad-1", "v1.2.0", "", "", "1", "http://data.europa.eu/esco/skill/1", "Python",
         "0.987654", "knowledge", "We use Python.", "0", "14", *blank],
        ["ad-1", "v1.2.0", "", "", "2", "http://data.europa.eu/esco/skill/2",
         'SQL, "the" language', "0.5", "skill/competence", HOSTILE, "15",
         str(15 + len(HOSTILE)), *blank],
        ["ad-2", "v1.2.0", "", "", "", *[""] * len(SKILL_COLUMNS)],
        ['id, with "quotes"\nand newline', "v1.2.0", "", "", "", *[""] * len(SKILL_COLUMNS)],
    ]  # fmt: skip
    assert rows[1:] == expected


def _one(path: Path, result: RowResult, **options) -> None:
    with open_writer(path, **options) as writer:
        writer.write(result)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv_carries_every_field_json_lines_has(tmp_path: Path) -> None:
    _one(tmp_path / "out.csv", FULL, raw_csv=True)
    (row,) = _csv_rows(tmp_path / "out.csv")
    skill = FULL.to_dict()["skills"][0]
    assert row["model"] == STAMP.name and row["model_fingerprint"] == STAMP.fingerprint
    assert row["rank"] == "1"
    for name in SKILL_COLUMNS:
        expected = json.dumps(skill[name]) if name == "evidence" else str(skill[name])
        assert row[name] == expected, name


def test_csv_neutralises_cells_a_spreadsheet_would_run(tmp_path: Path) -> None:
    _one(tmp_path / "out.csv", FULL)
    (row,) = _csv_rows(tmp_path / "out.csv")
    assert row["id"] == "'=1+1"
    assert row["label"] == "'=cmd|' /C calc'!A0"
    assert row["sentence"] == "'@SUM(1) You know SQL."
    assert row["score"] == "-0.25"  # a number, not a formula
    assert row["span_text"] == "SQL"
    for start in ("+", "-", "@", "\t", "\r", "="):
        assert neutralise_formula(start + "x") == "'" + start + "x"
    assert neutralise_formula("a=b") == "a=b"


def test_parquet_carries_every_field_as_nested_columns(tmp_path: Path) -> None:
    _one(tmp_path / "out.parquet", FULL)
    (row,) = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert row == FULL.to_dict()  # every key, evidence as a list of structs


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    _write_all(path)
    table = pq.read_table(path)
    assert table.schema.equals(PARQUET_SCHEMA)
    assert table.to_pylist() == [parquet_row(result) for result in RESULTS]
    assert table.to_pylist()[0]["skills"][0]["probability"] is None  # ranking: no probability
    assert not parts_dir_for(path).exists()


def test_every_format_has_every_skill_field() -> None:
    skill_struct = PARQUET_SCHEMA.field("skills").type.value_type
    assert tuple(field.name for field in skill_struct) == SKILL_COLUMNS
    assert set(SKILL_COLUMNS) == {field.name for field in dataclasses.fields(SkillMatch)}
    assert tuple(EXTRACTED.to_dict()) == SKILL_COLUMNS  # JSON Lines' order


COOK = "http://data.europa.eu/esco/occupation/cook"
MATCH = OccupationMatch(
    COOK, "cook", 0.812345, "5120", (IscoStep("5", "Services"), IscoStep("5120", "Cooks")), "chef"
)
MISSING = SkillRelation("http://data.europa.eu/esco/skill/9", "use knives", "essential")
CONTEXT = OccupationContext(
    COOK, "cook", (SkillRelation(PYTHON.uri, PYTHON.label, None),
                   SkillRelation(SQL.uri, SQL.label, "optional")), (MISSING,),
)  # fmt: skip
POSTINGS = [
    RowResult("matched", 1, "v1.2.0", (PYTHON, SQL), STAMP, PostingOccupations((MATCH,), CONTEXT)),
    RowResult("none", 2, "v1.2.0", (PYTHON,), STAMP, PostingOccupations((), None)),
    RowResult("given", 3, "v1.2.0", (), STAMP, PostingOccupations((), CONTEXT)),
]


@pytest.mark.parametrize("name", ["out.jsonl", "out.parquet"])
def test_json_lines_and_parquet_carry_a_postings_occupations_whole(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    with open_writer(path, occupations=True) as writer:
        for result in POSTINGS:
            writer.write(result)
    if name == "out.parquet":
        table = pq.read_table(path)
        assert table.schema.equals(PARQUET_OCCUPATION_SCHEMA)
        rows = table.to_pylist()
    else:
        rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["occupations"] for r in rows] == [[MATCH.to_dict()], [], []]
    assert [r["context"] for r in rows] == [CONTEXT.to_dict(), None, CONTEXT.to_dict()]
    assert rows[0]["occupations"][0]["isco_path"][1] == {"code": "5120", "label": "Cooks"}


def test_csv_carries_each_skills_relation_and_the_postings_occupation(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with open_writer(path, occupations=True) as writer:
        for result in POSTINGS:
            writer.write(result)
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    assert tuple(header) == CSV_COLUMNS + OCCUPATION_CSV_COLUMNS
    tails = [(row[0], row[-4:]) for row in rows]
    assert tails == [
        ("matched", ["", COOK, "cook", "0.8123"]),  # Python: not related to the occupation
        ("matched", ["optional", COOK, "cook", "0.8123"]),
        ("none", ["", "", "", ""]),
        ("given", ["", COOK, "cook", ""]),  # no skills: one line; given, so no match score
    ]


def test_parquet_writes_a_row_group_every_n_rows(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    with ParquetResultWriter(path, row_group_size=100) as writer:
        for n in range(250):
            writer.write(RowResult(f"ad-{n}", n + 1, "v1.2.0", RESULTS[0].skills))
    parquet = pq.ParquetFile(path)
    assert parquet.num_row_groups == 3
    assert [parquet.metadata.row_group(i).num_rows for i in range(3)] == [100, 100, 50]
    assert parquet.read().column("id").to_pylist() == [f"ad-{n}" for n in range(250)]


def test_empty_parquet_run_writes_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    open_writer(path).close()
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert table.schema.equals(PARQUET_SCHEMA)


def test_parquet_is_finalised_when_the_run_fails(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    with pytest.raises(RuntimeError), open_writer(path) as writer:
        writer.write(RESULTS[0])
        raise RuntimeError("extraction blew up")
    assert pq.read_table(path).column("id").to_pylist() == ["ad-1"]
    assert parts_dir_for(path).is_dir()  # kept for --resume


@pytest.mark.parametrize("format", [None, "jsonl"])
def test_jsonl_to_stdout(capsys: pytest.CaptureFixture[str], format: str | None) -> None:
    _write_all("-", format)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [result.to_dict() for result in RESULTS]


def test_csv_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    _write_all("-", "csv")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 5


def test_stdout_stays_usable_after_the_writer_closes(capsys: pytest.CaptureFixture[str]) -> None:
    _write_all("-")
    print("still here")
    assert capsys.readouterr().out.endswith("still here\n")


def test_parquet_cannot_go_to_stdout() -> None:
    with pytest.raises(BatchOutputError, match="stdout"):
        open_writer("-", "parquet")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("-", "jsonl"),
        ("out.jsonl", "jsonl"),
        ("out.ndjson", "jsonl"),
        ("OUT.CSV", "csv"),
        ("dir/out.parquet", "parquet"),
        (Path("out.pq"), "parquet"),
    ],
)
def test_infer_format(target: str | Path, expected: str) -> None:
    assert infer_format(target) == expected
    assert expected in WRITERS


def test_unknown_formats_are_output_errors(tmp_path: Path) -> None:
    with pytest.raises(BatchOutputError, match="--format"):
        infer_format("out.xlsx")
    with pytest.raises(BatchOutputError, match="unknown output format 'xml'"):
        open_writer(tmp_path / "out.jsonl", "xml")


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.parquet"])
def test_unwritable_target_is_an_output_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(BatchOutputError, match="cannot open output"):
        open_writer(tmp_path / "missing-dir" / name)


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.parquet"])
def test_closed_writer_rejects_writes(tmp_path: Path, name: str) -> None:
    writer = open_writer(tmp_path / name)
    writer.close()
    writer.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        writer.write(RESULTS[0])


def test_nan_score_is_refused_rather_than_written_as_invalid_json(tmp_path: Path) -> None:
    skill = SkillMatch("u", "x", math.nan, "knowledge", "s", 0, 1)
    with open_writer(tmp_path / "out.jsonl") as writer, pytest.raises(ValueError):
        writer.write(RowResult("ad", 1, "v1.2.0", (skill,)))


def test_rows_become_visible_before_close(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    writer = WRITERS["jsonl"](str(path))
    with writer:
        writer.write(RESULTS[1])
        assert path.read_text() == ""  # no flush per row
    path = tmp_path / "out-flushed.jsonl"
    with JsonlResultWriter(path, flush_every=2) as writer:
        writer.write(RESULTS[1])
        writer.write(RESULTS[2])
        assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_parquet_resumes_over_what_a_killed_part_write_left(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    writer = ParquetResultWriter(path, row_group_size=100)
    writer.write(RESULTS[0])
    mark = writer.checkpoint()
    writer.close(complete=False)
    # A run killed while writing its next part, and while joining the target.
    parts = parts_dir_for(path)
    (parts / ".part-000001.parquet-abcd1234.parquet").write_text("half a part")
    (tmp_path / ".out.parquet-efgh5678.parquet").write_text("half a target")
    with ParquetResultWriter(path, row_group_size=100, resume_at=mark) as resumed:
        resumed.write(RESULTS[1])
    assert pq.read_table(path).column("id").to_pylist() == ["ad-1", "ad-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


def test_parquet_refuses_a_parts_directory_with_foreign_files(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    parts = parts_dir_for(path)
    parts.mkdir()
    (parts / "notes.txt").write_text("mine")
    with pytest.raises(BatchOutputError, match="not SkillGraph parts"):
        ParquetResultWriter(path)
    assert (parts / "notes.txt").read_text() == "mine"
