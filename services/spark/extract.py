"""``skillgraph spark-extract``: the CLI's extractor over a CSV, JSONL or Parquet file or folder on
Spark, writing a Parquet folder with the CLI's Parquet columns (and ``error``, the reason a row
was rejected, null for the others).

Each partition runs through ``mapInPandas``: the job (:class:`~services.batch.jobs.ExtractJob`)
goes to the executors pickled, the data directory (models, index, example memory) and the ESCO
snapshot as Spark files (an archive, unpacked once per executor), and every Python worker loads
the models on its first batch and keeps them for the next ones (Spark reuses its Python
workers). A sentence reads the same in any batch, so the results equal the CLI's row for row.

Also a script for ``spark-submit``::

    spark-submit --master yarn services/spark/extract.py INPUT OUTPUT [--text-column ...]
"""

from __future__ import annotations

import logging
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.batch.columns import PARQUET_SCHEMA, parquet_row
from services.batch.exceptions import BatchInputError
from services.batch.jobs import ExtractJob, with_threads
from services.batch.policy import RowPolicy
from services.batch.readers import resolve_format
from services.batch.records import InputRow, RowError, RowResult
from services.batch.run import DEFAULT_BATCH_SIZE
from services.batch.runner import batches
from skillgraph import Settings, SkillGraph

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

DATA_ARCHIVE = "skillgraph-data.tar"
_READERS = {"csv": "csv", "jsonl": "json", "parquet": "parquet"}


@dataclass(frozen=True)
class SparkExtraction:
    """What runs on the executors: the job, the column names, and where the shipped files are."""

    job: ExtractJob
    text_column: str
    id_column: str
    max_text_chars: int
    snapshot_name: str | None  # the ESCO snapshot, shipped as a Spark file, if not the default
    batch_size: int = DEFAULT_BATCH_SIZE

    def __call__(self, frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        job = self._executor_job()
        policy = RowPolicy(self.text_column, self.id_column, self.max_text_chars)
        for frame in frames:
            rows: list[InputRow | RowError] = []
            for number, (raw_id, text) in enumerate(
                zip(frame["__id"], frame["__text"], strict=True), start=1
            ):
                raw = "" if raw_id is None or pd.isna(raw_id) else str(raw_id)
                if not raw.strip():  # no row numbers across a cluster to stand in for it
                    rows.append(RowError(number, None, f"no {self.id_column!r}", None))
                    continue
                body = text if isinstance(text, str) else ""
                rows.append(policy.check(number, None, raw, body))
            out = [_output_row(r) for batch in batches(rows, self.batch_size) for r in job(batch)]
            yield pd.DataFrame(out, columns=[*PARQUET_SCHEMA.names, "error"])

    def _executor_job(self) -> ExtractJob:
        from pyspark import SparkFiles

        settings = self.job.settings
        shipped = Path(SparkFiles.get(DATA_ARCHIVE))
        if not shipped.is_dir():  # the driver always ships it: never fall back to its own path
            raise RuntimeError(f"the data directory archive was not unpacked at {shipped}")
        settings = replace(settings, data_dir=shipped)
        if self.snapshot_name is not None:
            esco = replace(settings.esco, snapshot=SparkFiles.get(self.snapshot_name))
            settings = replace(settings, esco=esco)
        return replace(self.job, settings=settings)


def _output_row(result: RowResult | RowError) -> dict[str, Any]:
    if isinstance(result, RowError):
        nothing: dict[str, Any] = {"model": None, "model_fingerprint": None, "skills": []}
        return {"id": result.id or "", "esco_version": "", **nothing, "error": result.reason}
    return {**parquet_row(result), "error": None}


def output_schema():
    """The Spark schema of the output: the CLI's Parquet columns and ``error``."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(PARQUET_SCHEMA.append(pa.field("error", pa.string())))


def read_input(spark: SparkSession, path: str, input_format: str | None) -> DataFrame:
    """A CSV (with a header), JSON Lines or Parquet file or folder as a DataFrame."""
    chosen = _format_of(path, input_format)
    reader = spark.read
    if chosen == "csv":
        reader = reader.option("header", True).option("multiLine", True).option("escape", '"')
    return reader.format(_READERS[chosen]).load(path)


def _format_of(path: str, input_format: str | None) -> str:
    """The format of a file, or of a folder's first data file (Spark's part files)."""
    probe = Path(path)
    if input_format is None and probe.is_dir():
        data = sorted(p for p in probe.iterdir() if not p.name.startswith(("_", ".")))
        if not data:
            raise BatchInputError(f"no data files in {path!r}")
        probe = data[0]
    return resolve_format(str(probe), input_format)


def pack_data_dir(data_dir: Path, target: Path) -> Path:
    """``data_dir`` as an uncompressed tar (the models are compressed already)."""
    with tarfile.open(target, "w") as archive:
        for child in sorted(data_dir.iterdir()):
            archive.add(child, arcname=child.name)
    return target


def spark_extract(
    spark: SparkSession,
    input_path: str,
    output_path: str,
    settings: Settings,
    *,
    text_column: str = "text",
    id_column: str = "id",
    input_format: str | None = None,
    top_k: int | None = None,
    min_score: float | None = None,
) -> int:
    """Extract every row of ``input_path`` into the Parquet folder ``output_path``; the number
    of rows written."""
    from pyspark.sql import functions as F

    graph = SkillGraph.load(settings)  # validates the parameters, builds the index if missing
    graph.extractor.mode(top_k, min_score)
    frame = read_input(spark, input_path, input_format)
    for column in (text_column, id_column):
        if column not in frame.columns:
            raise BatchInputError(
                f"no column {column!r} in {input_path} (columns: {', '.join(frame.columns)}); "
                "on Spark every row needs an id"
            )
    frame = frame.select(
        F.col(id_column).cast("string").alias("__id"),
        F.col(text_column).cast("string").alias("__text"),
    )
    with tempfile.TemporaryDirectory() as scratch:
        archive = pack_data_dir(settings.data_dir, Path(scratch) / DATA_ARCHIVE)
        spark.sparkContext.addArchive(str(archive))
        snapshot = settings.esco.snapshot
        snapshot_name = None
        if snapshot and os.path.isfile(snapshot):
            spark.sparkContext.addFile(str(snapshot))
            snapshot_name = os.path.basename(snapshot)
        cores = int(spark.sparkContext.defaultParallelism) or 1
        log.info("extracting %s on %d cores into %s", input_path, cores, output_path)
        job = ExtractJob(with_threads(settings, 1), top_k, min_score)  # one task per core
        extraction = SparkExtraction(
            job, text_column, id_column, settings.extraction.max_text_chars, snapshot_name
        )
        if frame.rdd.getNumPartitions() < cores:  # a small file is one partition: use every core
            frame = frame.repartition(cores)
        result = frame.mapInPandas(extraction, schema=output_schema())
        result.write.mode("overwrite").parquet(output_path)
    return spark.read.parquet(output_path).count()


if __name__ == "__main__":  # spark-submit services/spark/extract.py INPUT OUTPUT [options]
    import sys

    from services.cli import main

    main(["spark-extract", *sys.argv[1:]])
