"""``skillgraph spark-extract``: the batch extractor on Spark (needs the ``spark`` extra)."""

from __future__ import annotations

import os
import sys

import click

from services.batch.readers import PARSERS
from services.cli.context import CliContext
from skillgraph.modes import MAX_TOP_K
from skillgraph.version import extra


@click.command("spark-extract")
@click.argument("input_path", metavar="INPUT")
@click.argument("output_path", metavar="OUTPUT")
@click.option(
    "--master", help="Spark master, e.g. local[2] (default: spark-submit's, else local[*])."
)
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default="id", show_default=True)
@click.option("--input-format", type=click.Choice(sorted(PARSERS)))
@click.option("--top-k", type=click.IntRange(1, MAX_TOP_K), help="Ranking mode: the K best.")
@click.option("--min-score", type=click.FloatRange(-1, 1))
@click.pass_obj
def spark_extract_command(
    context: CliContext,
    input_path: str,
    output_path: str,
    master: str | None,
    text_column: str,
    id_column: str,
    input_format: str | None,
    top_k: int | None,
    min_score: float | None,
) -> None:
    """Extract ESCO skills from every row of INPUT (a CSV, JSONL or Parquet file or folder) on
    Spark into the Parquet folder OUTPUT (the CLI's Parquet columns, and ``error``)."""
    try:
        from pyspark.sql import SparkSession

        from services.spark.extract import spark_extract
    except ImportError as exc:
        raise click.ClickException(
            f"spark-extract needs PySpark: {extra('spark')} ({exc})"
        ) from exc
    # Local workers run this interpreter (with SkillGraph installed) unless told otherwise; a
    # cluster's executors need their own environment (docs/scaling.md).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if master and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.appName("skillgraph-extract")
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    try:
        rows = spark_extract(
            spark,
            input_path,
            output_path,
            context.settings,
            text_column=text_column,
            id_column=id_column,
            input_format=input_format,
            top_k=top_k,
            min_score=min_score,
        )
    finally:
        spark.stop()
    click.echo(f"{rows} rows -> {output_path}", err=True)
