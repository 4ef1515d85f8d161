"""GET /health (liveness: what this server runs on) and GET /ready (readiness: whether it
should get traffic now). Both stay open when API keys are on."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.api.state import current_state

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health():
    return jsonify(status="ok", **current_state().graph.describe())


@blueprint.get("/ready")
def ready():
    state = current_state()
    if state.draining.is_set():
        return jsonify(status="draining"), 503
    if not state.batcher.alive:
        return jsonify(status="not ready", detail="the extraction worker is not running"), 503
    return jsonify(status="ready", index_rows=len(state.graph.index))
