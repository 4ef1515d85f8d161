"""GET /health (liveness: what this server runs on) and GET /ready (readiness: whether it
should get traffic now). Both stay open when API keys are on."""

from __future__ import annotations

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from services.api.schemas import Health, Readiness
from services.api.state import current_state

blueprint = APIBlueprint("health", __name__, abp_tags=[Tag(name="operations")])


@blueprint.get("/health", summary="Liveness: what this server runs on", responses={200: Health})
def health():
    return jsonify(status="ok", **current_state().graph.describe())


@blueprint.get(
    "/ready",
    summary="Readiness: whether it should get traffic now",
    responses={200: Readiness, 503: Readiness},
)
def ready():
    state = current_state()
    if state.draining.is_set():
        return jsonify(status="draining"), 503
    if not state.batcher.alive:
        return jsonify(status="not ready", detail="the extraction worker is not running"), 503
    return jsonify(status="ready", index_rows=len(state.graph.index))
