"""Errors of the RDF services, each a message a user can act on (tree: skillgraph.errors)."""

from __future__ import annotations

from skillgraph.errors import RdfError, RdfInputError

__all__ = ["QueryError", "RdfError", "RdfInputError", "StoreError", "StoreUnavailableError"]


class StoreError(RdfError):
    """A graph store refused or failed a request."""


class StoreUnavailableError(StoreError):
    """The store cannot be reached (after retries), or is busy and stayed busy."""


class QueryError(RdfError):
    """A SPARQL query is malformed, not allowed, too slow or too large."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason  # "invalid", "update", "timeout" or "too_large"
