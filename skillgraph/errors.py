"""Errors the core raises for bad input; services turn them into messages and status codes."""

from __future__ import annotations


class SkillgraphError(Exception):
    """Base class for errors a user can act on."""


class InputError(SkillgraphError, ValueError):
    """The input text or a request parameter is unusable (empty, wrong range, ...)."""


class TextTooLongError(InputError):
    """The input text is longer than the configured limit."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"text too long: {length} characters (limit {limit})")
        self.length = length
        self.limit = limit


class IndexBuildError(SkillgraphError, RuntimeError):
    """The index cannot be built or loaded, or cannot answer the search asked of it."""
