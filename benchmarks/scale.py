"""Batch at scale: ads/s with 1 and 2 workers and on Spark local[2], how cost grows with ad length
and corpus size (with and without sentence dedup), and peak memory per process on 1 M rows.

Ads are made of real job-ad sentences (SkillSpan and Green train and dev splits,
../shared/data/train/nnose): four drawn from the whole pool and two from 300 "boilerplate"
sentences, as boards repeat their own. Every figure comes from this run, on this machine; runs
are `skillgraph extract` processes as a user runs them. Writes the "scale" section of
docs/benchmarks.md.

    .venv/bin/python benchmarks/scale.py [--largest 100000] [--skip-spark]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import SHARED, table, write_section

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
log = logging.getLogger("scale")


def sentence_pool() -> list[str]:
    pool: dict[str, None] = {}
    for corpus in ("skillspan", "green"):
        for split in ("train", "dev"):
            path = SHARED / "data" / "train" / "nnose" / corpus / f"{split}.json"
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    tokens = json.loads(line)["tokens"]
                    if len(tokens) >= 4:
                        pool[" ".join(tokens)] = None
    return list(pool)


def write_ads(path: Path, count: int, pool: list[str], sentences: int = 6, seed: int = 0) -> int:
    """``count`` ads into ``path`` (JSONL); the number of distinct sentences in them."""
    rng = random.Random(seed)
    boilerplate = pool[:300]
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            chosen = rng.sample(pool, sentences - 2) + rng.sample(boilerplate, 2)
            seen.update(chosen)
            handle.write(json.dumps({"id": f"ad-{n}", "text": "\n".join(chosen)}) + "\n")
    return len(seen)


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants' process ids."""
    found, frontier = [root], [root]
    while frontier:
        pid = frontier.pop()
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        frontier += [int(c) for c in children]
        found += [int(c) for c in children]
    return found


def rss_kib(pid: int) -> int | None:
    """A process's resident set in KiB; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    # A process that has exited but not been reaped (a zombie) has no VmRSS.
    lines = [line for line in status.splitlines() if line.startswith("VmRSS")]
    return int(lines[0].split()[1]) if lines else None


class PeakMemory:
    """Largest resident set of each process in a tree, sampled every 0.2 s."""

    def __init__(self, root: int) -> None:
        self.root, self.peaks, self._stop = root, {}, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid in process_tree(self.root):
                rss = rss_kib(pid)
                if rss is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), rss // 1024)
            time.sleep(0.2)

    def stop(self) -> list[int]:
        self._stop.set()
        self._thread.join()
        return sorted(self.peaks.values(), reverse=True)


def run(args: list[str], measure_memory: bool = False) -> tuple[float, list[int]]:
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = PeakMemory(process.pid) if measure_memory else None
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    peaks = memory.stop() if memory else []
    if process.returncode:
        raise RuntimeError(f"{' '.join(args)} failed: {stderr.decode()[-2000:]}")
    return elapsed, peaks


def extract(
    source: Path, out: Path, *options: str, memory: bool = False
) -> tuple[float, list[int]]:
    """``skillgraph extract`` with ``options``; ``--set`` pairs go before the command."""
    settings: list[str] = []
    rest: list[str] = []
    pairs = iter(options)
    for option in pairs:
        if option == "--set":
            settings += [option, next(pairs)]
        else:
            rest.append(option)
    command = [SKILLGRAPH, "-q", *settings, "extract", str(source), "-o", str(out), *rest]
    return run(command, memory)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--largest", type=int, default=100_000, help="largest corpus, ads")
    parser.add_argument("--million", type=int, default=1_000_000, help="rows of the memory run")
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    pool = sentence_pool()
    log.info("%d distinct sentences in the pool", len(pool))
    work = Path(tempfile.mkdtemp(prefix="skillgraph-scale-"))
    # Best of three: the first run also reads the models from a cold disk cache.
    start_up = min(
        extract(_one_ad(work, pool), work / "one.jsonl", "--workers", "1")[0] for _ in range(3)
    )
    sections = []

    # Workers and Spark on the same 1k ads.
    thousand = work / "ads-1000.jsonl"
    write_ads(thousand, 1000, pool)
    rows = []
    for label, options in [
        ("1 worker (2 threads)", ["--workers", "1"]),
        ("2 workers (1 thread each)", ["--workers", "2"]),
    ]:
        seconds, _ = extract(thousand, work / "w.jsonl", *options)
        rows.append(
            [label, f"{seconds:.1f}", f"{1000 / seconds:.2f}", f"{1000 / (seconds - start_up):.2f}"]
        )
        log.info("%s: %.1f s", label, seconds)
    if not args.skip_spark:
        seconds, _ = run(
            [
                SKILLGRAPH,
                "-q",
                "spark-extract",
                str(thousand),
                str(work / "spark"),
                "--master",
                "local[2]",
            ]
        )
        rows.append(
            ["Spark local[2] (mapInPandas)", f"{seconds:.1f}", f"{1000 / seconds:.2f}", "-"]
        )
        log.info("spark: %.1f s", seconds)
    sections.append(
        "### Workers and Spark\n\n1,000 ads of 6 sentences. *Steady* subtracts the start-up of "
        f"a one-ad run ({start_up:.1f} s).\n\n"
        + table(["run", "seconds", "ads/s", "ads/s steady"], rows)
    )

    # Ad length, without dedup (distinct sentences throughout).
    rows = []
    for sentences in (5, 20, 80):
        source = work / f"len-{sentences}.jsonl"
        count = 8000 // sentences
        write_ads(source, count, pool, sentences=sentences, seed=sentences)
        seconds, _ = extract(
            source, work / "l.jsonl", "--workers", "2", "--set", "extraction.cache_size=0"
        )
        steady = seconds - start_up
        rows.append(
            [sentences, count, f"{count / steady:.2f}", f"{count * sentences / steady:.0f}"]
        )
        log.info("length %d: %.1f s", sentences, seconds)
    sections.append(
        "### Ad length\n\n8,000 sentences in all, no dedup, 2 workers; steady rates.\n\n"
        + table(["sentences per ad", "ads", "ads/s", "sentences/s"], rows)
    )

    # Corpus size, with and without dedup.
    rows = []
    rate_without = None
    sizes = [size for size in (1_000, 10_000, 100_000) if size <= args.largest]
    for size in sizes:
        source = work / f"corpus-{size}.jsonl"
        distinct = write_ads(source, size, pool, seed=1)
        with_dedup, _ = extract(source, work / "c.jsonl", "--workers", "2")
        if size <= 10_000:
            without, _ = extract(
                source, work / "c.jsonl", "--workers", "2", "--set", "extraction.cache_size=0"
            )
            rate_without = size / without
            without_text = f"{rate_without:.2f}"
        else:  # hours on two cores; the rate per ad does not change with corpus size
            expected = (
                f", ~{size / rate_without / 3600:.1f} h at the 10k rate" if rate_without else ""
            )
            without_text = f"not run{expected}"
        rows.append(
            [
                f"{size:,}",
                f"{distinct:,} ({distinct / (size * 6):.0%})",
                f"{size / with_dedup:.2f}",
                without_text,
            ]
        )
        log.info("corpus %d: %.1f s with dedup", size, with_dedup)
    sections.append(
        "### Corpus size\n\nWhole runs (start-up included), 2 workers, the default cache of "
        "20,000 sentences per worker.\n\n"
        + table(["ads", "distinct sentences (share)", "ads/s with dedup", "ads/s without"], rows)
    )

    # Flat memory on a million short rows.
    million = work / "million.jsonl"
    short = pool[:2000]
    with million.open("w", encoding="utf-8") as handle:
        for n in range(args.million):
            handle.write(json.dumps({"id": n, "text": short[n % len(short)]}) + "\n")
    seconds, peaks = extract(
        million, work / "m.jsonl", "--workers", "2", "--batch-size", "256", memory=True
    )
    sections.append(
        f"### Memory\n\n{args.million:,} one-sentence rows (2,000 distinct), 2 workers, batches "
        f"of 256: {seconds:.0f} s, {args.million / seconds:,.0f} rows/s. Peak resident memory per "
        f"process (MiB, largest first; the command's own process holds a graph too): "
        + ", ".join(str(p) for p in peaks[:4])
        + ".\n"
    )
    write_section(
        "scale",
        "python benchmarks/scale.py",
        "## Batch at scale\n\n" + "\n\n".join(sections),
    )


def _one_ad(work: Path, pool: list[str]) -> Path:
    path = work / "one-ad.jsonl"
    write_ads(path, 1, pool, seed=99)
    return path


if __name__ == "__main__":
    main()
