"""What a batch run does to one batch of rows, as a picklable job a worker process can run.

A job holds only settings and parameters; the models (a :class:`~skillgraph.SkillGraph`) are
loaded on the job's first batch in each process and kept for the next ones. The command's own
process can hand over the graph it already loaded (:func:`adopt_graph`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Self

from ontology import UnknownConceptError
from services.batch.policy import EMPTY_TEXT
from services.batch.records import InputRow, RowError, RowResult, SpanRowResult
from services.batch.runner import run_rows
from skillgraph import InputError, Settings, SkillGraph, SkillMatch
from skillgraph.occupations import MAX_TITLE_CHARS, PostingOccupations, posting_occupations
from skillgraph.procedure import AdProcedure, ProcedureExtractor, check_sequence
from skillgraph.procedure.occupation_groups import GroupKey, group_of, groups_of_titles

Rows = Sequence[InputRow | RowError]

_loaded: tuple[Settings, SkillGraph] | None = None  # this process's graph, and its settings


def adopt_graph(settings: Settings, graph: SkillGraph) -> None:
    """Let jobs with these ``settings`` use ``graph`` (loaded already) in this process."""
    global _loaded
    _loaded = (settings, graph)


def graph_for(settings: Settings) -> SkillGraph:
    """This process's graph for ``settings``, loaded on first use."""
    global _loaded
    if _loaded is None or _loaded[0] != settings:
        _loaded = (settings, SkillGraph.load(settings))
    return _loaded[1]


def with_threads(settings: Settings, threads: int) -> Settings:
    """``settings`` with every model session on ``threads`` threads."""
    return replace(
        settings,
        encoder=replace(settings.encoder, threads=threads),
        spans=replace(settings.spans, threads=threads),
    )


@dataclass(frozen=True)
class _Job:
    settings: Settings

    def for_worker(self, threads: int) -> Self:
        """This job as a worker process runs it: every model session on ``threads``."""
        return replace(self, settings=with_threads(self.settings, threads))


@dataclass(frozen=True)
class ExtractJob(_Job):
    """ESCO skills of each row (``skillgraph extract``), in ranking or extraction mode."""

    top_k: int | None = None
    min_score: float | None = None

    def __call__(self, rows: Rows) -> list[RowResult | RowError]:
        extractor = graph_for(self.settings).extractor
        mode = extractor.mode(self.top_k, self.min_score)
        stamp = extractor.model(mode)
        version = extractor.esco_version
        return list(
            run_rows(
                rows,
                len(rows),
                lambda texts: extractor.extract_many(texts, mode),
                lambda row, skills: RowResult(
                    row.id, row.row_number, version, tuple(skills), stamp
                ),
            )
        )


Posting = tuple[InputRow | RowError, InputRow | RowError | None, InputRow | RowError | None]
# an ad, its title and the occupation given for it (None: that column was not asked for)


@dataclass(frozen=True)
class PostingJob(_Job):
    """ESCO skills of each ad with its occupations (``skillgraph extract --title-column /
    --occupation-column``): the title's matches, the skills voting, and the skills' context
    against the occupation given, else the best match (as ``POST /v1/extract`` answers). An
    empty title or occupation cell is none given; an over-long title or an occupation that ESCO
    does not have costs its row."""

    top_k: int | None = None
    min_score: float | None = None
    title_column: str | None = None
    occupation_column: str | None = None

    def __call__(self, batch: Sequence[Posting]) -> list[RowResult | RowError]:
        graph = graph_for(self.settings)
        done = ExtractJob(self.settings, self.top_k, self.min_score)([ad for ad, _, _ in batch])
        usable: list[tuple[int, RowResult, str, str | None]] = []
        for index, (result, (_, title, given)) in enumerate(zip(done, batch, strict=True)):
            if isinstance(result, RowError):
                continue
            cleaned, uri = self._title(result, title), self._given(graph, result, given)
            if isinstance(cleaned, RowError):
                done[index] = cleaned
            elif isinstance(uri, RowError):
                done[index] = uri
            else:
                usable.append((index, result, cleaned, uri))
        found = posting_occupations(
            graph.occupations,
            [title for _, _, title, _ in usable],
            [[m.uri for m in result.skills] for _, result, _, _ in usable],
            [uri for _, _, _, uri in usable],
        )
        for (index, result, _, _), posting in zip(usable, found, strict=True):
            done[index] = replace(result, occupations=posting)
        return done

    def _title(self, result: RowResult, cell: InputRow | RowError | None) -> str | RowError:
        if cell is None or (isinstance(cell, RowError) and cell.reason == EMPTY_TEXT):
            return ""
        if isinstance(cell, RowError):
            return _cell_error(result, "title", self.title_column, cell.reason)
        title = cell.text.strip()
        if len(title) > MAX_TITLE_CHARS:
            reason = f"{len(title)} characters (limit {MAX_TITLE_CHARS})"
            return _cell_error(result, "title", self.title_column, reason)
        return title

    def _given(
        self, graph: SkillGraph, result: RowResult, cell: InputRow | RowError | None
    ) -> str | RowError | None:
        if cell is None or (isinstance(cell, RowError) and cell.reason == EMPTY_TEXT):
            return None
        if isinstance(cell, RowError):
            return _cell_error(result, "occupation", self.occupation_column, cell.reason)
        try:
            return graph.taxonomy.occupation(cell.text.strip()).uri
        except UnknownConceptError:
            reason = f"no ESCO occupation {cell.text.strip()!r}"
            return _cell_error(result, "occupation", self.occupation_column, reason)


def _cell_error(result: RowResult, what: str, column: str | None, reason: str) -> RowError:
    return RowError(result.row_number, result.id, f"{what} column {column!r}: {reason}", None)


@dataclass(frozen=True)
class SpanJob(_Job):
    """The skill spans of each row (``skillgraph spans``)."""

    def __call__(self, rows: Rows) -> list[SpanRowResult | RowError]:
        extractor = graph_for(self.settings).extractor
        return list(
            run_rows(
                rows,
                len(rows),
                extractor.tag_spans,
                lambda row, spans: SpanRowResult(row.id, row.row_number, tuple(spans)),
            )
        )


Grouped = tuple[InputRow | RowError, str | RowError]  # an ad and its group (or why it has none)
Stepped = tuple[InputRow | RowError, GroupKey | RowError, AdProcedure | RowError]


@dataclass(frozen=True)
class StepsJob(_Job):
    """The duty steps of each ad, with its group (``skillgraph procedure extract``).

    Each item comes back as ``(row, group, procedure or RowError)``. The group value names an
    ESCO occupation when it is one (``group_by="value"``), or is a job title matched to its
    best occupation (``group_by="title"``; a title that matches none is an error row). Step
    skills are searched only when asked for: graph nodes get theirs after induction, and
    remembering every step's skills would grow with the input.
    """

    with_skills: bool = False
    group_by: str = "value"  # or "title", or "none" (the value is the key as it is)

    def __call__(self, batch: Sequence[Grouped]) -> list[Stepped]:
        extractor = _procedure_extractor(self.settings)
        groups = self._groups(batch)
        max_steps = self.settings.procedure.max_steps_per_sequence
        usable = [(r, g) for (r, _), g in zip(batch, groups, strict=True)
                  if isinstance(r, InputRow) and isinstance(g, GroupKey)]  # fmt: skip
        try:
            found = iter(extractor.extract_many([r.text for r, _ in usable], self.with_skills))
        except InputError:
            found = None  # one bad text: retried row by row below
        done: list[Stepped] = []
        for (row, _), group in zip(batch, groups, strict=True):
            if isinstance(row, RowError):
                done.append((row, group, row))
                continue
            if isinstance(group, RowError):
                done.append((row, group, group))
                continue
            try:
                procedure = (
                    next(found)
                    if found is not None
                    else extractor.extract(row.text, self.with_skills)
                )
                if not procedure.steps:
                    raise InputError("no duty steps found")
                check_sequence(procedure.sequence(), min_steps=1, max_steps=max_steps)
            except InputError as exc:
                done.append((row, group, RowError(row.row_number, row.id, str(exc), None)))
            else:
                done.append((row, group, procedure))
        return done

    def _groups(self, batch: Sequence[Grouped]) -> list[GroupKey | RowError]:
        graph = graph_for(self.settings)
        values = [g for _, g in batch if isinstance(g, str)]
        if self.group_by == "title":
            matched = iter(groups_of_titles(values, graph.occupations) if values else [])
        elif self.group_by == "none":
            matched = iter(GroupKey(value) for value in values)
        else:
            matched = iter(group_of(value, graph.taxonomy) for value in values)
        groups: list[GroupKey | RowError] = []
        for row, value in batch:
            if isinstance(value, RowError):
                groups.append(value)
                continue
            group = next(matched)
            if group is None:
                number = row.row_number
                identifier = row.id if isinstance(row, InputRow) else None
                reason = f"no ESCO occupation matches the title {value!r}"
                groups.append(RowError(number, identifier, reason, None))
            else:
                groups.append(group)
        return groups


@functools.lru_cache(maxsize=1)
def _procedure_extractor(settings: Settings) -> ProcedureExtractor:
    return ProcedureExtractor.from_graph(graph_for(settings))


Titled = tuple[InputRow | RowError, InputRow | RowError | None]  # a title and its ad (or none)


@dataclass(frozen=True)
class OccupationJob(_Job):
    """The ESCO occupations of each title (``skillgraph occupations``); with the ad's text, its
    skills vote and come back set against the best occupation.

    Each item comes back as ``(title row, {"occupations", "context"?} or RowError)``. An empty
    text is no text: the title alone answers."""

    top_k: int | None = None

    def __call__(self, batch: Sequence[Titled]) -> list[tuple[InputRow | RowError, Any]]:
        graph = graph_for(self.settings)
        texts = {
            index: text.text
            for index, (title, text) in enumerate(batch)
            if isinstance(title, InputRow) and isinstance(text, InputRow)
        }
        skills = dict(zip(texts, self._skills(graph, list(texts.values())), strict=True))
        titles = [
            (index, title) for index, (title, _) in enumerate(batch) if isinstance(title, InputRow)
        ]
        found = posting_occupations(
            graph.occupations,
            [title.text for _, title in titles],
            [_uris(skills.get(index)) for index, _ in titles],
            top_k=self.top_k,
        )
        answers = dict(zip((index for index, _ in titles), found, strict=True))
        return [
            (title, self._answer(title, text, answers.get(index), skills.get(index)))
            for index, (title, text) in enumerate(batch)
        ]

    @staticmethod
    def _skills(graph: SkillGraph, texts: list[str]) -> list[list[SkillMatch] | RowError]:
        extractor = graph.extractor
        try:
            return list(extractor.extract_many(texts))
        except InputError:  # one bad text: each on its own
            pass
        found: list[list[SkillMatch] | RowError] = []
        for text in texts:
            try:
                found.append(extractor.extract(text))
            except InputError as exc:
                found.append(RowError(0, None, str(exc), None))
        return found

    @staticmethod
    def _answer(
        title: InputRow | RowError,
        text: InputRow | RowError | None,
        posting: PostingOccupations | None,
        skills: list[SkillMatch] | RowError | None,
    ) -> dict[str, Any] | RowError:
        if isinstance(title, RowError):
            return title
        if isinstance(text, RowError) and text.reason != EMPTY_TEXT:
            return RowError(title.row_number, title.id, f"text: {text.reason}", text.line)
        if isinstance(skills, RowError):
            return RowError(title.row_number, title.id, f"text: {skills.reason}", None)
        assert posting is not None  # every usable title was matched
        answer = posting.to_dict()
        if skills is None:
            del answer["context"]  # no ad, no skills to set against the occupation
        return answer


def _uris(skills: list[SkillMatch] | RowError | None) -> list[str]:
    return [m.uri for m in skills] if isinstance(skills, list) else []
