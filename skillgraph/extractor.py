"""Job text to ESCO skills: sentences, candidates per sentence, merged per text.

What comes back depends on the :mod:`mode <skillgraph.modes>`: a ranking, the skills above a
threshold, or the default extraction mode (:mod:`skillgraph.extraction`). In the ranking and
threshold modes each sentence is queried whole and through its phrases (see
:mod:`skillgraph.phrases`); a skill found in several sentences appears once, with its best score
and that sentence as evidence. Results per sentence are cached, so repeated sentences cost once.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from ontology import EscoTaxonomy, Skill
from skillgraph.cache import SentenceCache
from skillgraph.config import ExtractionSettings
from skillgraph.encoders import Encoder
from skillgraph.errors import InputError, TextTooLongError
from skillgraph.extraction import Accepted, SpanExtraction
from skillgraph.modes import Extraction, Mode, Threshold, resolve_mode
from skillgraph.phrases import phrases
from skillgraph.records import ModelStamp, SkillMatch
from skillgraph.reranking import Reranker
from skillgraph.retrieval import Candidate, Retriever, merge_weighted
from skillgraph.segmentation import Segmenter, Sentence
from skillgraph.spans import Span


def skill_label(skill: Skill) -> str:
    """The preferred label, or the best stand-in where ESCO's is unknown."""
    return skill.preferred_label or (skill.alt_labels[0] if skill.alt_labels else skill.uri)


class SkillExtractor:
    def __init__(
        self,
        taxonomy: EscoTaxonomy,
        encoder: Encoder,
        retriever: Retriever,
        segmenter: Segmenter,
        settings: ExtractionSettings,
        spans: SpanExtraction | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.retriever = retriever
        self.segmenter = segmenter
        self.settings = settings
        self.spans = spans
        self.reranker = reranker
        self._ranked: SentenceCache[list[Candidate]] = SentenceCache(settings.cache_size)

    @property
    def esco_version(self) -> str:
        return self.taxonomy.release.version

    def mode(self, top_k: int | None = None, min_score: float | None = None) -> Mode:
        """The mode that user parameters ask for (validated)."""
        return resolve_mode(top_k, min_score, self.settings, spans=self.spans is not None)

    def model(self, mode: Mode) -> ModelStamp:
        """The model whose results ``mode`` returns: the one-pass reader in the extraction
        mode (its fingerprint covers the encoder trunk), else the encoder (with the re-ranker
        that orders its results, whose fingerprint joins the encoder's)."""
        if isinstance(mode, Extraction) and self.spans is not None:
            reader = self.spans.reader
            return ModelStamp(reader.name, reader.fingerprint)
        if self.reranker is not None:
            fingerprint = f"{self.encoder.fingerprint}/{self.reranker.fingerprint}"
            return ModelStamp(self.encoder.name, fingerprint)
        return ModelStamp(self.encoder.name, self.encoder.fingerprint)

    def clear_cache(self) -> None:
        """Forget every cached sentence result (e.g. to time extraction from scratch)."""
        self._ranked.clear()
        if self.spans is not None:
            self.spans.cache.clear()

    def check_text(self, text: object) -> str:
        """Return ``text`` if it can be extracted from, else raise :class:`InputError`."""
        if not isinstance(text, str):
            raise InputError(f"text must be a string, got {type(text).__name__}")
        if not text.strip():
            raise InputError("text is empty")
        if len(text) > self.settings.max_text_chars:
            raise TextTooLongError(len(text), self.settings.max_text_chars)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # JSON's "\ud800" decodes to one; spaCy cannot take it
            raise InputError(
                f"text is not valid Unicode: an unpaired surrogate at character {exc.start}"
            ) from None
        return text

    def extract(self, text: str, mode: Mode | None = None) -> list[SkillMatch]:
        return self.extract_many([text], mode)[0]

    def extract_many(
        self, texts: Sequence[str], mode: Mode | None = None
    ) -> list[list[SkillMatch]]:
        """Skills of each text (default: the extraction mode); the sentences of all texts are
        processed together."""
        mode = mode or self.mode()
        for text in texts:
            self.check_text(text)
        per_text = list(self.segmenter.split_many(texts))
        if isinstance(mode, Extraction):
            if self.spans is None:
                raise InputError("the extraction mode needs a span model (spans.model)")
            found = self.spans.extract_sentences(per_text, mode.max_skills, mode.threshold)
            return [[self._accepted_match(a) for a in accepted] for accepted in found]
        top_k = mode.top_k
        min_score = mode.min_score if isinstance(mode, Threshold) else None
        sentences = [s for text_sentences in per_text for s in text_sentences]
        candidates = self._sentence_candidates(sentences, top_k, min_score)
        results = []
        position = 0
        for text_sentences in per_text:
            chunk = candidates[position : position + len(text_sentences)]
            results.append(self._merge(text_sentences, chunk, top_k, min_score))
            position += len(text_sentences)
        return results

    def tag_spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """The skill spans of each text (offsets in it), from the tagger the extraction mode
        reads sentences with; sentences of all texts are read together."""
        for text in texts:
            self.check_text(text)
        if self.spans is None:
            raise InputError("span tagging needs a span model (spans.model)")
        per_text = list(self.segmenter.split_many(texts))
        found = iter(self.spans.spans([s for sentences in per_text for s in sentences]))
        return [
            [span.shifted(sentence.start) for sentence in sentences for span in next(found)]
            for sentences in per_text
        ]

    def rank_sentences(self, sentences: Sequence[str], top_k: int) -> list[list[Candidate]]:
        """The ``top_k`` skills of each sentence as given (no segmentation); for benchmarks."""
        units = [Sentence(text, 0, len(text)) for text in sentences]
        return self._sentence_candidates(units, top_k)

    def _sentence_candidates(
        self, sentences: Sequence[Sentence], top_k: int, min_score: float | None = None
    ) -> list[list[Candidate]]:
        """Best skills per sentence, through the cache (a sentence's result is its text's)."""
        reranker = self.reranker.fingerprint if self.reranker else None
        state: Hashable = (
            self.encoder.fingerprint,
            self.retriever.version(),
            reranker,
            top_k,
            min_score,
        )
        keys = [(state, s.text) for s in sentences]
        texts = {key: s.text for key, s in zip(keys, sentences, strict=True)}
        return self._ranked.get_many(
            keys, lambda missing: self._rank([texts[k] for k in missing], top_k, min_score)
        )

    def _rank(
        self, texts: Sequence[str], top_k: int, min_score: float | None
    ) -> list[list[Candidate]]:
        """Query each text with itself and each of its phrases.

        A phrase's scores count ``phrase_weight`` of their cosine: a phrase is shorter and more
        ambiguous than its sentence, so it must match clearly better to win. Repeated query
        texts (list items shared by sentences) are encoded and searched once. With a re-ranker,
        each sentence's best ``depth`` skills are re-ordered by it before the cut to ``top_k``.
        """
        depth = max(top_k, self.reranker.depth) if self.reranker else top_k
        weight = self.settings.phrase_weight
        queries: dict[str, float] = {}  # text -> the largest factor any owner gives it
        owners: list[tuple[int, str, float]] = []
        for position, text in enumerate(texts):
            units = [(text, 1.0)]
            if weight > 0:
                units += [(p.text, weight) for p in phrases(Sentence(text, 0, len(text)))]
            for unit, factor in units:
                owners.append((position, unit, factor))
                queries[unit] = max(queries.get(unit, 0.0), factor)
        unique = list(queries)
        floors = None
        if min_score is not None:
            # A query's raw cosine must reach min_score / factor to count after weighting.
            floors = np.array([min_score / queries[t] for t in unique], dtype=np.float32)
        found = self.retriever.candidates(self.encoder.encode(unique), depth, floors)
        by_text = dict(zip(unique, found, strict=True))
        merged = merge_weighted(
            [o for o, _, _ in owners],
            [f for _, _, f in owners],
            [by_text[t] for _, t, _ in owners],
            len(texts),
            depth,
            min_score,
        )
        if self.reranker is None:
            return merged
        reranker = self.reranker
        return [
            reranker.rerank(text, candidates)[:top_k]
            for text, candidates in zip(texts, merged, strict=True)
        ]

    def _accepted_match(self, accepted: Accepted) -> SkillMatch:
        proposal = accepted.proposal
        skill = self.taxonomy.skill(proposal.candidate.skill_uri)
        sentence = proposal.sentence
        return SkillMatch(
            uri=skill.uri,
            label=skill_label(skill),
            score=proposal.candidate.score,
            skill_type=skill.skill_type,
            sentence=sentence.text,
            start=sentence.start,
            end=sentence.end,
            evidence=proposal.candidate.evidence,
            probability=accepted.probability,
            span_text=proposal.text,
            span_start=proposal.start,
            span_end=proposal.end,
        )

    def _merge(
        self,
        sentences: Sequence[Sentence],
        candidates: Sequence[Sequence[Candidate]],
        top_k: int,
        min_score: float | None,
    ) -> list[SkillMatch]:
        best: dict[str, tuple[Candidate, Sentence]] = {}
        for sentence, sentence_candidates in zip(sentences, candidates, strict=True):
            for candidate in sentence_candidates:
                if min_score is not None and candidate.score < min_score:
                    continue  # re-ranked candidates are not in the order of their scores
                held = best.get(candidate.skill_uri)
                if held is None or _merit(candidate) > _merit(held[0]):
                    best[candidate.skill_uri] = (candidate, sentence)
        ranked = sorted(best.values(), key=lambda pair: -_merit(pair[0]))[:top_k]
        matches = []
        for candidate, sentence in ranked:
            skill = self.taxonomy.skill(candidate.skill_uri)
            matches.append(
                SkillMatch(
                    uri=skill.uri,
                    label=skill_label(skill),
                    score=candidate.score,
                    skill_type=skill.skill_type,
                    sentence=sentence.text,
                    start=sentence.start,
                    end=sentence.end,
                    evidence=candidate.evidence,
                    probability=candidate.probability,
                )
            )
        return matches


def _merit(candidate: Candidate) -> float:
    """What ranks a candidate: its re-ranked probability, else its score."""
    return candidate.score if candidate.probability is None else candidate.probability


__all__ = ["SkillExtractor", "skill_label"]
