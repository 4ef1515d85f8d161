"""``skillgraph esco``, ``eval``, ``export-onnx``, ``openapi``; errors of the command group."""

from __future__ import annotations

import json
from pathlib import Path

from skillgraph.encoders import BASE_MODEL, DEFAULT_MODEL
from tests.conftest import FIXTURES


def test_esco_import_makes_a_selectable_snapshot(cli, esco_small_dir, tmp_path):
    data_dir = tmp_path / "data"
    result = cli("--data-dir", str(data_dir), "esco", "import", str(esco_small_dir))
    assert result.exit_code == 0, result.output
    assert "imported esco-v1.2.0-en" in result.stdout
    assert (data_dir / "esco" / "esco-v1.2.0-en.json.gz").is_file()
    listed = cli("--data-dir", str(data_dir), "esco", "list")
    assert "esco-v1.2.0-en" in listed.stdout
    info = cli("--data-dir", str(data_dir), "--set", "esco.snapshot=esco-v1.2.0-en", "esco", "info")
    assert "skills: 27" in info.stdout  # the imported fixture, not the shipped snapshot


def test_esco_import_without_a_version_asks_for_one(cli, esco_small_dir, tmp_path):
    plain = tmp_path / "export"
    plain.mkdir()
    for file in esco_small_dir.iterdir():
        (plain / file.name).write_bytes(file.read_bytes())
    result = cli("--data-dir", str(tmp_path), "esco", "import", str(plain))
    assert result.exit_code == 1
    assert "version" in result.stderr
    ok = cli("--data-dir", str(tmp_path), "esco", "import", str(plain), "--version", "1.1.1")
    assert ok.exit_code == 0 and "esco-v1.1.1-en" in ok.stdout


def test_eval_scores_a_benchmark_file(cli):
    result = cli("eval", str(FIXTURES / "bench" / "small_benchmark.jsonl"), "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["sentences"] == 4  # the LABEL NOT PRESENT sentence is dropped
    assert scores["unmapped_gold_labels"] == 1  # COBOL is not in the small export
    assert 0 < scores["RP@5"] <= 75.0  # the COBOL sentence can never score
    assert 0 < scores["MRR"] <= 0.75


def test_export_onnx_is_idempotent(cli, model_data_dir: Path):
    manifest = model_data_dir / "models" / BASE_MODEL / "manifest.json"
    before = manifest.stat().st_mtime_ns
    result = cli("export-onnx", "--model", BASE_MODEL)
    assert result.exit_code == 0, result.output
    assert manifest.stat().st_mtime_ns == before


def test_export_onnx_accepts_a_directory_that_is_already_an_export(cli, model_data_dir: Path):
    export = model_data_dir / "models" / BASE_MODEL
    result = cli("export-onnx", "--model", str(export))
    assert result.exit_code == 0, result.output
    assert f"ONNX model in {export}" in result.stdout


def test_export_onnx_expands_a_shipped_model(cli, tmp_path):
    output = tmp_path / "expanded"
    result = cli("export-onnx", "--model", DEFAULT_MODEL, "--output", str(output))
    assert result.exit_code == 0, result.output
    manifest = json.loads((output / "manifest.json").read_text())
    assert manifest["name"] == DEFAULT_MODEL and manifest["expanded_from"]
    assert (output / "model-fp32.onnx").is_file() and (output / "model-int8.onnx").is_file()


def test_user_errors_are_one_line_without_traceback(cli, tmp_path):
    result = cli(
        "--set", "encoder.backend=tensorflow", "extract", "-", "--input-format", "jsonl", input=""
    )
    assert result.exit_code == 1
    # Refused when the settings load, with the choices.
    assert "setting 'encoder.backend' must be one of onnx, torch; got 'tensorflow'" in result.stderr
    assert "Traceback" not in result.output
    bad = cli("--set", "nonsense", "esco", "list")
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.stderr
    unknown = cli("--set", "esco.snapshot=no-such-snapshot", "esco", "info")
    assert unknown.exit_code == 1 and "no-such-snapshot" in unknown.stderr


def test_the_default_memory_is_seeded_and_profiles_are_chosen_by_flag_or_environment(
    cli, model_data_dir, tmp_path, monkeypatch
):
    """The default memory holds the SkillSkape seed, which backs skills with evidence (an
    unseeded one does not); ``--profile accurate`` and ``SKILLGRAPH_PROFILE=accurate`` agree."""
    ads = tmp_path / "ads.jsonl"
    # Close to SkillSkape sentences about databases and SQL, which are in the seed.
    text = (
        "Experience with data querying and analysis using database management systems, "
        "ensuring smooth data integration across platforms such as Oracle and SQL."
    )
    ads.write_text(json.dumps({"id": "ad-1", "text": text}) + "\n")
    name = f"test-seeded-{tmp_path.name}"  # memories of this test's own, removed below
    memory = model_data_dir / "memory" / f"{name}.sqlite3"

    def skills(*options: str, memory_name: str = name) -> list[dict]:
        chosen = ("--set", f"memory.name={memory_name}")
        result = cli(*options, *chosen, "extract", str(ads), "--top-k", "5")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["skills"]

    try:
        fast = skills()
        assert memory.is_file()
        assert any(skill.get("evidence") for skill in fast)  # seed examples back skills
        unseeded = skills("--set", "memory.seed=", memory_name=f"{name}-unseeded")
        assert not any(skill.get("evidence") for skill in unseeded)
        accurate = skills("--profile", "accurate")
        assert any(skill.get("evidence") for skill in accurate)
        monkeypatch.setenv("SKILLGRAPH_PROFILE", "accurate")
        assert skills() == accurate
    finally:
        for path in memory.parent.glob(f"{name}*.sqlite3*"):
            path.unlink()


def test_without_the_train_extra_training_says_what_to_install(cli, tmp_path, monkeypatch):
    """The runtime needs no torch; the commands that do name the extra instead of a traceback."""
    import sys

    config = tmp_path / "train.toml"
    config.write_text("")
    monkeypatch.setitem(sys.modules, "torch", None)  # as on a machine without the extra
    for module in [m for m in sys.modules if m.startswith("training.") or "torch_encoder" in m]:
        monkeypatch.delitem(sys.modules, module)
    result = cli("train", str(config))
    assert result.exit_code == 1
    assert (
        'needs torch, from the train extra: pip install "skillgraph-esco[train]"' in result.stderr
    )
    torch_backend = cli(
        "--set",
        "encoder.backend=torch",
        "--set",
        f"encoder.model={BASE_MODEL}",
        "eval",
        str(FIXTURES / "bench" / "small_benchmark.jsonl"),
    )
    assert torch_backend.exit_code == 1
    assert (
        "skillgraph-esco[train]" in torch_backend.stderr and "Traceback" not in torch_backend.stderr
    )


def test_openapi_writes_the_servers_document_without_a_model(cli, tmp_path):
    from services.api import openapi_document

    output = tmp_path / "openapi.json"
    result = cli("--data-dir", str(tmp_path / "empty"), "openapi", "-o", str(output))
    assert result.exit_code == 0, result.output
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document == openapi_document()
    assert "/v1/extract" in document["paths"]
    assert not (tmp_path / "empty").exists()  # nothing was set up to answer it
