"""Postings to RDF in a batch: each posting's graph (built by :mod:`skillgraph.rdf.postings`),
with the input's row errors and the converter's warnings in between."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from services.batch import RowError
from skillgraph.rdf.chunks import GraphChunk
from skillgraph.rdf.postings import ExtractionRun, PostingConverter, PostingRecord, UnknownSkills

__all__ = [
    "ExtractionRun",
    "PostingConverter",
    "PostingRecord",
    "RowWarning",
    "UnknownSkills",
    "posting_chunks",
]


@dataclass(frozen=True, slots=True)
class RowWarning(RowError):
    """Something about a row worth knowing that did not stop it from being exported."""

    def to_dict(self) -> dict[str, Any]:
        return {**RowError.to_dict(self), "level": "warning"}


def posting_chunks(
    rows: Iterable[PostingRecord | RowError], converter: PostingConverter
) -> Iterator[GraphChunk | RowError]:
    """Each posting's graph, in input order, with the row errors and warnings in between."""
    for row in rows:
        if isinstance(row, RowError):
            yield row
            continue
        try:
            chunk, warnings = converter.convert(row)
        except ValueError as exc:  # UnicodeEncodeError too: a lone surrogate in some text
            yield RowError(row.row_number, row.id, str(exc), row.line)
            continue
        for warning in warnings:
            yield RowWarning(row.row_number, row.id, warning, row.line)
        yield chunk
