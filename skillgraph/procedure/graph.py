"""The procedure graph: canonical steps, their observed order relations, and the evidence.

Records only; :mod:`skillgraph.procedure.induction` builds them, and
:mod:`skillgraph.procedure.graph_format` reads and writes them as JSON (docs/procedure-graph.md).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from skillgraph.procedure.evidence import Evidence


class Relation(enum.Enum):
    """What a directed edge ``source -> target`` (``source`` directly followed by ``target``)
    says about the two steps."""

    PRECEDES = "precedes"  # the usual order; part of the DAG
    INTERCHANGEABLE = "interchangeable"  # both orders are frequent; the DAG keeps one direction
    BACK = "back"  # a rare transition against the usual order, dropped from the DAG
    # The two steps were stated as alternatives ("replace the part or order one"): one or the
    # other is done. Undirected (source ranks first), never in the DAG.
    ALTERNATIVE = "alternative"


@dataclass(frozen=True, slots=True)
class LinkedSkill:
    """An ESCO skill a step needs, with the extractor's score (cosine) and, when the extraction
    core linked it, its calibrated probability."""

    uri: str
    label: str
    score: float
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class StepVariant:
    """One wording of a node's step, with how many times it was seen."""

    text: str
    count: int


@dataclass(frozen=True, slots=True)
class StepNode:
    id: str  # stable: derived from the canonical text
    text: str  # canonical wording: the node's most frequent variant
    variants: tuple[StepVariant, ...]
    rank: int  # position in the graph's topological order, from 0
    support: int  # sequences containing the step
    starts: int  # sequences starting with it
    ends: int  # sequences ending with it
    skip_rate: float  # share of the graph's sequences without it
    optional: bool
    branch: bool  # two or more frequent successors
    skills: tuple[LinkedSkill, ...] = ()
    action: tuple[str | None, str | None] = (None, None)  # (verb lemma, object head)
    # Conditions, stated optionality, resolved pronouns, membership of unordered lists.
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class StepEdge:
    source: str  # node ids
    target: str
    relation: Relation
    support: int  # sequences where source is directly followed by target
    reverse_support: int  # ... where target is directly followed by source
    before: int  # sequences where source occurs (anywhere) before target
    after: int  # sequences where target occurs before source
    branch: bool  # target is one of the source's frequent successors
    in_dag: bool
    evidence: tuple[Evidence, ...] = ()  # how the order (or the alternative) was stated


@dataclass(frozen=True, slots=True)
class UnorderedGroup:
    """Steps stated as a set (a bullet list without sequence words), and how many
    observations stated exactly this set."""

    nodes: tuple[str, ...]
    count: int
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class ObservedPath:
    """A distinct sequence of nodes and how many sequences followed it exactly."""

    nodes: tuple[str, ...]
    count: int


@dataclass(frozen=True, slots=True)
class RemovedEdge:
    """A transition left out of the DAG to break a cycle, and why."""

    source: str
    target: str
    support: int
    reason: str


@dataclass(frozen=True, slots=True)
class InductionParameters:
    cluster_threshold: float
    optional_skip_rate: float
    interchangeable_ratio: float
    min_support: int
    branch_share: float


@dataclass(frozen=True)
class ProcedureGraph:
    key: str  # the group: an ESCO occupation, a user key, a task id
    nodes: tuple[StepNode, ...]  # in topological order (rank)
    edges: tuple[StepEdge, ...]
    paths: tuple[ObservedPath, ...]
    sequences: int  # sequences induced from
    parameters: InductionParameters
    removed_edges: tuple[RemovedEdge, ...] = ()
    repeats_dropped: int = 0  # later repeats of a node within one sequence
    esco_version: str | None = None
    encoder: str | None = None
    provenance: Mapping[str, Any] = field(default_factory=dict)
    unordered: tuple[UnorderedGroup, ...] = ()
    unit: str = "sequences"  # what the counts count: "sequences", or "ads" for job ads
    # How nodes got their skills ({"method": "extraction", "threshold": ...}); None: not linked,
    # so a node without skills is "no skill" only when this is set.
    skill_linking: Mapping[str, Any] | None = None
    label: str | None = None  # a name for the key: the ESCO occupation's preferred label

    def node(self, node_id: str) -> StepNode:
        """The node with this id (KeyError if there is none)."""
        return self.nodes_by_id[node_id]

    @cached_property
    def nodes_by_id(self) -> Mapping[str, StepNode]:
        return {node.id: node for node in self.nodes}

    def dag_edges(self) -> Iterator[StepEdge]:
        return (edge for edge in self.edges if edge.in_dag)
