"""Errors that stop a batch run.

A bad *record* is not an exception: readers report it as a ``RowError`` and carry on. These are
for inputs, outputs and runs that are unusable as a whole::

    BatchError            a SkillgraphError (the whole tree: skillgraph.errors)
    ├── BatchInputError   the input cannot be read at all (format, column, header)
    ├── BatchOutputError  the output cannot be written (format, target)
    ├── BatchResumeError  the run cannot be resumed (no checkpoint, other settings)
    └── BatchWorkerError  a worker process of a parallel run died
"""

from __future__ import annotations

from skillgraph.errors import SkillgraphError


class BatchError(SkillgraphError):
    """The root of the batch errors: a run that cannot go on."""


class BatchInputError(BatchError, ValueError):
    """The input cannot be read at all: unknown format, missing column, unreadable header."""


class BatchOutputError(BatchError, ValueError):
    """The output cannot be written: unknown format, unwritable target."""


class BatchResumeError(BatchError, ValueError):
    """A run cannot be resumed: no usable checkpoint, or one written with other settings."""


class BatchWorkerError(BatchError, RuntimeError):
    """A worker process of a parallel run died."""
