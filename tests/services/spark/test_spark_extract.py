"""``skillgraph spark-extract`` on Spark ``local[2]`` with the real extractor: the same skills
as ``skillgraph extract``, row by row, with the data directory shipped as an archive."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ontology import write_snapshot

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
TOOLS = ["Python", "SQL", "Java", "Linux", "Docker", "Excel", "SAP", "Kubernetes"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory, small_taxonomy) -> Path:
    return write_snapshot(small_taxonomy, tmp_path_factory.mktemp("esco") / "small.json.gz")


def _ads(path: Path, count: int = 240) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            a, b = TOOLS[n % 8], TOOLS[(n // 8) % 8]
            text = f"Experience with {a} and {b} is required. You will manage staff. Ad {n}."
            handle.write(json.dumps({"id": f"ad-{n}", "text": "" if n == 9 else text}) + "\n")
    return path


def test_spark_local_gives_the_clis_results_row_by_row(model_data_dir, snapshot, tmp_path):
    ads = _ads(tmp_path / "ads.jsonl")
    base = [
        SKILLGRAPH,
        "-q",
        "--data-dir",
        str(model_data_dir),
        "--set",
        f"esco.snapshot={snapshot}",
    ]
    cli_out = tmp_path / "cli.parquet"
    done = subprocess.run([*base, "extract", str(ads), "-o", str(cli_out)], capture_output=True)
    assert done.returncode == 0, done.stderr
    spark_out = tmp_path / "spark"
    args = [*base, "spark-extract", str(ads), str(spark_out), "--master", "local[2]"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "240 rows" in done.stderr

    expected = {row["id"]: row for row in pq.read_table(cli_out).to_pylist()}
    found = pq.read_table(spark_out).to_pylist()
    assert len(list(spark_out.glob("part-*.parquet"))) >= 2  # both cores had a share
    assert len(found) == 240
    rejected = [row for row in found if row["error"]]
    assert [(row["id"], row["error"]) for row in rejected] == [("ad-9", "empty text")]
    produced = {row.pop("id"): row for row in found if not row["error"]}
    assert produced.keys() == expected.keys()
    assert sum(len(row["skills"]) for row in produced.values()) > 200
    for ad_id, row in produced.items():
        assert row.pop("error") is None
        assert row == {k: v for k, v in expected[ad_id].items() if k != "id"}, ad_id
