"""Real parts for the RDF tests: an Oxigraph server of our own, postings with hostile text."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from ontology import EscoTaxonomy, write_snapshot
from services.cli import main

OXIGRAPH = Path(sys.executable).with_name("oxigraph")

# Text that breaks naive RDF and SPARQL writers: quotes, backslashes, escapes, line breaks,
# angle brackets, a SPARQL comment sign, non-BMP characters and control characters.
HOSTILE = 'He said "hi" \\ \\u0041 \\" \n\r\t <tag> > # } . ;\u00e9 \U0001f600 \x01 \x7f end'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve`` on a loopback port, with its data on disk, that tests may stop."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = location
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> OxigraphServer:
        command = [str(OXIGRAPH), "serve", "--location", str(self.location)]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/query", params={"query": "ASK {}"}, timeout=1)
                return self
            except httpx.TransportError as exc:
                if self._process.poll() is not None:
                    code = self._process.returncode
                    raise RuntimeError(f"oxigraph exited with {code}") from exc
                time.sleep(0.05)
        raise RuntimeError("oxigraph did not start within 30 s")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)
        self._process = None

    def count(self, graph_pattern: str = "GRAPH ?g { ?s ?p ?o }") -> int:
        response = httpx.post(
            f"{self.url}/query",
            data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {graph_pattern} }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        response.raise_for_status()
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    def clear(self) -> None:
        httpx.post(f"{self.url}/update", data={"update": "CLEAR ALL"}).raise_for_status()


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data").start()
    yield server
    server.stop()


@pytest.fixture
def clean_oxigraph(oxigraph: OxigraphServer) -> OxigraphServer:
    oxigraph.clear()
    return oxigraph


@pytest.fixture(scope="session")
def small_snapshot_path(
    tmp_path_factory: pytest.TempPathFactory, small_taxonomy: EscoTaxonomy
) -> Path:
    return write_snapshot(small_taxonomy, tmp_path_factory.mktemp("esco") / "small.json.gz")


def posting_rows(taxonomy: EscoTaxonomy, count: int, *, hostile: bool = True) -> list[dict]:
    """Batch-CLI output rows over the taxonomy's real skills and occupations."""
    skills = list(taxonomy.skills.values())
    occupations = list(taxonomy.occupations)
    rows = []
    for number in range(count):
        chosen = [skills[(number * 7 + k * 3) % len(skills)] for k in range(4)]
        text = f"{HOSTILE} {number}" if hostile and number % 2 == 0 else f"sentence {number}"
        rows.append(
            {
                "id": f'job "{number}" <\\> \n' if hostile and number % 3 == 0 else f"job-{number}",
                "esco_version": taxonomy.release.version,
                "occupation": occupations[number % len(occupations)],
                "skills": [
                    {
                        "uri": skill.uri,
                        "label": skill.preferred_label,
                        "score": round(0.9 - k * 0.05, 6),
                        "skill_type": skill.skill_type,
                        "sentence": text,
                        "start": k,
                        "end": k + len(text),
                    }
                    for k, skill in enumerate(chosen)
                ],
            }
        )
    return rows


def write_jsonl(path: Path, rows: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(row, ensure_ascii=False) for row in rows] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run_cli(data_dir: Path, small_snapshot_path: Path) -> Callable[..., Result]:
    """``run_cli("push", ...)``: skillgraph on the small ESCO snapshot and a fresh data dir."""

    def run(*args: str, input: str | None = None) -> Result:
        base = ["--data-dir", str(data_dir), "--set", f"esco.snapshot={small_snapshot_path}"]
        return CliRunner().invoke(main, [*base, *args], input=input, catch_exceptions=False)

    return run
