"""Request ids, the JSON access log, CORS and readiness, through the app's test client."""

from __future__ import annotations

import json
import logging

import pytest

from services.api import create_app
from services.api.request_log import ACCESS_LOGGER, JsonLogFormatter
from services.api.state import current_state
from services.settings import ServiceSettings


@pytest.fixture(scope="module")
def app(full_graph):
    settings = ServiceSettings.extending(full_graph.settings).replace(
        {"api.cors_origins": "https://jobs.example.org"}
    )
    return create_app(settings, graph=full_graph)


def test_a_sane_request_id_is_kept_and_others_are_replaced(app):
    client = app.test_client()
    assert (
        client.get("/health", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"]
        == "abc-123"
    )
    for offered in ("", "has space", "x" * 65, "<script>"):
        answered = client.get("/health", headers={"X-Request-Id": offered})
        assert answered.headers["X-Request-Id"] not in (offered, "")
    first, second = (client.get("/health").headers["X-Request-Id"] for _ in range(2))
    assert first != second


def test_every_request_is_one_json_access_line(app, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        client.post("/v1/extract", json={"text": ""}, headers={"X-Request-Id": "req-1"})
    (record,) = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    line = json.loads(JsonLogFormatter().format(record))
    assert line["request_id"] == "req-1"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/v1/extract", 422)
    assert line["ts"].endswith("+00:00") and line["ms"] >= 0 and line["bytes"] > 0
    assert line["level"] == "info" and line["key"] is None


def test_cors_answers_the_allowed_origin_only(app):
    client = app.test_client()
    allowed = client.get("/health", headers={"Origin": "https://jobs.example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://jobs.example.org"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/health", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/v1/extract",
        headers={
            "Origin": "https://jobs.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-api-key",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "X-API-Key" in preflight.headers["Access-Control-Allow-Headers"]


def test_cors_is_off_by_default(full_graph):
    client = create_app(full_graph.settings, graph=full_graph).test_client()
    answered = client.get("/health", headers={"Origin": "https://jobs.example.org"})
    assert "Access-Control-Allow-Origin" not in answered.headers


def test_ready_until_draining(full_graph):
    app = create_app(full_graph.settings, graph=full_graph)
    client = app.test_client()
    assert client.get("/ready").status_code == 200
    with app.app_context():
        current_state().draining.set()
    draining = client.get("/ready")
    assert draining.status_code == 503 and draining.json["status"] == "draining"
    assert client.get("/health").status_code == 200  # alive all the same
    with app.app_context():
        current_state().draining.clear()
        current_state().batcher.close()
    stopped = client.get("/ready")
    assert stopped.status_code == 503 and stopped.json["status"] == "not ready"
