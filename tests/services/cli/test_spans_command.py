"""``skillgraph train-spans`` on the fixture sentences, and its model in the default mode."""

from __future__ import annotations

import json
import shutil

from skillgraph.spans import CALIBRATION_FILE, DEFAULT_SPAN_MODEL, span_model_dir
from tests.conftest import FIXTURES


def test_train_spans_exports_a_model_the_extraction_mode_can_use(cli, tmp_path):
    config = FIXTURES / "train" / "spans_smoke.toml"
    run = tmp_path / "run"
    result = cli("train-spans", str(config), "--max-steps", "2", "--output", str(run))
    assert result.exit_code == 0, result.output
    assert "dev tiny: strict F1" in result.stdout
    onnx_dir = run / "onnx"
    manifest = json.loads((onnx_dir / "manifest.json").read_text())
    assert manifest["name"] == "spans-smoke" and manifest["labels"] == ["O", "B", "I"]
    assert manifest["training"]["steps"] == 2

    shutil.copyfile(span_model_dir(DEFAULT_SPAN_MODEL) / CALIBRATION_FILE, tmp_path / "cal.json")
    extracted = cli(
        "--set",
        f"spans.model={onnx_dir}",
        "--set",
        f"spans.calibration={tmp_path / 'cal.json'}",
        "extract",
        "-",
        "--input-format",
        "jsonl",
        input=json.dumps({"id": "a", "text": "You will write SQL queries."}) + "\n",
    )
    assert extracted.exit_code == 0, extracted.stderr
    skills = json.loads(extracted.stdout)["skills"]
    assert all("probability" in s for s in skills)
