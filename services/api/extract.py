"""POST /v1/extract: the ESCO skills of one text (extracted together with concurrent requests)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.api.requests import json_body, optional_int, optional_number
from services.api.state import current_batcher, current_graph

blueprint = Blueprint("extract", __name__)


@blueprint.post("/v1/extract")
def extract():
    body = json_body(allowed={"text", "top_k", "min_score"}, required={"text"})
    graph = current_graph()
    text = graph.extractor.check_text(body["text"])
    mode = graph.extractor.mode(optional_int(body, "top_k"), optional_number(body, "min_score"))
    matches = current_batcher().submit(text, mode)
    model = graph.extractor.model(mode)
    return jsonify(
        esco_version=graph.taxonomy.release.version,
        encoder=graph.encoder.name,
        model=model.name,  # what answered: the reader in the extraction mode, else the encoder
        model_fingerprint=model.fingerprint,
        skills=[m.to_dict() for m in matches],
    )
