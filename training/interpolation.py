"""Weight-space interpolation of a fine-tuned encoder with the model it started from (WiSE-FT).

Wortsman et al. 2022 ("Robust fine-tuning of zero-shot models"): ``weight * fine-tuned +
(1 - weight) * start``, parameter by parameter, keeps most of what fine-tuning learned and
much of what the start model knew about text it never saw again. Both models must share one
architecture (a run always does: it is the start model's weights, moved).
"""

from __future__ import annotations

import torch

from skillgraph.errors import SkillgraphError


class InterpolationError(SkillgraphError, ValueError):
    """The two models cannot be interpolated, or the weight is out of range."""


def interpolate_weights(
    finetuned: torch.nn.Module, start: torch.nn.Module, finetuned_weight: float
) -> None:
    """Move ``finetuned``'s parameters, in place, to ``finetuned_weight`` of the way from
    ``start`` to them: 1 leaves them as they are, smaller weights come closer to ``start``."""
    if not 0.0 < finetuned_weight <= 1.0:
        raise InterpolationError(f"finetuned_weight must be in (0, 1], got {finetuned_weight}")
    tuned, original = finetuned.state_dict(), start.state_dict()
    if tuned.keys() != original.keys():
        missing = sorted(tuned.keys() ^ original.keys())
        raise InterpolationError(
            f"the models differ in {len(missing)} parameter(s), e.g. {missing[0]}"
        )
    mixed = {}
    for name, value in tuned.items():
        other = original[name]
        if value.shape != other.shape:
            raise InterpolationError(
                f"parameter {name} has shape {tuple(value.shape)} here and "
                f"{tuple(other.shape)} in the start model"
            )
        # Integer buffers (token type ids, position ids) are indices, not weights.
        mixed[name] = (
            torch.lerp(other, value, finetuned_weight) if value.is_floating_point() else value
        )
    finetuned.load_state_dict(mixed)
