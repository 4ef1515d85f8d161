"""Reading and validating JSON request bodies and query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request

from services.api.problems import ApiProblem


def json_body(allowed: set[str], required: set[str]) -> dict[str, Any]:
    """The request's JSON object, with unknown and missing fields rejected."""
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
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiProblem(
            422, f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    missing = sorted(required - set(body))
    if missing:
        raise ApiProblem(422, f"missing field(s) {', '.join(missing)}")
    return dict(body)


def optional_int(body: Mapping[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiProblem(422, f"{name} must be an integer, got {value!r}")
    return value


def optional_number(body: Mapping[str, Any], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiProblem(422, f"{name} must be a number, got {value!r}")
    return float(value)


def query_int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiProblem(400, f"query parameter {name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ApiProblem(400, f"query parameter {name} must be between {low} and {high}")
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
