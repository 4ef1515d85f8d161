"""The smoke training run through the CLI: pairs, a few steps, evaluation, ONNX export."""

import json
import shutil

from tests.conftest import FIXTURES

SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
JAVA = "http://data.europa.eu/esco/skill/19a8293b-8e95-4de3-983f-77484079c389"


def test_train_smoke_run_exports_a_usable_onnx_model(cli, tmp_path):
    config = tmp_path / "smoke.toml"
    shutil.copytree(FIXTURES / "train", tmp_path, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "bench", tmp_path.parent / "bench", dirs_exist_ok=True)
    result = cli("train", str(config), "--max-steps", "2")
    assert result.exit_code == 0, result.output
    run = tmp_path / "smoke-run"
    assert "epoch 1 (step 2)" in result.stdout
    pairs = [json.loads(line) for line in (run / "pairs.jsonl").read_text().splitlines()]
    assert pairs and {"text", "skill_uri", "source"} <= set(pairs[0])
    manifest = json.loads((run / "model" / "onnx" / "manifest.json").read_text())
    assert manifest["name"] == "smoke" and "model-int8.onnx" in manifest["files"]

    # Shipping packs it with its training record (into a scratch folder, not the package).
    shipped = cli(
        "ship-model",
        str(run / "model"),
        "--name",
        "smoke-packed",
        "--into",
        str(tmp_path / "shipped"),
    )
    assert shipped.exit_code == 0, shipped.output
    assert "packed smoke-packed" in shipped.stdout
    packed = json.loads((tmp_path / "shipped" / "smoke-packed" / "manifest.json").read_text())
    assert packed["name"] == "smoke-packed" and packed["training"]["config"] == "smoke"
    assert packed["training"]["epochs"][0]["steps"] == 2
    assert packed["training"]["base_model"] == "all-MiniLM-L6-v2"
    assert set(packed["files"]) == {"model-packed.onnx", "tokenizer.json"}

    # The trained model is selectable by config and extracts skills.
    extracted = cli(
        "--set",
        f"encoder.model={run / 'model'}",
        "extract",
        "-",
        "--input-format",
        "jsonl",
        "--top-k",
        "2",
        input=json.dumps({"text": "You will write SQL queries."}) + "\n",
    )
    assert extracted.exit_code == 0, extracted.stderr
    assert len(json.loads(extracted.stdout)["skills"]) == 2


def test_a_second_run_reuses_the_pairs_of_the_first(cli, tmp_path):
    config = tmp_path / "smoke.toml"
    shutil.copytree(FIXTURES / "train", tmp_path, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "bench", tmp_path.parent / "bench", dirs_exist_ok=True)
    first = tmp_path / "first-pairs.jsonl"
    first.write_text(
        json.dumps({"text": "You will write SQL queries.", "skill_uri": SQL, "source": "hand"})
        + "\n"
        + json.dumps({"text": "Fluent in Java.", "skill_uri": JAVA, "source": "hand"})
        + "\n"
    )
    run = tmp_path / "reused"
    result = cli(
        "train", str(config), "--max-steps", "1", "--pairs", str(first), "--no-eval",
        "--no-export", "--output", str(run),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (run / "pairs.jsonl").read_text() == first.read_text()
    summary = json.loads((run / "summary.json").read_text())
    assert summary["pairs"] == 2
    assert summary["epochs"][0]["scores"] == {}  # --no-eval
