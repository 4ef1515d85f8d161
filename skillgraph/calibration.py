"""Calibrated acceptance of extraction candidates: features -> probability -> accept or not.

Each candidate (a skill proposed for a span or, failing any span, for a whole sentence) is
described by a few numbers: how similar it is, by how much it beats the next candidate, how sure
the span tagger is, whether a preferred or an alternative label matched, how much of the skill's
labels the query spells out and how many labels it has, the skill's type and how generic it is.
A logistic model per path (``span``, ``sentence``) turns them into a probability; candidates at
or above ``threshold`` are accepted. The model is a small JSON file of coefficients fitted by
``training/calibration.py`` on annotated data that is not a test set.

The threshold holds for the candidates it was chosen on: the file records the settings that
shape them (:data:`FITTED_SETTINGS`), and :func:`settings_drift` says which of them a runtime
has changed since (the runtime warns: a memory or datastore switched off, or another memory
seed, moves every score the model reads).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from skillgraph.config import Settings
from skillgraph.errors import CalibrationError
from skillgraph.index import TextKind
from skillgraph.label_overlap import content_words, label_share
from skillgraph.logistic import LogisticModel, read_fitted
from skillgraph.spans.datastore import datastore_counts

PATHS = ("span", "sentence")
REUSE_LEVELS = ("transversal", "cross-sector", "sector-specific", "occupation-specific")
FEATURES = (
    "score",
    "rank",
    "margin",
    "gap_to_best",
    "sentence_score",
    "in_sentence",
    "confidence",
    "overlap",
    "span_words",
    "label_words",
    "preferred_label",
    "knowledge",
    *(f"reuse_{level}" for level in REUSE_LEVELS),
    "spans_in_sentence",
    "label_overlap",
    "log_labels",
)
# Settings that change the candidates and the features a calibration reads (the span reader and
# encoder are recorded by name beside them).
FITTED_SETTINGS = (
    "extraction.description_weight",
    "memory.enabled",
    "memory.seed",
    "memory.k",
    "memory.temperature",
    "memory.weight",
    "memory.min_similarity",
    "spans.tagger",
    "spans.tagger_weight",
    "spans.precision",
    "spans.decoding",
    "spans.neighbours_weight",
    "spans.neighbours",
    "spans.neighbours_temperature",
    "spans.neighbours_below",
    "spans.candidates_per_span",
    "spans.candidates_per_sentence",
    "spans.candidates_per_span_sentence",
)


def fitted_settings(settings: Settings) -> dict[str, Any]:
    """The values of :data:`FITTED_SETTINGS` in ``settings``, by dotted key."""
    found = {}
    for key in FITTED_SETTINGS:
        section, name = key.split(".")
        found[key] = getattr(getattr(settings, section), name)
    return found


def settings_drift(recorded: Mapping[str, Any], settings: Settings) -> list[str]:
    """Each recorded setting that ``settings`` holds another value of, as "key: was -> now".
    Settings of a part that is off both then and now do not count: the memory's while it is
    disabled, the head's datastore (``spans.neighbours*``) while it has no share: its weight 0,
    or a stand-alone tagger reading alone (``spans.tagger_weight`` 1, the value before the
    setting existed)."""
    now = fitted_settings(settings)
    unused = []
    if recorded.get("memory.enabled") is False and not now["memory.enabled"]:
        unused.append("memory.")

    def datastore_unused(values: Mapping[str, Any]) -> bool:
        return not datastore_counts(
            bool(values.get("spans.tagger")),
            values.get("spans.tagger_weight", 1.0),
            values.get("spans.neighbours_weight", 0.0),
        )

    if datastore_unused(recorded) and datastore_unused(now):
        unused.append("spans.neighbours")
    drift = []
    for key, was in recorded.items():
        if key not in now or key.startswith(tuple(unused)):
            continue  # a setting this version no longer has, or one that cannot matter
        if now[key] != was:
            drift.append(f"{key}: {was!r} -> {now[key]!r}")
    return drift


@dataclass(frozen=True, slots=True)
class CandidateFacts:
    """What is known about one candidate before it is accepted or not."""

    path: str  # "span" or "sentence"
    score: float  # cosine (as the retriever scores) of the query to the skill
    rank: int  # 0-based among the query's candidates
    margin: float  # score minus the next candidate's score
    gap_to_best: float  # the query's best score minus this one's
    sentence_score: float  # the skill's score for the whole sentence (see ``in_sentence``)
    in_sentence: bool  # whether the skill is among the sentence's own candidates
    confidence: float  # span tagger: the span's confidence, or the sentence's peak
    query_text: str  # the span or sentence text
    matched_text: str  # the ESCO label that matched
    kind: TextKind
    skill_type: str
    reuse_level: str
    spans_in_sentence: int
    # How much of the skill's labels the query spells out (skillgraph.label_overlap): the best
    # share of one label's content words, and how many labels the skill has (more labels, more
    # chances of a match by accident).
    label_overlap: float
    labels: int

    def vector(self) -> list[float]:
        overlap = label_share(content_words(self.query_text), self.matched_text)
        return [
            self.score,
            float(min(self.rank, 10)),
            self.margin,
            self.gap_to_best,
            self.sentence_score,
            float(self.in_sentence),
            self.confidence,
            overlap,
            float(min(len(self.query_text.split()), 30)),
            float(min(len(self.matched_text.split()), 10)),
            float(self.kind == TextKind.PREFERRED),
            float(self.skill_type == "knowledge"),
            *(float(self.reuse_level == level) for level in REUSE_LEVELS),
            float(min(self.spans_in_sentence, 10)),
            self.label_overlap,
            math.log1p(self.labels),
        ]


def feature_matrix(facts: Sequence[CandidateFacts]) -> np.ndarray:
    if not facts:
        return np.zeros((0, len(FEATURES)), dtype=np.float64)
    return np.array([f.vector() for f in facts], dtype=np.float64)


@dataclass(frozen=True)
class Calibrator:
    """One logistic model per path and the probability from which a candidate is accepted."""

    models: Mapping[str, LogisticModel]
    threshold: float
    details: Mapping[str, Any]  # what the calibration's JSON document holds besides the models

    def probabilities(self, facts: Sequence[CandidateFacts]) -> np.ndarray:
        found = np.zeros(len(facts))
        matrix = feature_matrix(facts)
        for path, model in self.models.items():
            chosen = [i for i, f in enumerate(facts) if f.path == path]
            if chosen:
                found[chosen] = model.probability(matrix[chosen])
        return found

    def to_json(self) -> str:
        document = {
            "features": list(FEATURES),
            "threshold": round(self.threshold, 4),
            "models": {path: m.to_dict() for path, m in self.models.items()},
            **self.details,
        }
        return json.dumps(document, indent=2) + "\n"

    @classmethod
    def load(cls, path: Path) -> Calibrator:
        document = read_fitted(path, "calibration", FEATURES)
        models, threshold = document.get("models"), document.get("threshold")
        if not isinstance(models, dict) or set(models) != set(PATHS):
            raise CalibrationError(f"{path} must hold one model per path {PATHS}")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise CalibrationError(f"{path}: threshold must be a number, got {threshold!r}")
        if not 0 < threshold < 1:
            raise CalibrationError(f"{path}: threshold must be a probability, got {threshold}")
        fitted = {p: LogisticModel.from_dict(m, len(FEATURES)) for p, m in models.items()}
        details = {
            k: v for k, v in document.items() if k not in {"features", "threshold", "models"}
        }
        return cls(fitted, float(threshold), details)
