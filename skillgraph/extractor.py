"""Job text to ranked ESCO skills: sentences, candidates per sentence, merged per text.

Two modes, chosen by the parameters:

* ranking (``top_k`` given, no ``min_score``): exactly the ``top_k`` best skills of the text;
* threshold (``min_score`` given): skills scoring at least ``min_score``, at most ``top_k``
  (default ``settings.top_k``);
* neither given: the default extraction mode (:mod:`skillgraph.extraction`): skill spans linked
  to ESCO and accepted by a calibrated model, at most ``settings.max_skills`` skills; without a
  span model, a threshold of ``settings.min_score`` (chosen on the validation sets).

Each sentence is queried whole and through its phrases (see :mod:`skillgraph.phrases`). A skill
found in several sentences appears once, with its best score and that sentence as evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ontology import EscoTaxonomy, Skill
from skillgraph.config import ExtractionSettings
from skillgraph.encoders import Encoder
from skillgraph.errors import InputError, TextTooLongError
from skillgraph.extraction import Accepted, SentenceRanker, SpanExtraction
from skillgraph.memory import MemoryRetriever, SupportedCandidate
from skillgraph.phrases import phrases
from skillgraph.records import Evidence, SkillMatch
from skillgraph.retrieval import Candidate, SkillRetriever
from skillgraph.segmentation import Segmenter, Sentence

MAX_TOP_K = 1_000


@dataclass(frozen=True, slots=True)
class Selection:
    """How many skills to keep and from which score on."""

    top_k: int
    min_score: float | None


def skill_label(skill: Skill) -> str:
    """The preferred label, or the best stand-in where ESCO's is unknown."""
    return skill.preferred_label or (skill.alt_labels[0] if skill.alt_labels else skill.uri)


class SkillExtractor:
    def __init__(
        self,
        taxonomy: EscoTaxonomy,
        encoder: Encoder,
        retriever: SkillRetriever | MemoryRetriever,
        segmenter: Segmenter,
        settings: ExtractionSettings,
    ) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.retriever = retriever
        self.segmenter = segmenter
        self.settings = settings
        self.spans: SpanExtraction | None = None

    def enable_spans(self, factory: Callable[[SentenceRanker], SpanExtraction]) -> None:
        """Make the default mode span extraction; ``factory`` gets this extractor's ranker."""
        self.spans = factory(self._sentence_candidates)

    @property
    def esco_version(self) -> str:
        return self.taxonomy.release.version

    def selection(self, top_k: int | None = None, min_score: float | None = None) -> Selection:
        """Resolve the mode's defaults and validate the parameters."""
        if top_k is not None and not 1 <= top_k <= MAX_TOP_K:
            raise InputError(f"top_k must be between 1 and {MAX_TOP_K}, got {top_k}")
        if min_score is not None and not -1.0 <= min_score <= 1.0:
            raise InputError(f"min_score must be between -1 and 1, got {min_score}")
        if top_k is None and min_score is None:
            return Selection(self.settings.max_skills, self.settings.min_score)
        return Selection(top_k or self.settings.top_k, min_score)

    def check_text(self, text: object) -> str:
        """Return ``text`` if it can be extracted from, else raise :class:`InputError`."""
        if not isinstance(text, str):
            raise InputError(f"text must be a string, got {type(text).__name__}")
        if not text.strip():
            raise InputError("text is empty")
        if len(text) > self.settings.max_text_chars:
            raise TextTooLongError(len(text), self.settings.max_text_chars)
        return text

    def extract(
        self, text: str, top_k: int | None = None, min_score: float | None = None
    ) -> list[SkillMatch]:
        return self.extract_many([text], top_k, min_score)[0]

    def extract_many(
        self, texts: Sequence[str], top_k: int | None = None, min_score: float | None = None
    ) -> list[list[SkillMatch]]:
        """Skills of each text; the sentences of all texts are encoded in one batch."""
        selection = self.selection(top_k, min_score)
        for text in texts:
            self.check_text(text)
        per_text = list(self.segmenter.split_many(texts))
        if self.spans is not None and top_k is None and min_score is None:
            found = self.spans.extract_sentences(per_text, selection.top_k)
            return [[self._accepted_match(a) for a in accepted] for accepted in found]
        sentences = [s for text_sentences in per_text for s in text_sentences]
        candidates = self._sentence_candidates(sentences, selection.top_k, selection.min_score)
        results = []
        position = 0
        for text_sentences in per_text:
            found = candidates[position : position + len(text_sentences)]
            results.append(self._merge(text_sentences, found, selection))
            position += len(text_sentences)
        return results

    def rank_sentences(self, sentences: Sequence[str], top_k: int) -> list[list[Candidate]]:
        """The ``top_k`` skills of each sentence as given (no segmentation); for benchmarks."""
        units = [Sentence(text, 0, len(text)) for text in sentences]
        return self._sentence_candidates(units, top_k)

    def _sentence_candidates(
        self, sentences: Sequence[Sentence], top_k: int, min_score: float | None = None
    ) -> list[list[Candidate]]:
        """Best skills per sentence, querying with the sentence and each of its phrases.

        A phrase's scores count ``phrase_weight`` of their cosine: a phrase is shorter and more
        ambiguous than its sentence, so it must match clearly better to win. Repeated query
        texts (list items, boilerplate shared by ads of a batch) are encoded and searched once.
        """
        weight = self.settings.phrase_weight
        queries: dict[str, float] = {}  # text -> the largest factor any owner gives it
        owners: list[tuple[int, str, float]] = []
        for position, sentence in enumerate(sentences):
            units = [(sentence.text, 1.0)]
            if weight > 0:
                units += [(phrase.text, weight) for phrase in phrases(sentence)]
            for text, factor in units:
                owners.append((position, text, factor))
                queries[text] = max(queries.get(text, 0.0), factor)
        texts = list(queries)
        floors = None
        if min_score is not None:
            # A query's raw cosine must reach min_score / factor to count after weighting.
            floors = np.array([min_score / queries[t] for t in texts], dtype=np.float32)
        found = self.retriever.candidates(self.encoder.encode(texts), top_k, floors)
        by_text = dict(zip(texts, found, strict=True))
        best: list[dict[str, Candidate]] = [{} for _ in sentences]
        for position, text, factor in owners:
            held = best[position]
            for candidate in by_text[text]:
                score = candidate.score * factor
                if min_score is not None and score < min_score:
                    continue
                if candidate.skill_uri not in held or score > held[candidate.skill_uri].score:
                    held[candidate.skill_uri] = replace(candidate, score=score)
        return [sorted(b.values(), key=lambda c: -c.score)[:top_k] for b in best]

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
            evidence=_evidence(proposal.candidate),
            probability=accepted.probability,
            span_text=proposal.text,
            span_start=proposal.start,
            span_end=proposal.end,
        )

    def _merge(
        self,
        sentences: Sequence[Sentence],
        candidates: Sequence[Sequence[Candidate]],
        selection: Selection,
    ) -> list[SkillMatch]:
        best: dict[str, tuple[Candidate, Sentence]] = {}
        for sentence, sentence_candidates in zip(sentences, candidates, strict=True):
            for candidate in sentence_candidates:
                if selection.min_score is not None and candidate.score < selection.min_score:
                    break  # candidates are sorted best first
                held = best.get(candidate.skill_uri)
                if held is None or candidate.score > held[0].score:
                    best[candidate.skill_uri] = (candidate, sentence)
        ranked = sorted(best.values(), key=lambda pair: -pair[0].score)[: selection.top_k]
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
                    evidence=_evidence(candidate),
                )
            )
        return matches


def _evidence(candidate: Candidate) -> tuple[Evidence, ...]:
    """The stored examples that raised the candidate's score (none without a memory)."""
    return candidate.evidence if isinstance(candidate, SupportedCandidate) else ()
