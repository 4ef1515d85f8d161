"""POST /v1/extract: the ESCO skills of one text; POST /v1/extract/batch: of many, each with its
own answer or error (an unusable text does not fail the batch). Texts are extracted together
with concurrent requests."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from services.api.occupations import check_title, given_occupation, occupations_of
from services.api.openapi import operation
from services.api.problems import ApiProblem
from services.api.schemas import (
    ExtractBatchRequest,
    ExtractBatchResponse,
    ExtractRequest,
    ExtractResponse,
)
from services.api.state import current_batcher, current_graph, current_settings
from skillgraph import InputError
from skillgraph.errors import TextTooLongError

blueprint = APIBlueprint("extract", __name__, abp_tags=[Tag(name="extraction")])


@blueprint.post(
    "/v1/extract", **operation("The ESCO skills of a text", ExtractResponse, (400, 413, 415, 422))
)
def extract(body: ExtractRequest):
    graph = current_graph()
    text = graph.extractor.check_text(body.text)
    mode = graph.extractor.mode(body.top_k, body.min_score)
    title = check_title(body.title) if body.title is not None else None
    occupation = given_occupation(graph, body.occupation)
    matches = current_batcher().submit(text, mode)
    model = graph.extractor.model(mode)
    answer: dict[str, object] = {
        "esco_version": graph.taxonomy.release.version,
        "encoder": graph.encoder.name,
        "model": model.name,  # what answered: the reader in the extraction mode, else the encoder
        "model_fingerprint": model.fingerprint,
        "skills": [m.to_dict() for m in matches],
    }
    if title is not None or occupation is not None:
        answer.update(occupations_of(graph, title, matches, occupation))
    return jsonify(answer)


@blueprint.post(
    "/v1/extract/batch",
    **operation(
        "The ESCO skills of many texts, each answered or refused on its own",
        ExtractBatchResponse,
        (400, 413, 415, 422),
    ),
)
def extract_batch(body: ExtractBatchRequest):
    graph = current_graph()
    texts = body.texts
    limit = current_settings().api.max_batch_items
    if len(texts) > limit:
        raise ApiProblem(413, f"too many texts: {len(texts)} (limit {limit})", limit=limit)
    extractor = graph.extractor
    mode = extractor.mode(body.top_k, body.min_score)
    results: list[dict[str, Any] | None] = [None] * len(texts)
    usable: list[tuple[int, str]] = []
    for index, text in enumerate(texts):
        try:
            usable.append((index, extractor.check_text(text)))
        except InputError as exc:
            results[index] = _item_error(index, exc)
    answers = current_batcher().submit_many([text for _, text in usable], mode)
    for (index, _), answer in zip(usable, answers, strict=True):
        if isinstance(answer, InputError):
            results[index] = _item_error(index, answer)
        elif isinstance(answer, Exception):
            raise answer  # not the text's fault: the whole request fails, as one would
        else:
            results[index] = {"index": index, "skills": [m.to_dict() for m in answer]}
    model = extractor.model(mode)
    return jsonify(
        esco_version=graph.taxonomy.release.version,
        encoder=graph.encoder.name,
        model=model.name,
        model_fingerprint=model.fingerprint,
        results=results,
        errors=sum("error" in r for r in results if r is not None),
    )


def _item_error(index: int, exc: Exception) -> dict[str, Any]:
    status = 413 if isinstance(exc, TextTooLongError) else 422
    return {"index": index, "error": {"status": status, "detail": f"texts[{index}]: {exc}"}}
