"""POST /v1/spans: the skill and knowledge spans of one text (tagged together with concurrent
requests), from the tagger the default extraction mode reads sentences with."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.api.problems import ApiProblem
from services.api.requests import json_body
from services.api.state import SPAN_TAGGING, current_batcher, current_graph

blueprint = Blueprint("spans", __name__)


@blueprint.post("/v1/spans")
def spans():
    body = json_body(allowed={"text"}, required={"text"})
    graph = current_graph()
    extractor = graph.extractor
    text = extractor.check_text(body["text"])
    if extractor.spans is None:
        raise ApiProblem(501, "this server has no span model (spans.model is empty)")
    reader = extractor.spans.reader
    found = current_batcher().submit(text, SPAN_TAGGING)
    return jsonify(
        model=reader.name,
        model_fingerprint=reader.fingerprint,
        spans=[span.to_dict() for span in found],
    )
