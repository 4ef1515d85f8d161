"""A training run's configuration, read from a TOML file.

Relative paths in the file are resolved against the file's own directory, so a config in
``training/configs/`` can name ``../../../shared/data/...`` and work from any working directory.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from skillgraph.errors import SkillgraphError
from training.negatives import STRATEGIES


class TrainConfigError(SkillgraphError, ValueError):
    """The training configuration is invalid."""


@dataclass(frozen=True)
class DataConfig:
    esco: tuple[str, ...] = ("alt", "description")  # kinds of ESCO self-supervision pairs
    skillskape: tuple[Path, ...] = ()  # SkillSkape CSV files
    distant: tuple[Path, ...] = ()  # NNOSE/SkillSpan token files for literal matching
    onet_tasks: Path | None = None  # O*NET "Task Statements.txt" for literal matching
    bench_dir: Path | None = None  # benchmark sentences found here are never trained on
    max_pairs_per_skill: int = 40
    # Source -> most pairs kept from it, e.g. {"esco-alt" = 20000}: the 83k ESCO alt labels
    # would otherwise be most of every epoch while job-ad sentences are what we rank.
    max_pairs_per_source: dict[str, int] = field(default_factory=dict)
    max_label_share: float = 0.01  # distant supervision: drop labels matching more sentences


@dataclass(frozen=True)
class TrainConfig:
    name: str
    output_dir: Path
    base_model: str = "all-MiniLM-L6-v2"  # a registered name or a model directory
    seed: int = 13
    epochs: int = 1
    max_steps: int = 0  # 0: no limit (a smoke run sets a few)
    batch_size: int = 64
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_seq_length: int = 64
    scale: float = 20.0  # inverse temperature of the contrastive loss
    negatives: str = "in-batch"
    negative_count: int = 1
    checkpoint_every: int = 1000
    eval_sets: tuple[Path, ...] = ()  # benchmark files scored after every epoch
    threads: int = 0
    # Below 1, the trained weights are averaged with the start model's at the end (WiSE-FT,
    # training/interpolation.py): this share of the trained weights is kept.
    finetuned_weight: float = 1.0
    data: DataConfig = field(default_factory=DataConfig)

    def __post_init__(self) -> None:
        if self.negatives not in STRATEGIES:
            raise TrainConfigError(f"negatives must be one of {STRATEGIES}, got {self.negatives!r}")
        if self.batch_size < 2:
            raise TrainConfigError("batch_size must be at least 2 (in-batch negatives)")
        if self.epochs < 1:
            raise TrainConfigError("epochs must be at least 1")
        if not 0.0 < self.finetuned_weight <= 1.0:
            raise TrainConfigError(
                f"finetuned_weight must be in (0, 1], got {self.finetuned_weight}"
            )


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrainConfigError(f"training config not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TrainConfigError(f"{path} is not valid TOML: {exc}") from None


def load_train_config(path: Path, overrides: dict[str, Any] | None = None) -> TrainConfig:
    raw = read_toml(path)
    base = path.resolve().parent
    model = raw.get("base_model")
    if isinstance(model, str) and ("/" in model or model.startswith(".")):
        # A path (e.g. the previous stage's run) is relative to the file, like every other path;
        # a bare name is a registered model.
        raw["base_model"] = str(_path(model, base))
    data = build_config(DataConfig, raw.pop("data", {}), base, path)
    config = build_config(TrainConfig, raw, base, path, data=data)
    return replace(config, **(overrides or {}))


def build_config(cls, values: dict[str, Any], base: Path, source: Path, **extra: Any):
    """``cls(**values)``: unknown keys rejected, paths resolved against ``base``."""
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise TrainConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}")
    converted: dict[str, Any] = {}
    for name, value in values.items():
        kind = str(known[name].type)
        if "Path" in kind and "tuple" in kind:
            converted[name] = tuple(_path(v, base) for v in value)
        elif "Path" in kind:
            converted[name] = _path(value, base)
        elif "tuple" in kind:
            converted[name] = tuple(value)
        elif "dict" in kind:
            converted[name] = dict(value)
        else:
            converted[name] = value
    try:
        return cls(**converted, **extra)
    except TypeError as exc:
        raise TrainConfigError(f"{source}: {exc}") from None


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()
