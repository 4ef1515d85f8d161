"""POST /v1/spans: the skill and knowledge spans of one text (tagged together with concurrent
requests), from the tagger the default extraction mode reads sentences with."""

from __future__ import annotations

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.schemas import SpansResponse, TextRequest
from services.api.state import SPAN_TAGGING, current_batcher, current_graph

blueprint = APIBlueprint("spans", __name__, abp_tags=[Tag(name="extraction")])


@blueprint.post(
    "/v1/spans",
    **operation("The skill spans of a text", SpansResponse, (400, 413, 415, 422, 501)),
)
def spans(body: TextRequest):
    graph = current_graph()
    extractor = graph.extractor
    text = extractor.check_text(body.text)
    if extractor.spans is None:
        raise ApiProblem(501, "this server has no span model (spans.model is empty)")
    reader = extractor.spans.reader
    found = current_batcher().submit(text, SPAN_TAGGING)
    return jsonify(
        model=reader.name,
        model_fingerprint=reader.fingerprint,
        spans=[span.to_dict() for span in found],
    )
