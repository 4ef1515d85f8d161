"""``skillgraph export``: every format round-trips exactly, bad rows cost only themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import Dataset, Graph

from ontology import SHAPES_PATH, EscoTaxonomy, esco_triples
from ontology.namespace import SCHEMA, SG
from services.rdf import (
    EXPORT_FORMATS,
    ExtractionRun,
    GraphChunk,
    IriScheme,
    PostingConverter,
    encode_key,
    posting_chunks,
    read_results,
    write_chunks,
)
from tests.services.rdf.conftest import HOSTILE, posting_rows, write_jsonl

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pySHACL on rdflib 7

BAD_LINES = (
    "{not json",
    '["a", "list"]',
    '{"id": "no-skills", "esco_version": "v1.2.0"}',
    '{"id": "bad-iri", "esco_version": "v1.2.0", "skills": [{"uri": "not an iri", "label": "",'
    ' "score": 0.5, "skill_type": "", "sentence": "s", "start": 0, "end": 1}]}',
    '{"id": "surrogate", "esco_version": "v1.2.0", "skills": [{"uri": '
    '"http://data.europa.eu/esco/skill/x", "label": "", "score": 0.5, "skill_type": "",'
    ' "sentence": "\\ud800", "start": 0, "end": 1}]}',
)


def _expected(path: Path, taxonomy: EscoTaxonomy) -> list[GraphChunk]:
    converter = PostingConverter(IriScheme(), taxonomy=taxonomy)
    return [c for c in posting_chunks(read_results(path), converter) if isinstance(c, GraphChunk)]


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
def test_every_format_round_trips_hostile_postings(
    name: str, tmp_path: Path, small_taxonomy: EscoTaxonomy, run_cli
) -> None:
    source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 12))
    fmt = EXPORT_FORMATS[name]
    output = tmp_path / f"postings{fmt.extension}"
    result = run_cli("export", "postings", str(source), "-o", str(output))
    assert result.exit_code == 0, result.output
    assert "12 postings" in result.output

    chunks = _expected(source, small_taxonomy)
    if fmt.keeps_graphs:
        expected = {
            pyoxigraph.Quad(t.subject, t.predicate, t.object, c.graph)
            for c in chunks
            for t in c.triples
        }
    else:
        expected = {pyoxigraph.Quad(*t) for c in chunks for t in c.triples}
    rdf_format = fmt.rdf_format or pyoxigraph.RdfFormat.JSON_LD
    assert set(pyoxigraph.parse(path=output, format=rdf_format)) == expected
    sentences = {q.object.value for q in expected if q.predicate == SG.evidenceSentence}
    assert any(HOSTILE in sentence for sentence in sentences)


def test_json_ld_reads_the_same_in_rdflib(tmp_path: Path, small_taxonomy: EscoTaxonomy) -> None:
    """A second, independent JSON-LD processor agrees on every quad, context and all."""
    source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 5))
    chunks = _expected(source, small_taxonomy)
    output = tmp_path / "postings.jsonld"
    write_chunks(chunks, str(output), EXPORT_FORMATS["jsonld"])
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["@context"]["sg"] == SG.IRI
    dataset = Dataset().parse(output, format="json-ld")
    nquads = pyoxigraph.serialize(
        [
            pyoxigraph.Quad(t.subject, t.predicate, t.object, c.graph)
            for c in chunks
            for t in c.triples
        ],
        format=pyoxigraph.RdfFormat.N_QUADS,
    )
    expected = Dataset().parse(data=nquads, format="nquads")
    assert len(dataset) == len(expected) > 0
    assert set(dataset.quads()) == set(expected.quads())


def test_bad_rows_are_reported_and_the_rest_exported(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, run_cli
) -> None:
    rows = posting_rows(small_taxonomy, 3, hostile=False)
    rows[1]["skills"][0]["uri"] = "http://data.europa.eu/esco/skill/not-in-this-release"
    source = write_jsonl(tmp_path / "results.jsonl", rows, BAD_LINES)
    output = tmp_path / "out.nq"
    result = run_cli("export", "postings", str(source), "-o", str(output))
    assert result.exit_code == 0, result.output
    assert "3 postings" in result.output and "5 rows rejected, 1 warnings" in result.output
    issues = [json.loads(line) for line in Path(f"{output}.errors.jsonl").read_text().splitlines()]
    by_row = {issue["row"]: issue for issue in issues}
    assert by_row[2]["level"] == "warning" and "not-in-this-release" in by_row[2]["reason"]
    assert by_row[4]["reason"].startswith("invalid JSON")
    assert by_row[5]["reason"] == "expected a JSON object, got array"
    assert by_row[6]["reason"] == "field 'skills' must be a list"
    assert "not an absolute IRI" in by_row[7]["reason"]
    assert by_row[8]["id"] == "surrogate"
    graphs = {
        q.graph_name for q in pyoxigraph.parse(path=output, format=pyoxigraph.RdfFormat.N_QUADS)
    }
    assert graphs == {IriScheme().posting_graph(row["id"]) for row in rows}


def test_a_results_line_names_its_model_and_the_flag_covers_lines_that_do_not(
    tmp_path: Path, small_taxonomy: EscoTaxonomy
) -> None:
    rows = posting_rows(small_taxonomy, 2, hostile=False)
    rows[0] |= {"model": "onnx-int8:reader", "model_fingerprint": "f1"}
    bad = '{"id": "x", "esco_version": "v1.2.0", "skills": [], "model_fingerprint": "f"}'
    source = write_jsonl(tmp_path / "results.jsonl", rows, (bad,))
    items = list(read_results(source))
    assert "'model_fingerprint' needs 'model'" in items[-1].reason
    converter = PostingConverter(IriScheme(), ExtractionRun(model="given-by-flag"))
    models = {}
    for chunk in posting_chunks(items[:-1], converter):
        named = {t.predicate: t.object.value for t in chunk.triples}
        models[named[SCHEMA.identifier]] = (named[SG.model], named.get(SG.modelFingerprint))
    assert models == {
        rows[0]["id"]: ("onnx-int8:reader", "f1"),
        rows[1]["id"]: ("given-by-flag", None),
    }


def test_unknown_skills_can_be_dropped(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, run_cli
) -> None:
    rows = posting_rows(small_taxonomy, 1, hostile=False)
    unknown = "http://data.europa.eu/esco/skill/not-in-this-release"
    rows[0]["skills"][0]["uri"] = unknown
    source = write_jsonl(tmp_path / "results.jsonl", rows)
    output = tmp_path / "out.nt"
    result = run_cli(
        "export", "postings", str(source), "-o", str(output), "--unknown-skills", "drop"
    )
    assert result.exit_code == 0, result.output
    objects = {
        t.object for t in pyoxigraph.parse(path=output, format=pyoxigraph.RdfFormat.N_TRIPLES)
    }
    assert pyoxigraph.NamedNode(unknown) not in objects
    assert pyoxigraph.NamedNode(rows[0]["skills"][1]["uri"]) in objects


def test_postings_conform_to_the_shapes(tmp_path: Path, small_taxonomy: EscoTaxonomy) -> None:
    source = write_jsonl(tmp_path / "results.jsonl", posting_rows(small_taxonomy, 4))
    triples = [t for c in _expected(source, small_taxonomy) for t in c.triples]
    data = Graph().parse(
        data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt"
    )
    conforms, _, report = validate(data, shacl_graph=str(SHAPES_PATH), shacl_graph_format="turtle")
    assert conforms, report
    assert sum(t.predicate == SCHEMA.skills for t in triples) == 16


def test_iris_are_stable_distinct_and_valid_for_hostile_keys() -> None:
    iris = IriScheme("https://example.org/kg/", "jobs 2024/../x")
    keys = ["a", "a/b", "a%2Fb", ".", "..", '"<>\\\n', "\U0001f600", "x" * 5000, " a", "a "]
    postings = [iris.posting(key) for key in keys]
    assert len(set(postings)) == len(keys)
    assert postings == [
        IriScheme("https://example.org/kg/", "jobs 2024/../x").posting(k) for k in keys
    ]
    assert iris.dataset_iri.value == "https://example.org/kg/jobs%202024%2F..%2Fx"
    assert encode_key("..") == "%2E%2E" and encode_key("a.b") == "a.b"
    extraction = iris.extraction("a", "http://data.europa.eu/esco/skill/0005c151-5b5a")
    assert extraction.value.endswith("/posting/a/skill/0005c151-5b5a")
    other = iris.extraction("a", "http://example.org/skill/0005c151-5b5a")
    assert other != extraction and "/skill/x-" in other.value


def test_esco_export_matches_the_snapshot(
    tmp_path: Path, small_taxonomy: EscoTaxonomy, run_cli
) -> None:
    output = tmp_path / "esco.nq"
    result = run_cli("export", "esco", "-o", str(output))
    assert result.exit_code == 0, result.output
    quads = list(pyoxigraph.parse(path=output, format=pyoxigraph.RdfFormat.N_QUADS))
    release = IriScheme().esco_release(small_taxonomy.release)
    assert {q.graph_name for q in quads} == {release}
    assert {q.triple for q in quads} == set(esco_triples(small_taxonomy, release))


def test_job_ads_are_extracted_then_exported(tmp_path: Path, full_graph) -> None:
    """Straight from a CSV of job ads: the real extractor, its model recorded as provenance."""
    from click.testing import CliRunner

    from services.cli import main

    ads = tmp_path / "ads.csv"
    text = "You will build REST APIs in Python and PostgreSQL.\nWe value teamwork."
    ads.write_text(f'id,text\n"ad ""1"" <x>","{text}"\nad-2,\n', encoding="utf-8")
    output = tmp_path / "ads.nq"
    result = CliRunner().invoke(
        main, ["export", "postings", str(ads), "-o", str(output)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "1 postings" in result.output and "1 rows rejected" in result.output
    quads = list(pyoxigraph.parse(path=output, format=pyoxigraph.RdfFormat.N_QUADS))
    assert {q.graph_name for q in quads} == {IriScheme().posting_graph('ad "1" <x>')}
    models = {q.object.value for q in quads if q.predicate == SG.model}
    extractor = full_graph.extractor
    assert models == {extractor.model(extractor.mode()).name}  # the default mode: the reader
    by_extraction: dict = {}
    for quad in quads:
        by_extraction.setdefault(quad.subject, {})[quad.predicate] = quad.object.value
    evidence = [e for e in by_extraction.values() if SG.evidenceSentence in e]
    assert evidence
    for extraction in evidence:
        start, end = int(extraction[SG.evidenceStart]), int(extraction[SG.evidenceEnd])
        assert text[start:end] == extraction[SG.evidenceSentence]


def test_hostile_esco_labels_round_trip_through_every_format_and_a_store(tmp_path: Path) -> None:
    from ontology import EscoRelease, Occupation, Skill
    from ontology.namespace import SKOS
    from services.rdf import EmbeddedStore
    from services.rdf.rdf_input import triple_chunks

    label = HOSTILE + " ' \\t " + "z" * 50_000
    skill = Skill("http://data.europa.eu/esco/skill/1", label, (label + " alt",), label)
    occupation = Occupation("http://data.europa.eu/esco/occupation/2", label)
    taxonomy = EscoTaxonomy(EscoRelease("v9", "en"), [skill], [occupation])
    graph = IriScheme().esco_release(taxonomy.release)
    chunks = list(triple_chunks(esco_triples(taxonomy, graph), graph, chunk_triples=3))
    triples = {t for chunk in chunks for t in chunk.triples}
    for name, fmt in EXPORT_FORMATS.items():
        output = tmp_path / f"esco{fmt.extension}"
        write_chunks(chunks, str(output), fmt)
        parsed = pyoxigraph.parse(
            path=output, format=fmt.rdf_format or pyoxigraph.RdfFormat.JSON_LD
        )
        assert {q.triple for q in parsed} == triples, name
    with EmbeddedStore(tmp_path / "store") as store:
        store.write(chunks)
        answer = store.query(
            "SELECT ?l WHERE { GRAPH ?g { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }"
        )
    assert [b["l"]["value"] for b in answer.bindings] == [label, label]
    assert SKOS.prefLabel in {t.predicate for t in triples}


def test_the_best_of_a_results_lines_occupations_is_the_postings_occupation(
    tmp_path: Path, small_taxonomy: EscoTaxonomy
) -> None:
    rows = posting_rows(small_taxonomy, 3, hostile=False)
    first, second = list(small_taxonomy.occupations)[:2]
    del rows[0]["occupation"]
    rows[0]["occupations"] = [{"uri": second, "score": 0.9}, {"uri": first, "score": 0.8}]
    del rows[1]["occupation"]
    rows[1]["occupations"] = []  # no confident match: no occupation
    del rows[2]["occupation"]
    rows[2]["occupations"] = [{"label": "no uri"}]
    source = write_jsonl(tmp_path / "results.jsonl", rows)
    items = list(read_results(source))
    assert items[0].occupation == second
    assert items[1].occupation == ""
    assert "'occupations' must name each occupation's 'uri'" in items[2].reason
    (chunk, _) = PostingConverter(IriScheme()).convert(items[0])
    assert any(
        t.predicate == SCHEMA.relevantOccupation and t.object.value == second for t in chunk.triples
    )


def test_a_results_lines_context_names_its_occupation_before_its_best_match(
    tmp_path: Path, small_taxonomy: EscoTaxonomy
) -> None:
    """What ``extract --occupation-column`` writes: the occupation given is the context's."""
    rows = posting_rows(small_taxonomy, 3, hostile=False)
    first, second = list(small_taxonomy.occupations)[:2]
    for row in rows:
        del row["occupation"]
        row["occupations"] = [{"uri": first, "score": 0.9}]
    rows[0]["context"] = {"occupation": second, "label": "", "skills": []}
    rows[1]["context"] = None  # no context: the best match
    rows[2]["context"] = {"label": "no occupation"}
    items = list(read_results(write_jsonl(tmp_path / "results.jsonl", rows)))
    assert [items[0].occupation, items[1].occupation] == [second, first]
    assert "'context' must be an object naming its 'occupation'" in items[2].reason
