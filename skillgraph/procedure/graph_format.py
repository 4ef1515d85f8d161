"""The procedure graph's JSON format, version 2 (documented in docs/procedure-graph.md).

A file holds one graph (``"format": "skillgraph.procedure-graph"``) or a set of them
(``"format": "skillgraph.procedure-graphs"``, ``"graphs": [...]``). Readers reject other formats,
newer versions and inconsistent documents (an edge naming no node) with :class:`GraphFormatError`.
Version 2 added the ``alternative`` relation, evidence on nodes and edges, unordered groups, the
counting unit, skill probabilities and how skills were linked; version 1 documents still read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ontology import ESCO_ATTRIBUTION
from skillgraph.errors import GraphFormatError
from skillgraph.procedure.evidence import Evidence
from skillgraph.procedure.graph import (
    InductionParameters,
    LinkedSkill,
    ObservedPath,
    ProcedureGraph,
    Relation,
    RemovedEdge,
    StepEdge,
    StepNode,
    StepVariant,
    UnorderedGroup,
)
from skillgraph.records import SCORE_DECIMALS

GRAPH_FORMAT = "skillgraph.procedure-graph"
GRAPH_SET_FORMAT = "skillgraph.procedure-graphs"
FORMAT_VERSION = 2
CYCLE_BREAKING = (
    "Nodes are ranked by net precedence (sequences where a step comes before another minus the "
    "reverse), then adjacent nodes are swapped while that lowers the weight of transitions "
    "running backwards. DAG edges are the transitions that run forward in this ranking; "
    "transitions against it leave the DAG: the reverse of an interchangeable pair, or a back "
    "edge with too little support to be interchangeable."
)


def graph_to_dict(graph: ProcedureGraph) -> dict[str, Any]:
    return {
        "format": GRAPH_FORMAT,
        "version": FORMAT_VERSION,
        "key": graph.key,
        "label": graph.label,
        "esco_version": graph.esco_version,
        "encoder": graph.encoder,
        "sequences": graph.sequences,
        "parameters": {
            "cluster_threshold": graph.parameters.cluster_threshold,
            "optional_skip_rate": graph.parameters.optional_skip_rate,
            "interchangeable_ratio": graph.parameters.interchangeable_ratio,
            "min_support": graph.parameters.min_support,
            "branch_share": graph.parameters.branch_share,
        },
        "nodes": [_node_to_dict(node) for node in graph.nodes],
        "edges": [_edge_to_dict(edge) for edge in graph.edges],
        "cycle_breaking": {
            "method": CYCLE_BREAKING,
            "removed_edges": [
                {"source": r.source, "target": r.target, "support": r.support, "reason": r.reason}
                for r in graph.removed_edges
            ],
        },
        "repeats_dropped": graph.repeats_dropped,
        "unordered": [
            {"nodes": list(g.nodes), "count": g.count, "evidence": evidence_to_list(g.evidence)}
            for g in graph.unordered
        ],
        "paths": [{"nodes": list(p.nodes), "count": p.count} for p in graph.paths],
        "unit": graph.unit,
        "skill_linking": None if graph.skill_linking is None else dict(graph.skill_linking),
        "provenance": dict(graph.provenance),
        # ESCO's terms: derived data names its source.
        "attribution": ESCO_ATTRIBUTION if any(node.skills for node in graph.nodes) else None,
    }


def graphs_to_dict(graphs: Iterable[ProcedureGraph]) -> dict[str, Any]:
    return {
        "format": GRAPH_SET_FORMAT,
        "version": FORMAT_VERSION,
        "graphs": [graph_to_dict(graph) for graph in graphs],
    }


def graph_from_dict(document: Mapping[str, Any]) -> ProcedureGraph:
    _check_header(document, GRAPH_FORMAT)
    try:
        nodes = tuple(_node_from_dict(node) for node in document["nodes"])
        edges = tuple(_edge_from_dict(edge) for edge in document["edges"])
        parameters = InductionParameters(**document["parameters"])
        cycles = document.get("cycle_breaking") or {}
        removed = tuple(RemovedEdge(**edge) for edge in cycles.get("removed_edges", []))
        paths = tuple(
            ObservedPath(tuple(p["nodes"]), int(p["count"])) for p in document.get("paths", [])
        )
        graph = ProcedureGraph(
            key=str(document["key"]),
            nodes=nodes,
            edges=edges,
            paths=paths,
            sequences=int(document["sequences"]),
            parameters=parameters,
            removed_edges=removed,
            repeats_dropped=int(document.get("repeats_dropped", 0)),
            esco_version=document.get("esco_version"),
            encoder=document.get("encoder"),
            provenance=dict(document.get("provenance") or {}),
            unordered=tuple(
                UnorderedGroup(
                    tuple(str(n) for n in g["nodes"]),
                    int(g["count"]),
                    _evidence_from_list(g.get("evidence")),
                )
                for g in document.get("unordered") or []
            ),
            unit=str(document.get("unit") or "sequences"),
            skill_linking=_optional_mapping(document.get("skill_linking")),
            label=None if document.get("label") is None else str(document["label"]),
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise GraphFormatError(f"not a valid procedure graph: {_describe(exc)}") from None
    _check_references(graph)
    return graph


def graphs_from_dict(document: Mapping[str, Any]) -> list[ProcedureGraph]:
    """The graphs of a graph-set document, or of a single-graph document."""
    if not isinstance(document, Mapping):
        raise GraphFormatError("a procedure graph document must be a JSON object")
    if document.get("format") == GRAPH_FORMAT:
        return [graph_from_dict(document)]
    _check_header(document, GRAPH_SET_FORMAT)
    graphs = document.get("graphs")
    if not isinstance(graphs, list):
        raise GraphFormatError("a procedure graph set needs a 'graphs' list")
    return [graph_from_dict(graph) for graph in graphs]


def read_graphs(path: str | os.PathLike[str]) -> list[ProcedureGraph]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GraphFormatError(f"{os.fspath(path)} is not valid JSON: {exc}") from None
    except UnicodeDecodeError:
        raise GraphFormatError(f"{os.fspath(path)} is not UTF-8 text") from None
    return graphs_from_dict(document)


def write_graphs(graphs: Sequence[ProcedureGraph], path: str | os.PathLike[str]) -> None:
    text = json.dumps(graphs_to_dict(graphs), ensure_ascii=False, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")


def _node_to_dict(node: StepNode) -> dict[str, Any]:
    return {
        "id": node.id,
        "text": node.text,
        "rank": node.rank,
        "support": node.support,
        "starts": node.starts,
        "ends": node.ends,
        "skip_rate": round(node.skip_rate, SCORE_DECIMALS),
        "optional": node.optional,
        "branch": node.branch,
        "action": {"verb": node.action[0], "object": node.action[1]},
        "variants": [{"text": v.text, "count": v.count} for v in node.variants],
        "skills": [skill_to_dict(s) for s in node.skills],
        "evidence": evidence_to_list(node.evidence),
    }


def _node_from_dict(data: Mapping[str, Any]) -> StepNode:
    action = data.get("action") or {}
    return StepNode(
        id=str(data["id"]),
        text=str(data["text"]),
        variants=tuple(StepVariant(str(v["text"]), int(v["count"])) for v in data["variants"]),
        rank=int(data["rank"]),
        support=int(data["support"]),
        starts=int(data["starts"]),
        ends=int(data["ends"]),
        skip_rate=float(data["skip_rate"]),
        optional=bool(data["optional"]),
        branch=bool(data["branch"]),
        skills=tuple(_skill_from_dict(s) for s in data.get("skills", [])),
        action=(action.get("verb"), action.get("object")),
        evidence=_evidence_from_list(data.get("evidence")),
    )


def _edge_to_dict(edge: StepEdge) -> dict[str, Any]:
    return {
        "source": edge.source,
        "target": edge.target,
        "relation": edge.relation.value,
        "support": edge.support,
        "reverse_support": edge.reverse_support,
        "before": edge.before,
        "after": edge.after,
        "branch": edge.branch,
        "in_dag": edge.in_dag,
        "evidence": evidence_to_list(edge.evidence),
    }


def _edge_from_dict(data: Mapping[str, Any]) -> StepEdge:
    return StepEdge(
        source=str(data["source"]),
        target=str(data["target"]),
        relation=Relation(data["relation"]),
        support=int(data["support"]),
        reverse_support=int(data["reverse_support"]),
        before=int(data["before"]),
        after=int(data["after"]),
        branch=bool(data["branch"]),
        in_dag=bool(data["in_dag"]),
        evidence=_evidence_from_list(data.get("evidence")),
    )


def skill_to_dict(skill: LinkedSkill) -> dict[str, Any]:
    """A linked skill as JSON: its probability only when the extraction core gave one."""
    found: dict[str, Any] = {
        "uri": skill.uri,
        "label": skill.label,
        "score": round(skill.score, SCORE_DECIMALS),
    }
    if skill.probability is not None:
        found["probability"] = round(skill.probability, SCORE_DECIMALS)
    return found


def _skill_from_dict(data: Mapping[str, Any]) -> LinkedSkill:
    probability = data.get("probability")
    return LinkedSkill(
        str(data["uri"]),
        str(data["label"]),
        float(data["score"]),
        None if probability is None else float(probability),
    )


def evidence_to_list(evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
    """Evidence as JSON; a place in the ad only where it has one."""
    found = []
    for item in evidence:
        record: dict[str, Any] = {"rule": item.rule, "cue": item.cue, "count": item.count}
        if item.located():
            record |= {"start": item.start, "end": item.end}
        found.append(record)
    return found


def _evidence_from_list(data: object) -> tuple[Evidence, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise TypeError(f"evidence must be a list, got {type(data).__name__}")
    return tuple(
        Evidence(
            str(e["rule"]),
            str(e["cue"]),
            int(e.get("count", 1)),
            None if e.get("start") is None else int(e["start"]),
            None if e.get("end") is None else int(e["end"]),
        )
        for e in data
    )


def _optional_mapping(data: object) -> dict[str, Any] | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise TypeError(f"skill_linking must be an object, got {type(data).__name__}")
    return dict(data)


def _check_header(document: Mapping[str, Any], expected: str) -> None:
    if not isinstance(document, Mapping):
        raise GraphFormatError("a procedure graph must be a JSON object")
    found = document.get("format")
    if found != expected:
        raise GraphFormatError(f"expected format {expected!r}, got {found!r}")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise GraphFormatError(
            f"unsupported {expected} version {version!r} (this reader knows {FORMAT_VERSION})"
        )


def _check_references(graph: ProcedureGraph) -> None:
    known = {node.id for node in graph.nodes}
    if len(known) != len(graph.nodes):
        raise GraphFormatError(f"graph {graph.key!r}: node ids are not unique")
    for edge in graph.edges:
        for end in (edge.source, edge.target):
            if end not in known:
                raise GraphFormatError(f"graph {graph.key!r}: an edge names unknown node {end!r}")
    named = [("a path", p.nodes) for p in graph.paths]
    named += [("an unordered group", g.nodes) for g in graph.unordered]
    for kind, nodes in named:
        unknown = [n for n in nodes if n not in known]
        if unknown:
            raise GraphFormatError(f"graph {graph.key!r}: {kind} names unknown node {unknown[0]!r}")


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc)
