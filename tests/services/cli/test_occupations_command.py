"""``skillgraph occupations`` end to end on the small ESCO export with the real encoder."""

from __future__ import annotations

import json
from pathlib import Path

ROWS = [
    {"id": "t1", "title": "Senior Database Programmer (m/f/d) - Remote", "text": ""},
    {"id": "t2", "title": "Apply now!", "text": "We offer free coffee."},
    {"id": "t3", "title": "", "text": "You write SQL."},
    {
        "id": "t4",
        "title": "Scrum Master | Berlin",
        "text": "You run sprint planning and keep the project plan. You know Python.",
    },
]


def _input(tmp_path: Path) -> Path:
    source = tmp_path / "titles.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    return source


def test_each_title_gets_its_occupations_in_input_order(cli, tmp_path):
    output = tmp_path / "occupations.jsonl"
    result = cli("occupations", str(_input(tmp_path)), "-o", str(output), "--top-k", "2")
    assert result.exit_code == 0, result.output
    assert "4 rows: 2 matched, 1 no confident match, 1 rejected" in result.stderr
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["id"] for r in records] == ["t1", "t2", "t4"]
    first, non_title, scrum = records
    assert first["occupations"][0]["label"] == "database developer"
    assert first["occupations"][0]["isco_code"] == "2521"
    assert [step["code"] for step in first["occupations"][0]["isco_path"]][-1] == "2521"
    assert len(first["occupations"]) <= 2
    assert non_title == {"id": "t2", "occupations": []}  # no confident match: empty, not wrong
    assert scrum["occupations"][0]["label"] == "ICT project manager"
    assert "context" not in scrum  # titles alone without --text-column
    (error,) = [
        json.loads(line) for line in Path(f"{output}.errors.jsonl").read_text().splitlines()
    ]
    assert (error["id"], error["reason"]) == ("t3", "title column 'title' is empty")


def test_with_the_ad_text_the_skills_are_set_against_the_best_occupation(cli, tmp_path):
    output = tmp_path / "occupations.jsonl"
    result = cli("occupations", str(_input(tmp_path)), "-o", str(output), "--text-column", "text")
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in map(json.loads, output.read_text().splitlines())}
    context = records["t4"]["context"]
    assert context["label"] == "ICT project manager"
    assert context["skills"], "the ad's skills"
    assert {s["relation"] for s in context["skills"]} <= {"essential", "optional", None}
    related = {s["uri"] for s in context["skills"]}
    assert all(s["uri"] not in related for s in context["missing_essential"])
    # An empty text is no text: the title alone answers, and there is nothing to set against.
    assert records["t1"]["occupations"] and "context" not in records["t1"]
    assert records["t2"] == {"id": "t2", "occupations": [], "context": None}


def test_a_missing_title_column_is_a_clear_error(cli, tmp_path):
    source = tmp_path / "ads.csv"
    source.write_text("id,name\n1,cook\n")
    result = cli("occupations", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code != 0
    assert "title" in result.output
