"""Knowledge-graph throughput: export triples/s per format, push triples/s per store.

Generates extraction results for synthetic but realistic postings (10 skills each, drawn from the
shipped ESCO snapshot, with occupations, scores and evidence sentences) in the batch CLI's JSONL
format, then measures, in this process: export to each RDF format, push to the embedded store,
push to a local Oxigraph server (Graph Store Protocol, and SPARQL Update on a sample); and, in a
child process, the export's peak memory at two input sizes. Writes the "rdf" section of
docs/benchmarks.md.

    .venv/bin/python benchmarks/rdf.py [--postings 100000] [--print-only]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import table, write_section
from ontology import EscoTaxonomy, esco_triples
from services.batch import ErrorLog
from services.rdf import (
    EXPORT_FORMATS,
    EmbeddedStore,
    GraphChunk,
    GraphStore,
    IriScheme,
    PostingConverter,
    posting_chunks,
    push_chunks,
    read_results,
    write_chunks,
)
from services.rdf.rdf_input import triple_chunks
from services.rdf.remote_store import RemoteStore, SparqlEndpoints
from skillgraph import load_settings, load_taxonomy

SKILLS_PER_POSTING = 10
OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))
SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
log = logging.getLogger("rdf-bench")

_OPENERS = ("Experience with", "You are fluent in", "We expect you to", "Knowledge of", "Able to")


def synthetic_results(taxonomy: EscoTaxonomy, postings: int, seed: int = 7) -> Iterator[dict]:
    """Batch-CLI JSONL rows: ``SKILLS_PER_POSTING`` distinct real skills per posting."""
    rng = random.Random(seed)
    skills = [s for s in taxonomy.skills.values() if s.preferred_label]
    occupations = list(taxonomy.occupations)
    for number in range(postings):
        offset = 0
        found = []
        for skill in rng.sample(skills, SKILLS_PER_POSTING):
            sentence = f"{rng.choice(_OPENERS)} {skill.preferred_label}."
            found.append(
                {
                    "uri": skill.uri,
                    "label": skill.preferred_label,
                    "score": round(rng.uniform(0.65, 0.95), 6),
                    "skill_type": skill.skill_type,
                    "sentence": sentence,
                    "start": offset,
                    "end": offset + len(sentence),
                }
            )
            offset += len(sentence) + 1
        found.sort(key=lambda s: -s["score"])
        yield {
            "id": f"posting-{number}",
            "esco_version": taxonomy.release.version,
            "occupation": rng.choice(occupations),
            "skills": found,
        }


def write_results(path: Path, taxonomy: EscoTaxonomy, postings: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in synthetic_results(taxonomy, postings):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def chunks_of(path: Path, taxonomy: EscoTaxonomy) -> Iterator[GraphChunk]:
    converter = PostingConverter(IriScheme(dataset="bench"), taxonomy=taxonomy)
    for item in posting_chunks(read_results(path), converter):
        if isinstance(item, GraphChunk):
            yield item


def measure_export(path: Path, taxonomy: EscoTaxonomy, workdir: Path) -> list[list[object]]:
    rows = []
    for name, fmt in EXPORT_FORMATS.items():
        target = workdir / f"postings{fmt.extension}"
        started = time.perf_counter()
        triples = write_chunks(chunks_of(path, taxonomy), str(target), fmt)
        seconds = time.perf_counter() - started
        size = target.stat().st_size
        target.unlink()
        rows.append(
            [
                name,
                f"{triples:,}",
                f"{seconds:.1f}",
                f"{triples / seconds:,.0f}",
                f"{size / 2**20:,.0f}",
            ]
        )
        log.info("export %s: %d triples in %.1f s", name, triples, seconds)
    return rows


def measure_push(
    path: Path, taxonomy: EscoTaxonomy, store: GraphStore, batch: int
) -> tuple[int, float]:
    started = time.perf_counter()
    with ErrorLog(os.devnull) as errors:
        report = push_chunks(chunks_of(path, taxonomy), store, error_log=errors, batch_chunks=batch)
    return report.triples, time.perf_counter() - started


def export_peak_rss(path: Path, workdir: Path, snapshot: str) -> float:
    """Peak RSS (MiB) of ``skillgraph export postings`` to N-Quads, in a child process."""
    command = [SKILLGRAPH, "--data-dir", str(workdir / "cli"), "--set", f"esco.snapshot={snapshot}"]
    command += ["export", "postings", str(path), "-o", str(workdir / "rss.nq")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise RuntimeError(f"export failed with status {status}")
    (workdir / "rss.nq").unlink()
    return usage.ru_maxrss / 1024


def start_oxigraph(location: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("oxigraph did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument(
        "--update-sample", type=int, default=10_000, help="postings pushed by Update"
    )
    parser.add_argument("--print-only", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = load_settings()
    taxonomy = load_taxonomy(settings)
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        source = write_results(workdir / "results.jsonl", taxonomy, args.postings)
        small = write_results(workdir / "small.jsonl", taxonomy, max(1, args.postings // 10))
        sample = write_results(
            workdir / "sample.jsonl", taxonomy, min(args.update_sample, args.postings)
        )
        log.info(
            "generated %d postings (%d MiB of JSONL)", args.postings, source.stat().st_size >> 20
        )

        export_rows = measure_export(source, taxonomy, workdir)
        rss_small = export_peak_rss(small, workdir, settings.esco.snapshot)
        rss_full = export_peak_rss(source, workdir, settings.esco.snapshot)

        esco_started = time.perf_counter()
        esco_count = sum(1 for _ in esco_triples(taxonomy))
        esco_seconds = time.perf_counter() - esco_started

        push_rows = []
        with EmbeddedStore(workdir / "store", max_rows=10) as store:
            triples, seconds = measure_push(source, taxonomy, store, 1000)
            push_rows.append(
                [
                    "embedded pyoxigraph",
                    "replace graph + extend, 1,000 postings/batch",
                    f"{triples:,}",
                    f"{seconds:.0f}",
                    f"{triples / seconds:,.0f}",
                ]
            )
            log.info("embedded push: %d triples in %.1f s", triples, seconds)
            triples, seconds = measure_push(source, taxonomy, store, 1000)
            push_rows.append(
                [
                    "embedded pyoxigraph",
                    "re-push of the same (idempotent)",
                    f"{triples:,}",
                    f"{seconds:.0f}",
                    f"{triples / seconds:,.0f}",
                ]
            )
        process, url = start_oxigraph(workdir / "oxigraph")
        try:
            endpoints = SparqlEndpoints.for_server(url, "oxigraph")
            with RemoteStore(endpoints, protocol="gsp", concurrency=4) as store:
                triples, seconds = measure_push(source, taxonomy, store, 500)
                push_rows.append(
                    [
                        "Oxigraph server (local)",
                        "Graph Store PUT per posting, 4 in flight",
                        f"{triples:,}",
                        f"{seconds:.0f}",
                        f"{triples / seconds:,.0f}",
                    ]
                )
                log.info("server GSP push: %d triples in %.1f s", triples, seconds)
                release = IriScheme().esco_release(taxonomy.release)
                started = time.perf_counter()
                with ErrorLog(os.devnull) as errors:
                    esco = triple_chunks(esco_triples(taxonomy, release), release)
                    push_chunks(esco, store, error_log=errors, batch_chunks=1)
                esco_push = time.perf_counter() - started
            with RemoteStore(endpoints, protocol="update") as store:
                triples, seconds = measure_push(sample, taxonomy, store, 200)
                push_rows.append(
                    [
                        "Oxigraph server (local)",
                        f"SPARQL Update, 200 postings/request ({args.update_sample:,} postings)",
                        f"{triples:,}",
                        f"{seconds:.0f}",
                        f"{triples / seconds:,.0f}",
                    ]
                )
        finally:
            process.terminate()
            process.wait()

    body = "\n\n".join(
        [
            "## Knowledge graph (RDF export and push)",
            f"{args.postings:,} synthetic postings x {SKILLS_PER_POSTING} ESCO skills (real skills "
            f"and occupations of {taxonomy.release.name}, batch-CLI JSONL in, one named graph per "
            "posting out). Each figure is one run: read JSONL, convert, then write or push.",
            "### Export",
            table(["format", "triples", "seconds", "triples/s", "MiB"], export_rows),
            f"Peak memory of `skillgraph export postings` (N-Quads, whole process with the ESCO "
            f"snapshot loaded): {rss_small:,.0f} MiB for {max(1, args.postings // 10):,} postings, "
            f"{rss_full:,.0f} MiB for {args.postings:,}: flat in the input size.",
            "### Push",
            table(["store", "how", "triples", "seconds", "triples/s"], push_rows),
            f"ESCO itself: {esco_count:,} triples, generated in {esco_seconds:.1f} s, pushed "
            f"to the local server (Graph Store, 10,000 triples a request, as `skillgraph push "
            f"--esco` does) in {esco_push:.1f} s.",
        ]
    )
    print(body)
    if not args.print_only:
        write_section("rdf", "python benchmarks/rdf.py", body)


if __name__ == "__main__":
    main()
