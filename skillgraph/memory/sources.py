"""Files of annotated examples, read as a stream of :class:`SourceRow`.

Formats (guessed from the file, or named):

* ``examples``: JSON Lines ``{"text", "skills", "negatives"?, "source"?}``, skills as ESCO URIs
  (or labels); what the shipped seed and ``skillgraph memory list --json`` use;
* ``skillskape``: SkillSkape CSV (``,sentence,skills``; a Python-literal list of labels,
  ``UNK`` for a skill outside ESCO);
* ``annotations``: the benchmark's ``*_annotations.csv`` (``sentence,span,sub_span,label``), one
  example per sentence, or per span with ``level="span"``;
* ``benchmark``: the benchmark's ``*.jsonl`` (``{"sentence", "gold_esco_labels"}``).

Labels are ESCO preferred labels of the release the data was made with (v1.1.0 for SkillSkape and
the benchmark); they are mapped to skills of the loaded release by preferred, then alt label.
Labels that map to nothing are left out and reported; a row with none left gives no example.
Files may be gzipped. JSON Lines go through the one reader, :func:`skillgraph.jsonl.json_objects`.
"""

from __future__ import annotations

import ast
import csv
import gzip
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from ontology import EscoTaxonomy
from skillgraph.errors import SourceFormatError
from skillgraph.jsonl import json_objects
from skillgraph.memory.examples import LabelledExample

FORMATS = ("examples", "skillskape", "annotations", "benchmark")
LEVELS = ("sentence", "span")
MAX_LINE_BYTES = 16 << 20  # an example line far beyond any real one is garbage
NO_SKILL_LABELS = frozenset({"UNK", "LABEL NOT PRESENT", "UNDERSPECIFIED"})
_URI_OR_UUID = re.compile(
    r"^(https?://\S+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One record of a file: an example, or why it gives none."""

    row_number: int  # 1-based record number (a CSV header is not a record)
    example: LabelledExample | None = None
    error: str = ""  # set when the record is unusable
    no_skill: bool = False  # a valid record that names no ESCO skill (nothing to add)
    unmapped: tuple[str, ...] = ()  # labels left out: no skill of the release has them


def skill_for_label(taxonomy: EscoTaxonomy, label: str) -> str | None:
    """The URI of the skill whose preferred (else alt) label is ``label``, if any."""
    matches = taxonomy.find_skills_by_label(label)
    return matches[0].uri if matches else None


def detect_format(path: Path) -> str:
    try:
        with _open(path) as handle:
            first = handle.readline().strip()
    except (gzip.BadGzipFile, EOFError) as exc:
        raise SourceFormatError(f"{path} cannot be read: {exc}") from exc
    name = path.name.removesuffix(".gz")
    if name.endswith(".csv"):
        columns = {c.strip() for c in next(csv.reader([first]), [])}
        if {"sentence", "span", "label"} <= columns:
            return "annotations"
        if {"sentence", "skills"} <= columns:
            return "skillskape"
    else:
        try:
            record = json.loads(first) if first else {}
        except json.JSONDecodeError:
            record = {}
        if isinstance(record, dict) and "text" in record:
            return "examples"
        if isinstance(record, dict) and "gold_esco_labels" in record:
            return "benchmark"
    raise SourceFormatError(f"cannot tell the format of {path}; name one of {', '.join(FORMATS)}")


def read_source(
    path: Path,
    taxonomy: EscoTaxonomy,
    format: str | None = None,
    level: str = "sentence",
    source: str | None = None,
) -> Iterator[SourceRow]:
    """Stream the examples of ``path``; ``source`` (default ``FORMAT:FILENAME``) tags them."""
    format = format or detect_format(path)
    if format not in FORMATS:
        raise SourceFormatError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if level not in LEVELS:
        raise SourceFormatError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    tag = source or f"{format}:{path.name}"
    mapper = _LabelMapper(taxonomy)
    readers: dict[str, Callable[[IO[bytes]], Iterator[SourceRow]]] = {
        "examples": lambda raw: _examples(raw, mapper, tag),
        "skillskape": lambda raw: _skillskape(_text(raw), mapper, tag),
        "annotations": lambda raw: _annotations(_text(raw), mapper, tag, level),
        "benchmark": lambda raw: _benchmark(raw, mapper, tag),
    }
    try:
        with _open_bytes(path) as raw:
            for row in readers[format](raw):
                yield _decodable(row)
    except (csv.Error, gzip.BadGzipFile, EOFError) as exc:
        raise SourceFormatError(f"{path} cannot be read further: {exc}") from exc


class _LabelMapper:
    def __init__(self, taxonomy: EscoTaxonomy) -> None:
        self._taxonomy = taxonomy
        self._cache: dict[str, str | None] = {}

    def __call__(self, label: str) -> str | None:
        if label not in self._cache:
            self._cache[label] = skill_for_label(self._taxonomy, label)
        return self._cache[label]

    def example(self, row_number: int, text: str, labels: Iterable[str], source: str) -> SourceRow:
        """A row from labels: known skills kept, no-skill markers ignored, others reported."""
        uris: list[str] = []
        unmapped: list[str] = []
        for label in labels:
            if label in NO_SKILL_LABELS:
                continue
            uri = self(label)
            (uris if uri else unmapped).append(uri or label)
        if not text.strip():
            return SourceRow(row_number, error="text is empty")
        if not uris:
            if unmapped:
                return SourceRow(
                    row_number,
                    error=f"no label matches an ESCO skill: {', '.join(unmapped)}",
                    unmapped=tuple(unmapped),
                )
            return SourceRow(row_number, no_skill=True)
        example = LabelledExample(text, tuple(dict.fromkeys(uris)), (), source)
        return SourceRow(row_number, example, unmapped=tuple(unmapped))


def _examples(raw: IO[bytes], mapper: _LabelMapper, source: str) -> Iterator[SourceRow]:
    def references(values: object) -> tuple[str, ...]:
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError("skills and negatives must be lists of strings")
        # URIs and UUIDs pass as they are (checked when added); anything else is a label.
        return tuple(v if _URI_OR_UUID.match(v.strip()) else (mapper(v) or v) for v in values)

    for row_number, _, record in json_objects(raw, MAX_LINE_BYTES):
        if isinstance(record, str):
            yield SourceRow(row_number, error=record)
            continue
        text = record.get("text")
        try:
            if not isinstance(text, str):
                raise ValueError("text must be a string")
            example = LabelledExample(
                text,
                references(record.get("skills", [])),
                references(record.get("negatives", [])),
                str(record.get("source") or source),
            )
        except ValueError as exc:
            yield SourceRow(row_number, error=str(exc))
            continue
        yield SourceRow(row_number, example)


def _skillskape(handle: IO[str], mapper: _LabelMapper, source: str) -> Iterator[SourceRow]:
    for row_number, row in enumerate(csv.DictReader(handle), start=1):
        raw = (row.get("skills") or "").strip()
        try:
            labels = ast.literal_eval(raw) if raw else []
        except (ValueError, SyntaxError):
            yield SourceRow(row_number, error=f"unreadable label list {raw[:80]!r}")
            continue
        if not isinstance(labels, list | tuple):
            yield SourceRow(row_number, error=f"unreadable label list {raw[:80]!r}")
            continue
        text = row.get("sentence") or ""
        yield mapper.example(row_number, text, [str(v).strip() for v in labels], source)


def _annotations(
    handle: IO[str], mapper: _LabelMapper, source: str, level: str
) -> Iterator[SourceRow]:
    sentence: str | None = None
    labels: list[str] = []
    first_row = 0
    for row_number, row in enumerate(csv.DictReader(handle), start=1):
        label = (row.get("label") or "").strip()
        if level == "span":
            yield mapper.example(row_number, row.get("span") or "", [label], source)
            continue
        # Rows of one sentence come together: one example per run of rows.
        if row.get("sentence") != sentence:
            if sentence is not None:
                yield mapper.example(first_row, sentence, labels, source)
            sentence, labels, first_row = row.get("sentence") or "", [], row_number
        labels.append(label)
    if sentence is not None and level == "sentence":
        yield mapper.example(first_row, sentence, labels, source)


def _benchmark(raw: IO[bytes], mapper: _LabelMapper, source: str) -> Iterator[SourceRow]:
    for row_number, _, record in json_objects(raw, MAX_LINE_BYTES):
        if isinstance(record, str):
            yield SourceRow(row_number, error=record)
            continue
        text, labels = record.get("sentence"), record.get("gold_esco_labels")
        if not isinstance(text, str) or not isinstance(labels, list):
            yield SourceRow(row_number, error="needs a sentence and a gold_esco_labels list")
            continue
        yield mapper.example(row_number, text, [str(v) for v in labels], source)


def _decodable(row: SourceRow) -> SourceRow:
    """``row``, or an error row if its text holds bytes that are not UTF-8 (read as surrogates,
    so that one bad record costs only itself)."""
    if row.example is None:
        return row
    try:
        row.example.text.encode("utf-8")
    except UnicodeEncodeError:
        return SourceRow(row.row_number, error="the text has bytes that are not UTF-8")
    return row


def _open_bytes(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        # A binary stream, which typeshed does not derive from typing.IO.
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def _text(raw: IO[bytes]) -> IO[str]:
    # Undecodable bytes come through as surrogates, so that one bad record costs only itself.
    return io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")


def _open(path: Path) -> IO[str]:
    return _text(_open_bytes(path))
