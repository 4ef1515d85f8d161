"""The store going away mid-push: a clear report, then a resumed push equal to a clean one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from ontology import EscoTaxonomy
from services.rdf import GraphChunk, IriScheme, PostingConverter, posting_chunks, read_results
from tests.services.rdf.conftest import OxigraphServer, posting_rows, write_jsonl

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))


def _expected_quads(path: Path, taxonomy: EscoTaxonomy) -> int:
    converter = PostingConverter(IriScheme(), taxonomy=taxonomy)
    quads = {
        (t, chunk.graph)
        for chunk in posting_chunks(read_results(path), converter)
        if isinstance(chunk, GraphChunk)
        for t in chunk.triples
    }
    return len(quads)


def test_a_push_interrupted_by_an_outage_resumes_to_the_clean_result(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, small_snapshot_path: Path
) -> None:
    server = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 800))
        data_dir = tmp_path / "data"
        command = [
            SKILLGRAPH,
            "--data-dir", str(data_dir),
            "--set", f"esco.snapshot={small_snapshot_path}",
            "--set", "store.retries=2",
            "--set", "store.backoff=0.05",
            "push", str(source), "--store", server.url, "--batch-size", "10",
        ]  # fmt: skip
        push = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        checkpoints = data_dir / "push"
        deadline = time.monotonic() + 60
        while not any(checkpoints.glob("*.json")) and push.poll() is None:
            assert time.monotonic() < deadline, "the push wrote no checkpoint"
            time.sleep(0.005)
        server.stop()  # the outage, while the push is under way
        _, stderr = push.communicate(timeout=120)
        assert push.returncode == 1, stderr
        assert f"cannot reach the store at {server.url}/store after 3 tries" in stderr
        assert "run the same command again to resume" in stderr
        (checkpoint,) = checkpoints.glob("*.json")
        assert '"chunks_done"' in checkpoint.read_text()

        server.start()
        written_before = server.count()
        assert 0 < written_before < _expected_quads(source, small_taxonomy)
        resumed = subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert "resumed after" in resumed.stderr
        assert not any(checkpoints.glob("*.json"))
        assert server.count() == _expected_quads(source, small_taxonomy)

        again = subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=300)
        assert again.returncode == 0 and "resumed" not in again.stderr
        assert server.count() == _expected_quads(source, small_taxonomy)
    finally:
        server.stop()
