"""The default extraction mode: skill spans, linked to ESCO, accepted by a calibrated model.

One reader pass per sentence (:mod:`skillgraph.reader`) gives its vector, its skill spans and
their query vectors. Each span is searched in the ESCO index (and the example memory, when
there is one) and its best candidates are described by
:class:`~skillgraph.calibration.CandidateFacts`, with the sentence's own scores as context
(its whole vector: querying its phrases too, as the ranking mode does, doubled the searches
for no gain on validation, docs/benchmarks.md). A sentence with no span may still imply a
skill ("you will lead a team of five"): its own best candidates go through a separate, stricter
model. The calibrated probability decides; a skill found in several sentences is reported once,
with its most probable evidence span.

A sentence's proposals and their probabilities depend only on its text, so repeated sentences
(boilerplate shared by the ads of a board) are computed once (:class:`~skillgraph.cache.
SentenceCache`), keyed also by the reader's weights and the retriever's state.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ontology import EscoTaxonomy
from skillgraph.cache import SentenceCache, sentence_key
from skillgraph.calibration import Calibrator, CandidateFacts
from skillgraph.config import SpanSettings
from skillgraph.errors import CalibrationMissingError
from skillgraph.label_overlap import LabelOverlap, content_words
from skillgraph.reader import Reader, Reading
from skillgraph.retrieval import Candidate, Retriever
from skillgraph.segmentation import Sentence
from skillgraph.spans import Span

log = logging.getLogger(__name__)

# The sentence's candidates a span's skill is looked up in (for the sentence_score feature).
_CONTEXT_DEPTH = 20


@dataclass(frozen=True, slots=True)
class Proposal:
    """A candidate skill for one sentence, with its evidence (absolute offsets in the text)."""

    candidate: Candidate
    facts: CandidateFacts
    sentence: Sentence
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Accepted:
    proposal: Proposal
    probability: float


@dataclass(frozen=True, slots=True)
class _Local:
    """A proposal with offsets in its sentence, as cached; probability NaN when uncalibrated."""

    candidate: Candidate
    facts: CandidateFacts
    start: int
    end: int
    probability: float

    def placed(self, sentence: Sentence) -> Proposal:
        text = sentence.text[self.start : self.end]
        start = sentence.start + self.start
        return Proposal(self.candidate, self.facts, sentence, start, start + len(text), text)


class SpanExtraction:
    def __init__(
        self,
        taxonomy: EscoTaxonomy,
        reader: Reader,
        retriever: Retriever,
        calibrator: Calibrator | None,
        settings: SpanSettings,
        cache_size: int = 0,
    ) -> None:
        self.taxonomy = taxonomy
        self.reader = reader
        self.retriever = retriever
        self.calibrator = calibrator
        self.settings = settings
        self.threshold = settings.threshold or (calibrator.threshold if calibrator else 0.5)
        self.cache: SentenceCache[list[_Local]] = SentenceCache(cache_size)
        self.label_overlap = LabelOverlap(retriever.index.rows)
        fitted_for = calibrator.details.get("encoder") if calibrator else None
        if fitted_for and fitted_for != reader.name:
            log.warning(
                "the extraction calibration was fitted for %s, not %s: probabilities may be off "
                "until `skillgraph calibrate` is run for this reader",
                fitted_for,
                reader.name,
            )

    # -- proposing -----------------------------------------------------------------------

    def proposals(self, sentences: Sequence[Sentence]) -> list[list[Proposal]]:
        """Every candidate of every sentence, before any decision (not cached)."""
        texts = list(dict.fromkeys(s.text for s in sentences))
        local = dict(zip(texts, self._propose(texts), strict=True))
        return [[p.placed(s) for p in local[s.text]] for s in sentences]

    def _propose(self, texts: Sequence[str]) -> list[list[_Local]]:
        if not texts:
            return []
        readings = self.reader.read(texts)
        context, by_span = self._search(readings)
        results = []
        for i, (text, reading, own) in enumerate(zip(texts, readings, context, strict=True)):
            scores = {c.skill_uri: c.score for c in own}
            floor = own[-1].score if own else 0.0
            proposed: list[_Local] = []
            for j, span in enumerate(reading.spans):
                proposed += self._proposals(
                    "span",
                    by_span[(i, j)],
                    span,
                    scores,
                    floor,
                    len(reading.spans),
                    self.settings.candidates_per_span,
                )
            keep = (
                self.settings.candidates_per_span_sentence
                if reading.spans
                else self.settings.candidates_per_sentence
            )
            if keep:
                whole = Span(0, len(text), text, reading.peak)
                proposed += self._proposals(
                    "sentence", own, whole, scores, floor, len(reading.spans), keep
                )
            results.append(proposed)
        return self._scored(results)

    def _search(
        self, readings: Sequence[Reading]
    ) -> tuple[list[list[Candidate]], dict[tuple[int, int], list[Candidate]]]:
        """Every query of the batch in one search: each sentence's own best candidates, and
        each (sentence, span)'s."""
        spans = [(i, j) for i, r in enumerate(readings) for j in range(len(r.spans))]
        vectors = [r.vector for r in readings] + [readings[i].span_vectors[j] for i, j in spans]
        depth = self.settings.candidates_per_span + 1  # one more, for the last one's margin
        depths = [_CONTEXT_DEPTH] * len(readings) + [depth] * len(spans)
        found = self.retriever.candidates(np.stack(vectors), depths)
        return found[: len(readings)], dict(zip(spans, found[len(readings) :], strict=True))

    def _proposals(
        self,
        path: str,
        candidates: Sequence[Candidate],
        span: Span,
        sentence_scores: dict[str, float],
        floor: float,
        spans_in_sentence: int,
        keep: int,
    ) -> list[_Local]:
        texts = self.retriever.index.rows.texts
        words = content_words(span.text)
        proposals = []
        for rank, candidate in enumerate(candidates[:keep]):
            overlap = self.label_overlap(words, candidate.skill_uri)
            following = candidates[rank + 1].score if rank + 1 < len(candidates) else floor
            skill = self.taxonomy.skill(candidate.skill_uri)
            facts = CandidateFacts(
                path=path,
                score=candidate.score,
                rank=rank,
                margin=candidate.score - following,
                gap_to_best=candidates[0].score - candidate.score,
                sentence_score=sentence_scores.get(candidate.skill_uri, floor),
                in_sentence=candidate.skill_uri in sentence_scores,
                confidence=span.confidence,
                query_text=span.text,
                matched_text=texts[candidate.row],
                kind=candidate.kind,
                skill_type=skill.skill_type,
                reuse_level=skill.reuse_level,
                spans_in_sentence=spans_in_sentence,
                label_overlap=overlap.best,
                labels=overlap.labels,
            )
            proposals.append(_Local(candidate, facts, span.start, span.end, float("nan")))
        return proposals

    def _scored(self, proposed: list[list[_Local]]) -> list[list[_Local]]:
        """``proposed`` with calibrated probabilities, all sentences in one model call."""
        if self.calibrator is None:
            return proposed
        flat = [p for sentence in proposed for p in sentence]
        probabilities = iter(self.calibrator.probabilities([p.facts for p in flat]).tolist())
        return [
            [_Local(p.candidate, p.facts, p.start, p.end, next(probabilities)) for p in sentence]
            for sentence in proposed
        ]

    def spans(self, sentences: Sequence[Sentence]) -> list[tuple[Span, ...]]:
        """Each sentence's skill spans, offsets in the sentence (repeats read once)."""
        texts = list(dict.fromkeys(s.text for s in sentences))
        found = dict(zip(texts, (r.spans for r in self.reader.read(texts)), strict=True))
        return [found[s.text] for s in sentences]

    # -- deciding ------------------------------------------------------------------------

    def extract_sentences(
        self,
        per_text: Sequence[Sequence[Sentence]],
        max_skills: int,
        threshold: float | None = None,
    ) -> list[list[Accepted]]:
        """Accepted skills of each text (its sentences given); sentences seen before come from
        the cache, the others are read together. ``threshold`` replaces the probability a
        skill needs (default: this extraction's own)."""
        if self.calibrator is None:
            raise CalibrationMissingError(
                "the span model has no calibration; run `skillgraph calibrate` first"
            )
        sentences = [s for text_sentences in per_text for s in text_sentences]
        state = (self.reader.fingerprint, self.retriever.version())
        keys = [(state, sentence_key(s.text, self.reader.uncased)) for s in sentences]
        representative = {key: s.text for key, s in zip(keys, sentences, strict=True)}
        found = self.cache.get_many(
            keys, lambda missing: self._propose([representative[k] for k in missing])
        )
        results, position = [], 0
        for text_sentences in per_text:
            chunk = found[position : position + len(text_sentences)]
            results.append(self._accept(text_sentences, chunk, max_skills, threshold))
            position += len(text_sentences)
        return results

    def _accept(
        self,
        sentences: Sequence[Sentence],
        proposed: Sequence[Sequence[_Local]],
        max_skills: int,
        threshold: float | None = None,
    ) -> list[Accepted]:
        """One text's proposals at or above the threshold, one per skill (its most probable
        evidence), most probable first."""
        threshold = self.threshold if threshold is None else threshold
        best: dict[str, tuple[_Local, Sentence]] = {}
        for sentence, candidates in zip(sentences, proposed, strict=True):
            for local in candidates:
                if local.probability < threshold:
                    continue
                held = best.get(local.candidate.skill_uri)
                if held is None or local.probability > held[0].probability:
                    best[local.candidate.skill_uri] = (local, sentence)
        accepted = [Accepted(local.placed(s), local.probability) for local, s in best.values()]
        accepted.sort(key=lambda a: (-a.probability, a.proposal.start))
        return accepted[:max_skills]
