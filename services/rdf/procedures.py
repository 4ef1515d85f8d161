"""Procedure graphs (docs/procedure-graph.md) as RDF: one named graph per procedure graph.

    {dataset}/procedure/{key}                    sg:ProcedureGraph (sg:task = the key)
    {dataset}/procedure/{key}/step/{node id}     sg:ProcedureStep, rdfs:label = its text
    .../precedence/{source}/{target}             sg:StepPrecedence, beside source sg:precedes target
    .../interchangeability/{source}/{target}     sg:StepInterchangeability, one per direction
    .../alternative/{source}/{target}            sg:StepAlternative, beside sg:alternativeTo
    graph: {dataset}/procedure-graph/{key}

Steps carry their topological rank (``sg:stepIndex``), support, ``sg:optional``, conditions
(``sg:condition``) and their ESCO skills (``sg:stepSkill``); observations their support. How the
source stated each (the graph's evidence: "explicit-order: before", "alternative: or", a step's
"unordered-list: ...") is ``sg:evidence``. Back edges (rare transitions against the usual order)
are evidence for the JSON format's prediction, not relations, and are left out; so are the paths
and variants.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from ontology import OCCUPATION_NAMESPACE
from ontology.namespace import DCTERMS, RDF, RDFS, SCHEMA, SG
from services.rdf.store import GraphChunk
from skillgraph.procedure import Evidence, ProcedureGraph, Relation
from skillgraph.procedure.evidence import CONDITION
from skillgraph.rdf.iris import IriScheme, encode_key

__all__ = ["procedure_chunk"]

_OBSERVATIONS = {
    Relation.PRECEDES: ("precedence", SG.StepPrecedence, SG.precedes),
    Relation.INTERCHANGEABLE: (
        "interchangeability",
        SG.StepInterchangeability,
        SG.interchangeableWith,
    ),
    Relation.ALTERNATIVE: ("alternative", SG.StepAlternative, SG.alternativeTo),
}


def procedure_chunk(graph: ProcedureGraph, iris: IriScheme) -> GraphChunk:
    """The procedure graph's triples, in a named graph of their own that they replace."""
    base = f"{iris.dataset_iri.value}/procedure/{encode_key(graph.key)}"
    procedure = NamedNode(base)
    steps = {node.id: NamedNode(f"{base}/step/{encode_key(node.id)}") for node in graph.nodes}
    triples = [
        Triple(procedure, RDF.type, SG.ProcedureGraph),
        Triple(procedure, SG.task, Literal(graph.key)),
        Triple(procedure, SG.observations, Literal(graph.sequences)),
        Triple(procedure, DCTERMS.isPartOf, iris.dataset_iri),
    ]
    if graph.key.startswith(OCCUPATION_NAMESPACE):
        triples.append(Triple(procedure, SCHEMA.relevantOccupation, NamedNode(graph.key)))
    if graph.label:
        triples.append(Triple(procedure, RDFS.label, Literal(graph.label)))
    grouped = {node: group.evidence for group in graph.unordered for node in group.nodes}
    for node in graph.nodes:
        step = steps[node.id]
        evidence = (*node.evidence, *grouped.get(node.id, ()))
        triples += [Triple(step, SG.evidence, _stated(e)) for e in evidence]
        triples += [
            Triple(step, SG.condition, Literal(e.cue)) for e in node.evidence if e.rule == CONDITION
        ]
        triples += [
            Triple(procedure, SG.hasStep, step),
            Triple(step, RDF.type, SG.ProcedureStep),
            Triple(step, RDFS.label, Literal(node.text)),
            Triple(step, SG.stepIndex, Literal(node.rank)),
            Triple(step, SG.support, Literal(node.support)),
            Triple(step, SG.optional, Literal(node.optional)),
        ]
        triples += [Triple(step, SG.stepSkill, NamedNode(skill.uri)) for skill in node.skills]
    for edge in graph.edges:
        if edge.relation not in _OBSERVATIONS:
            continue
        name, kind, relation = _OBSERVATIONS[edge.relation]
        source, target = steps[edge.source], steps[edge.target]
        ends = f"{encode_key(edge.source)}/{encode_key(edge.target)}"
        observation = NamedNode(f"{base}/{name}/{ends}")
        if edge.relation is Relation.ALTERNATIVE:  # stated once, true both ways
            triples.append(Triple(target, relation, source))
        triples += [Triple(observation, SG.evidence, _stated(e)) for e in edge.evidence]
        triples += [
            Triple(source, relation, target),
            Triple(observation, RDF.type, kind),
            Triple(observation, SG.fromStep, source),
            Triple(observation, SG.toStep, target),
            Triple(observation, SG.support, Literal(edge.support)),
            Triple(observation, SG.inProcedure, procedure),
        ]
    graph_name = NamedNode(f"{iris.dataset_iri.value}/procedure-graph/{encode_key(graph.key)}")
    return GraphChunk(graph_name, tuple(triples))


def _stated(evidence: Evidence) -> Literal:
    return Literal(f"{evidence.rule}: {evidence.cue}")
