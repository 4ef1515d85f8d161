"""Reading a JSON request body before its model sees it: what is not a JSON object gets a
problem document that says so (415, 400 or 422), not a validation error about a missing field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request

from services.api.problems import ApiProblem


def read_json_object() -> dict[str, Any]:
    """The request's JSON object (parsed once: Flask caches it for the model's validation)."""
    if not request.is_json:
        raise ApiProblem(415, "send the request body as JSON (Content-Type: application/json)")
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the JSON decoder's stack: thousands of nested arrays or objects
        raise ApiProblem(400, "the request body is nested too deeply to read") from None
    if body is None:
        raise ApiProblem(400, "the request body is not valid JSON")
    if not isinstance(body, Mapping):
        raise ApiProblem(422, "the request body must be a JSON object")
    if _has_unpaired_surrogate(body):
        raise ApiProblem(
            422, "the request body holds an unpaired surrogate (such as \\ud800): not Unicode text"
        )
    return dict(body)


def check_limit(name: str, value: int, high: int) -> int:
    """A query parameter's bound that comes from the settings, not from its model."""
    if value > high:
        raise ApiProblem(422, f"{name}: must be at most {high} on this server, got {value}")
    return value


def _has_unpaired_surrogate(value: Any) -> bool:
    """Whether a string anywhere in a decoded JSON value (keys too) is not valid Unicode."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
