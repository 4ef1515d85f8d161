"""Graph script induction: many step sequences of one task into one non-sequential graph.

A sequence is a path; a job ad is a partial order with stated alternatives, conditions and
unordered lists (:class:`~skillgraph.procedure.observation.StepObservation`). Both are read alike:

1. Wordings are clustered into canonical step nodes (:mod:`skillgraph.procedure.clustering`);
   a node seen again later in the same sequence counts once, at its first position.
2. Counts (:mod:`skillgraph.procedure.counts`): per node, the sequences that contain, start and
   end with it; per node pair, direct transitions (adjacent in a path; nothing ordered between
   them in a partial order) in each direction, how often each occurs anywhere before the other,
   and how often the two were stated as alternatives; the evidence of each.
3. Order: nodes are ranked by net precedence (sequences where a node comes before another
   minus the reverse, summed over all others), ties by mean relative position and text; then
   adjacent nodes are swapped while that lowers the weight of transitions running backwards.
4. Relations: a pair whose rarer order has at least ``min_support`` sequences and at least
   ``interchangeable_ratio`` of the other's is *interchangeable*; otherwise the transition along
   the order *precedes* and one against it is a *back* edge. Interchangeable pairs keep only
   the forward direction in the DAG, back edges leave it: every DAG edge runs forward in the
   ranking, so the DAG has no cycle, and ``removed_edges`` logs what left it and why.
5. A node is *optional* when its skip rate reaches ``optional_skip_rate`` or when at least half
   the sequences that have it state it as optional or conditional; it *branches* when two or
   more successors each take ``branch_share`` of its transitions (``min_support`` each). Stated
   alternatives are undirected ``alternative`` edges, outside the DAG.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from skillgraph.config import ProcedureSettings
from skillgraph.encoders import Encoder
from skillgraph.errors import InputError
from skillgraph.procedure.clustering import cluster_steps, normalise_step
from skillgraph.procedure.counts import Counts, NodeObservation, node_observations
from skillgraph.procedure.evidence import merge_evidence
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
from skillgraph.procedure.observation import StepObservation
from skillgraph.procedure.syntax import action_keys

log = logging.getLogger(__name__)

SkillLinker = Callable[[Sequence[str]], Sequence[Sequence[LinkedSkill]]]


def check_sequence(steps: object, min_steps: int = 2, max_steps: int = 200) -> list[str]:
    """``steps`` as a list of step texts, or :class:`InputError` saying what is wrong."""
    if not isinstance(steps, list | tuple):
        raise InputError(f"steps must be a list of strings, got {type(steps).__name__}")
    if not steps:
        raise InputError("the sequence is empty")
    for position, step in enumerate(steps):
        if not isinstance(step, str):
            raise InputError(f"step {position} must be a string, got {type(step).__name__}")
        if not normalise_step(step):
            raise InputError(f"step {position} is empty")
    if len(steps) < min_steps:
        raise InputError(
            f"the sequence has {len(steps)} step; at least {min_steps} are needed to show an order"
        )
    if len(steps) > max_steps:
        raise InputError(f"the sequence has {len(steps)} steps (limit {max_steps})")
    return list(steps)


def induce_graph(
    sequences: Sequence[Sequence[str] | StepObservation],
    key: str,
    encoder: Encoder,
    settings: ProcedureSettings,
    link_skills: SkillLinker | None = None,
    esco_version: str | None = None,
    provenance: Mapping[str, Any] | None = None,
    *,
    unit: str = "sequences",
    skill_linking: Mapping[str, Any] | None = None,
    label: str | None = None,
) -> ProcedureGraph:
    """One graph from the step sequences (or partially ordered observations, such as job ads)
    of one group, each checked: no empty ones, no empty steps. ``link_skills`` gives each
    canonical step its ESCO skills, ``skill_linking`` says how (kept in the graph);
    ``provenance`` says where the sequences came from; ``unit`` what they are ("ads");
    ``label`` names the key (an ESCO occupation's preferred label)."""
    if not sequences:
        raise InputError(f"no sequences to induce a graph for {key!r}")
    observations = []
    for number, sequence in enumerate(sequences):
        steps = sequence.steps if isinstance(sequence, StepObservation) else sequence
        try:
            check_sequence(steps, min_steps=1, max_steps=settings.max_steps_per_sequence)
        except InputError as exc:
            raise InputError(f"sequence {number}: {exc}") from None
        observations.append(
            sequence if isinstance(sequence, StepObservation) else StepObservation.path(sequence)
        )
    wordings = _Wordings.collect([o.steps for o in observations])
    clusters = cluster_steps(wordings.keys, wordings.counts, encoder, settings.cluster_threshold)
    node_of_wording = dict(zip(wordings.keys, clusters, strict=True))
    seen, repeats = node_observations(observations, node_of_wording)
    stats = Counts.of(seen, len(set(clusters)))
    ranking = _ranking(stats)
    texts = _canonical_texts(wordings, clusters)
    ids = _stable_ids(texts)
    skills: list[Sequence[LinkedSkill]] = (
        list(link_skills(texts)) if link_skills is not None else [()] * len(texts)
    )
    nodes, branching = _nodes(stats, ranking, texts, ids, wordings, clusters, skills, settings)
    edges, removed = _edges(stats, ranking, ids, branching, settings)
    graph = ProcedureGraph(
        key=key,
        nodes=tuple(sorted(nodes, key=lambda node: node.rank)),
        edges=edges,
        paths=_observed([path for s in seen if (path := s.path()) is not None], ids),
        sequences=len(seen),
        parameters=InductionParameters(
            settings.cluster_threshold,
            settings.optional_skip_rate,
            settings.interchangeable_ratio,
            settings.min_support,
            settings.branch_share,
        ),
        removed_edges=removed,
        repeats_dropped=repeats,
        esco_version=esco_version,
        encoder=encoder.name,
        provenance=dict(provenance or {}),
        unordered=_unordered(seen, ids, ranking),
        unit=unit,
        skill_linking=dict(skill_linking) if skill_linking is not None else None,
        label=label,
    )
    log.debug("induced %r: %d sequences, %d nodes", key, len(seen), len(nodes))
    return graph


@dataclass
class _Wordings:
    """Distinct normalised wordings, how often each was seen and its most common spelling."""

    keys: list[str]
    counts: list[int]
    spelling: dict[str, str]

    @classmethod
    def collect(cls, sequences: Iterable[Sequence[str]]) -> _Wordings:
        counts: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for sequence in sequences:
            for step in sequence:
                key = normalise_step(step)
                counts[key] += 1
                spellings[key][" ".join(step.split())] += 1
        keys = list(counts)
        spelling = {k: max(v, key=lambda s: (v[s], -len(s))) for k, v in spellings.items()}
        return cls(keys, [counts[k] for k in keys], spelling)


def _ranking(stats: Counts) -> dict[int, int]:
    """Rank of each node in the graph's order (see the module docstring, point 3)."""
    net: Counter[int] = Counter()
    for (a, b), count in stats.before.items():
        net[a] += count
        net[b] -= count
    order = sorted(range(stats.size), key=lambda n: (-net[n], stats.position[n], n))
    improved = True
    passes = 0
    while improved and passes < stats.size:
        improved = False
        passes += 1
        for i in range(len(order) - 1):
            a, b = order[i], order[i + 1]
            if stats.transitions[(b, a)] > stats.transitions[(a, b)]:
                order[i], order[i + 1] = b, a
                improved = True
    return {node: rank for rank, node in enumerate(order)}


def _canonical_texts(wordings: _Wordings, clusters: list[int]) -> list[str]:
    """Each node's most frequent wording (as most often spelt)."""
    best: dict[int, tuple[int, str]] = {}
    for key, count, cluster in zip(wordings.keys, wordings.counts, clusters, strict=True):
        if cluster not in best or count > best[cluster][0]:
            best[cluster] = (count, key)
    return [wordings.spelling[best[cluster][1]] for cluster in range(len(best))]


def _stable_ids(texts: list[str]) -> list[str]:
    """Ids that survive re-induction: a digest of the canonical wording."""
    ids = []
    taken: set[str] = set()
    for text in texts:
        digest = hashlib.sha1(normalise_step(text).encode("utf-8")).hexdigest()
        node_id = f"step-{digest[:10]}"
        suffix = 1
        while node_id in taken:
            suffix += 1
            node_id = f"step-{digest[:10]}-{suffix}"
        taken.add(node_id)
        ids.append(node_id)
    return ids


def _nodes(
    stats: Counts,
    ranking: dict[int, int],
    texts: list[str],
    ids: list[str],
    wordings: _Wordings,
    clusters: list[int],
    skills: list[Sequence[LinkedSkill]],
    settings: ProcedureSettings,
) -> tuple[list[StepNode], dict[int, set[int]]]:
    sequences = stats.observations
    keep_places = sequences == 1
    variants: dict[int, list[StepVariant]] = defaultdict(list)
    for key, count, cluster in zip(wordings.keys, wordings.counts, clusters, strict=True):
        variants[cluster].append(StepVariant(wordings.spelling[key], count))
    branching = _frequent_successors(stats, settings)
    keys = action_keys(texts)
    nodes = []
    for node in range(stats.size):
        skip_rate = 1 - stats.support[node] / sequences
        # Optional when often skipped, or when most observations that have it say it is
        # optional or conditional ("ideally", "if not in stock").
        stated = 2 * stats.stated_optional[node] >= stats.support[node] > 0
        nodes.append(
            StepNode(
                id=ids[node],
                text=texts[node],
                variants=tuple(sorted(variants[node], key=lambda v: (-v.count, v.text))),
                rank=ranking[node],
                support=stats.support[node],
                starts=stats.starts[node],
                ends=stats.ends[node],
                skip_rate=skip_rate,
                optional=skip_rate >= settings.optional_skip_rate or stated,
                branch=len(branching[node]) >= 2,
                skills=tuple(skills[node]),
                action=(keys[node].verb, keys[node].object),
                evidence=merge_evidence(stats.node_evidence.get(node, ()), keep_places),
            )
        )
    return nodes, branching


def _frequent_successors(stats: Counts, settings: ProcedureSettings) -> dict[int, set[int]]:
    outgoing: Counter[int] = Counter()
    for (a, _), count in stats.transitions.items():
        outgoing[a] += count
    frequent: dict[int, set[int]] = defaultdict(set)
    for (a, b), count in stats.transitions.items():
        if count >= settings.min_support and count >= settings.branch_share * outgoing[a]:
            frequent[a].add(b)
    return frequent


def _edges(
    stats: Counts,
    ranking: dict[int, int],
    ids: list[str],
    branching: dict[int, set[int]],
    settings: ProcedureSettings,
) -> tuple[tuple[StepEdge, ...], tuple[RemovedEdge, ...]]:
    edges = []
    removed = []
    keep_places = stats.observations == 1
    for (a, b), count in sorted(
        stats.transitions.items(), key=lambda item: (ranking[item[0][0]], ranking[item[0][1]])
    ):
        before, after = stats.before[(a, b)], stats.before[(b, a)]
        forward = ranking[a] < ranking[b]
        rarer, commoner = min(before, after), max(before, after)
        if rarer >= settings.min_support and rarer >= settings.interchangeable_ratio * commoner:
            relation = Relation.INTERCHANGEABLE
        else:
            relation = Relation.PRECEDES if forward else Relation.BACK
        edges.append(
            StepEdge(
                source=ids[a],
                target=ids[b],
                relation=relation,
                support=count,
                reverse_support=stats.transitions[(b, a)],
                before=before,
                after=after,
                branch=len(branching[a]) >= 2 and b in branching[a],
                in_dag=forward,
                evidence=merge_evidence(stats.pair_evidence.get((a, b), ()), keep_places),
            )
        )
        if not forward:
            reason = (
                "reverse of an interchangeable pair; the DAG keeps the forward direction"
                if relation is Relation.INTERCHANGEABLE
                else f"against the usual order ({after} sequences the other way, {before} this way)"
            )
            removed.append(RemovedEdge(ids[a], ids[b], count, reason))
    for (a, b), count in sorted(
        stats.alternatives.items(),
        key=lambda item: sorted((ranking[item[0][0]], ranking[item[0][1]])),
    ):
        first, second = sorted((a, b), key=ranking.__getitem__)
        edges.append(
            StepEdge(
                source=ids[first],
                target=ids[second],
                relation=Relation.ALTERNATIVE,
                support=count,
                reverse_support=count,
                before=stats.before[(first, second)],
                after=stats.before[(second, first)],
                branch=False,
                in_dag=False,
                evidence=merge_evidence(stats.alternative_evidence.get((a, b), ()), keep_places),
            )
        )
    return tuple(edges), tuple(removed)


def _unordered(
    seen: Sequence[NodeObservation], ids: list[str], ranking: dict[int, int]
) -> tuple[UnorderedGroup, ...]:
    """Sets of nodes stated without order, one per distinct set, with how often it was."""
    counts: Counter[tuple[int, ...]] = Counter()
    evidence: dict[tuple[int, ...], list] = defaultdict(list)
    for observation in seen:
        for nodes, found in observation.unordered:
            group = tuple(sorted(set(nodes), key=ranking.__getitem__))
            if len(group) > 1:
                counts[group] += 1
                evidence[group].extend(found)
    keep_places = len(seen) == 1
    return tuple(
        UnorderedGroup(
            tuple(ids[n] for n in group), count, merge_evidence(evidence[group], keep_places)
        )
        for group, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _observed(paths: list[tuple[int, ...]], ids: list[str]) -> tuple[ObservedPath, ...]:
    counts = Counter(paths)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ObservedPath(tuple(ids[n] for n in path), count) for path, count in ordered)
