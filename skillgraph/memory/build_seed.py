"""Build a shipped seed for the example memory from annotated training files.

    python -m skillgraph.memory.build_seed OUTPUT FILE... [--exclude-bench DIR]

Writes gzipped JSON Lines ``{"text", "skills": [URIs], "source"}`` (texts and labels only: the
vectors are computed on first use, for whatever encoder is configured), byte-for-byte the same
for the same input. Sentences found in any benchmark file of ``--exclude-bench`` are left out, so
a seed never holds a test or validation sentence. Only training data belongs in a seed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ontology import DEFAULT_SNAPSHOT, find_snapshot, read_snapshot
from skillgraph.memory.examples import merge_labels, text_key
from skillgraph.memory.sources import FORMATS, read_source

log = logging.getLogger(__name__)


def benchmark_keys(bench_dir: Path) -> set[str]:
    keys: set[str] = set()
    for path in sorted(bench_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                keys.add(text_key(json.loads(line)["sentence"]))
    return keys


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skillgraph.memory.build_seed")
    parser.add_argument("output", type=Path, help="the seed, e.g. .../seed/skillskape.jsonl.gz")
    parser.add_argument("files", type=Path, nargs="+", help="annotated training files")
    parser.add_argument("--format", choices=FORMATS, help="default: guessed per file")
    parser.add_argument("--exclude-bench", type=Path, help="benchmark dir whose sentences to omit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    taxonomy = read_snapshot(find_snapshot(DEFAULT_SNAPSHOT, []))
    excluded = benchmark_keys(args.exclude_bench) if args.exclude_bench else set()
    seed: dict[str, dict] = {}
    counts = {"rows": 0, "no_skill": 0, "errors": 0, "excluded": 0, "unmapped_labels": 0}
    for path in args.files:
        for row in read_source(
            path, taxonomy, args.format, source=f"{path.parent.name}:{path.name}"
        ):
            counts["rows"] += 1
            counts["unmapped_labels"] += len(row.unmapped)
            if row.example is None:
                counts["no_skill" if row.no_skill else "errors"] += 1
                continue
            key = text_key(row.example.text)
            if key in excluded:
                counts["excluded"] += 1
                continue
            held = seed.get(key)
            if held is None:
                seed[key] = {
                    "text": row.example.text.strip(),
                    "skills": list(row.example.skills),
                    "source": row.example.source,
                }
            else:
                held["skills"] = list(
                    merge_labels((held["skills"], ()), (row.example.skills, ()))[0]
                )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in seed.values())
    with args.output.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(lines.encode("utf-8"))
    log.info("%s: %d examples from %s", args.output, len(seed), counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
