"""``skillgraph train CONFIG``: build the training pairs, fine-tune, export to ONNX."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from services.cli.context import CliContext, data_set_names
from services.cli.span_training import SHARED
from skillgraph.modes import MAX_TOP_K
from skillgraph.reranking import DEFAULT_DEPTH


@click.command("train")
@click.argument(
    "config_path", metavar="CONFIG", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--max-steps", type=click.IntRange(1), help="Stop after this many steps (smoke).")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run directory (default: the config's output_dir).",
)
@click.option("--no-export", is_flag=True, help="Skip the ONNX export of the trained model.")
@click.option(
    "--pairs",
    "pairs_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Train on this pairs.jsonl (from an earlier run) instead of building the pairs.",
)
@click.option("--no-eval", is_flag=True, help="Skip the per-epoch validation scores.")
@click.pass_obj
def train_command(
    context: CliContext, config_path: Path, max_steps, output, no_export, pairs_path, no_eval
) -> None:
    """Fine-tune an encoder as CONFIG (TOML) says; see training/configs/."""
    from training.datasets import build_pairs
    from training.finetune import train
    from training.onnx_export import export_onnx
    from training.pairs import read_pairs, write_pairs
    from training.train_config import load_train_config

    overrides = {"max_steps": max_steps, "output_dir": output, "eval_sets": () if no_eval else None}
    config = load_train_config(config_path, {k: v for k, v in overrides.items() if v is not None})
    if pairs_path:  # runs that differ only in training settings share one set of pairs
        pairs = read_pairs(pairs_path)
    else:
        pairs = build_pairs(config.data, context.taxonomy, seed=config.seed)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    write_pairs(pairs, config.output_dir / "pairs.jsonl")
    result = train(
        config,
        context.taxonomy,
        pairs,
        context.settings.data_dir,
        show_progress=sys.stderr.isatty(),
    )
    for report in result.epochs:
        click.echo(
            f"epoch {report.epoch} (step {report.steps}): loss {report.loss:.4f} "
            + "  ".join(f"{name}: {scores}" for name, scores in report.scores.items())
        )
    if not no_export:
        export_onnx(result.model_dir, result.model_dir / "onnx", config.name)
    click.echo(
        f"model in {result.model_dir} ({result.pairs} pairs, {result.seconds:.0f} s); "
        f"use it with --set encoder.model={result.model_dir}"
    )


@click.command("interpolate")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--weight",
    "finetuned_weight",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    required=True,
    help="Share of the trained weights kept (0.75: three quarters trained, one quarter start).",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Run directory to write the averaged model into.",
)
@click.option("--no-export", is_flag=True, help="Skip the ONNX export of the averaged model.")
@click.option("--no-eval", is_flag=True, help="Skip the validation scores.")
@click.pass_obj
def interpolate_command(
    context: CliContext, run_dir: Path, finetuned_weight: float, output: Path, no_export, no_eval
) -> None:
    """Average a training run's model with the model it started from (WiSE-FT), as a new run."""
    from training.finetune import interpolate_run
    from training.interpolation import InterpolationError
    from training.onnx_export import export_onnx

    if output.resolve() == run_dir.resolve():
        raise click.UsageError("--output must be a new run directory, not RUN_DIR itself")
    try:
        result = interpolate_run(
            run_dir,
            finetuned_weight,
            output,
            context.taxonomy,
            context.settings.data_dir,
            evaluate=not no_eval,
        )
    except InterpolationError as exc:
        raise click.ClickException(str(exc)) from None
    for name, scores in result.scores.items():
        click.echo(f"{name}: {scores}")
    if not no_export:
        export_onnx(result.model_dir, result.model_dir / "onnx", result.name)
    click.echo(f"model in {result.model_dir}; use it with --set encoder.model={result.model_dir}")


@click.command("ship-model")
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--name", required=True, help="Registered name, e.g. skillgraph-minilm-esco.")
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of shipped models (default: the package's, where the runtime finds them).",
)
@click.pass_obj
def ship_model_command(context: CliContext, model_dir: Path, name: str, into: Path | None) -> None:
    """Pack a trained MODEL_DIR (with its onnx/ export) into SkillGraph as a shipped model."""
    from skillgraph.encoders.packed import SHIPPED_MODELS_DIR
    from training.ship import ship_model

    summary_path = model_dir.parent / "summary.json"
    # Paths relative to the working directory: the manifest is committed, machine paths are noise.
    details: dict[str, object] = {"source": _relative(model_dir)}
    if summary_path.is_file():
        summary = json.loads(summary_path.read_text())
        training = {
            "config": summary["config"]["name"],
            "base_model": _relative(Path(summary["config"]["base_model"])),
            "pairs": summary["pairs"],
            "epochs": summary["epochs"],
        }
        if "interpolation" in summary:  # averaged with the start model: its weight and scores
            training["interpolation"] = {
                k: summary["interpolation"][k] for k in ("finetuned_weight", "scores")
            }
        details["training"] = training
    target = ship_model(model_dir / "onnx", name, details, into or SHIPPED_MODELS_DIR)
    if into is None:
        click.echo(f"shipped {name} in {target}; select it with --set encoder.model={name}")
    else:  # the runtime only looks in the package's folder
        click.echo(f"packed {name} in {target}")


def _relative(path: Path) -> str:
    resolved, here = path.resolve(), Path.cwd().resolve()
    if not path.exists() or not resolved.is_relative_to(here):
        return str(path)  # a registered model name, or a directory elsewhere
    return str(resolved.relative_to(here))


@click.command("fit-reranker")
@click.option(
    "--data",
    "bench_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SHARED / "bench" / "skill-extraction",
    show_default=True,
    help="The sentence -> ESCO benchmark folder (<set>.jsonl files).",
)
@click.option(
    "--sets",
    default="house_validation,tech_validation",
    show_default=True,
    help="Comma-separated sets to fit and cross-validate on (never a test set).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON to write (default: the shipped re-ranker of the configured encoder).",
)
@click.option(
    "--depth", type=click.IntRange(1, MAX_TOP_K), default=DEFAULT_DEPTH, show_default=True
)
@click.option("--repeats", type=click.IntRange(1), default=10, show_default=True)
@click.pass_obj
def fit_reranker_command(
    context: CliContext,
    bench_dir: Path,
    sets: str,
    output: Path | None,
    depth: int,
    repeats: int,
) -> None:
    """Fit the ranking modes' re-ranker for the configured encoder."""
    from ontology.files import atomic_write
    from skillgraph import SkillGraph
    from skillgraph.reranking import SHIPPED_RERANKERS_DIR
    from training.evaluation import load_benchmark
    from training.reranking import fit_reranker

    if any("test" in name for name in sets.split(",")):
        raise click.BadParameter("test sets are for measuring, not fitting", param_hint="--sets")
    names = data_set_names(sets, lambda name: bench_dir / f"{name}.jsonl")
    # Rankings come as the ranking mode finds them (the memory's evidence is a feature), less
    # the re-ranker being fitted; the span reader plays no part.
    settings = context.settings.replace({"extraction.reranker": "", "spans.model": ""})
    graph = SkillGraph.load(settings)
    sentences = {n: load_benchmark(bench_dir / f"{n}.jsonl", graph.taxonomy) for n in names}
    model = fit_reranker(graph, sentences, depth, repeats=repeats)
    target = output or SHIPPED_RERANKERS_DIR / f"{model.encoder}.json"
    atomic_write(target, lambda path: path.write_text(model.to_json(), encoding="utf-8"))
    figures = model.details["cross_validation"]
    click.echo(
        f"wrote {target}: cross-validated {figures['reranked']} "
        f"(cosine order {figures['cosine_order']}), l2 {model.details['l2']:g}"
    )
    if output is not None or model.encoder != context.settings.extraction.reranker:
        name = model.encoder if output is None else str(output)
        click.echo(f"rank with it by --set extraction.reranker={name}")
