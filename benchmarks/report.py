"""Write one benchmark's section of docs/benchmarks.md, leaving the other sections alone."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "benchmarks.md"
SHARED = ROOT.parent / "shared"
BENCH_DIR = SHARED / "data" / "bench" / "skill-extraction"
HEADER = """# Benchmarks

Measured figures, each section written by the script it names (`make bench` runs them all).
Machine: the figures below come from the machine named in each section; re-run to refresh.
"""


# The instruction sets int8 speed depends on: without VNNI, int8 gains far less over fp32.
_SIMD = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def machine() -> str:
    cpu = "unknown CPU"
    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and cpu == "unknown CPU":
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    simd = "/".join(f for f in _SIMD if f in flags) or "no AVX2"
    cores = os.cpu_count()
    return f"{cpu} ({simd}), {cores} cores, Python {platform.python_version()}"


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, command: str, body: str, revision: str | None = None) -> None:
    """Replace (or append) the section between this benchmark's markers; ``revision``: the
    commit measured, when not the one checked out now."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"{start}\n{body.strip()}\n\n_Command: `{command}` · {stamp} · "
        f"commit {revision or commit()} · {machine()}_\n{end}"
    )
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
