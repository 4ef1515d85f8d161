"""The SkillGraph runtime shared by all requests of one app."""

from __future__ import annotations

from flask import current_app

from skillgraph import SkillGraph

EXTENSION = "skillgraph"


def current_graph() -> SkillGraph:
    return current_app.extensions[EXTENSION]
