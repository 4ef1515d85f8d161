"""The services' settings: the core's (:class:`skillgraph.config.Settings`) plus the sections
only the services read, ``api``, ``rdf`` and ``store``, loaded from the same layers.

The core loader leaves these sections to this schema: a program that loads only the core's
settings (a notebook, a spaCy pipeline) reads the same file and environment without refusing
them. The section names are entry points in ``skillgraph.settings`` (``pyproject.toml``), so
that the core learns them without importing the services.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from skillgraph.config import Settings, load_settings

__all__ = [
    "ApiSettings",
    "RdfSettings",
    "ServiceSettings",
    "StoreSettings",
    "load_service_settings",
]

StoreLayout = Literal["oxigraph", "virtuoso"]  # services.rdf.remote_store.LAYOUTS
StoreProtocol = Literal["auto", "gsp", "update"]  # services.rdf.remote_store.Protocol
StoreAuth = Literal["basic", "digest"]


@dataclass(frozen=True)
class ApiSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    # Request threads mostly wait for the extraction worker, which serves them together.
    threads: int = 16
    batch_window_ms: float = 2.0  # how long the worker waits for more requests to batch
    max_batch_texts: int = 64
    max_body_bytes: int = 1_048_576
    max_search_results: int = 100
    max_batch_items: int = 100  # texts per POST /v1/extract/batch
    # API keys (services/api/access.py): off while none is set. keys may read and write,
    # read_keys only read; keys_file holds "KEY" or "KEY read" lines. open_reads: reads need
    # no key, writes (POST/DELETE /v1/examples) still do.
    keys: str = ""
    read_keys: str = ""
    keys_file: str = ""
    open_reads: bool = False
    rate_limit: float = 0.0  # requests a minute per key (or client address); 0: no limit
    rate_burst: int = 20  # requests a client may send at once before the rate applies
    cors_origins: str = ""  # origins allowed cross-origin, comma-separated ("*": any); "": none
    shutdown_grace: float = 10.0  # seconds in-flight requests get to finish on SIGTERM


@dataclass(frozen=True)
class RdfSettings:
    # Instance IRIs are {base_iri}{dataset}/...: set a base you control, and a dataset name per
    # collection of postings (docs/knowledge-graph.md).
    base_iri: str = "https://w3id.org/skillgraph/data/"
    dataset: str = "default"


@dataclass(frozen=True)
class StoreSettings:
    # "" for the embedded store under <data_dir>/store, a directory for an embedded store there,
    # or the http(s) URL of a SPARQL server (user:password@ in it works too).
    url: str = ""
    layout: StoreLayout = "oxigraph"  # a server's endpoint paths
    # "gsp" (Graph Store Protocol), "update", or "auto": GSP, else Update.
    protocol: StoreProtocol = "auto"
    user: str = ""
    password: str = ""
    auth: StoreAuth = "basic"  # "digest" for Virtuoso
    timeout: float = 60.0  # seconds per HTTP request
    retries: int = 5  # per request, with exponential back-off from backoff seconds
    backoff: float = 0.5
    concurrency: int = 4  # Graph Store requests in flight
    batch_postings: int = 500  # postings per batch (a batch is the unit of resume)
    lock_wait: float = 10.0  # seconds to wait for the embedded store's lock
    query_timeout: float = 10.0  # seconds, for POST /v1/sparql
    max_query_results: int = 10_000


@dataclass(frozen=True)
class ServiceSettings(Settings):
    api: ApiSettings = field(default_factory=ApiSettings)
    rdf: RdfSettings = field(default_factory=RdfSettings)
    store: StoreSettings = field(default_factory=StoreSettings)

    @classmethod
    def extending(cls, settings: Settings) -> ServiceSettings:
        """``settings`` as service settings: loaded core settings keep their values, and the
        service sections get their defaults."""
        if isinstance(settings, cls):
            return settings
        core = {f.name: getattr(settings, f.name) for f in dataclasses.fields(Settings)}
        return cls(**core)


def load_service_settings(
    config_file: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ServiceSettings:
    """:func:`skillgraph.config.load_settings` with the service sections."""
    settings = load_settings(config_file, overrides, environ, schema=ServiceSettings)
    assert isinstance(settings, ServiceSettings)
    return settings
