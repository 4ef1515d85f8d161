"""The extraction mode's models: ``skillgraph train-span-head CONFIG`` (the span head of the
one-pass reader), ``build-span-datastore`` (its kNN datastore), ``train-spans CONFIG`` (the
stand-alone tagger it is distilled from) and ``calibrate`` (the accept model)."""

from __future__ import annotations

from pathlib import Path

import click

from services.cli.context import CliContext, data_set_names

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@click.command("train-span-head")
@click.argument(
    "config_path", metavar="CONFIG", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--max-sentences", type=click.IntRange(1), help="Sentences per set and split (smoke)."
)
@click.option("--epochs", type=click.IntRange(1), help="Tagging epochs (default: the config's).")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run directory (default: the config's output_dir).",
)
@click.option("--ship", is_flag=True, help="Pack the trained head into SkillGraph.")
@click.pass_obj
def train_span_head_command(
    context: CliContext, config_path: Path, max_sentences, epochs, output, ship: bool
) -> None:
    """Train the span head on the frozen encoder as CONFIG (TOML) says; optionally ship it."""
    from training.span_export import ship_span_head
    from training.span_head import load_span_head_config, train_span_head

    overrides = {"max_sentences": max_sentences, "epochs": epochs, "output_dir": output}
    config = load_span_head_config(config_path, {k: v for k, v in overrides.items() if v})
    result = train_span_head(config, context.settings.data_dir)
    for name, scores in result.dev.items():
        click.echo(
            f"dev {name}: strict F1 {100 * scores['strict']['f1']:.1f}, "
            f"loose F1 {100 * scores['loose']['f1']:.1f}"
        )
    click.echo(
        f"pooled span vectors: mean cosine {result.pooling_cosine:.3f} to the encoder's; "
        f"span model in {result.run_dir} ({result.seconds:.0f} s)"
    )
    if ship:
        target = ship_span_head(result.run_dir, config.name)
        click.echo(
            f"shipped in {target}; build its datastore with `skillgraph build-span-datastore`, "
            "then fit its calibration with `skillgraph calibrate`"
        )


@click.command("train-spans")
@click.argument(
    "config_path", metavar="CONFIG", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--max-steps", type=click.IntRange(1), help="Stop after this many steps (smoke).")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run directory (default: the config's output_dir).",
)
@click.option("--ship", is_flag=True, help="Pack the exported model into SkillGraph.")
@click.pass_obj
def train_spans_command(
    context: CliContext, config_path: Path, max_steps, output, ship: bool
) -> None:
    """Fine-tune the stand-alone span tagger (the span head's teacher) as CONFIG says, export it
    to ONNX, optionally ship it among the span models (where spans.tagger finds it)."""
    from training.span_export import export_span_model, ship_span_model
    from training.spans import load_span_config, train_spans

    overrides = {"max_steps": max_steps, "output_dir": output}
    config = load_span_config(config_path, {k: v for k, v in overrides.items() if v})
    result = train_spans(config, context.settings.data_dir)
    for name, scores in result.dev.items():
        click.echo(
            f"dev {name}: strict F1 {100 * scores['strict']['f1']:.1f}, "
            f"loose F1 {100 * scores['loose']['f1']:.1f}"
        )
    onnx_dir = export_span_model(
        result.model_dir,
        config.output_dir / "onnx",
        config.name,
        {
            "training": {
                "sets": list(config.sets),
                "steps": result.steps,
                **({"epochs": result.epoch} if result.epoch is not None else {}),
                "dev": result.dev,
            }
        },
    )
    click.echo(f"model in {result.model_dir}, ONNX in {onnx_dir} ({result.seconds:.0f} s)")
    if ship:
        target = ship_span_model(onnx_dir, config.name)
        click.echo(
            f"shipped in {target}: tag with it by spans.tagger = {config.name!r} and fit its "
            f"calibration with `skillgraph --set spans.tagger={config.name} --set "
            f"spans.calibration=calibration-{config.name}.json calibrate`, or distil a head from it"
        )


@click.command("calibrate")
@click.option(
    "--data",
    "data_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SHARED,
    show_default=True,
    help="The shared data folder (bench/, train/).",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="JSON to write.")
@click.option("--negatives", type=click.IntRange(0), default=2000, show_default=True)
@click.option("--skillskape-limit", type=click.IntRange(0), default=3000, show_default=True)
@click.pass_obj
def calibrate_command(
    context: CliContext, data_root: Path, output, negatives: int, skillskape_limit: int
) -> None:
    """Fit the extraction mode's calibration for the configured span model and encoder."""
    from training.calibration_data import CalibrationSources, calibrate

    train = data_root / "train"
    sources = CalibrationSources(
        bench_dir=data_root / "bench" / "skill-extraction",
        skillskape=(train / "skillskape" / "train.csv", train / "skillskape" / "dev.csv"),
        skillspan_train=train / "skillspan" / "train.json",
        negatives=negatives,
        skillskape_limit=skillskape_limit,
    )
    calibrator = calibrate(context.settings, sources, output)
    scores = calibrator.details["validation_ads"]
    click.echo(
        f"threshold {calibrator.threshold:.2f}; validation ads (cross-fitted) "
        f"P {100 * scores['precision']:.1f} R {100 * scores['recall']:.1f} "
        f"F1 {100 * scores['f1']:.1f}"
    )


@click.command("build-span-datastore")
@click.option(
    "--data",
    "data_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SHARED / "train" / "nnose",
    show_default=True,
    help="The span sets' folder (<set>/train.json).",
)
@click.option(
    "--sets",
    default="skillspan,green,sayfullina",
    show_default=True,
    help="Comma-separated span sets under --data.",
)
@click.option("--max-sentences", type=click.IntRange(1), help="Sentences per set (smoke).")
@click.pass_obj
def build_span_datastore_command(
    context: CliContext, data_root: Path, sets: str, max_sentences
) -> None:
    """Store every word of the span sets' train splits, as the span head reads it, beside the
    head (spans.model): the nearest of them are mixed into its tags (spans.neighbours_weight)."""
    from training.span_datastore import build_span_datastore

    names = data_set_names(sets, lambda name: data_root / name / "train.json")
    result = build_span_datastore(context.settings, data_root, names, max_sentences)
    click.echo(
        f"{result.words} words of {result.sentences} sentences stored in {result.directory} "
        f"({result.seconds:.0f} s); refit the calibration with `skillgraph calibrate`"
    )
