"""API keys, through the app's test client over the real runtime (the view logic is real; only
the HTTP server is left out, which the server tests cover)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from services.api import create_app
from services.api.access import KeyRing, Scope, key_id
from services.api.request_log import ACCESS_LOGGER
from services.settings import ApiSettings, ServiceSettings
from skillgraph import ConfigError, SkillGraph

WRITE_KEY, READ_KEY = "w-secret-1234", "r-secret-5678"
EXTRACT = {"json": {"text": "You know Python.", "top_k": 3}}
EXAMPLE = {"json": {"text": "You tame pythons.", "skills": ["no-such-skill"]}}


def _client(graph: SkillGraph, **api: object):
    settings = ServiceSettings.extending(graph.settings).replace(
        {f"api.{k}": v for k, v in api.items()}
    )
    return create_app(settings, graph=graph).test_client()


@pytest.fixture(scope="module")
def keyed(full_graph):
    return _client(full_graph, keys=WRITE_KEY, read_keys=READ_KEY)


def test_without_keys_configured_everything_is_open(full_graph):
    client = _client(full_graph)
    assert client.post("/v1/extract", **EXTRACT).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}],
    ids=["none", "wrong key", "wrong bearer", "other scheme"],
)
def test_a_request_without_a_valid_key_gets_401(keyed, headers):
    response = keyed.post("/v1/extract", headers=headers, **EXTRACT)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype == "application/problem+json"
    assert "API key" in response.json["detail"]


@pytest.mark.parametrize(
    "headers",
    [{"X-API-Key": READ_KEY}, {"Authorization": f"Bearer {READ_KEY}"}, {"X-API-Key": WRITE_KEY}],
)
def test_either_header_carries_a_key(keyed, headers):
    response = keyed.post("/v1/extract", headers=headers, **EXTRACT)
    assert response.status_code == 200
    assert response.json["skills"]


def test_liveness_and_readiness_stay_open(keyed):
    assert keyed.get("/health").status_code == 200
    assert keyed.get("/ready").json["status"] == "ready"


@pytest.mark.parametrize(
    "path", ["/", "/static/app.js", "/openapi.json", "/docs/swagger", "/docs/openapi.json"]
)
def test_the_web_page_and_the_docs_open_without_a_key(keyed, path):
    assert keyed.get(path).status_code == 200


def test_a_read_key_cannot_change_the_memory_and_a_write_key_can(keyed):
    refused = keyed.post("/v1/examples", headers={"X-API-Key": READ_KEY}, **EXAMPLE)
    assert refused.status_code == 403 and "write key" in refused.json["detail"]
    assert keyed.delete("/v1/examples/1", headers={"X-API-Key": READ_KEY}).status_code == 403
    # Past the key check, the example itself is judged (its skill does not exist).
    allowed = keyed.post("/v1/examples", headers={"X-API-Key": WRITE_KEY}, **EXAMPLE)
    assert allowed.status_code == 422 and "no-such-skill" in allowed.json["detail"]
    assert keyed.get("/v1/examples", headers={"X-API-Key": READ_KEY}).status_code == 200


def test_open_reads_still_need_a_key_to_write(full_graph):
    client = _client(full_graph, keys=WRITE_KEY, open_reads=True)
    assert client.post("/v1/extract", **EXTRACT).status_code == 200
    assert client.post("/v1/examples", **EXAMPLE).status_code == 401
    assert (
        client.post("/v1/examples", headers={"X-API-Key": WRITE_KEY}, **EXAMPLE).status_code == 422
    )


def test_keys_file(tmp_path: Path):
    path = tmp_path / "keys"
    path.write_text("# who has what\nalpha\nbeta read  # the dashboard\n\ngamma write\n")
    ring = KeyRing.from_settings(ApiSettings(keys_file=str(path)))
    assert [ring.scope_of(k) for k in ("alpha", "beta", "gamma", "delta")] == [
        Scope.WRITE, Scope.READ, Scope.WRITE, None,
    ]  # fmt: skip
    path.write_text("alpha admin\n")
    with pytest.raises(ConfigError, match=r"keys:1: expected KEY, KEY read or KEY write"):
        KeyRing.from_settings(ApiSettings(keys_file=str(path)))
    with pytest.raises(ConfigError, match="cannot read"):
        KeyRing.from_settings(ApiSettings(keys_file=str(tmp_path / "missing")))
    with pytest.raises(ConfigError, match="open_reads needs keys"):
        KeyRing.from_settings(ApiSettings(open_reads=True))


def test_a_key_given_as_both_keeps_the_wider_scope():
    ring = KeyRing.from_settings(ApiSettings(keys="same", read_keys="same"))
    assert ring.scope_of("same") is Scope.WRITE


def test_logs_name_a_key_by_its_digest_never_the_key(keyed, caplog):
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        keyed.post("/v1/extract", headers={"X-API-Key": READ_KEY}, **EXTRACT)
    (record,) = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert record.access["key"] == key_id(READ_KEY) != READ_KEY
    assert READ_KEY not in caplog.text
