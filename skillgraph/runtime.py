"""The assembled extractor for one configuration: ESCO snapshot, encoder, index, extractor.

Services build one :class:`SkillGraph` at start-up and share it; everything it writes at run time
lives under ``settings.data_dir``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ontology import EscoTaxonomy, find_snapshot, read_snapshot
from skillgraph.config import Settings
from skillgraph.encoders import Encoder, load_encoder
from skillgraph.extraction import SpanExtraction, load_span_parts
from skillgraph.extractor import SkillExtractor
from skillgraph.index import SkillIndex, load_or_build_index
from skillgraph.memory import ExampleMemory, MemoryRetriever
from skillgraph.retrieval import SkillRetriever
from skillgraph.segmentation import Segmenter

log = logging.getLogger(__name__)


def snapshot_dir(settings: Settings) -> Path:
    """Where ``skillgraph esco import`` puts snapshots (searched before the shipped ones)."""
    return settings.data_dir / "esco"


def index_cache_dir(settings: Settings) -> Path:
    return settings.data_dir / "index"


def load_taxonomy(settings: Settings) -> EscoTaxonomy:
    return read_snapshot(find_snapshot(settings.esco.snapshot, [snapshot_dir(settings)]))


@dataclass(frozen=True)
class SkillGraph:
    settings: Settings
    taxonomy: EscoTaxonomy
    encoder: Encoder
    index: SkillIndex
    extractor: SkillExtractor
    memory: ExampleMemory | None = None  # None when memory.enabled is false

    @classmethod
    def load(
        cls,
        settings: Settings,
        taxonomy: EscoTaxonomy | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> SkillGraph:
        """Load everything ``settings`` names, building the index on first use."""
        started = time.perf_counter()
        taxonomy = taxonomy or load_taxonomy(settings)
        encoder = load_encoder(settings.encoder, settings.data_dir)
        index = load_or_build_index(
            taxonomy, encoder, settings.index, index_cache_dir(settings), progress
        )
        graph = cls.assemble(settings, taxonomy, encoder, index)
        log.info(
            "loaded %s, %s, %d index rows in %.2f s",
            taxonomy.release.name,
            encoder.name,
            len(index),
            time.perf_counter() - started,
        )
        return graph

    @classmethod
    def assemble(
        cls, settings: Settings, taxonomy: EscoTaxonomy, encoder: Encoder, index: SkillIndex
    ) -> SkillGraph:
        """The runtime around already loaded parts (e.g. to share them between settings)."""
        retriever = SkillRetriever(index, settings.extraction.description_weight)
        memory = None
        if settings.memory.enabled:
            memory = ExampleMemory.open(settings, taxonomy, encoder)
            retriever = MemoryRetriever(retriever, memory, settings.memory)
        segmenter = Segmenter(settings.extraction.max_sentence_chars)
        extractor = SkillExtractor(taxonomy, encoder, retriever, segmenter, settings.extraction)
        if settings.spans.model:
            tagger, calibrator = load_span_parts(settings)
            extractor.enable_spans(
                lambda rank: SpanExtraction(
                    taxonomy, encoder, retriever, tagger, calibrator, rank, settings.spans
                )
            )
        return cls(settings, taxonomy, encoder, index, extractor, memory)

    def describe(self) -> dict[str, object]:
        """What this runtime is made of (for /health and logs)."""
        return {
            "esco_version": self.taxonomy.release.version,
            "esco_language": self.taxonomy.release.language,
            "encoder": self.encoder.name,
            "model_fingerprint": self.encoder.fingerprint,
            "index_kind": self.index.kind,
            "index_rows": len(self.index),
            "skills": len(self.taxonomy.skills),
            "occupations": len(self.taxonomy.occupations),
            "memory_examples": None if self.memory is None else len(self.memory),
        }
