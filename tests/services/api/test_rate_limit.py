"""Per-client rate limits: the bucket's arithmetic on a fake clock, and 429s from the app."""

from __future__ import annotations

import pytest

from services.api import create_app
from services.api.rate_limit import RateLimiter
from services.settings import ServiceSettings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)  # one a second
    assert [limiter.allow("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.allow("a") == pytest.approx(1.0)
    assert limiter.allow("b") == 0.0  # clients have buckets of their own
    clock.now += 0.5
    assert limiter.allow("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.allow("a") == 0.0
    clock.now += 3600
    assert [limiter.allow("a") for _ in range(4)][-1] > 0  # refills to the burst, not beyond


def test_idle_buckets_are_forgotten():
    clock = Clock()
    limiter = RateLimiter(per_minute=600, burst=2, clock=clock)
    for n in range(1023):
        limiter.allow(f"client-{n}")
    clock.now += 60
    limiter.allow("late")  # the 1024th check sweeps buckets that are full again
    assert len(limiter) == 1


def test_bad_limits_are_refused():
    with pytest.raises(ValueError):
        RateLimiter(per_minute=0, burst=1)
    with pytest.raises(ValueError):
        RateLimiter(per_minute=10, burst=0)


def test_the_app_answers_429_with_retry_after(full_graph):
    settings = ServiceSettings.extending(full_graph.settings).replace(
        {"api.rate_limit": "6", "api.rate_burst": "2", "api.keys": "k1,k2"}
    )
    client = create_app(settings, graph=full_graph).test_client()
    ask = {"json": {"text": "You know SQL.", "top_k": 1}}
    one = {"X-API-Key": "k1"}
    assert [client.post("/v1/extract", headers=one, **ask).status_code for _ in range(2)] == [
        200,
        200,
    ]
    limited = client.post("/v1/extract", headers=one, **ask)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 10  # a token every 10 s
    assert limited.json["retry_after_seconds"] == int(limited.headers["Retry-After"])
    assert client.post("/v1/extract", headers={"X-API-Key": "k2"}, **ask).status_code == 200
    assert client.get("/health").status_code == 200  # never limited
