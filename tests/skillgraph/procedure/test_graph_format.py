"""The versioned JSON format: round trips, and documents it must refuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillgraph import SkillGraph
from skillgraph.procedure import (
    FORMAT_VERSION,
    GRAPH_FORMAT,
    GRAPH_SET_FORMAT,
    GraphFormatError,
    LinkedSkill,
    ProcedureGraph,
    graph_from_dict,
    graph_to_dict,
    graphs_from_dict,
    induce_graph,
    read_graphs,
    write_graphs,
)
from skillgraph.procedure.step_skills import StepSkillLinker

JOBS = [["unload deliveries", "check goods", "put stock away"]] * 2 + [
    ["check goods", "unload deliveries", "put stock away"],
    ["unload deliveries", "put stock away", "check goods"],
]


@pytest.fixture(scope="module")
def graph(full_graph: SkillGraph) -> ProcedureGraph:
    linker = StepSkillLinker(full_graph.extractor, top_k=2)
    linker.remember("check goods", [LinkedSkill("urn:x:check", "check deliveries", 0.123456789)])
    return induce_graph(
        JOBS, "warehouse", full_graph.encoder, full_graph.settings.procedure, linker, "v1.2.0"
    )


def test_a_graph_survives_a_round_trip(graph):
    document = graph_to_dict(graph)
    assert (document["format"], document["version"]) == (GRAPH_FORMAT, FORMAT_VERSION)
    assert graph_to_dict(graph_from_dict(json.loads(json.dumps(document)))) == document
    assert document["cycle_breaking"]["removed_edges"]
    assert "net precedence" in document["cycle_breaking"]["method"]
    check = next(n for n in document["nodes"] if n["text"] == "check goods")
    rounded = {"uri": "urn:x:check", "label": "check deliveries", "score": 0.123457}
    assert check["skills"] == [rounded]


def test_graph_sets_are_written_and_read(graph, tmp_path):
    path = tmp_path / "graphs.json"
    write_graphs([graph, graph], path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == GRAPH_SET_FORMAT
    assert [g.key for g in read_graphs(path)] == ["warehouse", "warehouse"]
    assert [g.key for g in graphs_from_dict(graph_to_dict(graph))] == ["warehouse"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "expected format"),
        (lambda d: d.update(version=FORMAT_VERSION + 1), "unsupported"),
        (lambda d: d.pop("nodes"), "missing field 'nodes'"),
        (lambda d: d["edges"][0].update(target="step-nope"), "unknown node 'step-nope'"),
        (lambda d: d["edges"][0].update(relation="sometimes"), "not a valid procedure graph"),
        (lambda d: d["paths"][0].update(nodes=["step-nope"]), "unknown node"),
        (lambda d: d["nodes"].append(dict(d["nodes"][0])), "not unique"),
    ],
)
def test_inconsistent_documents_are_refused(graph, change, message):
    document = json.loads(json.dumps(graph_to_dict(graph)))
    change(document)
    with pytest.raises(GraphFormatError, match=message):
        graph_from_dict(document)


def test_files_that_are_not_graphs_are_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(GraphFormatError, match="not valid JSON"):
        read_graphs(broken)
    listing = tmp_path / "list.json"
    listing.write_text("[]", encoding="utf-8")
    with pytest.raises(GraphFormatError, match="JSON object"):
        read_graphs(listing)
    with pytest.raises(GraphFormatError, match="'graphs' list"):
        graphs_from_dict({"format": GRAPH_SET_FORMAT, "version": 1})


def test_the_documented_example_is_a_valid_graph():
    document = (Path(__file__).parents[3] / "docs" / "procedure-graph.md").read_text("utf-8")
    example = document.split("```json\n", 1)[1].split("```", 1)[0]
    graph = graph_from_dict(json.loads(example))
    assert [node.text for node in graph.nodes][:2] == ["survey the property", "prepare the site"]
    assert graph.removed_edges[0].support == 1
