"""``skillgraph train-span-head`` and ``train-spans`` on the fixture sentences, and a trained
head in the default mode."""

from __future__ import annotations

import json
import shutil

from skillgraph import Settings
from skillgraph.runtime import load_span_reader
from skillgraph.spans import CALIBRATION_FILE, DEFAULT_SPAN_MODEL, load_span_model, span_model_dir
from tests.conftest import FIXTURES


def test_train_span_head_gives_a_model_the_extraction_mode_can_use(cli, tmp_path, caplog):
    config = FIXTURES / "train" / "span_head_smoke.toml"
    run = tmp_path / "run"
    result = cli("train-span-head", str(config), "--max-sentences", "8", "--output", str(run))
    assert result.exit_code == 0, result.output
    assert "dev tiny: strict F1" in result.stdout and "pooled span vectors" in result.stdout
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["name"] == "span-head-smoke" and manifest["labels"] == ["O", "B", "I"]
    assert manifest["training"]["train_sentences"] == 8

    # With a calibration fitted for another head it runs, and says so.
    calibration = tmp_path / "cal.json"
    calibration.write_bytes((span_model_dir(DEFAULT_SPAN_MODEL) / CALIBRATION_FILE).read_bytes())
    extracted = cli(
        "--set",
        f"spans.model={run}",
        "--set",
        f"spans.calibration={calibration}",
        "extract",
        "-",
        "--input-format",
        "jsonl",
        input=json.dumps({"id": "a", "text": "You will write SQL queries."}) + "\n",
    )
    assert extracted.exit_code == 0, extracted.stderr
    assert all("probability" in s for s in json.loads(extracted.stdout)["skills"])
    assert "calibration was fitted for" in caplog.text


def test_train_spans_exports_the_stand_alone_tagger(cli, tmp_path):
    config = FIXTURES / "train" / "spans_smoke.toml"
    run = tmp_path / "run"
    result = cli("train-spans", str(config), "--max-steps", "2", "--output", str(run))
    assert result.exit_code == 0, result.output
    assert "dev tiny: strict F1" in result.stdout
    manifest = json.loads((run / "onnx" / "manifest.json").read_text())
    assert manifest["name"] == "spans-smoke" and manifest["training"]["steps"] == 2


def test_build_span_datastore_stores_words_beside_the_head_the_reader_then_uses(
    cli, tmp_path, model_data_dir
):
    head = tmp_path / "head"
    shutil.copytree(span_model_dir(DEFAULT_SPAN_MODEL), head)
    for name in ("datastore.faiss", "datastore.json"):
        (head / name).unlink()
    data = FIXTURES / "train" / "spans_small"
    result = cli(
        "--set", f"spans.model={head}", "build-span-datastore", "--data", str(data),
        "--sets", "tiny",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((head / "datastore.json").read_text())
    train = [json.loads(line) for line in (data / "tiny" / "train.json").open()]
    assert manifest["sentences"] == len(train) and manifest["sets"] == ["tiny"]
    assert manifest["words"] >= sum(len(s["tokens"]) for s in train)  # "C++" is 3 words
    assert manifest["head_digest"] == load_span_model(str(head)).digest
    spans = cli(
        "--set", f"spans.model={head}", "--set", "spans.neighbours_weight=0.4",
        "spans", "-", "--input-format", "jsonl",
        input=json.dumps({"id": "a", "text": "You will write SQL queries."}) + "\n",
    )  # fmt: skip
    assert spans.exit_code == 0, spans.stderr
    assert json.loads(spans.stdout)["id"] == "a"
    settings = Settings(data_dir=model_data_dir).replace(
        {"spans.model": str(head), "spans.neighbours_weight": 0.4}
    )
    reader = load_span_reader(settings)
    assert reader.datastore is not None and reader.datastore.size == manifest["words"]
    assert f"+knn:{manifest['digest'][:12]}" in reader.fingerprint


def test_build_span_datastore_names_a_missing_set(cli):
    result = cli("build-span-datastore", "--data", str(FIXTURES / "train"), "--sets", "nope")
    assert result.exit_code == 2 and "nope" in result.output
