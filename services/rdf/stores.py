"""Pick the graph store a URL names: the embedded pyoxigraph store, or a SPARQL server.

""  or "embedded"            <data_dir>/store, in-process
a directory, or file:///dir  an embedded store there
http(s)://[user:pass@]host   a SPARQL 1.1 server; store.layout names its endpoint paths
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from services.rdf.embedded_store import EmbeddedStore
from services.rdf.errors import StoreError
from services.rdf.store import GraphStore
from services.settings import StoreSettings

__all__ = ["embedded_store_path", "open_store", "store_location"]


def embedded_store_path(data_dir: Path, url: str = "") -> Path:
    """The embedded store ``url`` names; for a server URL, the default one in ``data_dir``."""
    if url.startswith(("http://", "https://")):
        url = ""
    return _embedded_path(url, data_dir)


def open_store(settings: StoreSettings, data_dir: Path, url: str | None = None) -> GraphStore:
    """The store ``url`` names (default: ``settings.url``), configured by ``settings``."""
    target = settings.url if url is None else url
    if target.startswith(("http://", "https://")):
        return _remote(target, settings)
    return EmbeddedStore(
        _embedded_path(target, data_dir),
        lock_wait=settings.lock_wait,
        max_rows=settings.max_query_results,
    )


def store_location(settings: StoreSettings, data_dir: Path, url: str | None = None) -> str:
    """Where ``url`` points, without credentials (for messages and checkpoints)."""
    target = settings.url if url is None else url
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return parts._replace(netloc=netloc).geturl()
    return str(_embedded_path(target, data_dir).resolve())


def _embedded_path(target: str, data_dir: Path) -> Path:
    if target in ("", "embedded"):
        return data_dir / "store"
    if target.startswith("file://"):
        return Path(unquote(urlsplit(target).path))
    if "://" in target:
        raise StoreError(f"unsupported store URL {target!r}: use http(s)://, file:// or a path")
    return Path(target).expanduser()


def _remote(url: str, settings: StoreSettings) -> GraphStore:
    import httpx  # only remote stores need it, and it is slow to import

    from services.rdf.remote_store import RemoteStore, SparqlEndpoints

    parts = urlsplit(url)
    user = unquote(parts.username or "") or settings.user
    password = unquote(parts.password or "") or settings.password
    auth: httpx.Auth | None = None
    if user:
        if settings.auth == "digest":
            auth = httpx.DigestAuth(user, password)
        elif settings.auth == "basic":
            auth = httpx.BasicAuth(user, password)
        else:
            raise StoreError(f"unknown store.auth {settings.auth!r}; choose basic or digest")
    server = store_location(settings, Path(), url)
    return RemoteStore(
        SparqlEndpoints.for_server(server, settings.layout),
        auth=auth,
        protocol=settings.protocol,
        timeout=settings.timeout,
        retries=settings.retries,
        backoff=settings.backoff,
        concurrency=settings.concurrency,
    )
