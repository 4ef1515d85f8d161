"""Reading annotated files in each supported format."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from skillgraph.memory import SourceFormatError, detect_format, read_source
from tests.skillgraph.memory.conftest import PYTHON, SQL

SKILLSKAPE = """,sentence,skills
0,"You write Python, daily.","['Python (computer programming)', 'SQL']"
1,Join a great team.,['UNK']
2,No skills here.,
3,Weird labels.,"['not an ESCO label']"
4,Broken list.,"['SQL'"
"""
ANNOTATIONS = """sentence,span,sub_span,label
You know Python and SQL .,Python,,Python (computer programming)
You know Python and SQL .,SQL,,SQL
We are friendly .,friendly,,LABEL NOT PRESENT
You query data .,query data,,UNDERSPECIFIED
You query data .,query,,SQL
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_skillskape_rows_map_labels_and_report_the_rest(tmp_path, small_taxonomy):
    path = write(tmp_path / "train.csv", SKILLSKAPE)
    assert detect_format(path) == "skillskape"
    rows = list(read_source(path, small_taxonomy))
    assert [r.row_number for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].example.text == "You write Python, daily."
    assert rows[0].example.skills == (PYTHON, SQL)
    assert rows[0].example.source == "skillskape:train.csv"
    assert rows[1].no_skill and rows[2].no_skill  # UNK only, or no label: nothing to add
    assert rows[3].example is None and "not an ESCO label" in rows[3].error
    assert rows[3].unmapped == ("not an ESCO label",)
    assert "unreadable" in rows[4].error


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("sentence", [("You know Python and SQL .", (PYTHON, SQL)), ("You query data .", (SQL,))]),
        ("span", [("Python", (PYTHON,)), ("SQL", (SQL,)), ("query", (SQL,))]),
    ],
)
def test_benchmark_annotations_by_sentence_or_span(tmp_path, small_taxonomy, level, expected):
    path = write(tmp_path / "house_annotations.csv", ANNOTATIONS)
    assert detect_format(path) == "annotations"
    rows = list(read_source(path, small_taxonomy, level=level))
    found = [(r.example.text, r.example.skills) for r in rows if r.example]
    assert found == expected
    assert sum(r.no_skill for r in rows) == (1 if level == "sentence" else 2)


def test_example_lines_take_uris_or_labels_and_report_bad_lines(tmp_path, small_taxonomy):
    path = tmp_path / "examples.jsonl.gz"
    lines = [
        f'{{"text": "You know Python.", "skills": ["{PYTHON}"], "negatives": ["SQL"]}}',
        "",
        "{not json",
        '{"text": "x", "skills": "SQL"}',
        '{"text": "You query.", "skills": ["SQL"], "source": "mine"}',
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    assert detect_format(path) == "examples"
    rows = list(read_source(path, small_taxonomy))
    assert rows[0].example.skills == (PYTHON,) and rows[0].example.negatives == (SQL,)
    assert "invalid JSON" in rows[1].error and rows[1].row_number == 2
    assert "lists of strings" in rows[2].error
    assert rows[3].example.source == "mine" and rows[3].example.skills == (SQL,)


def test_benchmark_jsonl_is_read(tmp_path, small_taxonomy):
    path = write(
        tmp_path / "bench.jsonl",
        '{"sentence": "You know SQL .", "gold_esco_labels": ["SQL", "UNDERSPECIFIED"]}\n',
    )
    (row,) = read_source(path, small_taxonomy)
    assert (row.example.text, row.example.skills) == ("You know SQL .", (SQL,))


def test_unknown_or_unreadable_files_get_a_clear_error(tmp_path, small_taxonomy):
    with pytest.raises(SourceFormatError, match="cannot tell the format"):
        detect_format(write(tmp_path / "notes.txt", "hello\n"))
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(gzip.compress(b",sentence,skills\n0,SQL.,['SQL']\n")[:-12])
    with pytest.raises(SourceFormatError, match="cannot be read"):
        list(read_source(broken, small_taxonomy, "skillskape"))


def test_a_record_that_is_not_utf8_costs_only_itself(tmp_path, small_taxonomy):
    path = tmp_path / "train.csv"
    path.write_bytes(b",sentence,skills\n0,caf\xe9 SQL,['SQL']\n1,You know SQL.,['SQL']\n")
    bad, good = read_source(path, small_taxonomy)
    assert "not UTF-8" in bad.error and bad.row_number == 1
    assert good.example.text == "You know SQL."
