"""The assembled extractor for one configuration: ESCO snapshot, encoder, index, reader,
extractor. This is the one place that wires them: services, training and benchmarks all build
a :class:`SkillGraph` (``load``, or ``assemble`` around parts they already hold).

Everything it writes at run time lives under ``settings.data_dir``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from ontology import EscoTaxonomy, find_snapshot, read_snapshot
from skillgraph.calibration import Calibrator, settings_drift
from skillgraph.config import ExtractionSettings, MemorySettings, Settings, SpanSettings
from skillgraph.encoders import Encoder, load_encoder, onnx_model_dir, resolve_model
from skillgraph.errors import CalibrationError
from skillgraph.extraction import SpanExtraction
from skillgraph.extractor import SkillExtractor
from skillgraph.index import SkillIndex, load_or_build_index
from skillgraph.memory import ExampleMemory, MemoryRetriever
from skillgraph.occupations import OccupationMatcher
from skillgraph.reader import Reader, SentenceReader, load_reader
from skillgraph.reranking import Reranker, RerankerModel, shipped_reranker
from skillgraph.retrieval import Retriever, SkillRetriever
from skillgraph.segmentation import Segmenter
from skillgraph.spans import SpanHeadModel, SpanModelError, load_span_model
from skillgraph.spans.datastore import NeighbourMix

log = logging.getLogger(__name__)


def snapshot_dir(settings: Settings) -> Path:
    """Where ``skillgraph esco import`` puts snapshots (searched before the shipped ones)."""
    return settings.data_dir / "esco"


def index_cache_dir(settings: Settings) -> Path:
    return settings.data_dir / "index"


def occupation_cache_dir(settings: Settings) -> Path:
    return settings.data_dir / "index" / "occupations"


def load_taxonomy(settings: Settings) -> EscoTaxonomy:
    return read_snapshot(find_snapshot(settings.esco.snapshot, [snapshot_dir(settings)]))


def _span_head(settings: Settings) -> tuple[SpanHeadModel, bool]:
    """The configured span head, and whether it reads the configured encoder."""
    head = load_span_model(settings.spans.model)
    return head, head.encoder == resolve_model(settings.encoder.model, settings.data_dir).name


def load_span_reader(settings: Settings) -> SentenceReader:
    """The one-pass reader of ``settings.spans.model`` on the configured encoder."""
    head, fits = _span_head(settings)
    if not fits:
        raise SpanModelError(
            f"span model {head.name!r} reads the hidden states of {head.encoder}, but "
            f'encoder.model is {settings.encoder.model}: set spans.model = "" (cosine-threshold '
            "extraction) or train a span head for this encoder (`skillgraph train-span-head`)"
        )
    trunk = onnx_model_dir(settings.encoder.model, settings.data_dir)
    spans = settings.spans
    return load_reader(
        head,
        trunk,
        settings.data_dir,
        spans.precision,
        spans.threads,
        spans.decoding,
        spans.tagger,
        NeighbourMix(
            spans.neighbours_weight,
            spans.neighbours,
            spans.neighbours_temperature,
            spans.neighbours_probes,
            spans.neighbours_below,
        ),
        spans.tagger_weight,
    )


def _span_model_fits(settings: Settings) -> bool:
    """Whether to load the configured span model. The default one fits only the default
    encoder: with another encoder the extraction mode falls back to the cosine threshold (with
    a warning); a span model configured explicitly must fit (see :func:`load_span_reader`)."""
    if not settings.spans.model:
        return False
    if settings.spans.model != SpanSettings.model:
        return True
    head, fits = _span_head(settings)
    if not fits:
        log.warning(
            "the default span model reads %s, not %s: the extraction mode uses the cosine "
            "threshold extraction.min_score (train a span head for this encoder to change that)",
            head.encoder,
            settings.encoder.model,
        )
    return fits


def calibration_path(settings: Settings) -> Path:
    """Where the extraction mode's calibration is: ``spans.calibration`` (a path, or a bare
    file name: one beside the span model), else the span model's own ``calibration.json``."""
    configured = settings.spans.calibration
    head = load_span_model(settings.spans.model)
    if not configured:
        return head.calibration
    path = Path(configured).expanduser()
    return head.directory / configured if path.name == configured else path


def load_calibrator(settings: Settings) -> Calibrator | None:
    """The extraction mode's calibration, None (with a warning) where there is none yet."""
    path = calibration_path(settings)
    if not path.is_file() and not settings.spans.calibration:
        log.warning("no calibration at %s yet: run `skillgraph calibrate`", path)
        return None
    calibrator = Calibrator.load(path)
    recorded = calibrator.details.get("fitted_with")
    drift = settings_drift(recorded, settings) if isinstance(recorded, dict) else []
    if drift:
        log.warning(
            "the calibration %s was fitted under other settings (%s): its probabilities and "
            "threshold may not hold for these; fit one for them with `skillgraph calibrate "
            "--output FILE` and spans.calibration = FILE",
            path,
            "; ".join(drift),
        )
    return calibrator


def load_reranker(settings: Settings, encoder: Encoder, index: SkillIndex) -> Reranker | None:
    """The ranking modes' re-ranker, None where ``extraction.reranker`` is empty. The shipped
    default was fitted for the default encoder: with another it is left out (with a warning);
    one configured explicitly must have been fitted for the configured encoder."""
    configured = settings.extraction.reranker
    if not configured:
        return None
    path = shipped_reranker(configured) or Path(configured).expanduser()
    if not path.is_file():
        raise CalibrationError(
            f"extraction.reranker {configured!r} is neither a shipped re-ranker nor a file"
        )
    model = RerankerModel.load(path)
    if model.encoder != encoder.model_name:
        if configured == ExtractionSettings.reranker:
            log.warning(
                "the default re-ranker was fitted for %s, not %s: rankings keep the cosine "
                "order (`skillgraph fit-reranker` fits one for this encoder)",
                model.encoder,
                encoder.model_name,
            )
            return None
        raise CalibrationError(
            f"re-ranker {path} was fitted for {model.encoder}, not {encoder.model_name}"
        )
    return Reranker(model, index.rows)


@dataclass(frozen=True)
class SkillGraph:
    settings: Settings
    taxonomy: EscoTaxonomy
    encoder: Encoder
    index: SkillIndex
    extractor: SkillExtractor
    memory: ExampleMemory | None = None  # None when memory.enabled is false

    @property
    def spans(self) -> SpanExtraction | None:
        """The extraction mode's span extraction; None when ``spans.model`` is empty."""
        return self.extractor.spans

    @cached_property
    def occupations(self) -> OccupationMatcher:
        """The occupation matcher on this runtime's encoder, loaded on first use (its label
        vectors are encoded once and cached; ``skillgraph setup`` does it ahead)."""
        return OccupationMatcher.load(
            self.taxonomy,
            self.encoder,
            self.settings.occupations,
            occupation_cache_dir(self.settings),
        )

    @classmethod
    def load(
        cls,
        settings: Settings,
        taxonomy: EscoTaxonomy | None = None,
        progress: Callable[[int, int], None] | None = None,
        calibrated: bool = True,
    ) -> SkillGraph:
        """Load everything ``settings`` names, building the index on first use.

        ``calibrated=False`` leaves the extraction's calibration out: its span extraction can
        then only propose candidates (what fitting a calibration needs)."""
        started = time.perf_counter()
        taxonomy = taxonomy or load_taxonomy(settings)
        encoder = load_encoder(settings.encoder, settings.data_dir)
        index = load_or_build_index(
            taxonomy,
            encoder,
            settings.index,
            index_cache_dir(settings),
            progress,
            descriptions=settings.extraction.description_weight > 0,
        )
        graph = cls.assemble(settings, taxonomy, encoder, index, calibrated=calibrated)
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
        cls,
        settings: Settings,
        taxonomy: EscoTaxonomy,
        encoder: Encoder,
        index: SkillIndex,
        reader: Reader | None = None,
        calibrated: bool = True,
    ) -> SkillGraph:
        """The runtime around already loaded parts (e.g. to share them between settings);
        ``reader`` is loaded from ``settings.spans`` when not given."""
        retriever: Retriever = SkillRetriever(index, settings.extraction.description_weight)
        memory = None
        if settings.memory.enabled:
            memory = ExampleMemory.open(settings, taxonomy, encoder)
            retriever = MemoryRetriever(retriever, memory, settings.memory)
        spans = None
        if _span_model_fits(settings):
            spans = SpanExtraction(
                taxonomy,
                reader or load_span_reader(settings),
                retriever,
                load_calibrator(settings) if calibrated else None,
                settings.spans,
                settings.extraction.cache_size,
            )
        segmenter = Segmenter(settings.extraction.max_sentence_chars)
        extractor = SkillExtractor(
            taxonomy,
            encoder,
            retriever,
            segmenter,
            settings.extraction,
            spans,
            load_reranker(settings, encoder, index),
        )
        return cls(settings, taxonomy, encoder, index, extractor, memory)

    @classmethod
    def ranking_only(
        cls,
        taxonomy: EscoTaxonomy,
        encoder: Encoder,
        index: SkillIndex,
        extraction: ExtractionSettings | None = None,
    ) -> SkillGraph:
        """Ranking over given parts, with no example memory, span model or re-ranker (e.g. to
        score an encoder while it trains)."""
        settings = Settings(
            extraction=replace(extraction or ExtractionSettings(), reranker=""),
            memory=MemorySettings(enabled=False),
            spans=SpanSettings(model=""),
        )
        return cls.assemble(settings, taxonomy, encoder, index)

    def describe(self) -> dict[str, object]:
        """What this runtime is made of (for /health and logs)."""
        return {
            "profile": self.settings.profile,
            "esco_version": self.taxonomy.release.version,
            "esco_language": self.taxonomy.release.language,
            "encoder": self.encoder.name,
            "model_fingerprint": self.encoder.fingerprint,
            "reader": None if self.spans is None else self.spans.reader.name,
            # None where none is configured or the default one is not for this encoder
            "reranker": self.settings.extraction.reranker if self.extractor.reranker else None,
            "index_kind": self.index.kind,
            "index_rows": len(self.index),
            "skills": len(self.taxonomy.skills),
            "occupations": len(self.taxonomy.occupations),
            "memory_examples": None if self.memory is None else len(self.memory),
        }
