"""Named presets of settings, as spaCy ships ``sm`` and ``trf`` pipelines.

``fast`` is the default: the one-pass extractor at its encoder's speed. ``accurate`` trades
speed for accuracy where our measurements say it pays (docs/benchmarks.md, "Profiles"). A
profile sits just above the built-in defaults: a TOML file, the environment and flags still
override any of its values. Choose one with ``skillgraph --profile NAME``,
``SKILLGRAPH_PROFILE=NAME`` or ``profile = "NAME"`` in the settings file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["DEFAULT_PROFILE", "PROFILES", "Profile", "profile_named"]


@dataclass(frozen=True)
class Profile:
    """A name, what it is for, and the settings it changes (dotted keys)."""

    name: str
    description: str
    settings: Mapping[str, Any] = field(default_factory=dict)


DEFAULT_PROFILE = "fast"

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        profile.name: profile
        for profile in (
            Profile("fast", "the default: one encoder pass per sentence, int8 span reader"),
            # Measured and left out: the fp32 span reader (span-F1 and posting F1 no better
            # than int8 on the dev and validation sets, a third slower).
            Profile(
                "accurate",
                "spans from a stand-alone tagger mixed with the head's (a second pass per "
                "sentence, with its own calibration): better spans and skill sets, about half "
                "the speed",
                {
                    "spans.tagger": "skillgraph-minilm-spans-2",
                    # The head's share, 0.5, chosen on the span dev splits pooled.
                    "spans.tagger_weight": 0.5,
                    "spans.calibration": "calibration-accurate.json",
                },
            ),
        )
    }
)


def profile_named(name: str) -> Profile:
    """The profile called ``name``; ``ValueError`` naming the known ones if there is none."""
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}") from None
