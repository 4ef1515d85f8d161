"""Speed and memory: CLI throughput per encoder, API latency, index build/load, index kinds.

Job ads are whole SkillSpan dev postings (../shared/data/train/nnose/skillspan/dev.json).
Writes the "speed" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/speed.py [--ads 200] [--skip-build]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import SHARED, table, write_section
from skillgraph import Segmenter, SkillGraph, load_settings, load_taxonomy
from skillgraph.config import IndexSettings
from skillgraph.index import load_or_build_index
from skillgraph.runtime import index_cache_dir

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
ENCODERS = [
    ("ONNX fp32 (default)", []),
    ("ONNX int8", ["--set", "encoder.precision=int8"]),
    # The shipped model is ONNX only; the base model has the same architecture and both backends.
    ("ONNX fp32, all-MiniLM-L6-v2", ["--set", "encoder.model=all-MiniLM-L6-v2"]),
    (
        "torch fp32, all-MiniLM-L6-v2",
        ["--set", "encoder.backend=torch", "--set", "encoder.model=all-MiniLM-L6-v2"],
    ),
]
log = logging.getLogger("speed")


def job_ads(limit: int) -> list[str]:
    """Whole postings: SkillSpan dev lines grouped by posting, one line per token sequence."""
    postings: dict[int, list[str]] = defaultdict(list)
    path = SHARED / "data" / "train" / "nnose" / "skillspan" / "dev.json"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            postings[record["idx"]].append(" ".join(record["tokens"]))
    return ["\n".join(lines) for _, lines in sorted(postings.items())][:limit]


def run_measured(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def cli_throughput(ads: list[str], sentences: int, workdir: Path) -> str:
    full, one = workdir / "ads.csv", workdir / "one.csv"
    for path, rows in ((full, ads), (one, ads[:1])):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows(enumerate(rows))
    out = workdir / "out.jsonl"
    rows = []
    for name, flags in ENCODERS:
        base = [SKILLGRAPH, "-q", *flags, "extract"]
        run_measured([*base, str(one), "-o", str(out)])  # builds a missing index: not start-up
        startup, _ = run_measured([*base, str(one), "-o", str(out)])
        total, rss = run_measured([*base, str(full), "-o", str(out)])
        steady = max(total - startup, 1e-9)
        rows.append(
            [
                name,
                f"{len(ads) / total:.1f}",
                f"{(len(ads) - 1) / steady:.1f}",
                f"{sentences / steady:.0f}",
                f"{startup:.1f}",
                rss,
            ]
        )
        log.info("%s: %s", name, rows[-1])
    return (
        f"`skillgraph extract` on {len(ads)} whole job ads ({sentences} sentences after "
        "segmentation), default extraction mode, one process per run. *Steady* excludes "
        "start-up (model, snapshot and index loading), measured on a one-ad file.\n\n"
        + table(
            [
                "encoder",
                "ads/s (whole run)",
                "ads/s (steady)",
                "sentences/s (steady)",
                "start-up s",
                "peak RSS MiB",
            ],
            rows,
        )
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_latency(ads: list[str], sentences: list[str]) -> str:
    port = free_port()
    server = subprocess.Popen(
        [SKILLGRAPH, "-q", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(f"{base}/health", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the API server did not start") from None
                time.sleep(0.2)
        rows = []
        with requests.Session() as http:
            for name, texts in (("one sentence", sentences[:300]), ("whole job ad", ads[:100])):
                latencies = []
                for text in texts:
                    started = time.perf_counter()
                    http.post(f"{base}/v1/extract", json={"text": text}).raise_for_status()
                    latencies.append(1000 * (time.perf_counter() - started))
                p50, p99 = np.percentile(latencies, [50, 99])
                rows.append([name, len(texts), f"{p50:.1f}", f"{p99:.1f}"])
    finally:
        server.terminate()
        _, _, usage = os.wait4(server.pid, 0)
    return (
        "`POST /v1/extract` on `skillgraph serve` (waitress, default settings), sequential "
        f"requests from one client on loopback. Server peak RSS {usage.ru_maxrss // 1024} MiB."
        "\n\n" + table(["request", "requests", "p50 ms", "p99 ms"], rows)
    )


def index_build(skip_build: bool) -> str:
    settings = load_settings()
    taxonomy = load_taxonomy(settings)
    started = time.perf_counter()
    graph = SkillGraph.load(settings, taxonomy=taxonomy)
    load_seconds = time.perf_counter() - started
    lines = [
        f"Loading the cached runtime (snapshot, encoder, {len(graph.index)}-row exact "
        f"index): **{load_seconds:.2f} s**."
    ]
    if not skip_build:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            load_or_build_index(taxonomy, graph.encoder, settings.index, Path(tmp))
            lines.append(
                f"Encoding all {len(graph.index)} ESCO texts from scratch with "
                f"{graph.encoder.name}: **{time.perf_counter() - started:.0f} s** "
                "(done once, by `make install`)."
            )
    queries = graph.encoder.encode(job_sentences(400))
    _, exact = graph.index.search(queries, 10, labels_only=True)
    rows = []
    for kind in ("exact", "hnsw", "ivf"):
        kind_settings = IndexSettings(kind=kind)
        cache = index_cache_dir(settings)
        started = time.perf_counter()
        index = load_or_build_index(taxonomy, graph.encoder, kind_settings, cache)
        ready = time.perf_counter() - started
        started = time.perf_counter()
        _, found = index.search(queries, 10, labels_only=True)
        per_query = 1000 * (time.perf_counter() - started) / len(queries)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact, strict=True)])
        rows.append([kind, f"{ready:.1f}", f"{per_query:.2f}", f"{recall:.3f}"])
    lines.append(
        "Index kinds (`index.kind`), on the cached vectors: first-time build (then cached), "
        "search time per query (label rows, k=10, batch of 400) and recall of the exact "
        "top 10 rows.\n\n" + table(["kind", "build/load s", "ms/query", "recall@10 vs exact"], rows)
    )
    return "\n\n".join(lines)


def job_sentences(limit: int) -> list[str]:
    segmenter = Segmenter()
    return [s.text for ad in job_ads(50) for s in segmenter.split(ad)][:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ads", type=int, default=200)
    parser.add_argument("--skip-build", action="store_true", help="skip the from-scratch build")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ads = job_ads(args.ads)
    sentences = sum(len(s) for s in Segmenter().split_many(ads))
    workdir = Path(tempfile.mkdtemp(prefix="skillgraph-speed-"))
    try:
        sections = [
            "## Batch CLI throughput\n\n" + cli_throughput(ads, sentences, workdir),
            "## API latency\n\n" + api_latency(ads, job_sentences(300)),
            "## Index\n\n" + index_build(args.skip_build),
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    body = "\n\n".join(sections)
    write_section("speed", "python benchmarks/speed.py", body)
    print(body)


if __name__ == "__main__":
    main()
