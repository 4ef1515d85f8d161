"""Where a batch run got to, kept beside its output, so that ``--resume`` carries on from there.

The checkpoint (``OUTPUT.checkpoint.json``) holds what makes the run this run (command, input,
settings, model: its *identity*), how many input records it has written results or errors for,
and the output's and error log's marks at that point. It is written atomically after the
output and the log were synced, so it never claims more than is on disk; it is removed when the
run completes. A resumed run cuts the output and log back to the marks and skips the records.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ontology.files import atomic_write, leftover_temporaries
from services.batch.exceptions import BatchResumeError

log = logging.getLogger(__name__)

CHECKPOINT_SUFFIX = ".checkpoint.json"
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class RunPosition:
    """How far a run is: records done (results and errors), and the marks of its files."""

    records: int = 0
    rejected: int = 0
    output_mark: int = 0
    errors_mark: int = 0


@dataclass(frozen=True, slots=True)
class RunCheckpoint:
    """The checkpoint file of the run writing ``output``, for a run of ``identity``."""

    path: Path
    identity: dict[str, Any]

    @classmethod
    def beside(cls, output: str | os.PathLike[str], identity: dict[str, Any]) -> RunCheckpoint:
        return cls(Path(os.fspath(output) + CHECKPOINT_SUFFIX), identity)

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> RunPosition:
        """The position recorded, if it was recorded by a run of this identity.

        Raises BatchResumeError if the file is unreadable or a different run wrote it, naming
        what differs.
        """
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if document.get("format") != _FORMAT:
                raise ValueError(f"format {document.get('format')!r}, expected {_FORMAT}")
            position = RunPosition(**document["position"])
            recorded = document["identity"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BatchResumeError(f"cannot resume from {self.path}: unreadable ({exc})") from exc
        if recorded != _plain(self.identity):
            differs = sorted(
                key
                for key in {*recorded, *self.identity}
                if recorded.get(key) != _plain(self.identity).get(key)
            )
            raise BatchResumeError(
                f"cannot resume: {self.path} was written by a run with other "
                f"{', '.join(differs)} ({_difference(recorded, _plain(self.identity), differs)}); "
                "run again with the same settings, or without --resume to start over"
            )
        return position

    def save(self, position: RunPosition) -> None:
        document = {"format": _FORMAT, "identity": self.identity, "position": asdict(position)}
        text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False)
        atomic_write(self.path, lambda temporary: temporary.write_text(text, encoding="utf-8"))

    def clear(self) -> None:
        """Remove the checkpoint, and any half-written one a killed run left beside it."""
        for path in (self.path, *leftover_temporaries(self.path)):
            path.unlink(missing_ok=True)


def _plain(identity: dict[str, Any]) -> dict[str, Any]:
    """``identity`` as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(identity))


def _difference(recorded: dict[str, Any], wanted: dict[str, Any], keys: list[str]) -> str:
    return "; ".join(
        f"{key}: {_short(recorded.get(key))} then, {_short(wanted.get(key))} now" for key in keys
    )


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    if len(text) <= 60:
        return text
    return "digest " + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
