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

    # Averaged with its start model (WiSE-FT) into a new run, scored on the validation sets.
    averaged = cli(
        "interpolate", str(run), "--weight", "0.5", "--output", str(tmp_path / "wise"),
        "--no-export",
    )  # fmt: skip
    assert averaged.exit_code == 0, averaged.output
    assert "small_benchmark: {'RP@5'" in averaged.stdout
    summary = json.loads((tmp_path / "wise" / "summary.json").read_text())
    assert summary["interpolation"]["finetuned_weight"] == 0.5
    assert (tmp_path / "wise" / "model" / "model.safetensors").is_file()
    for args, message in (
        (("--output", str(run)), "not RUN_DIR itself"),
        (("--output", str(tmp_path / "x"), "--weight", "0"), "0<x<=1"),
    ):
        refused = cli("interpolate", str(run), "--weight", "0.5", *args)
        assert refused.exit_code == 2 and message in refused.stderr, refused.output
    not_a_run = cli("interpolate", str(tmp_path), "--weight", "0.5", "--output", str(run / "y"))
    assert not_a_run.exit_code == 1 and "no summary.json" in not_a_run.stderr

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


def test_fit_reranker_writes_a_reranker_that_ranking_then_uses(cli, tmp_path):
    target = tmp_path / "reranker.json"
    fitted = cli(
        "fit-reranker", "--data", str(FIXTURES / "bench"), "--sets", "small_benchmark",
        "--output", str(target), "--depth", "20", "--repeats", "2",
    )  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    assert f"wrote {target}: cross-validated {{'RP@5'" in fitted.stdout
    assert f"rank with it by --set extraction.reranker={target}" in fitted.stdout
    document = json.loads(target.read_text())
    assert document["encoder"] == "skillgraph-minilm-esco" and document["depth"] == 20
    assert document["fitted_on"] == {"small_benchmark": 4}  # one sentence has no real label
    assert set(document["cross_validation"]["by_set"]) == {"small_benchmark"}

    ads = tmp_path / "ads.csv"
    ads.write_text("id,text\n1,Strong Python skills and SQL queries are a must.\n")
    out = tmp_path / "out.jsonl"
    ranked = cli("--set", f"extraction.reranker={target}", "extract", str(ads), "-o", str(out),
                 "--top-k", "3")  # fmt: skip
    assert ranked.exit_code == 0, ranked.output
    skills = json.loads(out.read_text())["skills"]
    probabilities = [s["probability"] for s in skills]
    assert len(skills) == 3 and probabilities == sorted(probabilities, reverse=True)

    for sets, message in (("house_test", "test sets are for measuring"), ("nope", "nope.jsonl")):
        refused = cli("fit-reranker", "--data", str(FIXTURES / "bench"), "--sets", sets)
        assert refused.exit_code == 2 and message in refused.stderr, refused.output
