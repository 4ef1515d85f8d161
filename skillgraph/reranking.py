"""Re-ranking in the ranking and threshold modes: a sentence's candidates in the order of how
likely each is a skill the sentence names.

The encoder ranks skills by meaning alone. Whether the words of a skill's label appear in the
sentence is evidence it misses ("experience with **project management** tools" names
*project management*), and a skill with many alternative labels gets many chances to match by
accident; an example in the memory (:mod:`skillgraph.memory`) that names the skill and reads
almost like the sentence is evidence the memory's score blend understates. Each of a
sentence's best ``depth`` candidates is described by eight numbers (below) and a logistic model
gives the probability that it is one the sentence names; the candidates are ordered by it.
Their scores stay the encoder's cosines (raised by the memory), so ``min_score`` means what it
did. The model is a small JSON document fitted by ``skillgraph fit-reranker``
(:mod:`training.reranking`) on the HOUSE and TECH validation sentences, with the configured
memory, for one encoder: a cosine means something else to another. Cross-validated figures are
in docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from skillgraph.errors import CalibrationError
from skillgraph.index import IndexRows, TextKind
from skillgraph.label_overlap import LabelOverlap, content_words
from skillgraph.logistic import LogisticModel, read_fitted
from skillgraph.modes import MAX_TOP_K
from skillgraph.retrieval import Candidate

# Candidates re-ranked per sentence (cross-validated RP@5 at 20 / 50 / 100 / 200: 66.4 / 69.6 /
# 70.1 / 70.3; docs/benchmarks.md).
DEFAULT_DEPTH = 100
RANK_FEATURES = (
    "score",  # the candidate's cosine (a phrase's weighted), as the retriever ranked it
    "gap_to_best",  # the sentence's best score minus this one
    "log_rank",  # log(1 + 0-based rank by score)
    "overlap",  # the largest share of a label's content words that the sentence contains
    "preferred_overlap",  # the same for the preferred label alone
    "preferred_label",  # whether the preferred label (not an alternative) matched best
    "log_labels",  # log(1 + the skill's labels in the index)
    "evidence",  # the cosine of the closest memory example naming the skill (0: none)
)
SHIPPED_RERANKERS_DIR = Path(__file__).parent / "rerankers"


@dataclass(frozen=True)
class RerankerModel:
    """A fitted re-ranker: its logistic model, how deep it reads, the encoder it was fitted
    for, and what else its JSON document records (how it was fitted, how it scored)."""

    model: LogisticModel
    depth: int
    encoder: str
    details: Mapping[str, Any]

    @property
    def fingerprint(self) -> str:
        """Changes whenever the model does (cached rankings depend on it)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    def to_json(self) -> str:
        document = {
            "features": list(RANK_FEATURES),
            "depth": self.depth,
            "encoder": self.encoder,
            "model": self.model.to_dict(),
            **self.details,
        }
        return json.dumps(document, indent=2) + "\n"

    @classmethod
    def load(cls, path: Path) -> RerankerModel:
        document = read_fitted(path, "re-ranker", RANK_FEATURES)
        depth, encoder = document.get("depth"), document.get("encoder")
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_TOP_K:
            raise CalibrationError(f"{path}: depth must be 1 to {MAX_TOP_K}, got {depth!r}")
        if not isinstance(encoder, str) or not encoder:
            raise CalibrationError(f"{path} does not say which encoder it was fitted for")
        model = LogisticModel.from_dict(document.get("model", {}), len(RANK_FEATURES))
        details = {
            k: v for k, v in document.items() if k not in {"features", "depth", "encoder", "model"}
        }
        return cls(model, depth, encoder, details)


def shipped_reranker(name: str) -> Path | None:
    """The JSON document of a re-ranker shipped with SkillGraph, by name."""
    path = SHIPPED_RERANKERS_DIR / f"{name}.json"
    return path if path.is_file() else None


class RankFeatures:
    """:data:`RANK_FEATURES` of a sentence's candidates, the skills' labels read from the
    index rows they were matched in."""

    def __init__(self, rows: IndexRows) -> None:
        self.overlap = LabelOverlap(rows)

    def __call__(self, text: str, candidates: Sequence[Candidate]) -> np.ndarray:
        """One row per candidate; ``candidates`` are the sentence's, best score first."""
        words = content_words(text)
        best = candidates[0].score if candidates else 0.0
        found = np.empty((len(candidates), len(RANK_FEATURES)))
        for rank, candidate in enumerate(candidates):
            overlap = self.overlap(words, candidate.skill_uri)
            found[rank] = (
                candidate.score,
                best - candidate.score,
                math.log1p(rank),
                overlap.best,
                overlap.preferred,
                float(candidate.kind == TextKind.PREFERRED),
                math.log1p(overlap.labels),
                max((e.similarity for e in candidate.evidence), default=0.0),
            )
        return found


class Reranker:
    """Orders each sentence's candidates by the model's probability (module docstring)."""

    def __init__(self, model: RerankerModel, rows: IndexRows) -> None:
        self.model = model
        self.depth = model.depth
        self.fingerprint = model.fingerprint
        self.features = RankFeatures(rows)

    def rerank(self, text: str, candidates: Sequence[Candidate]) -> list[Candidate]:
        """``candidates`` (best score first) with their probabilities, most probable first;
        ties keep their order."""
        if not candidates:
            return []
        probabilities = self.model.model.probability(self.features(text, candidates))
        order = np.argsort(-probabilities, kind="stable")
        return [replace(candidates[i], probability=float(probabilities[i])) for i in order]


__all__ = [
    "DEFAULT_DEPTH",
    "RANK_FEATURES",
    "SHIPPED_RERANKERS_DIR",
    "RankFeatures",
    "Reranker",
    "RerankerModel",
    "shipped_reranker",
]
