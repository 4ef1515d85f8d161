"""SkillGraph from Python: load once, then extract, rank, tag spans and look up ESCO.

>>> import skillgraph
>>> sg = skillgraph.load()                       # the shipped default, offline
>>> sg.extract("You will build REST APIs in Python.").skills[0].label
'Python (computer programming)'
>>> results = sg.extract(["Python and SQL.", float("nan")])   # one result per input
>>> results[1].error
'text must be a string, got float'

A bad input gives an error result in its place; it never fails the other inputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from ontology import LabelHit, Occupation, Skill
from skillgraph.config import load_settings
from skillgraph.errors import InputError, SkillgraphError
from skillgraph.modes import Mode, Ranking
from skillgraph.occupations import OccupationContext, OccupationMatch, occupation_context
from skillgraph.rdf import (
    DEFAULT_BASE_IRI,
    DEFAULT_DATASET,
    ExtractionRun,
    IriScheme,
    PostingConverter,
    PostingRecord,
)
from skillgraph.records import ModelStamp, SkillMatch
from skillgraph.runtime import SkillGraph
from skillgraph.spans import Span

if TYPE_CHECKING:
    import rdflib

__all__ = ["ExtractResult", "Pipeline", "SpansResult", "load"]

BATCH_SIZE = 64  # texts read together: big enough to batch sentences, small enough to stream


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """The skills of one input, or why there are none (``error``)."""

    index: int  # the input's position
    text: str | None  # None when the input was not text
    skills: tuple[SkillMatch, ...]
    model: ModelStamp
    esco_version: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "index": self.index,
            "esco_version": self.esco_version,
            "model": self.model.name,
            "model_fingerprint": self.model.fingerprint,
            "skills": [skill.to_dict() for skill in self.skills],
        }
        if self.error is not None:
            found["error"] = self.error
        return found

    def to_rdflib(
        self,
        posting_id: str | None = None,
        *,
        base_iri: str = DEFAULT_BASE_IRI,
        dataset: str = DEFAULT_DATASET,
    ) -> rdflib.Graph:
        """The posting's named graph, as ``skillgraph export postings`` writes it: the posting
        (``posting_id``, default its index), each skill's extraction with its evidence, and the
        run that made them."""
        from skillgraph.rdf.rdflib_graph import to_rdflib  # rdflib loads when asked for

        converter = PostingConverter(
            IriScheme(base_iri, dataset),
            ExtractionRun(model=self.model.name, fingerprint=self.model.fingerprint),
        )
        record = PostingRecord(
            str(self.index) if posting_id is None else posting_id,
            self.esco_version,
            self.skills,
            model=self.model,
        )
        chunk, _ = converter.convert(record)
        return to_rdflib(chunk)


@dataclass(frozen=True, slots=True)
class SpansResult:
    """The skill spans of one input (offsets in its text), or why there are none."""

    index: int
    text: str | None
    spans: tuple[Span, ...]
    model: ModelStamp
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "index": self.index,
            "model": self.model.name,
            "model_fingerprint": self.model.fingerprint,
            "spans": [span.to_dict() for span in self.spans],
        }
        if self.error is not None:
            found["error"] = self.error
        return found


class Pipeline:
    """A loaded SkillGraph: the ESCO taxonomy, the encoder, the index and the span reader."""

    def __init__(self, graph: SkillGraph) -> None:
        self.graph = graph

    @property
    def esco_version(self) -> str:
        return self.graph.taxonomy.release.version

    # A str is also an Iterable: the str overloads come first and win (an intended overlap).
    @overload
    def extract(  # type: ignore[overload-overlap]
        self, texts: str, *, top_k: int | None = ..., min_score: float | None = ...
    ) -> ExtractResult: ...
    @overload
    def extract(
        self, texts: Iterable[object], *, top_k: int | None = ..., min_score: float | None = ...
    ) -> list[ExtractResult]: ...
    def extract(self, texts, *, top_k=None, min_score=None):
        """The skills of one text, or of each of many (a result per input, in order).

        Default: the extraction mode (spans, linking, calibrated probabilities); ``top_k``
        ranks the k best skills per sentence, ``min_score`` keeps every skill above a cosine.
        """
        mode = self.graph.extractor.mode(top_k, min_score)
        if isinstance(texts, str):
            return self._extract([texts], mode)[0]
        return self._extract(list(texts), mode)

    def rank(self, text: str, top_k: int = 5) -> ExtractResult:
        """The ``top_k`` best ESCO skills of each sentence of ``text``, merged."""
        return self._extract([text], Ranking(top_k))[0]

    @overload
    def spans(self, texts: str) -> SpansResult: ...  # type: ignore[overload-overlap]
    @overload
    def spans(self, texts: Iterable[object]) -> list[SpansResult]: ...
    def spans(self, texts):
        """The skill and knowledge spans of one text, or of each of many."""
        extraction = self.graph.spans
        if extraction is None:
            raise SkillgraphError("this pipeline has no span model (spans.model is empty)")
        stamp = ModelStamp(extraction.reader.name, extraction.reader.fingerprint)
        single = isinstance(texts, str)
        extractor = self.graph.extractor
        found = _in_batches(
            [texts] if single else list(texts), extractor.check_text, extractor.tag_spans
        )
        results = [
            SpansResult(index, text, tuple(spans), stamp, error)
            for index, text, spans, error in found
        ]
        return results[0] if single else results

    def skill(self, uri_or_uuid: str) -> Skill:
        """An ESCO skill by URI or UUID (``UnknownConceptError`` when there is none)."""
        return self.graph.taxonomy.skill(uri_or_uuid)

    def occupation(self, uri_or_uuid: str) -> Occupation:
        return self.graph.taxonomy.occupation(uri_or_uuid)

    def match_occupations(
        self, title: str, text: str | None = None, top_k: int | None = None
    ) -> list[OccupationMatch]:
        """ESCO occupations for a job title, best first; empty: no confident match. With the
        ad's ``text``, its skills vote (see :meth:`occupation_context` for what they say)."""
        skills = [m.uri for m in self.graph.extractor.extract(text)] if text else []
        return self.graph.occupations.match(title, skills, top_k)

    def occupation_context(self, occupation: str, skills: Iterable[str]) -> OccupationContext:
        """Which of ``skills`` (URIs) are essential or optional for ``occupation``, and its
        essential skills missing from them."""
        return occupation_context(self.graph.taxonomy, occupation, skills)

    def search(self, query: str, limit: int = 10) -> list[LabelHit[Skill]]:
        """ESCO skills whose labels match ``query`` best."""
        return self.graph.taxonomy.search_skills(query, limit=limit)

    def _extract(self, inputs: Sequence[object], mode: Mode) -> list[ExtractResult]:
        extractor = self.graph.extractor
        stamp = extractor.model(mode)
        found = _in_batches(
            inputs, extractor.check_text, lambda texts: extractor.extract_many(texts, mode)
        )
        return [
            ExtractResult(index, text, tuple(skills), stamp, self.esco_version, error)
            for index, text, skills, error in found
        ]

    def __repr__(self) -> str:
        return f"<skillgraph.Pipeline {self.graph.describe()}>"


def load(
    profile: str | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    progress: bool = True,
    **settings: Any,
) -> Pipeline:
    """Load a pipeline: the shipped default, or ``profile`` (``"fast"``, ``"accurate"``).

    ``settings`` override single settings as the environment does, a double underscore
    between section and key: ``load(extraction__max_skills=10)``. The first load in a data
    directory builds the ESCO index (a few minutes, with a progress bar); later loads take
    seconds.
    """
    overrides: dict[str, Any] = {key.replace("__", "."): value for key, value in settings.items()}
    overrides |= {"profile": profile, "data_dir": data_dir}
    graph = SkillGraph.load(
        load_settings(config, overrides), progress=_progress_bar() if progress else None
    )
    return Pipeline(graph)


def _in_batches(
    inputs: Sequence[object],
    check: Callable[[object], str],
    process: Callable[[list[str]], Sequence[Sequence[Any]]],
) -> list[tuple[int, str | None, Sequence[Any], str | None]]:
    """``(index, text, found, error)`` per input: unusable inputs get their error, the rest
    are processed ``BATCH_SIZE`` at a time."""
    results: list[tuple[int, str | None, Sequence[Any], str | None]] = []
    batch: list[tuple[int, str]] = []

    def flush() -> None:
        for (index, text), found in zip(batch, process([t for _, t in batch]), strict=True):
            results.append((index, text, found, None))
        batch.clear()

    for index, item in enumerate(inputs):
        try:
            batch.append((index, check(item)))
        except InputError as exc:
            results.append((index, item if isinstance(item, str) else None, (), str(exc)))
        if len(batch) == BATCH_SIZE:
            flush()
    if batch:
        flush()
    return sorted(results, key=lambda result: result[0])


def _progress_bar() -> Callable[[int, int], None]:
    """A tqdm bar (notebook-aware) for the first index build, made when it starts."""
    from tqdm.auto import tqdm

    bar: list[Any] = []

    def update(done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, desc="encoding ESCO (first use)", unit="text"))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    return update
