"""Equivalent step wordings into canonical steps: embedding similarity, guarded by the action.

Sentence embeddings put "close the grill lid" and "open the grill lid" at cosine 0.95, and
"pour milk into the bowl" near "pour eggs into the bowl": similarity alone merges opposite or
different actions. Two wordings join only when their action keys (verb lemma, object head) do
not disagree *and* their cosine reaches the threshold. Clustering is greedy and deterministic:
wordings are taken most frequent first, each joins the most similar compatible cluster whose
canonical wording (its first, most frequent member) is close enough, or starts a new one.
Comparing with the canonical wording rather than any member keeps clusters from drifting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from skillgraph.encoders import Encoder
from skillgraph.procedure.syntax import ActionKey, action_keys

_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t.,;:!?-\u2013\u2014\u2022*"


def normalise_step(text: str) -> str:
    """The comparable form of a step's wording: spacing collapsed, edge punctuation and case
    dropped ("Prepare the site." and "prepare the site" are one wording)."""
    return _SPACE.sub(" ", text).strip(_EDGE_PUNCTUATION).casefold()


def cluster_steps(
    texts: Sequence[str], counts: Sequence[int], encoder: Encoder, threshold: float
) -> list[int]:
    """The cluster of each distinct wording, numbered from 0 in order of first creation.

    ``texts`` are distinct normalised wordings, ``counts`` how often each was seen.
    """
    if not texts:
        return []
    keys = action_keys(texts)
    vectors = encoder.encode(list(texts))
    order = sorted(range(len(texts)), key=lambda i: (-counts[i], texts[i]))
    heads: list[int] = []  # index of each cluster's canonical wording
    assigned = [-1] * len(texts)
    for index in order:
        cluster = _best_cluster(index, heads, keys, vectors, threshold)
        if cluster is None:
            cluster = len(heads)
            heads.append(index)
        assigned[index] = cluster
    return assigned


def _best_cluster(
    index: int,
    heads: list[int],
    keys: Sequence[ActionKey],
    vectors: np.ndarray,
    threshold: float,
) -> int | None:
    if not heads:
        return None
    similarities = vectors[heads] @ vectors[index]
    best: int | None = None
    for cluster in np.argsort(-similarities, kind="stable"):
        if similarities[cluster] < threshold:
            break
        if keys[heads[cluster]].compatible(keys[index]):
            best = int(cluster)
            break
    return best
