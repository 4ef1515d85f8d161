"""What a batch run does to one batch of rows, as a picklable job a worker process can run.

A job holds only settings and parameters; the models (a :class:`~skillgraph.SkillGraph`) are
loaded on the job's first batch in each process and kept for the next ones. The command's own
process can hand over the graph it already loaded (:func:`adopt_graph`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Self

from services.batch.records import InputRow, RowError, RowResult, SpanRowResult
from services.batch.runner import run_rows
from skillgraph import Settings, SkillGraph

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
