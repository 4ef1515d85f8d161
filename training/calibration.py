"""Fit the extraction mode's calibrated accept decision (:mod:`skillgraph.calibration`).

Examples are the candidates that the extraction proposes for annotated sentences that are not a
test set: HOUSE and TECH validation (``LABEL NOT PRESENT``/``UNDERSPECIFIED`` count as "no
skill"), SkillSkape train and dev, and SkillSpan train sentences that have no skill or knowledge
span (every candidate there is wrong). A candidate is right when its skill is among its
sentence's gold skills. One logistic model per path is fitted (numpy, L2-regularised IRLS).

The accept threshold is chosen for posting-level F1 on ads assembled from SkillSpan *train*
postings and the validation sentences (:mod:`training.postings`), cross-fitted: the ads are split
in folds and each fold is scored by a model fitted without its annotated sentences.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from skillgraph.calibration import FEATURES, PATHS, Calibrator, feature_matrix
from skillgraph.extraction import Proposal, SpanExtraction
from skillgraph.logistic import LogisticModel
from skillgraph.segmentation import Segmenter, Sentence
from training.postings import AssembledAd, set_counts

log = logging.getLogger(__name__)

THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


@dataclass(frozen=True, slots=True)
class LabelledText:
    """A sentence and its gold skills (empty: it asks for none)."""

    text: str
    gold: frozenset[str]
    source: str
    weight: float = 1.0


@dataclass
class Examples:
    """Candidate features, whether each was right, and which sentence each came from."""

    features: dict[str, list[np.ndarray]] = field(default_factory=dict)
    labels: dict[str, list[np.ndarray]] = field(default_factory=dict)
    weights: dict[str, list[np.ndarray]] = field(default_factory=dict)
    texts: dict[str, list[list[str]]] = field(default_factory=dict)

    def add(self, path: str, x: np.ndarray, y: np.ndarray, w: np.ndarray, texts: list[str]) -> None:
        self.features.setdefault(path, []).append(x)
        self.labels.setdefault(path, []).append(y)
        self.weights.setdefault(path, []).append(w)
        self.texts.setdefault(path, []).append(texts)

    def arrays(self, path: str, exclude: frozenset[str] = frozenset()):
        if path not in self.features:
            return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0)
        x = np.concatenate(self.features[path])
        y = np.concatenate(self.labels[path])
        w = np.concatenate(self.weights[path])
        texts = [t for chunk in self.texts[path] for t in chunk]
        keep = np.array([t not in exclude for t in texts], dtype=bool)
        return x[keep], y[keep], w[keep]


def collect_examples(
    extraction: SpanExtraction, sentences: Sequence[LabelledText], batch: int = 256
) -> Examples:
    """Every candidate the extraction proposes for ``sentences``, labelled by their gold."""
    examples = Examples()
    for start in range(0, len(sentences), batch):
        chunk = sentences[start : start + batch]
        units = [Sentence(s.text, 0, len(s.text)) for s in chunk]
        for labelled, proposals in zip(chunk, extraction.proposals(units), strict=True):
            for path in PATHS:
                chosen = [p for p in proposals if p.facts.path == path]
                if not chosen:
                    continue
                x = feature_matrix([p.facts for p in chosen])
                y = np.array([p.candidate.skill_uri in labelled.gold for p in chosen], float)
                w = np.full(len(chosen), labelled.weight)
                examples.add(path, x, y, w, [labelled.text] * len(chosen))
        log.info("calibration examples: %d/%d sentences", start + len(chunk), len(sentences))
    return examples


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, l2: float = 1.0, iterations: int = 50
) -> LogisticModel:
    """Weighted logistic regression on standardised features (Newton steps, L2 on weights).

    With no positive example the model says "never" (a large negative intercept)."""
    if not len(y) or not y.any():
        width = x.shape[1]
        return LogisticModel(np.zeros(width), np.ones(width), np.zeros(width), -20.0)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    design = np.hstack([z, np.ones((len(z), 1))])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -40, 40)))
        gradient = design.T @ (weights * (p - y)) + penalty * beta
        curvature = (design * (weights * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(curvature + 1e-9 * np.eye(len(beta)), gradient)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return LogisticModel(mean, scale, beta[:-1], float(beta[-1]))


def fit_models(
    examples: Examples, exclude: frozenset[str] = frozenset(), l2: float = 1.0
) -> dict[str, LogisticModel]:
    models = {}
    for path in PATHS:
        x, y, w = examples.arrays(path, exclude)
        models[path] = fit_logistic(x, y, w, l2)
        log.info("%s model: %d examples, %d right", path, len(y), int(y.sum()))
    return models


def ad_proposals(
    extraction: SpanExtraction, segmenter: Segmenter, ads: Sequence[AssembledAd]
) -> list[list[Proposal]]:
    """All proposals of each ad, its text segmented as at run time."""
    per_ad = [segmenter.split(ad.text) for ad in ads]
    flat = extraction.proposals([s for sentences in per_ad for s in sentences])
    found, position = [], 0
    for sentences in per_ad:
        found.append([p for ps in flat[position : position + len(sentences)] for p in ps])
        position += len(sentences)
    return found


def best_per_skill(
    models: dict[str, LogisticModel], proposals: Sequence[Proposal]
) -> dict[str, float]:
    calibrator = Calibrator(models, 0.5, {})
    probabilities = calibrator.probabilities([p.facts for p in proposals])
    best: dict[str, float] = {}
    for proposal, probability in zip(proposals, probabilities, strict=True):
        uri = proposal.candidate.skill_uri
        best[uri] = max(best.get(uri, 0.0), float(probability))
    return best


def sweep(
    best: Sequence[dict[str, float]], gold: Sequence[frozenset[str]], max_skills: int
) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, F1) at each threshold, posting level."""
    rows = []
    for threshold in THRESHOLDS:
        predicted = []
        for found in best:
            ranked = sorted((p, u) for u, p in found.items() if p >= threshold)[::-1]
            predicted.append([u for _, u in ranked[:max_skills]])
        counts = set_counts(predicted, gold)
        rows.append((float(threshold), counts.precision, counts.recall, counts.f1))
    return rows


def choose_threshold(rows: Sequence[tuple[float, float, float, float]]) -> tuple[float, ...]:
    """Best F1 among thresholds whose precision is at least their recall (else best F1)."""
    balanced = [r for r in rows if r[1] >= r[2]]
    return max(balanced or rows, key=lambda r: (r[3], r[0]))


def cross_fitted_best(
    extraction: SpanExtraction,
    segmenter: Segmenter,
    examples: Examples,
    ads: Sequence[AssembledAd],
    folds: int,
    seed: int,
    l2: float,
) -> list[dict[str, float]]:
    """Each ad's best probability per skill, from a model fitted without its sentences."""
    order = list(range(len(ads)))
    random.Random(seed).shuffle(order)
    proposals = ad_proposals(extraction, segmenter, ads)
    best: list[dict[str, float]] = [{} for _ in ads]
    for fold in range(folds):
        members = order[fold::folds]
        held_out = frozenset(t for i in members for t in ads[i].annotated)
        models = fit_models(examples, held_out, l2)
        for i in members:
            best[i] = best_per_skill(models, proposals[i])
    return best


def features_report(models: dict[str, LogisticModel]) -> dict[str, dict[str, float]]:
    """Standardised weights by feature name (for the JSON's readers)."""
    return {
        path: {name: round(float(w), 3) for name, w in zip(FEATURES, m.weights, strict=True)}
        for path, m in models.items()
    }


def write_calibration(calibrator: Calibrator, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(calibrator.to_json(), encoding="utf-8")
