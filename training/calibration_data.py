"""The annotated sentences and ads that fit and check the extraction's calibration.

Only material that is not a test set: HOUSE/TECH validation, SkillSkape train+dev, SkillSpan
train. SkillSpan sentences without any skill or knowledge span are negatives (subsampled, since
two thirds of SkillSpan's sentences have none).
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass, replace
from pathlib import Path

from ontology import EscoTaxonomy
from ontology.files import atomic_write
from skillgraph import SkillGraph
from skillgraph.calibration import Calibrator, fitted_settings
from skillgraph.config import Settings
from skillgraph.errors import CalibrationError
from skillgraph.runtime import calibration_path
from training.calibration import (
    LabelledText,
    choose_threshold,
    collect_examples,
    cross_fitted_best,
    features_report,
    fit_models,
    sweep,
)
from training.evaluation import load_benchmark
from training.postings import AssembledAd, assemble_ads, gold_set, read_postings
from training.skillskape import read_skillskape
from training.span_data import read_tagged

log = logging.getLogger(__name__)

VALIDATION = {"house": "house_validation.jsonl", "tech": "tech_validation.jsonl"}


@dataclass(frozen=True)
class CalibrationSources:
    bench_dir: Path  # the sentence benchmarks (only the validation files are read)
    skillskape: tuple[Path, ...]
    skillspan_train: Path  # SkillSpan's own release (sources and both tag layers)
    # Chosen on the cross-fitted validation ads (docs/benchmarks.md, "extraction"): real job-ad
    # sentences count more than SkillSkape's synthetic ones.
    validation_weight: float = 3.0
    skillskape_weight: float = 0.25
    negatives: int = 2000  # SkillSpan sentences without a span
    skillskape_limit: int = 3000  # rows sampled (0: all)
    seed: int = 13


def labelled_sentences(sources: CalibrationSources, taxonomy: EscoTaxonomy) -> list[LabelledText]:
    found = []
    for name in VALIDATION.values():
        for s in load_benchmark(sources.bench_dir / name, taxonomy, include_empty=True):
            gold = gold_set(s, taxonomy)
            found.append(LabelledText(s.sentence, gold, "validation", sources.validation_weight))
    skillskape = [row for path in sources.skillskape for row in read_skillskape(path, taxonomy)]
    rng = random.Random(sources.seed)
    if sources.skillskape_limit and len(skillskape) > sources.skillskape_limit:
        skillskape = rng.sample(skillskape, sources.skillskape_limit)
    for row in skillskape:
        gold = frozenset(row.skill_uris) | {f"label:{u}" for u in row.unmapped}
        found.append(LabelledText(row.sentence, gold, "skillskape", sources.skillskape_weight))
    empty = [t for t in read_tagged(sources.skillspan_train) if not t.spans]
    for tagged in rng.sample(empty, min(sources.negatives, len(empty))):
        found.append(LabelledText(" ".join(tagged.tokens), frozenset(), "skillspan-no-span"))
    return found


def validation_ads(sources: CalibrationSources, taxonomy: EscoTaxonomy) -> list[AssembledAd]:
    """Ads from SkillSpan train postings with the validation sentences in them."""
    postings = read_postings(sources.skillspan_train)
    ads = []
    for source, name in VALIDATION.items():
        sentences = load_benchmark(sources.bench_dir / name, taxonomy, include_empty=True)
        chosen = [p for p in postings if p[0].source == source]
        ads += assemble_ads(chosen, sentences, taxonomy, f"{source}-validation")
    return ads


def sources_for(settings: Settings, sources: CalibrationSources) -> CalibrationSources:
    """``sources`` less what the example memory of ``settings`` already holds: a memory seeded
    with SkillSkape would find each SkillSkape sentence verbatim, which real ads never are."""
    if settings.memory.enabled and settings.memory.seed == "skillskape" and sources.skillskape:
        log.info("SkillSkape is in the example memory's seed: calibrating without it")
        return replace(sources, skillskape=())
    return sources


def calibrate(
    settings: Settings, sources: CalibrationSources, output: Path | None = None, l2: float = 1.0
) -> Calibrator:
    """Fit the calibration of the configured span reader and write it where the runtime reads
    it (:func:`~skillgraph.runtime.calibration_path`), or to ``output``."""
    if output is None and settings.spans.tagger and not settings.spans.calibration:
        # The span model's own calibration.json is the one-pass head's: keep it for the head.
        raise CalibrationError(
            f"spans.tagger {settings.spans.tagger!r} needs a calibration of its own: set "
            f"spans.calibration (e.g. calibration-{settings.spans.tagger}.json) or give --output"
        )
    graph = SkillGraph.load(settings, calibrated=False)
    extraction = graph.spans
    if extraction is None:
        raise ValueError("spans.model is empty: there is no span model to calibrate")
    sources = sources_for(settings, sources)
    sentences = labelled_sentences(sources, graph.taxonomy)
    examples = collect_examples(extraction, sentences)
    ads = validation_ads(sources, graph.taxonomy)
    best = cross_fitted_best(
        extraction, graph.extractor.segmenter, examples, ads, 2, sources.seed, l2
    )
    rows = sweep(best, [ad.gold for ad in ads], settings.extraction.max_skills)
    threshold, precision, recall, f1 = choose_threshold(rows)
    log.info(
        "threshold %.2f: P %.3f R %.3f F1 %.3f (cross-fitted)", threshold, precision, recall, f1
    )
    models = fit_models(examples, l2=l2)
    details = {
        "span_model": settings.spans.model,
        "encoder": extraction.reader.name,
        "esco_version": graph.taxonomy.release.version,
        "fitted_with": fitted_settings(settings),
        "weights_by_source": {
            "validation": sources.validation_weight,
            "skillskape": sources.skillskape_weight,
            "skillspan-no-span": 1.0,
        },
        "examples": {
            source: sum(1 for s in sentences if s.source == source)
            for source in sorted({s.source for s in sentences})
        },
        "validation_ads": {
            "ads": len(ads),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "note": "posting level, cross-fitted (2 folds by ad), threshold chosen on these",
        },
        "weights": features_report(models),
    }
    calibrator = Calibrator(models, threshold, details)
    target = output or calibration_path(settings)
    atomic_write(target, lambda path: path.write_text(calibrator.to_json(), encoding="utf-8"))
    log.info("calibration written to %s: %s", target, json.dumps(details["validation_ads"]))
    return calibrator
