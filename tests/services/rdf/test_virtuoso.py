"""OpenLink Virtuoso as a second, production-grade target: a real server started by the test.

Needs the ``virtuoso-t`` binary (Debian: ``apt-get install virtuoso-opensource-7-bin``, which
``.ci/run`` does). Virtuoso writes only through its digest-authenticated endpoints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ontology import EscoTaxonomy
from services.rdf import GraphChunk, IriScheme, PostingConverter, posting_chunks, read_results
from tests.services.rdf.conftest import HOSTILE, free_port, posting_rows, write_jsonl

VIRTUOSO = shutil.which("virtuoso-t")
INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert VIRTUOSO, (
        "virtuoso-t is not installed: apt-get install -y --no-install-recommends "
        "virtuoso-opensource-7-bin (see docs/knowledge-graph.md)"
    )
    directory = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(dir=directory, sql_port=free_port(), http_port=http_port))
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (directory / "virtuoso.log").read_text()
            assert time.monotonic() < deadline, "Virtuoso did not come up within 60 s"
            time.sleep(0.2)
        yield f"http://dba:dba@127.0.0.1:{http_port}"
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_push_and_query_virtuoso(
    virtuoso: str, tmp_path: Path, small_taxonomy: EscoTaxonomy, run_cli
) -> None:
    rows = posting_rows(small_taxonomy, 15)
    source = write_jsonl(tmp_path / "results.jsonl", rows)
    converter = PostingConverter(IriScheme(), taxonomy=small_taxonomy)
    chunks = [
        c for c in posting_chunks(read_results(source), converter) if isinstance(c, GraphChunk)
    ]
    expected = {(t, c.graph) for c in chunks for t in c.triples}
    options = ["--set", "store.layout=virtuoso", "--set", "store.auth=digest"]
    count = (  # Virtuoso keeps system graphs of its own
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/skillgraph/')) }"
    )
    for protocol in ("gsp", "gsp", "update"):  # a re-push, then the Update path, change nothing
        result = run_cli(
            *options,
            "--set",
            f"store.protocol={protocol}",
            "push",
            str(source),
            "--store",
            virtuoso,
        )
        assert result.exit_code == 0, result.output
        counted = run_cli(*options, "query", count, "--store", virtuoso, "--format", "csv")
        assert counted.exit_code == 0, counted.output
        assert int(counted.output.splitlines()[1]) == len(expected)

    sentences = run_cli(
        *options,
        "query",
        "SELECT ?s WHERE { GRAPH ?g { ?e <https://w3id.org/skillgraph/ns#evidenceSentence> ?s } }",
        "--store",
        virtuoso,
        "--format",
        "json",
    )
    got = Counter(b["s"]["value"] for b in json.loads(sentences.output)["results"]["bindings"])
    assert got == Counter(
        t.object.value for t, _ in expected if t.predicate.value.endswith("evidenceSentence")
    )
    assert any(HOSTILE in sentence for sentence in got)


def test_wrong_credentials_are_named(
    virtuoso: str, tmp_path: Path, small_taxonomy, run_cli
) -> None:
    source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 1))
    wrong = virtuoso.replace("dba:dba", "dba:wrong")
    result = run_cli(
        "--set",
        "store.layout=virtuoso",
        "--set",
        "store.auth=digest",
        "push",
        str(source),
        "--store",
        wrong,
    )
    assert result.exit_code == 1
    assert "refused the request (HTTP 401)" in result.output
