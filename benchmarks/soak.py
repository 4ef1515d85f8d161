"""API soak: a real `skillgraph serve` process under eight concurrent clients for ten minutes.

Each client posts whole job ads (the SkillSpan dev postings, as in speed.py) to
`POST /v1/extract` in turn. Measured: throughput, p50/p99 and errors overall and per minute, and
the resident memory (RSS) of the server's process tree every 10 s, from after a warm-up to after
the load. The sentence cache is off by default, as in speed.py's API rows: the clients repeat
the same ads, and cached answers would exercise (and time) nothing. Clients and server share
the machine's cores. Writes the "soak" section of docs/benchmarks.md, the raw samples to
benchmarks/results/soak.json and, where matplotlib is installed, docs/soak-rss.png.

    .venv/bin/python benchmarks/soak.py [--clients 8] [--seconds 600] [--cache] [--head]

--head serves the committed code (a `git archive HEAD` copy first on the server's PYTHONPATH)
instead of the working tree, which others may be editing while the run lasts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import api_load
from benchmarks.report import ROOT, commit, machine, table, write_section
from benchmarks.scale import process_tree, rss_kib
from benchmarks.speed import job_ads

RESULTS = Path(__file__).resolve().parent / "results" / "soak.json"
PLOT = ROOT / "docs" / "soak-rss.png"
TICKS = os.sysconf("SC_CLK_TCK")
BLOCKS = "▁▂▃▄▅▆▇█"
log = logging.getLogger("soak")


def _status_field(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _cpu_seconds(pid: int) -> float:
    try:
        # Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def sample(root: int, started: float) -> dict:
    """The server's process tree now: RSS (MiB, children included), threads, open files, CPU."""
    tree = process_tree(root)
    rss = [r for r in (rss_kib(pid) for pid in tree) if r is not None]
    try:
        fds = len(os.listdir(f"/proc/{root}/fd"))
    except OSError:
        fds = None
    return {
        "t": round(time.monotonic() - started, 2),
        "rss_mib": round(sum(rss) / 1024, 1),
        "processes": len(rss),
        "threads": _status_field(root, "Threads"),
        "fds": fds,
        "cpu_s": round(sum(_cpu_seconds(pid) for pid in tree), 2),
        "load1": round(os.getloadavg()[0], 2),
    }


class Sampler:
    """``sample`` of ``root`` every ``every`` seconds from ``started`` until stopped."""

    def __init__(self, root: int, started: float, every: float) -> None:
        self.root, self.started, self.every = root, started, every
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        beat = 0
        while True:
            self.samples.append(sample(self.root, self.started))
            beat += 1
            wait = self.started + beat * self.every - time.monotonic()
            if self._stop.wait(max(wait, 0)):
                return

    def stop(self) -> list[dict]:
        self._stop.set()
        self._thread.join()
        self.samples.append(sample(self.root, self.started))  # after the load
        return self.samples


def per_minute(
    answers: list[tuple[float, float, int]], nominal: float, seconds: float, width: float
) -> list[dict]:
    """Answers (seconds from the start, latency ms, status) in buckets of ``width`` seconds over
    the ``nominal`` run; the last bucket takes the answers in flight at its end (the run took
    ``seconds``)."""
    count = max(1, int(np.ceil(nominal / width - 1e-9)))
    buckets: list[list[tuple[float, int]]] = [[] for _ in range(count)]
    for t, ms, status in answers:
        buckets[min(int(t // width), count - 1)].append((ms, status))
    rows = []
    for n, bucket in enumerate(buckets):
        span = seconds - n * width if n == count - 1 else width
        latencies = [ms for ms, _ in bucket]
        p50, p99 = np.percentile(latencies, [50, 99]) if latencies else (np.nan, np.nan)
        rows.append(
            {
                "minute": n + 1,
                "seconds": round(span, 1),
                "requests": len(bucket),
                "per_second": round(len(bucket) / span, 3),
                "p50_ms": round(float(p50), 1),
                "p99_ms": round(float(p99), 1),
                "errors": sum(status != 200 for _, status in bucket),
            }
        )
    return rows


def slope_per_10_min(samples: list[dict]) -> float | None:
    """Least-squares RSS trend over ``samples``, MiB per 600 s; None under three samples."""
    if len(samples) < 3:
        return None
    t = np.array([s["t"] for s in samples])
    rss = np.array([s["rss_mib"] for s in samples])
    return round(float(np.polyfit(t, rss, 1)[0] * 600), 1)


def sparkline(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    step = (hi - lo) / (len(BLOCKS) - 1) or 1
    return "".join(BLOCKS[round((v - lo) / step)] for v in values)


def curve_table(samples: list[dict], every: float) -> str:
    """The samples taken during the load, one row a minute, one column every ``every`` s."""
    columns = max(1, round(60 / every))
    rows = []
    for start in range(0, len(samples), columns):
        chunk = samples[start : start + columns]
        minute = f"{chunk[0]['t'] / 60:.0f}"
        rows.append(
            [minute] + [f"{s['rss_mib']:.0f}" for s in chunk] + [""] * (columns - len(chunk))
        )
    header = ["from minute"] + [f"+{round(i * every)} s" for i in range(columns)]
    return table(header, rows)


def plot(samples: list[dict], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axis = plt.subplots(figsize=(7, 3))
    axis.plot([s["t"] / 60 for s in samples], [s["rss_mib"] for s in samples], marker=".")
    axis.set_xlabel("minutes under load")
    axis.set_ylabel("server RSS, MiB")
    axis.set_ylim(bottom=0)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def committed_copy(revision: str, into: Path) -> Path:
    """The tree of ``revision``, unpacked under ``into``."""
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def dirty_files() -> list[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return [line[3:] for line in out.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--warmup", type=float, default=20, help="seconds of load before")
    parser.add_argument("--every", type=float, default=10, help="seconds between RSS samples")
    parser.add_argument("--cache", action="store_true", help="keep the sentence cache on")
    parser.add_argument("--head", action="store_true", help="serve HEAD, not the working tree")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    ads = job_ads(10_000)
    flags = [] if args.cache else ["--set", "extraction.cache_size=0"]
    command = "python benchmarks/soak.py" + "".join(
        [
            f" --seconds {args.seconds:g}" if args.seconds != 600 else "",
            f" --clients {args.clients}" if args.clients != 8 else "",
            " --cache" if args.cache else "",
            " --head" if args.head else "",
        ]
    )
    revision = commit()  # others may commit while the run lasts
    source = Path(tempfile.mkdtemp(prefix="skillgraph-soak-")) if args.head else None
    if source is not None:
        os.environ["PYTHONPATH"] = str(committed_copy(revision, source))  # the server's imports
    load_before = os.getloadavg()
    with api_load.server(*flags) as (base, process):
        log.info("server %d on %s; warming for %g s", process.pid, base, args.warmup)
        warm = api_load.load(base, ads, args.clients, args.warmup)
        answers: list[tuple[float, float, int]] = []
        started = time.monotonic()

        def on_answer(at: float, ms: float, status: int) -> None:
            answers.append((at - started, ms, status))

        sampler = Sampler(process.pid, started, args.every)
        log.info("%d clients for %g s, %d ads in turn", args.clients, args.seconds, len(ads))
        found = api_load.load(base, ads, args.clients, args.seconds, on_answer)
        samples = sampler.stop()
        alive = process.poll() is None
    load_after = os.getloadavg()
    minutes = per_minute(answers, args.seconds, found.seconds, 60)
    during = samples[:-1]
    rss = [s["rss_mib"] for s in samples]
    half = [s for s in during if s["t"] >= found.seconds / 2]
    growth, growth_late = slope_per_10_min(during), slope_per_10_min(half)
    statuses = Counter(str(status) for _, _, status in answers)
    cpu = (samples[-1]["cpu_s"] - samples[0]["cpu_s"]) / max(samples[-1]["t"], 1e-9)
    if source is not None:
        shutil.rmtree(source, ignore_errors=True)
    summary = {
        "served": f"commit {revision} (git archive)" if args.head else "the working tree",
        "clients": args.clients,
        "ads": len(ads),
        "sentence_cache": args.cache,
        "warmup": {"seconds": round(warm.seconds, 1), "requests": warm.requests},
        "seconds": round(found.seconds, 1),
        "requests": found.requests,
        "per_second": round(found.per_second, 3),
        "p50_ms": round(found.p50_ms, 1),
        "p99_ms": round(found.p99_ms, 1),
        "errors": found.failed,
        "statuses": dict(statuses),
        "server_alive_after": alive,
        "rss_start_mib": rss[0],
        "rss_max_mib": max(rss),
        "rss_end_mib": rss[-1],
        "rss_trend_mib_per_10_min": growth,
        "rss_trend_second_half_mib_per_10_min": growth_late,
        "server_cpu_cores": round(cpu, 2),
        "loadavg_start": [round(x, 2) for x in load_before],
        "loadavg_end": [round(x, 2) for x in load_after],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "command": command,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": revision,
        "uncommitted": [] if args.head else dirty_files(),
        "machine": machine(),
        "summary": summary,
        "minutes": minutes,
        "samples": samples,
    }
    RESULTS.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    plotted = plot(samples, PLOT)
    body = report(summary, minutes, samples, args.every, plotted)
    write_section("soak", command, body, revision=revision)
    print(json.dumps(summary, indent=1))


def report(
    summary: dict, minutes: list[dict], samples: list[dict], every: float, plotted: bool
) -> str:
    s = summary
    cores = os.cpu_count() or 1
    shared = s["loadavg_start"][0] >= 0.5
    loads = (
        f"Load average (1 min) {s['loadavg_start'][0]:.2f} before the run and "
        f"{s['loadavg_end'][0]:.2f} at its end on {cores} cores"
        + (
            ": other work (tests) shared the machine during the run, so throughput and "
            "latency are lower bounds of what the server does alone."
            if shared
            else "."
        )
    )
    rows = [
        ["duration", f"{s['seconds']:.0f} s"],
        ["requests (whole ads)", s["requests"]],
        ["ads/s", f"{s['per_second']:.2f}"],
        ["p50", f"{s['p50_ms']:.0f} ms"],
        ["p99", f"{s['p99_ms']:.0f} ms"],
        ["errors (not 200, or no answer)", s["errors"]],
        ["RSS start (after warm-up)", f"{s['rss_start_mib']:.0f} MiB"],
        ["RSS max", f"{s['rss_max_mib']:.0f} MiB"],
        ["RSS end (after the load)", f"{s['rss_end_mib']:.0f} MiB"],
        ["RSS end - start", f"{s['rss_end_mib'] - s['rss_start_mib']:+.0f} MiB"],
        [
            "RSS trend per 10 min (least squares, all / second half)",
            f"{_mib(s['rss_trend_mib_per_10_min'])} / "
            f"{_mib(s['rss_trend_second_half_mib_per_10_min'])}",
        ],
        ["server CPU", f"{s['server_cpu_cores']:.2f} cores"],
    ]
    minute_rows = [
        [
            m["minute"],
            m["requests"],
            f"{m['per_second']:.2f}",
            f"{m['p50_ms']:.0f}",
            f"{m['p99_ms']:.0f}",
            m["errors"],
            f"{_at(samples, 60 * m['minute'])['rss_mib']:.0f}",
            f"{_at(samples, 60 * m['minute'])['load1']:.2f}",
        ]
        for m in minutes
    ]
    during = samples[:-1]
    first, last = samples[0], samples[-1]
    lo, hi = min(x["rss_mib"] for x in samples), max(x["rss_mib"] for x in samples)
    return (
        "## API soak\n\n"
        f"A real `skillgraph serve` process on loopback (waitress, micro-batching, the sentence "
        f"cache {'on' if s['sentence_cache'] else 'off, so that repeated ads are extracted again'}"
        f"), {s['clients']} concurrent clients posting whole job ads ({s['ads']} SkillSpan dev "
        f"postings in turn) to `POST /v1/extract` for {s['seconds']:.0f} s, after "
        f"{s['warmup']['seconds']:.0f} s of warm-up ({s['warmup']['requests']} requests). "
        f"Server RSS is its process tree's ({first['processes']} process"
        f"{'es' if first['processes'] != 1 else ''}), sampled every {every:g} s. "
        f"The server ran {s['served']}. Clients and server share the cores. {loads} Raw samples: "
        "`benchmarks/results/soak.json`.\n\n"
        + table(["what", "value"], rows)
        + "\n\n### Per minute\n\n"
        + table(
            [
                "minute",
                "requests",
                "ads/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "RSS MiB (end)",
                "load 1m",
            ],
            minute_rows,
        )
        + "\n\n### Server RSS over time\n\n"
        f"`{sparkline([x['rss_mib'] for x in samples])}` ({len(samples)} samples, every "
        f"{every:g} s then one after the load; ▁ = {lo:.0f} MiB, █ = {hi:.0f} MiB)\n\n"
        + curve_table(during, every)
        + f"\n\nAfter the load: {last['rss_mib']:.0f} MiB. Server threads "
        f"{first['threads']} -> {last['threads']}, open files {first['fds']} -> {last['fds']}."
        + ("\n\n![Server RSS over the soak](soak-rss.png)" if plotted else "")
    )


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f} MiB"


def _at(samples: list[dict], t: float) -> dict:
    """The last sample taken at or before ``t`` seconds."""
    return [s for s in samples if s["t"] <= t + 1][-1]


if __name__ == "__main__":
    main()
