"""Job-ad text into sentences with character offsets.

Job ads are lists more than prose: line breaks and bullet marks end a unit even without a full
stop, so lines and bullet items are split first and spaCy's rule-based sentencizer then splits
each of them. Every sentence keeps ``text == source[start:end]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy

# Bullet glyphs that separate items even inside one line ("Skills: • Python • SQL").
_INLINE_BULLETS = "•·▪◦●■►▸✓✔➢➤"
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\v\f]")
_INLINE_SPLIT = re.compile(rf"\s[{_INLINE_BULLETS}]\s|\t|\s{{2,}}[-\u2013\u2014*]\s")
# A list marker at the start of an item: bullets, dashes, "1.", "2)", "a)", "(iv)".
_LEADING_MARKER = re.compile(
    rf"\s*(?:[{_INLINE_BULLETS}*\-\u2013\u2014+>]+|\(?(?:\d{{1,2}}|[a-zA-Z]|[ivxIVX]{{1,4}})[.)])\s+"
)
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


class Segmenter:
    """Splits texts into sentences; one instance is safe to reuse across texts."""

    def __init__(self, max_sentence_chars: int = 2_000) -> None:
        self.max_sentence_chars = max_sentence_chars
        self._nlp = spacy.blank("en")
        self._nlp.add_pipe("sentencizer")

    def split(self, text: str) -> list[Sentence]:
        return next(iter(self.split_many([text])))

    def split_many(self, texts: Iterable[str]) -> Iterator[list[Sentence]]:
        """Sentences of each text, in order; the spaCy work is batched across texts."""
        for text in texts:
            items = list(_items(text))
            sentences: list[Sentence] = []
            docs = self._nlp.pipe(text[start:end] for start, end in items)
            for (offset, _), doc in zip(items, docs, strict=True):
                for sent in doc.sents:
                    start = offset + sent.start_char
                    end = offset + sent.end_char
                    sentences.extend(self._bounded(text, start, end))
            yield sentences

    def _bounded(self, text: str, start: int, end: int) -> Iterator[Sentence]:
        """Trim, drop units without words, and cut overlong units at whitespace."""
        while start < end:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                return
            cut = end
            if cut - start > self.max_sentence_chars:
                limit = start + self.max_sentence_chars
                space = text.rfind(" ", start + 1, limit)
                cut = space if space > start else limit
            if _HAS_WORD.search(text, start, cut):
                yield Sentence(text[start:cut], start, cut)
            start = cut


def _items(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line or bullet item, list markers removed."""
    position = 0
    for line_end in [m.start() for m in _LINE_BREAKS.finditer(text)] + [len(text)]:
        line_start = position
        position = line_end + (2 if text.startswith("\r\n", line_end) else 1)
        piece_start = line_start
        for match in _INLINE_SPLIT.finditer(text, line_start, line_end):
            yield from _strip_marker(text, piece_start, match.start())
            piece_start = match.end()
        yield from _strip_marker(text, piece_start, line_end)


def _strip_marker(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    marker = _LEADING_MARKER.match(text, start, end)
    if marker:
        start = marker.end()
    if _HAS_WORD.search(text, start, end):
        yield start, end
