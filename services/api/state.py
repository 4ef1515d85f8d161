"""The shared state of one app, built by the factory: the SkillGraph runtime and the worker that
extracts concurrent requests together."""

from __future__ import annotations

from flask import current_app

from services.api.batching import MicroBatcher
from skillgraph import SkillGraph

EXTENSION = "skillgraph"
BATCHER = "skillgraph.batcher"
SPAN_TAGGING = "spans"  # the batcher's task for POST /v1/spans; every other is a Mode


def current_graph() -> SkillGraph:
    return current_app.extensions[EXTENSION]


def current_batcher() -> MicroBatcher:
    return current_app.extensions[BATCHER]
