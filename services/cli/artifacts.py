"""Build what the runtime needs once: ONNX exports of the encoder and the ESCO index."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from services.cli.context import CliContext
from skillgraph.encoders import EncoderError, onnx_dir_for, resolve_model
from skillgraph.encoders.onnx_files import is_current
from skillgraph.encoders.packed import expand_packed

log = logging.getLogger(__name__)


def _export(context: CliContext, model: str, output: Path | None, force: bool) -> Path:
    source = resolve_model(model, context.settings.data_dir)
    if source.packed_dir is not None:  # a shipped model: its ONNX files come from the packed copy
        output = output or onnx_dir_for(source.name, context.settings.data_dir)
        if source.onnx_dir == output and not force:
            log.info("%s already expanded in %s (use --force to redo)", source.name, output)
        else:
            expand_packed(source.packed_dir, output)
        return output
    if source.torch_dir is None and source.onnx_dir is not None and output is None:
        return source.onnx_dir  # a directory that holds an ONNX export only
    if source.torch_dir is None:
        raise EncoderError(f"model {model!r} has no sentence-transformers weights to export")
    if output is None:
        registered = source.torch_dir != Path(model).expanduser()
        output = (
            onnx_dir_for(source.name, context.settings.data_dir)
            if registered
            else source.torch_dir / "onnx"
        )
    from training.onnx_export import export_onnx  # torch: only for a model not shipped as ONNX

    if is_current(output) and not force:
        log.info("ONNX export of %s already in %s (use --force to redo)", source.name, output)
        return output
    export_onnx(source.torch_dir, output, source.name)
    return output


@click.command("export-onnx")
@click.option("--model", help="Registered model name or model directory (default: configured).")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output directory (default: the data dir's models/<name>).",
)
@click.option("--force", is_flag=True, help="Export again even if an export exists.")
@click.pass_obj
def export_onnx_command(context: CliContext, model, output, force) -> None:
    """Export the encoder to ONNX: fp32 and per-token int8, plus its tokenizer (a shipped
    model is expanded from its packed copy)."""
    path = _export(context, model or context.settings.encoder.model, output, force)
    click.echo(f"ONNX model in {path}")


@click.group("index")
def index_group() -> None:
    """The faiss index over ESCO skill texts."""


@index_group.command("build")
@click.pass_obj
def index_build(context: CliContext) -> None:
    """Encode every ESCO text with the configured encoder and cache the index (once)."""
    graph = context.graph
    info = graph.describe()
    click.echo(f"index ready: {info['index_rows']} rows, {info['encoder']}, {info['index_kind']}")


@click.command("setup")
@click.pass_obj
def setup_command(context: CliContext) -> None:
    """Prepare the configured runtime: the ONNX model (exported, or expanded if shipped), the
    skill index and the occupation labels' vectors. Idempotent."""
    settings = context.settings
    if settings.encoder.backend == "onnx":
        _export(context, settings.encoder.model, None, force=False)
    graph = context.graph
    occupations = graph.occupations
    click.echo(
        f"ready: {graph.taxonomy.release.name}, {graph.encoder.name}, "
        f"{len(graph.index)} index rows, {len(occupations.rows.texts)} occupation labels "
        f"in {settings.data_dir}"
    )
