"""``skillgraph push`` and ``query``: embedded store and a real Oxigraph server, idempotence,
the Update fallback, hostile text through a store, and the documented query."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

from ontology import EscoTaxonomy
from ontology.namespace import SG
from services.rdf import (
    EmbeddedStore,
    GraphChunk,
    IriScheme,
    PostingConverter,
    StoreUnavailableError,
    posting_chunks,
    read_results,
)
from services.rdf.remote_store import RemoteStore, SparqlEndpoints
from tests.services.rdf.conftest import (
    HOSTILE,
    OxigraphServer,
    free_port,
    posting_rows,
    write_jsonl,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "knowledge-graph.md"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _quads(path: Path, taxonomy: EscoTaxonomy) -> set[pyoxigraph.Quad]:
    converter = PostingConverter(IriScheme(), taxonomy=taxonomy)
    return {
        pyoxigraph.Quad(t.subject, t.predicate, t.object, chunk.graph)
        for chunk in posting_chunks(read_results(path), converter)
        if isinstance(chunk, GraphChunk)
        for t in chunk.triples
    }


def _dump(store: EmbeddedStore) -> set[pyoxigraph.Quad]:
    store.close()
    return set(pyoxigraph.Store.read_only(str(store.path)).quads_for_pattern(None, None, None))


def test_push_to_the_embedded_store_is_idempotent_and_replaces_changed_postings(
    tmp_path: Path, data_dir: Path, small_taxonomy: EscoTaxonomy, run_cli
) -> None:
    rows = posting_rows(small_taxonomy, 20)
    source = write_jsonl(tmp_path / "results.jsonl", rows)
    first = run_cli("push", str(source))
    assert first.exit_code == 0, first.output
    assert "pushed 20 graph chunks" in first.output
    store = EmbeddedStore(data_dir / "store")
    after_first = _dump(store)
    assert after_first == _quads(source, small_taxonomy)

    assert run_cli("push", str(source)).exit_code == 0
    assert _dump(store) == after_first

    rows[0]["skills"] = rows[0]["skills"][:1]  # re-extracted: fewer skills now
    changed = write_jsonl(tmp_path / "changed.jsonl", rows)
    assert run_cli("push", str(changed)).exit_code == 0
    assert _dump(store) == _quads(changed, small_taxonomy)

    counted = run_cli("query", COUNT_ALL, "--format", "csv")
    assert counted.exit_code == 0
    assert counted.output.splitlines()[1] == str(len(_quads(changed, small_taxonomy)))


def test_push_to_a_server_round_trips_hostile_text(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, clean_oxigraph: OxigraphServer, run_cli
) -> None:
    rows = posting_rows(small_taxonomy, 30)
    rows[0]["skills"][0]["sentence"] = HOSTILE + "y" * 100_000
    source = write_jsonl(tmp_path / "results.jsonl", rows)
    expected = _quads(source, small_taxonomy)
    for _ in range(2):  # the second push must change nothing
        result = run_cli("push", str(source), "--store", clean_oxigraph.url, "--batch-size", "7")
        assert result.exit_code == 0, result.output
        assert clean_oxigraph.count() == len(expected)
    answer = run_cli(
        "query",
        "SELECT DISTINCT ?id WHERE { GRAPH ?g { ?p <http://schema.org/identifier> ?id } }",
        "--store",
        clean_oxigraph.url,
        "--format",
        "json",
    )
    ids = {b["id"]["value"] for b in json.loads(answer.output)["results"]["bindings"]}
    assert ids == {row["id"] for row in rows}
    store = RemoteStore(SparqlEndpoints.for_server(clean_oxigraph.url, "oxigraph"))
    sentences = store.query(
        "SELECT ?s WHERE { GRAPH ?g { ?e <https://w3id.org/skillgraph/ns#evidenceSentence> ?s } }"
    )
    got = Counter(b["s"]["value"] for b in sentences.bindings)
    want = Counter(q.object.value for q in expected if q.predicate == SG.evidenceSentence)
    assert got == want
    constructed = store.query(
        "CONSTRUCT { ?p a <http://schema.org/JobPosting> } "
        "WHERE { GRAPH ?g { ?p a <http://schema.org/JobPosting> } }"
    )
    assert constructed.graph is not None
    triples = list(pyoxigraph.parse(constructed.graph, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(triples) == len(rows)
    store.close()


@pytest.mark.parametrize("graph_store_path", ["store", "no-graph-store-here"])
def test_sparql_update_writes_the_same_as_the_graph_store_protocol(
    graph_store_path: str,
    tmp_path: Path,
    small_taxonomy: EscoTaxonomy,
    clean_oxigraph: OxigraphServer,
) -> None:
    """protocol=update, and auto falling back to Update where the GSP path answers 404."""
    source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 9))
    converter = PostingConverter(IriScheme(), taxonomy=small_taxonomy)
    chunks = [
        c for c in posting_chunks(read_results(source), converter) if isinstance(c, GraphChunk)
    ]
    base = clean_oxigraph.url
    endpoints = SparqlEndpoints(f"{base}/query", f"{base}/update", f"{base}/{graph_store_path}")
    protocol = "update" if graph_store_path == "store" else "auto"
    with RemoteStore(endpoints, protocol=protocol) as store:
        store.write(chunks)
        store.write(chunks)
        assert store.protocol == "update"
        assert store.quad_count() == len(_quads(source, small_taxonomy))
        hostile = store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e ?p ?s FILTER(CONTAINS(?s, "
            + '"\\\\u0041 \\\\\\"")) } }'
        )
        assert int(hostile.bindings[0]["n"]["value"]) > 0


def test_one_graph_for_everything_and_rdf_files(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, clean_oxigraph: OxigraphServer, run_cli
) -> None:
    source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 12))
    graph = "https://example.org/graphs/jobs"
    for _ in range(2):
        result = run_cli(
            "push",
            str(source),
            "--store",
            clean_oxigraph.url,
            "--graph",
            graph,
            "--batch-size",
            "5",
        )
        assert result.exit_code == 0, result.output
    in_graph = clean_oxigraph.count(f"GRAPH <{graph}> {{ ?s ?p ?o }}")
    assert (
        in_graph
        == clean_oxigraph.count()
        == len({q.triple for q in _quads(source, small_taxonomy)})
    )

    exported = tmp_path / "postings.nq"
    assert run_cli("export", "postings", str(source), "-o", str(exported)).exit_code == 0
    clean_oxigraph.clear()
    assert run_cli("push", str(exported), "--store", clean_oxigraph.url).exit_code == 0
    assert clean_oxigraph.count() == len(_quads(source, small_taxonomy))

    turtle = tmp_path / "postings.ttl"
    assert run_cli("export", "postings", str(source), "-o", str(turtle)).exit_code == 0
    refused = run_cli("push", str(turtle), "--store", clean_oxigraph.url)
    assert refused.exit_code == 1 and "give --graph IRI" in refused.output


def test_an_unreachable_store_is_reported_clearly(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, run_cli
) -> None:
    source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 3))
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli(
        "--set",
        "store.retries=1",
        "--set",
        "store.backoff=0.01",
        "push",
        str(source),
        "--store",
        url,
    )
    assert result.exit_code == 1
    assert f"cannot reach the store at {url}/store after 2 tries" in result.output
    assert "run the same command again to resume" in result.output
    queried = run_cli("--set", "store.retries=0", "query", "ASK {}", "--store", url)
    assert queried.exit_code == 1 and "cannot reach the store" in queried.output


def test_bad_queries_are_refused_with_reasons(run_cli, clean_oxigraph: OxigraphServer) -> None:
    for store in ([], ["--store", clean_oxigraph.url]):
        update = run_cli("query", "PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }", *store)
        assert update.exit_code == 1 and "read-only" in update.output
        broken = run_cli("query", "SELECT ?x WHERE { ?x", *store)
        assert broken.exit_code == 1 and "query" in broken.output.lower()
    assert clean_oxigraph.count() == 0


def test_empty_queries_missing_files_and_all_rejected_inputs_fail_clearly(
    tmp_path: Path, run_cli
) -> None:
    empty = run_cli("query", "  ")
    assert empty.exit_code == 2 and "the query is empty" in empty.output
    missing = run_cli("push", str(tmp_path / "nowhere.jsonl"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    broken = write_jsonl(tmp_path / "broken.jsonl", [{"id": "a", "skills": []}], ("[1]",))
    pushed = run_cli("push", str(broken), "--errors", str(tmp_path / "push-errors.jsonl"))
    assert pushed.exit_code == 1 and "nothing was pushed" in pushed.output
    reasons = (tmp_path / "push-errors.jsonl").read_text()
    assert "missing field 'esco_version'" in reasons and "expected a JSON object" in reasons
    exported = run_cli("export", "postings", str(broken), "-o", str(tmp_path / "out.nq"))
    assert exported.exit_code == 1 and "nothing was exported" in exported.output


def test_the_embedded_store_lock_keeps_readers_out_during_a_write(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "store", lease=3600)
    chunk = GraphChunk(
        pyoxigraph.NamedNode("http://x/g"),
        (pyoxigraph.Triple(pyoxigraph.NamedNode("http://x/s"), SG.score, pyoxigraph.Literal(1.0)),),
    )
    writer.write([chunk])  # holds the store for its lease
    reader = EmbeddedStore(tmp_path / "store", lock_wait=0.05)
    with pytest.raises(StoreUnavailableError, match="the embedded store is busy"):
        reader.query("ASK {}")
    assert writer.quad_count() == 1  # the writer reads through its own handle
    writer.close()
    assert reader.quad_count() == 1


def _documented_query() -> str:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- query:top-skills -->", 1)[1]
    return re.search(r"```sparql\n(.*?)```", block, re.DOTALL).group(1)  # type: ignore[union-attr]


def test_the_documented_query_answers_as_expected(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, clean_oxigraph: OxigraphServer, run_cli
) -> None:
    query = _documented_query()
    occupation = re.search(r"<(http://data\.europa\.eu/esco/occupation/[^>]+)>", query).group(1)  # type: ignore[union-attr]
    rows = posting_rows(small_taxonomy, 60, hostile=False)
    source = write_jsonl(tmp_path / "results.jsonl", rows)
    demand: Counter[str] = Counter()
    for row in rows:
        if row["occupation"] == occupation:
            demand.update({skill["uri"] for skill in row["skills"]})
    assert demand, "the documented occupation must occur in the test postings"

    def label(uri: str) -> str:
        return small_taxonomy.skills[uri].preferred_label

    expected = sorted(demand.items(), key=lambda item: (-item[1], label(item[0])))[:20]
    groups = {
        uri: {
            small_taxonomy.skill_groups[b].preferred_label
            for b in small_taxonomy.skills[uri].broader
            if b in small_taxonomy.skill_groups
        }
        for uri, _ in expected
    }
    for store in ([], ["--store", clean_oxigraph.url]):
        assert run_cli("push", "--esco", *store).exit_code == 0
        assert run_cli("push", str(source), *store).exit_code == 0
        result = run_cli("query", query, "--format", "json", *store)
        assert result.exit_code == 0, result.output
        bindings = json.loads(result.output)["results"]["bindings"]
        got = [(b["skill"]["value"], int(b["postings"]["value"])) for b in bindings]
        assert got == expected
        for binding in bindings:
            named = {g for g in binding["groups"]["value"].split(" | ") if g}
            assert named == groups[binding["skill"]["value"]]
