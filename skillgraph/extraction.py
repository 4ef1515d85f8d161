"""The default extraction mode: skill spans, linked to ESCO, accepted by a calibrated model.

For each sentence the span tagger marks skill and knowledge spans; each span is searched in the
ESCO index (and the example memory, when there is one) and its best candidates are described by
:class:`~skillgraph.calibration.CandidateFacts`, with the sentence's own score for each skill as
context. A sentence with no span may still imply a skill ("you will lead a team of five"): its
own best candidates go through a separate, stricter model. The calibrated probability decides;
a skill found in several sentences is reported once, with its most probable evidence span.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ontology import EscoTaxonomy
from skillgraph.calibration import Calibrator, CandidateFacts
from skillgraph.config import Settings, SpanSettings
from skillgraph.encoders import Encoder
from skillgraph.index import IndexRows
from skillgraph.memory import MemoryRetriever
from skillgraph.retrieval import Candidate, SkillRetriever
from skillgraph.segmentation import Sentence
from skillgraph.spans import CALIBRATION_FILE, Span, SpanTagger, span_model_dir

log = logging.getLogger(__name__)

# The sentence's candidates a span's skill is looked up in (for the sentence_score feature).
_CONTEXT_DEPTH = 20

SentenceRanker = Callable[[Sequence[Sentence], int], list[list[Candidate]]]


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


class SpanExtraction:
    def __init__(
        self,
        taxonomy: EscoTaxonomy,
        encoder: Encoder,
        retriever: SkillRetriever | MemoryRetriever,
        tagger: SpanTagger,
        calibrator: Calibrator | None,
        rank_sentences: SentenceRanker,
        settings: SpanSettings,
    ) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.retriever = retriever
        self.tagger = tagger
        self.calibrator = calibrator
        self.rank_sentences = rank_sentences
        self.settings = settings
        # Without a calibrator, proposals only (what training the calibration needs).
        self.threshold = settings.threshold or (calibrator.threshold if calibrator else 0.5)
        fitted_for = calibrator.details.get("encoder") if calibrator else None
        if fitted_for and fitted_for != encoder.name:
            log.warning(
                "the extraction calibration was fitted for %s, not %s: probabilities may be off "
                "until `skillgraph calibrate` is run for this encoder",
                fitted_for,
                encoder.name,
            )

    @property
    def rows(self) -> IndexRows:
        return self.retriever.index.rows

    def proposals(self, sentences: Sequence[Sentence]) -> list[list[Proposal]]:
        """Every candidate of every sentence, before any decision."""
        if not sentences:
            return []
        tagged = self.tagger.tag([s.text for s in sentences])
        context = self.rank_sentences(sentences, _CONTEXT_DEPTH)
        span_texts = list(dict.fromkeys(sp.text for t in tagged for sp in t.spans))
        depth = self.settings.candidates_per_span + 1  # one more, for the last one's margin
        found: dict[str, list[Candidate]] = {}
        if span_texts:
            vectors = self.encoder.encode(span_texts)
            found = dict(zip(span_texts, self.retriever.candidates(vectors, depth), strict=True))
        results = []
        for sentence, tags, own in zip(sentences, tagged, context, strict=True):
            scores = {c.skill_uri: c.score for c in own}
            floor = own[-1].score if own else 0.0
            proposals = []
            for span in tags.spans:
                candidates = found.get(span.text, [])
                proposals += self._proposals(
                    "span",
                    candidates,
                    sentence,
                    span,
                    scores,
                    floor,
                    len(tags.spans),
                    self.settings.candidates_per_span,
                )
            keep = (
                self.settings.candidates_per_span_sentence
                if tags.spans
                else self.settings.candidates_per_sentence
            )
            if keep:
                whole = Span(0, len(sentence.text), sentence.text, tags.peak)
                proposals += self._proposals(
                    "sentence", own, sentence, whole, scores, floor, len(tags.spans), keep
                )
            results.append(proposals)
        return results

    def _proposals(
        self,
        path: str,
        candidates: Sequence[Candidate],
        sentence: Sentence,
        span: Span,
        sentence_scores: dict[str, float],
        floor: float,
        spans_in_sentence: int,
        keep: int,
    ) -> list[Proposal]:
        proposals = []
        for rank, candidate in enumerate(candidates[:keep]):
            following = candidates[rank + 1].score if rank + 1 < len(candidates) else floor
            skill = self.taxonomy.skill(candidate.skill_uri)
            in_sentence = candidate.skill_uri in sentence_scores
            facts = CandidateFacts(
                path=path,
                score=candidate.score,
                rank=rank,
                margin=candidate.score - following,
                gap_to_best=candidates[0].score - candidate.score,
                sentence_score=sentence_scores.get(candidate.skill_uri, floor),
                in_sentence=in_sentence,
                confidence=span.confidence,
                query_text=span.text,
                matched_text=self.rows.texts[candidate.row],
                kind=candidate.kind,
                skill_type=skill.skill_type,
                reuse_level=skill.reuse_level,
                spans_in_sentence=spans_in_sentence,
            )
            start = sentence.start + span.start
            proposals.append(
                Proposal(candidate, facts, sentence, start, start + len(span.text), span.text)
            )
        return proposals

    def accept(self, proposals: Sequence[Sequence[Proposal]], max_skills: int) -> list[Accepted]:
        """The proposals of one text at or above the threshold, one per skill (its most probable
        evidence), most probable first."""
        if self.calibrator is None:
            raise ValueError("span extraction without a calibration can only propose")
        flat = [p for sentence in proposals for p in sentence]
        probabilities = self.calibrator.probabilities([p.facts for p in flat])
        best: dict[str, Accepted] = {}
        for proposal, probability in zip(flat, probabilities, strict=True):
            if probability < self.threshold:
                continue
            held = best.get(proposal.candidate.skill_uri)
            if held is None or probability > held.probability:
                best[proposal.candidate.skill_uri] = Accepted(proposal, float(probability))
        ranked = sorted(best.values(), key=lambda a: (-a.probability, a.proposal.start))
        return ranked[:max_skills]

    def extract_sentences(
        self, per_text: Sequence[Sequence[Sentence]], max_skills: int
    ) -> list[list[Accepted]]:
        """Accepted skills of each text (its sentences given), all sentences tagged together."""
        sentences = [s for text_sentences in per_text for s in text_sentences]
        proposals = self.proposals(sentences)
        results = []
        position = 0
        for text_sentences in per_text:
            found = proposals[position : position + len(text_sentences)]
            results.append(self.accept(found, max_skills))
            position += len(text_sentences)
        return results


def load_span_parts(settings: Settings) -> tuple[SpanTagger, Calibrator]:
    """The span tagger and the calibration that ``settings.spans`` name."""
    model_dir = span_model_dir(settings.spans.model)
    tagger = SpanTagger(model_dir, settings.data_dir, settings.spans.threads)
    calibration = settings.spans.calibration
    path = Path(calibration).expanduser() if calibration else model_dir / CALIBRATION_FILE
    return tagger, Calibrator.load(path)


def best_probabilities(probabilities: np.ndarray, uris: Sequence[str]) -> dict[str, float]:
    """The highest probability per skill (for evaluation and training code)."""
    best: dict[str, float] = {}
    for uri, probability in zip(uris, probabilities, strict=True):
        best[uri] = max(best.get(uri, 0.0), float(probability))
    return best
