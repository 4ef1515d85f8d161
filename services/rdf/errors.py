"""Errors of the RDF services: each one a message a user can act on."""

from __future__ import annotations


class RdfError(Exception):
    """Base class: exports, pushes and queries that cannot go on."""


class RdfInputError(RdfError, ValueError):
    """An input (JSONL results, RDF file, option value) is unusable as a whole."""


class StoreError(RdfError):
    """A graph store refused or failed a request."""


class StoreUnavailableError(StoreError):
    """The store cannot be reached (after retries), or is busy and stayed busy."""


class QueryError(RdfError):
    """A SPARQL query is malformed, not allowed, too slow or too large."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason  # "invalid", "update", "timeout" or "too_large"
