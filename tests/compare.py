"""Comparing extraction results where only float noise may differ.

A sentence's scores can move by ~1e-7 with what else shares its batch (matrix products take
other code paths for other shapes); everything else must be identical.
"""

from __future__ import annotations

from collections.abc import Sequence

from skillgraph import SkillMatch

_FLOATS = {"score", "probability"}


def same_skills(got: Sequence[SkillMatch | dict], expected: Sequence[SkillMatch | dict]) -> bool:
    """Same skills in the same order with the same evidence; scores within 1e-5."""
    got = [m.to_dict() if isinstance(m, SkillMatch) else m for m in got]
    expected = [m.to_dict() if isinstance(m, SkillMatch) else m for m in expected]
    if [{k: v for k, v in m.items() if k not in _FLOATS} for m in got] != [
        {k: v for k, v in m.items() if k not in _FLOATS} for m in expected
    ]:
        return False
    return all(
        abs(a[key] - b[key]) < 1e-5
        for a, b in zip(got, expected, strict=True)
        for key in _FLOATS & a.keys()
    )
