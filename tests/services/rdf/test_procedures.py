"""Procedure graphs as RDF: steps, precedence, interchangeability, optional steps, skills."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import Graph

from ontology import SHAPES_PATH
from ontology.namespace import RDF, RDFS, SG
from tests.services.rdf.conftest import HOSTILE, OxigraphServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pySHACL on rdflib 7

SKILL = "http://data.europa.eu/esco/skill/592188c6-7212-47bb-ba58-f9361026addc"


def _node(node_id: str, text: str, rank: int, optional: bool = False, skills=()) -> dict:
    return {
        "id": node_id, "text": text, "rank": rank, "support": 4, "starts": 0, "ends": 0,
        "skip_rate": 0.5 if optional else 0.0, "optional": optional, "branch": False,
        "action": {"verb": None, "object": None}, "variants": [{"text": text, "count": 4}],
        "skills": [{"uri": uri, "label": "x", "score": 0.8} for uri in skills],
    }  # fmt: skip


def _edge(source: str, target: str, relation: str, support: int, evidence=()) -> dict:
    return {
        "source": source, "target": target, "relation": relation, "support": support,
        "reverse_support": 0, "before": support, "after": 0, "branch": False,
        "in_dag": relation not in {"back", "alternative"},
        "evidence": [{"rule": rule, "cue": cue, "count": 1} for rule, cue in evidence],
    }  # fmt: skip


def _document(key: str) -> dict:
    return {
        "format": "skillgraph.procedure-graph",
        "version": 1,
        "key": key,
        "esco_version": "v1.2.0",
        "encoder": "test",
        "sequences": 4,
        "parameters": {
            "cluster_threshold": 0.85,
            "optional_skip_rate": 0.2,
            "interchangeable_ratio": 0.5,
            "min_support": 2,
            "branch_share": 0.2,
        },
        "nodes": [
            _node("step-a", "survey the property", 0, optional=True),
            _node("step-b", f"prepare the site {HOSTILE}", 1),
            _node("step-c", "install pipework", 2, skills=[SKILL]),
            _node("step-d", "fit the boiler", 3, skills=[SKILL]),
        ],
        "edges": [
            _edge("step-a", "step-b", "precedes", 1),
            _edge("step-b", "step-c", "precedes", 3),
            _edge("step-c", "step-d", "interchangeable", 2),
            _edge("step-d", "step-c", "interchangeable", 2),
            _edge("step-d", "step-b", "back", 1),
        ],
        "paths": [{"nodes": ["step-b", "step-c", "step-d"], "count": 2}],
    }


def _ad_document() -> dict:
    """A version-2 graph of one ad: an alternative, a condition, an unordered pair."""
    document = _document("ad")
    document |= {"version": 2, "sequences": 1, "unit": "ads", "paths": []}
    document["nodes"][3]["evidence"] = [
        {"rule": "condition", "cue": "if not in stock", "count": 1, "start": 10, "end": 25}
    ]
    document["edges"] = [
        _edge("step-b", "step-c", "precedes", 1, [("explicit-order", "before")]),
        _edge("step-c", "step-d", "alternative", 1, [("alternative", "or")]),
    ]
    document["unordered"] = [
        {"nodes": ["step-a", "step-b"], "count": 1,
         "evidence": [{"rule": "unordered-list", "cue": "bullet list without sequence words",
                       "count": 1}]}
    ]  # fmt: skip
    return document


@pytest.fixture
def graphs_file(tmp_path: Path) -> Path:
    document = {
        "format": "skillgraph.procedure-graphs",
        "version": 1,
        "graphs": [
            _document("boiler installation"),
            _document("http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1")
            | {"version": 2, "label": "software developer", "unit": "ads"},
        ],
    }
    path = tmp_path / "graphs.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_procedure_graphs_export_as_rdf(graphs_file: Path, tmp_path: Path, run_cli) -> None:
    output = tmp_path / "procedures.nq"
    result = run_cli("export", "procedures", str(graphs_file), "-o", str(output))
    assert result.exit_code == 0, result.output
    quads = list(pyoxigraph.parse(path=output, format=pyoxigraph.RdfFormat.N_QUADS))
    assert len({q.graph_name for q in quads}) == 2
    triples = {q.triple for q in quads}

    def objects(predicate: pyoxigraph.NamedNode) -> list:
        return [t.object for t in triples if t.predicate == predicate]

    assert sum(t.object == SG.ProcedureStep for t in triples if t.predicate == RDF.type) == 8
    assert len(objects(SG.precedes)) == 4  # two per graph; the back edge is left out
    assert len(objects(SG.interchangeableWith)) == 4  # both directions, per graph
    assert sorted(o.value for o in objects(SG.optional)).count("true") == 2
    assert {o.value for o in objects(SG.stepSkill)} == {SKILL}
    assert f"prepare the site {HOSTILE}" in {o.value for o in objects(RDFS.label)}
    [named] = [
        t for t in triples if t.predicate == RDFS.label and t.object.value.startswith("soft")
    ]
    assert named.object.value == "software developer"
    assert pyoxigraph.Triple(named.subject, RDF.type, SG.ProcedureGraph) in triples

    flat = Graph().parse(
        data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt"
    )
    conforms, _, report = validate(flat, shacl_graph=str(SHAPES_PATH), shacl_graph_format="turtle")
    assert conforms, report


def test_the_structure_of_an_ad_exports_with_its_evidence(tmp_path: Path, run_cli) -> None:
    source = tmp_path / "ad.json"
    source.write_text(json.dumps(_ad_document()), encoding="utf-8")
    output = tmp_path / "ad.nq"
    result = run_cli("export", "procedures", str(source), "-o", str(output))
    assert result.exit_code == 0, result.output
    triples = {q.triple for q in pyoxigraph.parse(path=output, format=pyoxigraph.RdfFormat.N_QUADS)}
    labels = {t.subject: t.object.value for t in triples if t.predicate == RDFS.label}

    def pairs(predicate: pyoxigraph.NamedNode) -> set:
        return {(labels.get(t.subject), t.object) for t in triples if t.predicate == predicate}

    alternatives = {(labels[t.subject], labels[t.object]) for t in triples
                    if t.predicate == SG.alternativeTo}  # fmt: skip
    assert alternatives == {
        ("install pipework", "fit the boiler"),
        ("fit the boiler", "install pipework"),
    }
    assert [t for t in triples if t.object == SG.StepAlternative]
    assert {(label, o.value) for label, o in pairs(SG.condition)} == {
        ("fit the boiler", "if not in stock")
    }
    stated = {o.value for _, o in pairs(SG.evidence)}
    assert {"alternative: or", "explicit-order: before", "condition: if not in stock"} <= stated
    assert "unordered-list: bullet list without sequence words" in stated
    flat = Graph().parse(
        data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt"
    )
    conforms, _, report = validate(flat, shacl_graph=str(SHAPES_PATH), shacl_graph_format="turtle")
    assert conforms, report


def test_procedure_graphs_push_idempotently(
    graphs_file: Path, clean_oxigraph: OxigraphServer, run_cli
) -> None:
    for _ in range(2):
        result = run_cli("push", str(graphs_file), "--store", clean_oxigraph.url)
        assert result.exit_code == 0, result.output
        assert "pushed 2 graph chunks" in result.output
    total = clean_oxigraph.count()
    steps = clean_oxigraph.count(f"GRAPH ?g {{ ?s a <{SG.ProcedureStep.value}> }}")
    assert steps == 8 and total > steps


def test_a_broken_graph_file_is_reported(tmp_path: Path, run_cli) -> None:
    broken = tmp_path / "graphs.json"
    broken.write_text('{"format": "skillgraph.procedure-graph", "version": 99}', encoding="utf-8")
    result = run_cli("export", "procedures", str(broken))
    assert result.exit_code == 1
    assert "unsupported skillgraph.procedure-graph version 99" in result.output
