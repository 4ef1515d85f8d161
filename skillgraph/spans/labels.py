"""The span tagger's label set: BIO over one class (skill or knowledge)."""

from __future__ import annotations

LABELS = ("O", "B", "I")
OUTSIDE, BEGIN, INSIDE = range(3)
