"""``skillgraph spans`` end to end: the tagger's spans of every row, in order, errors aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillgraph import Settings
from skillgraph.runtime import load_span_reader
from skillgraph.segmentation import Segmenter

ADS = [
    ("ad-1", "Experience with Python and PostgreSQL.\nYou will manage a small team."),
    ("ad-2", ""),  # empty text: rejected, the others go on
    ("ad-3", "We offer free coffee."),
    ("ad-4", "Strong SQL skills; you plan and run data migrations."),
]


def test_spans_of_every_row_in_order_with_offsets_in_the_row(cli, tmp_path, model_data_dir):
    source = tmp_path / "ads.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in ADS))
    output = tmp_path / "spans.jsonl"
    result = cli("spans", str(source), "-o", str(output), "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert "4 rows: 3 tagged, 1 rejected" in result.stderr
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["id"] for r in records] == ["ad-1", "ad-3", "ad-4"]
    assert all(set(r) == {"id", "spans"} for r in records)
    (error,) = [
        json.loads(line) for line in Path(f"{output}.errors.jsonl").read_text().splitlines()
    ]
    assert (error["id"], error["reason"]) == ("ad-2", "empty text")

    # The same tagger as the extraction mode: each sentence read on its own gives these spans.
    reader = load_span_reader(Settings(data_dir=model_data_dir))
    segmenter = Segmenter()
    texts = dict(ADS)
    for record in records:
        text = texts[record["id"]]
        expected = [
            span.shifted(sentence.start).to_dict()
            for sentence in segmenter.split(text)
            for span in reader.read([sentence.text])[0].spans
        ]
        # int8 probabilities move by up to 4e-3 with their batch (docs/model-card.md).
        assert [s | {"confidence": 0} for s in record["spans"]] == [
            s | {"confidence": 0} for s in expected
        ]
        for got, want in zip(record["spans"], expected, strict=True):
            assert got["confidence"] == pytest.approx(want["confidence"], abs=5e-3)
        for span in record["spans"]:
            assert text[span["start"] : span["end"]] == span["text"]
    assert any("Python" in s["text"] for s in records[0]["spans"])
    assert records[1]["spans"] == []  # free coffee is no skill


def test_spans_reads_csv_from_stdin(cli):
    result = cli("spans", "-", "--input-format", "csv", input="id,text\na,Write SQL queries.\n")
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["id"] == "a" and record["spans"]
    assert "1 rows: 1 tagged, 0 rejected" in result.stderr
