"""GET /health: what this server runs on."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.api.state import current_graph

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health():
    return jsonify(status="ok", **current_graph().describe())
