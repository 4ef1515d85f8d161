"""API keys: off until configured; then every endpoint but the open ones needs one.

Keys come from ``api.keys`` (comma-separated, e.g. ``SKILLGRAPH_API__KEYS``; may read and
write), ``api.read_keys`` (may only read) and ``api.keys_file`` (one key a line, ``KEY`` or
``KEY read``; ``#`` starts a comment). A client sends ``X-API-Key: KEY`` or
``Authorization: Bearer KEY``. Without a valid key a request gets 401; a read-only key on an
endpoint that changes what every client gets (``POST``/``DELETE /v1/examples``) gets 403.
``api.open_reads`` lets reads through without a key while writes still need one. Keys are
compared in constant time and never logged: logs name a key by a short digest of it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TypeVar

from flask import Flask, g, request

from services.api.problems import ApiProblem
from services.settings import ApiSettings
from skillgraph import ConfigError

View = TypeVar("View", bound=Callable)

OPEN_ENDPOINTS = frozenset({"health.health", "health.ready", "openapi_document"})
# The web page and the API's documentation: a browser opening them sends no key (the page
# sends the one its user types in; the docs' "Authorize" does the same).
OPEN_BLUEPRINTS = frozenset({"page", "openapi", "swagger"})
_WRITES = "skillgraph_writes"


class Scope(Enum):
    READ = "read"
    WRITE = "write"  # reads too


def writes(view: View) -> View:
    """Mark a view as one that changes what every client gets: it needs a write key."""
    setattr(view, _WRITES, True)
    return view


@dataclass(frozen=True)
class KeyRing:
    """The configured keys, by digest, with what each may do."""

    scopes: dict[str, Scope]  # sha256 of the key -> scope
    open_reads: bool = False

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> KeyRing:
        entries = [(key, Scope.WRITE) for key in _split(settings.keys)]
        entries += [(key, Scope.READ) for key in _split(settings.read_keys)]
        if settings.keys_file:
            entries += _read_keys_file(Path(settings.keys_file))
        scopes: dict[str, Scope] = {}
        for key, scope in entries:
            digest = _digest(key)
            if scopes.get(digest) is not Scope.WRITE:  # a key given twice keeps its wider scope
                scopes[digest] = scope
        if settings.open_reads and not scopes:
            raise ConfigError("api.open_reads needs keys for the writes (api.keys)")
        return cls(scopes, settings.open_reads)

    @property
    def enabled(self) -> bool:
        return bool(self.scopes)

    def scope_of(self, key: str) -> Scope | None:
        digest = _digest(key)
        found = None
        for known, scope in self.scopes.items():  # every entry: no early exit to time
            if hmac.compare_digest(known, digest):
                found = scope
        return found


def key_id(key: str) -> str:
    """How logs name a key: a short digest, never the key itself."""
    return "key-" + _digest(key)[:8]


def install(app: Flask, keys: KeyRing) -> None:
    """Check every request's key before its view runs (when keys are configured)."""
    if not keys.enabled:
        return

    @app.before_request
    def _check_key() -> None:
        if is_open_request():
            return
        view = app.view_functions.get(request.endpoint or "")
        if view is None:
            return  # 404 and 405 say so, whoever asks
        needs = Scope.WRITE if getattr(view, _WRITES, False) else Scope.READ
        key = presented_key()
        if key is None:
            if needs is Scope.READ and keys.open_reads:
                return
            raise _unauthorised("send an API key: X-API-Key: KEY or Authorization: Bearer KEY")
        scope = keys.scope_of(key)
        if scope is None:
            raise _unauthorised("unknown API key")
        g.key_id = key_id(key)
        if needs is Scope.WRITE and scope is not Scope.WRITE:
            raise ApiProblem(403, "this API key may only read; changing examples needs a write key")


def is_open_request() -> bool:
    """Whether this request needs no key and counts against no limit: a CORS preflight (it
    carries no credentials), liveness and readiness, the web page and the docs."""
    return (
        request.method == "OPTIONS"
        or request.endpoint in OPEN_ENDPOINTS
        or request.blueprint in OPEN_BLUEPRINTS
    )


def presented_key() -> str | None:
    """The key the request sends, if any."""
    key = request.headers.get("X-API-Key")
    if key is None:
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        key = credentials if scheme.lower() == "bearer" else None
    key = (key or "").strip()
    return key or None


def _unauthorised(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="skillgraph"'})


def _split(value: str) -> Iterable[str]:
    return (part.strip() for part in value.split(",") if part.strip())


def _read_keys_file(path: Path) -> list[tuple[str, Scope]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"api.keys_file: cannot read {path}: {exc}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1] not in ("read", "write")):
            raise ConfigError(f"{path}:{number}: expected KEY, KEY read or KEY write")
        found.append((words[0], Scope(words[1]) if len(words) == 2 else Scope.WRITE))
    return found


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
