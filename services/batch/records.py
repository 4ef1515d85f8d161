"""Records that flow through a batch run: input rows, per-row errors and extraction results.

All are frozen dataclasses; ``to_dict()`` gives the JSON-ready form that the writers emit.
Skills are the core's own :class:`~skillgraph.records.SkillMatch` records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from skillgraph.occupations import PostingOccupations
from skillgraph.records import ModelStamp, SkillMatch
from skillgraph.spans import Span


class JsonRecord(Protocol):
    """What the JSON Lines writer writes: anything with a JSON-ready form."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class InputRow:
    """One job ad to process."""

    row_number: int  # 1-based record number: the CSV header and blank lines are not records
    id: str
    text: str  # exactly as read, never stripped, so that skill offsets index into it


@dataclass(frozen=True, slots=True)
class RowError:
    """An input record that could not be used, reported in its place."""

    row_number: int
    id: str | None  # None when the record is too broken to trust its id
    reason: str
    line: int | None  # 1-based physical line where the record starts

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row_number, "line": self.line, "id": self.id, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class RowResult:
    """The skills extracted from one input row (and its occupations, when asked for)."""

    id: str
    row_number: int  # kept for ordering and diagnostics; not part of the written output
    esco_version: str
    skills: tuple[SkillMatch, ...]
    model: ModelStamp | None = None  # what extracted them, so that RDF made later can say so
    occupations: PostingOccupations | None = None  # None: the run asked for none

    def to_dict(self) -> dict[str, Any]:
        found = {
            "id": self.id,
            "esco_version": self.esco_version,
            "model": None if self.model is None else self.model.name,
            "model_fingerprint": None if self.model is None else self.model.fingerprint,
            "skills": [skill.to_dict() for skill in self.skills],
        }
        if self.occupations is not None:
            found.update(self.occupations.to_dict())
        return found


@dataclass(frozen=True, slots=True)
class SpanRowResult:
    """The skill spans tagged in one input row (``skillgraph spans``)."""

    id: str
    row_number: int
    spans: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "spans": [span.to_dict() for span in self.spans]}
