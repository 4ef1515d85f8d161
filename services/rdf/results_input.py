"""Read the batch CLI's JSON Lines output back: one :class:`PostingRecord` or ``RowError`` per line.

Each line is ``{"id", "esco_version", "skills": [{"uri", "label", "score", "skill_type",
"sentence", "start", "end"}, ...]}``, optionally with the posting's occupation: ``"occupation"``
(an ESCO occupation URI), else ``"context"``'s (the one given, else the title's best match, as
``extract --title-column/--occupation-column`` writes and ``POST /v1/extract`` answers), else
the first of ``"occupations"``; and ``"model"`` and ``"model_fingerprint"`` (what extracted
the skills, as ``extract`` writes).
A line that is not such an object is reported with its line number and reason, and reading goes
on: one bad row costs only itself. Memory stays flat: lines are read one at a time, none over
``max_line_bytes``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from typing import Any, TypeGuard

from services.batch import RowError
from services.batch.jsonl_input import json_objects
from services.batch.sources import open_source
from services.rdf.postings import PostingRecord
from skillgraph.records import ModelStamp, SkillMatch

__all__ = ["DEFAULT_MAX_LINE_BYTES", "read_results"]

DEFAULT_MAX_LINE_BYTES = 16 << 20
_TEXT_FIELDS = ("uri", "label", "skill_type", "sentence")


def read_results(
    source: str | os.PathLike[str],
    *,
    occupation: str = "",
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> Iterator[PostingRecord | RowError]:
    """Stream ``source`` (a path, ``"-"`` for stdin, gzip welcome). ``occupation`` is the
    occupation URI of rows that give none."""
    with open_source(source) as stream:
        for row, line, record in json_objects(stream, max_line_bytes):
            yield record if isinstance(record, RowError) else _parse(record, row, line, occupation)


def _parse(
    record: dict[str, Any], row: int, line: int, occupation: str
) -> PostingRecord | RowError:
    posting_id = record.get("id")
    if isinstance(posting_id, int | float) and not isinstance(posting_id, bool):
        posting_id = str(posting_id)
    if not isinstance(posting_id, str) or not posting_id:
        return RowError(row, None, "field 'id' must be a non-empty string or a number", line)
    try:
        return PostingRecord(
            id=posting_id,
            esco_version=_text(record, "esco_version"),
            skills=_skills(record.get("skills")),
            occupation=_text(record, "occupation", required=False)
            or _context_occupation(record.get("context"))
            or _best_occupation(record.get("occupations"))
            or occupation,
            row_number=row,
            line=line,
            model=_model(record),
        )
    except ValueError as exc:
        return RowError(row, posting_id, str(exc), line)


def _context_occupation(context: object) -> str:
    """The URI of the occupation a ``"context"`` sets the skills against."""
    if context is None:
        return ""
    uri = context.get("occupation") if isinstance(context, dict) else None
    if not isinstance(uri, str) or not uri:
        raise ValueError("field 'context' must be an object naming its 'occupation'")
    return uri


def _best_occupation(found: object) -> str:
    """The first occupation's URI of an ``"occupations"`` list (matches best first)."""
    if found is None or found == []:
        return ""
    if not isinstance(found, list) or not isinstance(found[0], dict):
        raise ValueError("field 'occupations' must be a list of objects")
    uri = found[0].get("uri")
    if not isinstance(uri, str) or not uri:
        raise ValueError("field 'occupations' must name each occupation's 'uri'")
    return uri


def _text(record: dict[str, Any], name: str, required: bool = True) -> str:
    value = record.get(name)
    if value is None and not required:
        return ""
    if value is None:
        raise ValueError(f"missing field {name!r}")
    if not isinstance(value, str):
        raise ValueError(f"field {name!r} must be a string")
    return value


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _model(record: dict[str, Any]) -> ModelStamp | None:
    name = _text(record, "model", required=False)
    fingerprint = _text(record, "model_fingerprint", required=False)
    if fingerprint and not name:
        raise ValueError("field 'model_fingerprint' needs 'model'")
    return ModelStamp(name, fingerprint) if name else None


def _skills(value: Any) -> tuple[SkillMatch, ...]:
    if not isinstance(value, list):
        raise ValueError("field 'skills' must be a list")
    return tuple(_skill(item, position) for position, item in enumerate(value, start=1))


def _skill(item: Any, position: int) -> SkillMatch:
    where = f"skill {position}"
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object")
    texts: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        text = item.get(name, "")
        if not isinstance(text, str):
            raise ValueError(f"{where}: {name!r} must be a string")
        texts[name] = text
    if not texts["uri"]:
        raise ValueError(f"{where}: 'uri' is missing")
    score = item.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise ValueError(f"{where}: 'score' must be a finite number")
    start, end = item.get("start"), item.get("end")
    if not (_is_int(start) and _is_int(end)):
        raise ValueError(f"{where}: 'start' and 'end' must be integers")
    return SkillMatch(
        uri=texts["uri"],
        label=texts["label"],
        score=float(score),
        skill_type=texts["skill_type"],
        sentence=texts["sentence"],
        start=start,
        end=end,
    )
