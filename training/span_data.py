"""Span-annotated sentences (NNOSE's unified BIO format) for training the span tagger.

One JSON object per line: ``{"idx", "tokens": [...], "tags_skill": ["O", "B", "I", ...]}``, and
in SkillSpan's own release also ``tags_knowledge``. Skill and knowledge spans are one class here:
the span marks *what* is asked for, ESCO says which kind it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from skillgraph.errors import SkillgraphError

TAG_LAYERS = ("tags_skill", "tags_knowledge")


class SpanDataError(SkillgraphError, ValueError):
    """A span file is malformed."""


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]  # "O", "B" or "I" per token
    posting: int = -1  # the ``idx`` of the posting the sentence comes from
    source: str = ""

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(first, last + 1) token positions of each span."""
        return bio_spans(self.tags)


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int]]:
    """Spans of a BIO sequence; an ``I`` with no open span starts one (the usual lenient read)."""
    spans: list[tuple[int, int]] = []
    start = None
    for position, tag in enumerate(tags):
        if tag == "B" or (tag == "I" and start is None):
            if start is not None:
                spans.append((start, position))
            start = position
        elif tag == "O" and start is not None:
            spans.append((start, position))
            start = None
    if start is not None:
        spans.append((start, len(tags)))
    return spans


def merge_layers(layers: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """One BIO layer from several (skill, knowledge): a token inside any span is inside."""
    layers = [[t.split("-")[0] for t in layer] for layer in layers]
    merged = []
    for tags in zip(*layers, strict=True):
        if "B" in tags:
            merged.append("B")
        elif "I" in tags:
            merged.append("I")
        else:
            merged.append("O")
    return tuple(merged)


def read_tagged(path: Path, source: str = "") -> Iterator[TaggedSentence]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                tokens = tuple(str(t) for t in row["tokens"])
                tags = merge_layers(row[k] for k in TAG_LAYERS if k in row)
            except (ValueError, KeyError, TypeError) as exc:
                raise SpanDataError(f"{path}:{number}: {exc}") from None
            if len(tags) != len(tokens):
                raise SpanDataError(f"{path}:{number}: {len(tokens)} tokens, {len(tags)} tags")
            if tokens:
                yield TaggedSentence(
                    tokens, tags, int(row.get("idx", -1)), str(row.get("source", source))
                )


def read_span_sets(root: Path, names: Sequence[str], split: str) -> list[TaggedSentence]:
    """``root/<name>/<split>.json`` for each name (e.g. NNOSE's skillspan, green, sayfullina)."""
    found: list[TaggedSentence] = []
    for name in names:
        found.extend(read_tagged(root / name / f"{split}.json", source=name))
    return found
