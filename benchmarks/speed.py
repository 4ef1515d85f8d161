"""Speed: the default extraction against one encoder pass (the limit) and the peer tool, its
stages, API latency with one and eight clients, start-up, first set-up, index kinds.

Job ads are whole SkillSpan dev postings (../shared/data/train/nnose/skillspan/dev.json). Every
figure comes from this one run on this machine, so ratios compare like with like. Writes the
"speed" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/speed.py [--ads 200] [--skip-build] [--skip-peer] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import api_load
from benchmarks.report import ROOT, SHARED, table, write_section
from skillgraph import Segmenter, SkillGraph, load_settings, load_taxonomy
from skillgraph.config import EncoderSettings, IndexSettings
from skillgraph.encoders.onnx_files import ONNX_MANIFEST, TOKENIZER_FILE, onnx_file
from skillgraph.encoders.quantization import drop_softmax_nan_guards
from skillgraph.index import load_or_build_index
from skillgraph.reader.reader import BATCH_SIZE as READER_BATCH_SIZE
from skillgraph.runtime import index_cache_dir

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
# Ours, as `skillgraph extract` runs them (default extraction mode throughout).
VARIANTS = [
    ("default: int8 reader, dedup, 2 threads", []),
    ("fp32 reader", ["--set", "spans.precision=fp32"]),
    ("int8, no dedup", ["--set", "extraction.cache_size=0"]),
    ("fp32, no dedup", ["--set", "spans.precision=fp32", "--set", "extraction.cache_size=0"]),
    ("int8, dedup, 1 thread", ["--set", "spans.threads=1", "--set", "encoder.threads=1"]),
    ("int8, dedup, exact index", ["--set", "index.kind=exact"]),
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


def run_measured(command: list[str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if completed.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {completed.stderr.decode()}")
    return time.perf_counter() - started


def limit_data_dir(workdir: Path) -> Path:
    """A data directory holding the default encoder with its fp32 graph relieved of the softmax
    NaN guards, as the int8 graphs are (the same outputs, ~7% faster): the limit gets every
    simplification the default gets."""
    import onnx

    settings = load_settings()
    source = settings.data_dir / "models" / settings.encoder.model
    target = workdir / "limit-data" / "models" / settings.encoder.model
    target.mkdir(parents=True)
    for name in (ONNX_MANIFEST, TOKENIZER_FILE):
        shutil.copyfile(source / name, target / name)
    model = onnx.load(str(source / onnx_file("fp32")))
    drop_softmax_nan_guards(model.graph)
    onnx.save(model, str(target / onnx_file("fp32")))
    return target.parents[1]


# The reader's batch, the encoder's default and 64 (its default until 2026-12-08): the limit
# takes whichever is faster on the machine (on an Intel Xeon, 16 ran 1.05x faster than 64).
LIMIT_BATCH_SIZES = tuple(sorted({READER_BATCH_SIZE, EncoderSettings().batch_size, 64}))
_LIMIT_BATCHES = " and ".join(map(str, LIMIT_BATCH_SIZES))  # as the report names them


def limit_seconds(sentences: list[str], data_dir: Path) -> float:
    """One fp32 ONNX pass of the default encoder over every sentence (length-sorted batches of
    each size in ``LIMIT_BATCH_SIZES``, interleaved), in a fresh process like the CLI runs; the
    best of three passes at each size."""
    code = (
        "import json, sys, time; from pathlib import Path; from skillgraph import load_settings; "
        "from skillgraph.encoders import load_encoder; s = load_settings(); "
        f"e = load_encoder(s.encoder, Path({str(data_dir)!r})); texts = json.load(sys.stdin); "
        f"sizes = {list(LIMIT_BATCH_SIZES)!r}; e.encode(texts[:200]); best = 1e9\n"
        "for r in range(3):\n for size in (sizes if r % 2 == 0 else sizes[::-1]):\n"
        "  t = time.perf_counter(); e.encode(texts, size); "
        "best = min(best, time.perf_counter() - t)\nprint(best)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(sentences), capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def write_inputs(ads: list[str], workdir: Path) -> tuple[Path, Path]:
    """The ads as a CSV, and their first ad alone (the start-up run)."""
    full, one = workdir / "ads.csv", workdir / "one.csv"
    for path, rows in ((full, ads), (one, ads[:1])):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows(enumerate(rows))
    return full, one


def cli_rows(ads: list[str], workdir: Path, repeats: int) -> tuple[list[tuple[str, float]], float]:
    """Steady seconds per variant (whole run minus a one-ad run, best of ``repeats``) and the
    default's start to first result."""
    full, one = write_inputs(ads, workdir)
    out = workdir / "out.jsonl"
    found, startup = [], 0.0
    for name, flags in VARIANTS:
        base = [SKILLGRAPH, "-q", *flags, "extract"]
        run_measured([*base, str(one), "-o", str(out)])  # builds whatever is missing first
        first = min(run_measured([*base, str(one), "-o", str(out)]) for _ in range(repeats))
        whole = min(run_measured([*base, str(full), "-o", str(out)]) for _ in range(repeats))
        found.append((name, max(whole - first, 1e-9)))
        startup = startup or first
        log.info("%s: %.2f s steady, %.2f s start-up", name, found[-1][1], first)
    return found, startup


def paired_rounds(
    ads: list[str], sentences: list[str], workdir: Path, limit_dir: Path, rounds: int
) -> list[tuple[float, float]]:
    """(limit seconds, default steady seconds) measured back to back, ``rounds`` times, the
    order swapped every round: the machine's slow and fast minutes fall on both alike. The
    default is one whole run minus one one-ad run (no best-of), the limit its best of three."""
    full, one = write_inputs(ads, workdir)
    base = [SKILLGRAPH, "-q", "extract"]
    out = workdir / "paired.jsonl"
    run_measured([*base, str(one), "-o", str(out)])  # builds whatever is missing first

    def default() -> float:
        whole = run_measured([*base, str(full), "-o", str(out)])
        return max(whole - run_measured([*base, str(one), "-o", str(out)]), 1e-9)

    found = []
    for number in range(rounds):
        if number % 2:
            steady = default()
            limit = limit_seconds(sentences, limit_dir)
        else:
            limit = limit_seconds(sentences, limit_dir)
            steady = default()
        found.append((limit, steady))
        log.info("round %d: limit %.2f s, default %.2f s steady", number + 1, limit, steady)
    return found


def stages(ads: list[str]) -> list[list[object]]:
    """Where the default extraction's time goes (in-process, instrumented, one pass)."""
    graph = SkillGraph.load(load_settings())
    extractor, spans = graph.extractor, graph.spans
    assert spans is not None
    totals: dict[str, float] = defaultdict(float)

    def timed(owner, attribute: str, stage: str, materialise: bool = False) -> None:
        inner = getattr(owner, attribute)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            result = inner(*args, **kwargs)
            result = list(result) if materialise else result
            totals[stage] += time.perf_counter() - started
            return result

        setattr(owner, attribute, wrapper)

    timed(extractor.segmenter, "split_many", "segmentation", materialise=True)
    timed(spans.reader, "read", "reader pass (tokenize, ONNX, decode, pool)")
    timed(spans.retriever, "candidates", "index search and aggregation")
    timed(spans, "_scored", "calibrated probabilities")
    extractor.extract_many(ads[:2])
    extractor.clear_cache()
    totals.clear()
    started = time.perf_counter()
    for start in range(0, len(ads), 32):
        extractor.extract_many(ads[start : start + 32])
    total = time.perf_counter() - started
    totals["proposals, merging, results (the rest)"] = total - sum(totals.values())
    return [[stage, f"{s:.2f}", f"{100 * s / total:.0f}%"] for stage, s in totals.items()]


def api_rows(ads: list[str], seconds: float) -> list[list[object]]:
    rows = []
    # No sentence cache: clients repeat the same ads, and cached answers would time nothing.
    with api_load.server("--set", "extraction.cache_size=0") as (base, _):
        api_load.load(base, ads[:3], 1, None)  # warm
        for clients, duration in ((1, None), (8, seconds)):
            found = api_load.load(base, ads, clients, duration)
            rows.append(
                [
                    clients,
                    found.requests,
                    found.failed,
                    f"{found.p50_ms:.0f}",
                    f"{found.p99_ms:.0f}",
                    f"{found.p99_ms / found.p50_ms:.2f}",
                    f"{found.per_second:.1f}",
                ]
            )
            log.info("API, %d clients: %s", clients, rows[-1])
    return rows


def first_setup(skip: bool) -> str:
    if skip:
        return ""
    with tempfile.TemporaryDirectory() as tmp:
        seconds = run_measured([SKILLGRAPH, "-q", "--data-dir", tmp, "setup"])
    return (
        f"First set-up of a fresh data directory (`skillgraph setup`: expand the shipped "
        f"encoder, encode the ESCO labels, build the fast index, assemble the reader): "
        f"**{seconds:.0f} s**; `make install` adds the package installation before it."
    )


def index_rows(sentences: list[str]) -> list[list[object]]:
    settings = load_settings().replace({"spans.model": "", "memory.enabled": False})
    taxonomy = load_taxonomy(settings)
    graph = SkillGraph.load(settings, taxonomy=taxonomy)
    queries = graph.encoder.encode(sentences)
    results = {}
    rows = []
    for kind in ("exact", "fast", "hnsw", "ivf"):
        started = time.perf_counter()
        index = load_or_build_index(
            taxonomy, graph.encoder, IndexSettings(kind=kind), index_cache_dir(settings)
        )
        ready = time.perf_counter() - started
        ranked = SkillGraph.assemble(settings, taxonomy, graph.encoder, index).extractor
        ranked.retriever.candidates(queries[:50], 20)
        started = time.perf_counter()
        results[kind] = ranked.retriever.candidates(queries, 20)
        per_query = 1000 * (time.perf_counter() - started) / len(queries)
        recall = np.mean(
            [
                len({c.skill_uri for c in a} & {c.skill_uri for c in b}) / 20
                for a, b in zip(results[kind], results["exact"], strict=True)
            ]
        )
        rows.append([kind, f"{ready:.1f}", f"{per_query:.3f}", f"{recall:.4f}"])
    return rows


def peer(ads: list[str], skip: bool) -> dict | None:
    if skip:
        return None
    from benchmarks.peer import ensure_peer_venv, run_peer

    python = ensure_peer_venv(ROOT / ".bench")
    runs = [run_peer(python, ads, ROOT / ".bench" / "peer-work", threads=t) for t in (0, 1)]
    return min(runs, key=lambda r: r["seconds"])  # the peer at its faster thread count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ads", type=int, default=200)
    parser.add_argument("--skip-build", action="store_true", help="skip the from-scratch setup")
    parser.add_argument("--skip-peer", action="store_true", help="skip esco-skill-extractor")
    parser.add_argument("--quick", action="store_true", help="one repeat, 10 s of API load")
    parser.add_argument("--rounds", type=int, default=7, help="paired limit/default rounds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ads = job_ads(args.ads)
    sentences = [s.text for text in Segmenter().split_many(ads) for s in text]
    repeats = 1 if args.quick else 3
    workdir = Path(tempfile.mkdtemp(prefix="skillgraph-speed-"))
    try:
        limit_dir = limit_data_dir(workdir)
        paired = paired_rounds(ads, sentences, workdir, limit_dir, 1 if args.quick else args.rounds)
        before = limit_seconds(sentences, limit_dir)
        variants, startup = cli_rows(ads, workdir, repeats)
        after = limit_seconds(sentences, limit_dir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    limit = (before + after) / 2
    the_peer = peer(ads, args.skip_peer)
    peer_rate = the_peer["ads_per_s"] if the_peer else None

    def row(name: str, seconds: float, sentences_per_s: str) -> list[object]:
        rate = len(ads) / seconds
        return [
            name,
            f"{rate:.2f}",
            sentences_per_s,
            f"{limit / seconds:.2f}",
            _ratio(rate, peer_rate),
        ]

    rows = [
        row(
            f"limit: one fp32 encoder pass over every sentence (no NaN guards; best of batches of "
            f"{_LIMIT_BATCHES})",
            limit,
            f"{len(sentences) / limit:.0f}",
        )
    ]
    rows += [row(name, seconds, f"{len(sentences) / seconds:.0f}") for name, seconds in variants]
    if the_peer:
        name = f"peer esco-skill-extractor {the_peer['version']} ({the_peer['threads']} threads)"
        rows.append(row(name, len(ads) / peer_rate, "-"))
    unique = len(set(sentences))
    sections = [
        "## Batch CLI throughput\n\n"
        f"`skillgraph extract` on {len(ads)} whole job ads ({len(sentences)} sentences after "
        f"segmentation, {unique} distinct: {100 * (1 - unique / len(sentences)):.0f}% are "
        "repeats), default extraction mode, one process per run. *Steady*: the whole run "
        "minus a one-ad run (start-up), best of "
        f"{repeats}. The limit is measured before and after the variants (mean of "
        f"{before:.2f} s and {after:.2f} s).\n\n"
        + table(["what", "ads/s", "sentences/s", "vs the limit", "vs the peer"], rows)
        + "\n\n"
        + paired_summary(paired)
        + f"\n\nStart to first result (`skillgraph extract` on one ad, cached runtime): "
        f"**{startup:.1f} s**. "
        + first_setup(args.skip_build)
        + (
            f" The peer: {the_peer['how']}; start-up {the_peer['startup_s']:.1f} s after "
            f"{the_peer['import_s']:.1f} s of imports."
            if the_peer
            else ""
        ),
        "## Where the time goes\n\nThe default extraction in one process, batches of 32 ads "
        "as the CLI runs them, instrumented:\n\n"
        + table(["stage", "seconds", "share"], stages(ads)),
        "## API latency\n\n`POST /v1/extract` with one whole posting per request on "
        "`skillgraph serve` (waitress, micro-batching, the sentence cache off so that repeated "
        "ads are extracted again): one client sending "
        f"each ad once, then eight clients for {10 if args.quick else 60} s.\n\n"
        + table(
            ["clients", "requests", "not 200", "p50 ms", "p99 ms", "p99 / p50", "requests/s"],
            api_rows(ads, 10 if args.quick else 60),
        )
        + f"\n\nThe limit's time per ad: {1000 * limit / len(ads):.0f} ms.",
        "## Index\n\nIndex kinds (`index.kind`) on the cached label vectors: load or first "
        "build (then cached), search and aggregation per query for the top 20 skills (a batch of "
        f"{min(len(sentences), 3000)} sentences), and recall of the exact top 20 skills.\n\n"
        + table(
            ["kind", "build/load s", "ms/query", "recall@20 skills vs exact"],
            index_rows(sentences[:3000]),
        ),
    ]
    body = "\n\n".join(sections)
    write_section("speed", "python benchmarks/speed.py", body)
    print(body)


def paired_summary(paired: list[tuple[float, float]]) -> str:
    ratios = sorted(limit / steady for limit, steady in paired)
    return (
        f"Paired: the limit and the default back to back, {len(paired)} rounds, before the "
        f"variants: the default at **{float(np.median(ratios)):.2f}x** the limit (median; "
        f"lowest {ratios[0]:.2f}x, highest {ratios[-1]:.2f}x; rounds in seconds, limit / "
        "default: " + ", ".join(f"{limit:.2f} / {steady:.2f}" for limit, steady in paired) + "). "
        "The limit is the faster of length-sorted batches of "
        f"{_LIMIT_BATCHES} (before 2026-12-08: batches of 64 only)."
    )


def _ratio(rate: float, reference: float | None) -> str:
    return f"{rate / reference:.2f}" if reference else "-"


if __name__ == "__main__":
    main()
