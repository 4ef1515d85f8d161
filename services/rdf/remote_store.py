"""A SPARQL 1.1 server over HTTP (httpx): Graph Store Protocol writes, Update as the fallback.

Each chunk is one request: ``PUT ?graph=<g>`` when it replaces its graph, ``POST`` when it adds
to it. Chunks of different graphs go out ``concurrency`` at a time; those of one graph in order.
With ``protocol="auto"``, a server that answers the first Graph Store request with 404, 405, 415
or 501 is taken to have none, and SkillGraph switches to SPARQL Update (``DROP SILENT GRAPH`` +
``INSERT DATA``, one request per batch) for the rest of the session.

Connection failures, time-outs, 429 and 5xx answers are retried with exponential back-off; after
the last try :class:`StoreUnavailableError` says what failed. Other 4xx answers fail at once.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from pyoxigraph import RdfFormat, parse, serialize

from services.rdf.errors import QueryError, StoreError, StoreUnavailableError
from services.rdf.sparql_results import is_update
from services.rdf.sparql_update import graph_update
from services.rdf.store import GraphChunk, GraphStore, QueryResult

__all__ = ["LAYOUTS", "RemoteStore", "SparqlEndpoints"]

log = logging.getLogger(__name__)

Protocol = Literal["auto", "gsp", "update"]
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_NO_GSP_STATUSES = frozenset({404, 405, 415, 501})
_MAX_BACKOFF = 30.0
_RESULTS_JSON = "application/sparql-results+json"


@dataclass(frozen=True, slots=True)
class SparqlEndpoints:
    query: str
    update: str
    graph_store: str
    graph_media_type: str = "application/n-triples"  # what the Graph Store endpoint is sent

    @classmethod
    def for_server(cls, url: str, layout: str) -> SparqlEndpoints:
        """The endpoints of a server at ``url`` with a known ``layout`` (see :data:`LAYOUTS`)."""
        try:
            query, update, graph_store, media_type = LAYOUTS[layout]
        except KeyError:
            known = ", ".join(LAYOUTS)
            raise StoreError(f"unknown store layout {layout!r}; choose one of {known}") from None
        base = url.rstrip("/")
        return cls(f"{base}/{query}", f"{base}/{update}", f"{base}/{graph_store}", media_type)


LAYOUTS: dict[str, tuple[str, str, str, str]] = {
    # query, update and Graph Store paths under the server URL, and the GSP body type
    "oxigraph": ("query", "update", "store", "application/n-triples"),
    # Virtuoso writes only through its authenticated (digest) endpoints; N-Triples is Turtle.
    "virtuoso": ("sparql", "sparql-auth", "sparql-graph-crud-auth", "text/turtle"),
}


class RemoteStore(GraphStore):
    def __init__(
        self,
        endpoints: SparqlEndpoints,
        *,
        auth: httpx.Auth | None = None,
        protocol: Protocol = "auto",
        timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 0.5,
        concurrency: int = 4,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if protocol not in ("auto", "gsp", "update"):
            raise StoreError(f"unknown store protocol {protocol!r}; choose auto, gsp or update")
        self.endpoints = endpoints
        self.location = endpoints.query.rsplit("/", 1)[0]
        self._protocol: Protocol = protocol
        self._retries = max(0, retries)
        self._backoff = backoff
        self._concurrency = max(1, concurrency)
        self._client = httpx.Client(auth=auth, timeout=timeout, transport=transport)

    @property
    def protocol(self) -> Protocol:
        """``gsp`` or ``update`` once the first write settled it; ``auto`` before."""
        return self._protocol

    def write(self, chunks: Sequence[GraphChunk]) -> None:
        if not chunks:
            return
        if self._protocol != "update":
            try:
                self._write_gsp(chunks)
                self._protocol = "gsp"
                return
            except _NoGraphStore as missing:
                if self._protocol == "gsp":
                    raise StoreError(
                        f"{self.endpoints.graph_store} offers no Graph Store Protocol "
                        f"({missing.args[1]}); use store.protocol=update"
                    ) from None
                log.info("no Graph Store Protocol at %s (%s): using SPARQL Update", *missing.args)
                self._protocol = "update"
        self._send(
            "POST",
            self.endpoints.update,
            content=graph_update(chunks),
            headers={"Content-Type": "application/sparql-update"},
        )

    def query(self, sparql: str) -> QueryResult:
        if is_update(sparql):
            raise QueryError("updates are not allowed here: queries are read-only", "update")
        response = self._send(
            "POST",
            self.endpoints.query,
            data={"query": sparql},
            headers={"Accept": f"{_RESULTS_JSON}, application/n-triples;q=0.9, text/turtle;q=0.8"},
            accept_status={400},
        )
        if response.status_code == 400:
            raise QueryError(f"the store rejected the query: {_snippet(response)}")
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type in (_RESULTS_JSON, "application/json"):
            return QueryResult(response.json())
        rdf_format = RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise StoreError(f"the store answered a query with unexpected {media_type!r}")
        triples = [quad.triple for quad in parse(response.content, format=rdf_format)]
        return QueryResult(graph=serialize(triples, format=RdfFormat.N_TRIPLES) or b"")

    def quad_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(result.bindings[0]["n"]["value"])

    def close(self) -> None:
        self._client.close()

    # -- Graph Store Protocol --------------------------------------------------------------

    def _write_gsp(self, chunks: Sequence[GraphChunk]) -> None:
        by_graph: dict[str, list[GraphChunk]] = {}
        for chunk in chunks:
            by_graph.setdefault(chunk.graph.value, []).append(chunk)
        groups = list(by_graph.values())
        if self._protocol == "auto":  # the first request tells whether there is a GSP at all
            self._put_or_post(groups[0][0])
            groups[0] = groups[0][1:]
        if self._concurrency == 1 or len(groups) == 1:
            for chunk in itertools.chain.from_iterable(groups):
                self._put_or_post(chunk)
            return
        with ThreadPoolExecutor(self._concurrency) as pool:
            for _ in pool.map(self._write_group, groups):
                pass

    def _write_group(self, group: list[GraphChunk]) -> None:
        for chunk in group:
            self._put_or_post(chunk)

    def _put_or_post(self, chunk: GraphChunk) -> None:
        body = serialize(chunk.triples, format=RdfFormat.N_TRIPLES) or b""
        response = self._send(
            "PUT" if chunk.replace else "POST",
            self.endpoints.graph_store,
            params={"graph": chunk.graph.value},
            content=body,
            headers={"Content-Type": self.endpoints.graph_media_type},
            accept_status=_NO_GSP_STATUSES,
        )
        if response.status_code in _NO_GSP_STATUSES:
            raise _NoGraphStore(self.endpoints.graph_store, f"HTTP {response.status_code}")

    # -- HTTP with retries -----------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        accept_status: frozenset[int] | set[int] = frozenset(),
        **kw: Any,
    ) -> httpx.Response:
        attempts = self._retries + 1
        problem = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(self._backoff * 2 ** (attempt - 1), _MAX_BACKOFF))
            try:
                response = self._client.request(method, url, **kw)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                log.debug(
                    "%s %s failed (try %d/%d): %s", method, url, attempt + 1, attempts, problem
                )
                continue
            if response.status_code in _RETRY_STATUSES:
                problem = f"HTTP {response.status_code}: {_snippet(response)}"
                continue
            if response.is_success or response.status_code in accept_status:
                return response
            if response.status_code in (401, 403):
                raise StoreError(
                    f"{url} refused the request (HTTP {response.status_code}): check store.user, "
                    "store.password and store.auth (Virtuoso wants auth=digest)"
                )
            raise StoreError(
                f"{method} {url} failed with HTTP {response.status_code}: {_snippet(response)}"
            )
        raise StoreUnavailableError(
            f"cannot reach the store at {url} after {attempts} tries: {problem}"
        )


# Private control flow, not a SkillgraphError: RemoteStore catches it to fall back from the Graph
# Store Protocol to SPARQL Update (or turns it into a StoreError); it never leaves this module.
class _NoGraphStore(Exception):
    """The Graph Store endpoint does not exist or does not take this request."""


def _snippet(response: httpx.Response, limit: int = 300) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:limit] + ("…" if len(text) > limit else "") if text else "(no message)"
