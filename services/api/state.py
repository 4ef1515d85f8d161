"""The shared state of one app, built once by the factory: the SkillGraph runtime, the worker
that extracts concurrent requests together, the procedure extractor and the SPARQL runner."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import current_app

from services.api.batching import MicroBatcher
from services.rdf.timed_query import TimedQueries
from services.settings import ServiceSettings
from skillgraph import SkillGraph
from skillgraph.procedure import ProcedureExtractor

EXTENSION = "skillgraph"
SPAN_TAGGING = "spans"  # the batcher's task for POST /v1/spans; every other is a Mode


@dataclass(frozen=True)
class ServiceState:
    settings: ServiceSettings
    graph: SkillGraph
    batcher: MicroBatcher
    procedures: ProcedureExtractor
    queries: TimedQueries
    draining: threading.Event = field(default_factory=threading.Event)  # set on shutdown


def current_state() -> ServiceState:
    return current_app.extensions[EXTENSION]


def current_settings() -> ServiceSettings:
    return current_state().settings


def current_graph() -> SkillGraph:
    return current_state().graph


def current_batcher() -> MicroBatcher:
    return current_state().batcher
