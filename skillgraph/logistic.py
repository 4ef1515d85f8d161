"""A logistic model stored as a small JSON document: what the extraction mode's calibration
(:mod:`skillgraph.calibration`) and the ranking modes' re-ranker (:mod:`skillgraph.reranking`)
turn their features into probabilities with. Fitted by ``training.calibration.fit_logistic``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from skillgraph.errors import CalibrationError


@dataclass(frozen=True)
class LogisticModel:
    """``sigmoid(((x - mean) / scale) @ weights + intercept)``."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0)
        z = ((features - self.mean) / self.scale) @ self.weights + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def to_dict(self) -> dict[str, object]:
        return {
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "intercept": round(float(self.intercept), 6),
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], features: int) -> LogisticModel:
        """The model of :meth:`to_dict`, which must have one coefficient per feature."""
        try:
            mean, scale, weights = (
                np.asarray(values[k], dtype=np.float64) for k in ("mean", "scale", "weights")
            )
            intercept = float(values["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"not a logistic model: {exc}") from None
        if any(a.shape != (features,) for a in (mean, scale, weights)):
            raise CalibrationError(f"expected {features} coefficients per array")
        if not all(np.isfinite(a).all() for a in (mean, scale, weights, np.float64(intercept))):
            raise CalibrationError("a logistic model's coefficients must be finite")
        if (scale <= 0).any():
            raise CalibrationError("a logistic model's scales must be positive")
        return cls(mean, scale, weights, intercept)


def read_fitted(path: Path, what: str, features: Sequence[str]) -> dict[str, Any]:
    """The JSON document of a model fitted on ``features`` (a calibration, a re-ranker);
    :class:`CalibrationError` when it cannot be read or names other features."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CalibrationError(f"cannot read {what} {path}: {exc}") from None
    if not isinstance(document, dict) or tuple(document.get("features", ())) != tuple(features):
        raise CalibrationError(f"{path} was fitted on other features than this version's")
    return document


__all__ = ["LogisticModel", "read_fitted"]
