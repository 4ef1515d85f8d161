"""Errors that stop a batch run.

A bad *record* is not an exception: readers report it as a ``RowError`` and carry on. These are
for inputs and outputs that are unusable as a whole.
"""

from __future__ import annotations


class BatchInputError(ValueError):
    """The input cannot be read at all: unknown format, missing column, unreadable header."""


class BatchOutputError(ValueError):
    """The output cannot be written: unknown format, unwritable target."""
