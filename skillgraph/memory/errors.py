"""Errors of the example memory, defined with every other error in :mod:`skillgraph.errors`."""

from __future__ import annotations

from skillgraph.errors import (
    ExampleBatchError,
    ExampleError,
    ExampleNotFoundError,
    MemoryUnavailableError,
    UnknownSkillError,
)

__all__ = [
    "ExampleBatchError",
    "ExampleError",
    "ExampleNotFoundError",
    "MemoryUnavailableError",
    "UnknownSkillError",
]
