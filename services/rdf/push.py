"""Push a stream of graph chunks into a store in batches, resumably.

Chunks are written ``batch_chunks`` (or about ``batch_triples`` triples) at a time. After each
batch the store accepted, the checkpoint records how many chunks are done; if the store goes away
the push stops with :class:`PushInterrupted`, and the same push run again skips what is done.
Row errors and warnings met on the way go to the error log; they never stop a push.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pyoxigraph import NamedNode

from services.batch import ErrorLog, RowError
from services.rdf.checkpoint import Checkpoint
from services.rdf.errors import StoreUnavailableError
from services.rdf.postings import RowWarning
from services.rdf.store import GraphChunk, GraphStore

__all__ = ["PushInterrupted", "PushReport", "into_graph", "push_chunks"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PushReport:
    chunks: int  # written by this run
    triples: int  # written by this run
    resumed_after: int  # chunks a previous run had written, skipped by this one
    rejected: int  # rows that could not be converted
    warnings: int


class PushInterrupted(StoreUnavailableError):
    """The store went away mid-push; what was done is checkpointed."""

    def __init__(self, cause: StoreUnavailableError, report: PushReport, resumable: bool) -> None:
        done = report.resumed_after + report.chunks
        advice = (
            "run the same command again to resume"
            if resumable
            else "run it again to push everything (it is safe: graphs are replaced, not doubled)"
        )
        super().__init__(f"{cause}\n{done} graph chunks were written before it failed; {advice}")
        self.report = report


def push_chunks(
    items: Iterable[GraphChunk | RowError],
    store: GraphStore,
    *,
    error_log: ErrorLog,
    checkpoint: Checkpoint | None = None,
    batch_chunks: int = 500,
    batch_triples: int = 100_000,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    """Write every chunk of ``items`` to ``store``; log the row errors among them."""
    skip = checkpoint.load() if checkpoint else 0
    if skip:
        log.info("resuming: the first %d graph chunks were pushed by an earlier run", skip)
    state = _State()
    batch: list[GraphChunk] = []
    size = 0
    seen = 0
    try:
        for item in items:
            if isinstance(item, RowError):
                error_log.write(item)
                state.count_issue(item)
                continue
            seen += 1
            if seen <= skip:
                continue
            batch.append(item)
            size += len(item.triples)
            if len(batch) >= batch_chunks or size >= batch_triples:
                _flush(store, batch, seen, checkpoint, state, progress)
                batch, size = [], 0
        _flush(store, batch, seen, checkpoint, state, progress)
    except StoreUnavailableError as exc:
        raise PushInterrupted(exc, state.report(skip), checkpoint is not None) from exc
    if checkpoint:
        checkpoint.clear()
    return state.report(min(skip, seen))


def into_graph(chunks: Iterable[GraphChunk | RowError], graph: NamedNode) -> Iterator:
    """All chunks into one named graph, which the first chunk replaces and the rest extend."""
    first = True
    for item in chunks:
        if isinstance(item, GraphChunk):
            item = GraphChunk(graph, item.triples, replace=first)
            first = False
        yield item


class _State:
    def __init__(self) -> None:
        self.chunks = self.triples = self.rejected = self.warnings = 0

    def count_issue(self, item: RowError) -> None:
        if isinstance(item, RowWarning):
            self.warnings += 1
        else:
            self.rejected += 1

    def report(self, skipped: int) -> PushReport:
        return PushReport(self.chunks, self.triples, skipped, self.rejected, self.warnings)


def _flush(
    store: GraphStore,
    batch: list[GraphChunk],
    seen: int,
    checkpoint: Checkpoint | None,
    state: _State,
    progress: Callable[[int], None] | None,
) -> None:
    if not batch:
        return
    store.write(batch)
    state.chunks += len(batch)
    state.triples += sum(len(chunk.triples) for chunk in batch)
    if checkpoint:
        checkpoint.save(seen)
    if progress:
        progress(len(batch))
