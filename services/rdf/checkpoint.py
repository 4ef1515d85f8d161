"""Where a push got to, so that re-running it after a failure resumes instead of starting over.

A checkpoint counts the graph chunks a push has written, in input order. It is keyed by what makes
a push the same push (input file and its size and mtime, store, graph and IRI options), kept under
``<data_dir>/push/``, written atomically after each batch the store accepted, and removed when the
push completes. Resuming is an optimisation only: every chunk replaces or extends a named graph,
so redoing chunks never changes the outcome.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ontology.files import atomic_write

__all__ = ["Checkpoint", "checkpoint_for", "input_fingerprint"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    path: Path

    def load(self) -> int:
        """Chunks already written (0 when there is no usable checkpoint)."""
        try:
            done = json.loads(self.path.read_text(encoding="utf-8"))["chunks_done"]
        except FileNotFoundError:
            return 0
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable checkpoint %s: %s", self.path, exc)
            return 0
        return done if isinstance(done, int) and done > 0 else 0

    def save(self, chunks_done: int) -> None:
        document = json.dumps({"chunks_done": chunks_done})
        atomic_write(self.path, lambda temporary: temporary.write_text(document, encoding="utf-8"))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def checkpoint_for(directory: Path, identity: Mapping[str, Any]) -> Checkpoint:
    key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8")).hexdigest()
    return Checkpoint(directory / f"{key[:32]}.json")


def input_fingerprint(path: str) -> dict[str, Any] | None:
    """What identifies an input file's content cheaply; None for stdin (no resume)."""
    if path == "-":
        return None
    stat = os.stat(path)
    return {"path": str(Path(path).resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
