import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from tests.conftest import FIXTURES
from training.datasets import build_pairs
from training.finetune import _batches, interpolate_run, train
from training.interpolation import InterpolationError
from training.pairs import TrainingPair
from training.train_config import TrainConfigError, load_train_config

SMOKE = FIXTURES / "train" / "smoke.toml"


@pytest.fixture(scope="module")
def smoke_pairs(small_taxonomy):
    return build_pairs(load_train_config(SMOKE).data, small_taxonomy, seed=7)


def test_config_paths_are_relative_to_the_file():
    config = load_train_config(SMOKE)
    assert config.data.skillskape == ((FIXTURES / "train" / "skillskape_small.csv").resolve(),)
    assert config.eval_sets[0].name == "small_benchmark.jsonl" and config.eval_sets[0].is_file()
    assert config.negatives == "combined"


def test_a_base_model_path_is_relative_to_the_file_and_a_name_is_kept(tmp_path):
    config = tmp_path / "configs" / "stage2.toml"
    config.parent.mkdir()
    config.write_text('name = "x"\noutput_dir = "o"\nbase_model = "../runs/first/model"\n')
    assert load_train_config(config).base_model == str(tmp_path / "runs" / "first" / "model")
    config.write_text('name = "x"\noutput_dir = "o"\nbase_model = "all-MiniLM-L6-v2"\n')
    assert load_train_config(config).base_model == "all-MiniLM-L6-v2"


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[2] / "training" / "configs").glob("*.toml")), ids=str
)
def test_every_documented_config_loads(path):
    config = load_train_config(path)
    assert config.output_dir.name == config.name  # runs/<name>, as the docs' commands expect
    assert config.data.bench_dir is not None  # benchmark sentences are never trained on


def test_bad_configs_are_reported(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\noutput_dir = "o"\nnegatives = "random"\n')
    with pytest.raises(TrainConfigError, match="negatives must be one of"):
        load_train_config(bad)
    bad.write_text('name = "x"\noutput_dir = "o"\nlearning_rat = 1\n')
    with pytest.raises(TrainConfigError, match="unknown setting"):
        load_train_config(bad)
    with pytest.raises(TrainConfigError, match="not found"):
        load_train_config(tmp_path / "absent.toml")


def test_pairs_come_from_every_source_and_never_from_benchmarks(smoke_pairs):
    sources = {p.source for p in smoke_pairs}
    assert {"esco-alt", "skillskape"} <= sources
    assert any(s.startswith("distant:") for s in sources)
    assert "Strong Python skills are a must ." not in {p.text for p in smoke_pairs}


def test_batches_never_hold_a_false_negative():
    pairs = [TrainingPair(f"t{i}", f"s{i % 5}", "x") for i in range(40)]
    pairs += [TrainingPair("multi", "s1", "x"), TrainingPair("multi", "s2", "x")]
    gold = {}
    for pair in pairs:
        gold.setdefault(pair.text, set()).add(pair.skill_uri)
    gold = {k: frozenset(v) for k, v in gold.items()}
    placed = []
    for batch in _batches(pairs, gold, 4, seed=3):
        skills = [p.skill_uri for p in batch]
        assert len(set(skills)) == len(skills)
        assert len({p.text for p in batch}) == len(batch)
        for pair in batch:
            assert not (gold[pair.text] - {pair.skill_uri}) & set(skills)
        placed.extend(batch)
    assert len(placed) == len(set(placed))
    # Only pairs that can no longer share a batch with anything are left over, a handful.
    assert len(placed) >= len(pairs) - 4


def _run(config, taxonomy, pairs, data_dir):
    return train(config, taxonomy, pairs, data_dir, show_progress=False)


def test_a_few_steps_train_checkpoint_evaluate_and_reproduce(
    tmp_path: Path, small_taxonomy, smoke_pairs, model_data_dir
):
    config = replace(load_train_config(SMOKE), output_dir=tmp_path / "a", max_steps=3)
    first = _run(config, small_taxonomy, smoke_pairs, model_data_dir)
    assert first.epochs[0].steps == 3
    assert torch.isfinite(torch.tensor(first.epochs[0].loss))
    scores = first.epochs[0].scores["small_benchmark"]
    assert set(scores) == {"RP@5", "RP@10", "MRR"} and scores["RP@5"] > 0
    assert (tmp_path / "a" / "checkpoints" / "step-2").is_dir()
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["pairs"] == len(smoke_pairs) and summary["epochs"][0]["steps"] == 3

    again = _run(
        replace(config, output_dir=tmp_path / "b"), small_taxonomy, smoke_pairs, model_data_dir
    )
    other = _run(
        replace(config, output_dir=tmp_path / "c", seed=8),
        small_taxonomy,
        smoke_pairs,
        model_data_dir,
    )
    weights = [_first_weight(r.model_dir) for r in (first, again, other)]
    assert torch.equal(weights[0], weights[1])  # same seed, same model
    assert not torch.equal(weights[0], weights[2])


def _first_weight(model_dir: Path) -> torch.Tensor:
    from safetensors.torch import load_file

    tensors = load_file(str(model_dir / "model.safetensors"))
    return tensors["encoder.layer.0.attention.self.query.weight"]


def test_a_run_averaged_with_its_start_keeps_the_raw_weights_and_reinterpolates(
    tmp_path: Path, small_taxonomy, smoke_pairs, model_data_dir
):
    from skillgraph.encoders import BASE_MODEL, resolve_model

    config = replace(
        load_train_config(SMOKE), output_dir=tmp_path / "wise", max_steps=2, finetuned_weight=0.5
    )
    result = _run(config, small_taxonomy, smoke_pairs, model_data_dir)
    start = _first_weight(resolve_model(BASE_MODEL, model_data_dir).torch_dir)
    trained = _first_weight(tmp_path / "wise" / "finetuned")
    assert not torch.equal(trained, start)
    assert torch.allclose(_first_weight(result.model_dir), (trained + start) / 2, atol=1e-6)
    summary = json.loads((tmp_path / "wise" / "summary.json").read_text())
    assert summary["interpolation"]["finetuned_weight"] == 0.5
    assert set(summary["interpolation"]["scores"]["small_benchmark"]) == {"RP@5", "RP@10", "MRR"}

    # A finished run is averaged again from its raw weights, not from the averaged ones.
    quarter = interpolate_run(
        tmp_path / "wise", 0.25, tmp_path / "quarter", small_taxonomy, model_data_dir, False
    )
    expected = 0.25 * trained + 0.75 * start
    assert torch.allclose(_first_weight(quarter.model_dir), expected, atol=1e-6)
    assert quarter.name == "smoke" and quarter.scores == {}
    again = json.loads((tmp_path / "quarter" / "summary.json").read_text())
    assert again["config"]["finetuned_weight"] == 0.25 and again["pairs"] == summary["pairs"]
    assert again["interpolation"]["scores"] == {}  # evaluation was turned off


def test_only_a_training_run_can_be_interpolated(tmp_path: Path, small_taxonomy, model_data_dir):
    with pytest.raises(InterpolationError, match=r"no summary\.json"):
        interpolate_run(tmp_path, 0.5, tmp_path / "out", small_taxonomy, model_data_dir)
    (tmp_path / "summary.json").write_text(json.dumps({"config": {}}))
    with pytest.raises(InterpolationError, match="holds no trained sentence-transformers model"):
        interpolate_run(tmp_path, 0.5, tmp_path / "out", small_taxonomy, model_data_dir)
    (tmp_path / "summary.json").write_text(json.dumps({"interpolation": {}, "config": {}}))
    with pytest.raises(InterpolationError, match="without its raw weights"):
        interpolate_run(tmp_path, 0.5, tmp_path / "out", small_taxonomy, model_data_dir)


def test_finetuned_weight_must_be_a_share(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\noutput_dir = "o"\nfinetuned_weight = 0\n')
    with pytest.raises(TrainConfigError, match=r"finetuned_weight must be in \(0, 1\]"):
        load_train_config(bad)
