"""Per-client rate limits: a token bucket per API key (or client address, without keys).

``api.rate_limit`` requests a minute per client, in bursts of up to ``api.rate_burst``; a client
over its limit gets 429 with ``Retry-After`` (whole seconds until its next token). Off at 0.
Liveness and readiness checks are never limited. Buckets idle long enough to be full again are
forgotten, so memory stays bounded by the clients of the last minute or so.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, g, request

from services.api.access import is_open_request
from services.api.problems import ApiProblem

_SWEEP_EVERY = 1024  # checks between sweeps of idle buckets


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``allow(client)``: 0.0 when the request may go, else the seconds until it could."""

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.rate = per_minute / 60.0  # tokens a second
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self._checks = 0

    def allow(self, client: str) -> float:
        now = self._clock()
        with self._lock:
            self._checks += 1
            if self._checks % _SWEEP_EVERY == 0:
                self._sweep(now)
            bucket = self._buckets.get(client)
            if bucket is None:
                bucket = self._buckets[client] = _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)

    def _sweep(self, now: float) -> None:
        full_after = self.burst / self.rate
        for client in [c for c, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[client]


def install(app: Flask, limiter: RateLimiter | None) -> None:
    """Refuse requests over the limit before their view runs (after the key check)."""
    if limiter is None:
        return

    @app.before_request
    def _limit() -> None:
        if is_open_request():
            return
        client = g.get("key_id") or f"addr-{request.remote_addr}"
        wait = limiter.allow(client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiProblem(
                429,
                f"rate limit of {limiter.rate * 60:g} requests a minute reached; "
                f"retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
                retry_after_seconds=seconds,
            )
