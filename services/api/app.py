"""The Flask application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask.json.provider import DefaultJSONProvider
from flask_openapi3 import OpenAPI

from services.api import (
    access,
    cors,
    examples,
    extract,
    health,
    occupations,
    page,
    procedure,
    rate_limit,
    request_log,
    spans,
    sparql,
    taxonomy,
)
from services.api.access import KeyRing
from services.api.batching import MicroBatcher, Process
from services.api.openapi import install_body_checks, openapi_app
from services.api.problems import register_error_handlers
from services.api.rate_limit import RateLimiter
from services.api.state import EXTENSION, SPAN_TAGGING, ServiceState
from services.rdf import embedded_store_path
from services.rdf.timed_query import TimedQueries
from services.settings import ServiceSettings, load_service_settings
from skillgraph import Settings, SkillGraph
from skillgraph.procedure import ProcedureExtractor

log = logging.getLogger(__name__)


def create_app(config: Settings | None = None, graph: SkillGraph | None = None) -> OpenAPI:
    """Build the app for ``config`` (default: the loaded service settings; core settings get
    the service sections' defaults).

    ``graph`` lets a caller that already holds a loaded runtime (tests, a CLI that loaded one)
    share it instead of loading the model and index a second time. Every piece of shared state
    is built here, once, before the first request (:class:`ServiceState`).
    """
    settings = ServiceSettings.extending(config) if config else load_service_settings()
    api = settings.api
    keys = KeyRing.from_settings(api)  # a bad keys file fails here, before the models load
    app = openapi_app("skillgraph")
    app.config["MAX_CONTENT_LENGTH"] = api.max_body_bytes
    assert isinstance(app.json, DefaultJSONProvider)  # Flask's own: the one with sort_keys
    app.json.sort_keys = False
    graph = graph or SkillGraph.load(settings)
    graph.occupations  # noqa: B018 (loaded here, before the first request, not by one)
    store = settings.store
    app.extensions[EXTENSION] = ServiceState(
        settings=settings,
        graph=graph,
        batcher=MicroBatcher(
            _processing(graph), window=api.batch_window_ms / 1000, max_texts=api.max_batch_texts
        ),
        procedures=ProcedureExtractor.from_graph(graph),
        queries=TimedQueries(
            embedded_store_path(settings.data_dir, store.url),
            timeout=store.query_timeout,
            max_rows=store.max_query_results,
            lock_wait=store.lock_wait,
        ),
    )
    # Order matters: ids first (so that every answer has one), then keys, then limits.
    request_log.install(app)
    access.install(app, keys)
    rate_limit.install(
        app, RateLimiter(api.rate_limit, api.rate_burst) if api.rate_limit > 0 else None
    )
    cors.install(app, api.cors_origins)
    install_body_checks(app)
    _register_routes(app)
    register_error_handlers(app)
    if not keys.enabled and not _loopback(api.host):
        log.warning(
            "serving on %s without API keys: anyone who can reach it can change the example "
            "memory (set api.keys)",
            api.host,
        )
    return app


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the app, without loading a model (``skillgraph openapi``)."""
    app = openapi_app("skillgraph")
    _register_routes(app)
    return app.api_doc


def _register_routes(app: OpenAPI) -> None:
    for module in (examples, extract, health, occupations, procedure, spans, sparql, taxonomy):
        app.register_api(module.blueprint)
    app.register_blueprint(page.blueprint)  # GET /, the web page: not an API operation


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def _processing(graph: SkillGraph) -> Process:
    """What the batcher runs: span tagging, or an extraction in the mode given."""
    extractor = graph.extractor

    def process(texts, task):
        if task == SPAN_TAGGING:
            return extractor.tag_spans(texts)
        return extractor.extract_many(texts, task)

    return process
