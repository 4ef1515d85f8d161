"""The Flask application factory."""

from __future__ import annotations

import logging

from flask import Flask

from services.api import examples, extract, health, procedure, spans, sparql, taxonomy
from services.api.batching import MicroBatcher, Process
from services.api.problems import register_error_handlers
from services.api.state import BATCHER, EXTENSION, SPAN_TAGGING
from skillgraph import Settings, SkillGraph, load_settings

log = logging.getLogger(__name__)


def create_app(config: Settings | None = None, graph: SkillGraph | None = None) -> Flask:
    """Build the app for ``config`` (default: the loaded settings).

    ``graph`` lets a caller that already holds a loaded runtime (tests, a CLI that loaded one)
    share it instead of loading the model and index a second time.
    """
    settings = config or load_settings()
    app = Flask("skillgraph")
    app.config["MAX_CONTENT_LENGTH"] = settings.api.max_body_bytes
    app.json.sort_keys = False
    graph = graph or SkillGraph.load(settings)
    app.extensions[EXTENSION] = graph
    app.extensions[BATCHER] = MicroBatcher(
        _processing(graph),
        window=settings.api.batch_window_ms / 1000,
        max_texts=settings.api.max_batch_texts,
    )
    for module in (examples, extract, health, procedure, spans, sparql, taxonomy):
        app.register_blueprint(module.blueprint)
    register_error_handlers(app)
    return app


def _processing(graph: SkillGraph) -> Process:
    """What the batcher runs: span tagging, or an extraction in the mode given."""
    extractor = graph.extractor

    def process(texts, task):
        if task == SPAN_TAGGING:
            return extractor.tag_spans(texts)
        return extractor.extract_many(texts, task)

    return process
