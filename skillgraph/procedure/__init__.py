"""Procedure graphs: job text -> work steps -> a non-sequential graph linked to ESCO skills.

>>> extractor = ProcedureExtractor.from_graph(graph)  # graph: a loaded SkillGraph
>>> ad = extractor.extract(text)
>>> procedure = induce_graph([ad.observation(), ...], "heating engineer", graph.encoder, settings)
>>> GraphPredictor(procedure).next_steps(["prepare the site"], k=3)
"""

from skillgraph.procedure.action_verbs import ActionLexicon, action_lexicon
from skillgraph.procedure.ad_procedure import (
    AdProcedure,
    ExtractedStep,
    OrderConstraint,
    UnresolvedCue,
)
from skillgraph.procedure.ad_structure import Alternative, Precedence, UnorderedSet
from skillgraph.procedure.cues import CueRelation
from skillgraph.procedure.evidence import Evidence
from skillgraph.procedure.extraction import ProcedureExtractor
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
from skillgraph.procedure.graph_format import (
    FORMAT_VERSION,
    GRAPH_FORMAT,
    GRAPH_SET_FORMAT,
    GraphFormatError,
    graph_from_dict,
    graph_to_dict,
    graphs_from_dict,
    graphs_to_dict,
    read_graphs,
    write_graphs,
)
from skillgraph.procedure.induction import SkillLinker, check_sequence, induce_graph
from skillgraph.procedure.observation import StepObservation
from skillgraph.procedure.prediction import GraphPredictor, NextStep, StepMatch, StepMatcher
from skillgraph.procedure.syntax import ActionKey

__all__ = [
    "FORMAT_VERSION",
    "GRAPH_FORMAT",
    "GRAPH_SET_FORMAT",
    "ActionKey",
    "ActionLexicon",
    "AdProcedure",
    "Alternative",
    "CueRelation",
    "Evidence",
    "ExtractedStep",
    "GraphFormatError",
    "GraphPredictor",
    "InductionParameters",
    "LinkedSkill",
    "NextStep",
    "ObservedPath",
    "OrderConstraint",
    "Precedence",
    "ProcedureExtractor",
    "ProcedureGraph",
    "Relation",
    "RemovedEdge",
    "SkillLinker",
    "StepEdge",
    "StepMatch",
    "StepMatcher",
    "StepNode",
    "StepObservation",
    "StepVariant",
    "UnorderedGroup",
    "UnorderedSet",
    "UnresolvedCue",
    "action_lexicon",
    "check_sequence",
    "graph_from_dict",
    "graph_to_dict",
    "graphs_from_dict",
    "graphs_to_dict",
    "induce_graph",
    "read_graphs",
    "write_graphs",
]
