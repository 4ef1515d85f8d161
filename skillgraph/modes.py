"""What an extraction returns, as a type: a ranking, a threshold, or the extraction mode.

Users give ``top_k`` and ``min_score`` (CLI flags, API fields); :func:`resolve_mode` turns them
into one of these, validated, once per request or run:

* :class:`Ranking` (``top_k`` only): exactly the ``top_k`` best skills of the text;
* :class:`Threshold` (``min_score``, and ``top_k`` as a cap, default ``settings.top_k``): skills
  scoring at least ``min_score``;
* :class:`Extraction` (neither): skill spans linked to ESCO and accepted by a calibrated model,
  at most ``settings.max_skills``; without a span model it is a :class:`Threshold` at
  ``settings.min_score`` (chosen on the validation sets).
"""

from __future__ import annotations

from dataclasses import dataclass

from skillgraph.config import ExtractionSettings
from skillgraph.errors import InputError

MAX_TOP_K = 1_000


@dataclass(frozen=True, slots=True)
class Ranking:
    top_k: int


@dataclass(frozen=True, slots=True)
class Threshold:
    min_score: float
    top_k: int


@dataclass(frozen=True, slots=True)
class Extraction:
    max_skills: int
    # Accept at this calibrated probability instead of the span settings' own (procedure steps
    # are linked at theirs); None: the extraction's threshold.
    threshold: float | None = None


Mode = Ranking | Threshold | Extraction


def resolve_mode(
    top_k: int | None,
    min_score: float | None,
    settings: ExtractionSettings,
    spans: bool = True,
) -> Mode:
    """The mode the parameters ask for; :class:`InputError` when one is out of range.

    ``spans``: whether a span model is loaded (else the extraction mode is a threshold).
    """
    if top_k is not None and (isinstance(top_k, bool) or not 1 <= top_k <= MAX_TOP_K):
        raise InputError(f"top_k must be between 1 and {MAX_TOP_K}, got {top_k}")
    if min_score is not None and not -1.0 <= min_score <= 1.0:
        raise InputError(f"min_score must be between -1 and 1, got {min_score}")
    if min_score is not None:
        return Threshold(min_score, top_k or settings.top_k)
    if top_k is not None:
        return Ranking(top_k)
    if spans:
        return Extraction(settings.max_skills)
    return Threshold(settings.min_score, settings.max_skills)
