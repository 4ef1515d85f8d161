"""Build the training pairs a configuration asks for, from every source it names."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from ontology import EscoTaxonomy
from training.distant_supervision import (
    LabelMatcher,
    distant_pairs,
    read_onet_tasks,
    read_token_file,
)
from training.esco_pairs import esco_pairs
from training.pairs import TrainingPair, benchmark_sentences, prepare_pairs, source_counts
from training.skillskape import skillskape_pairs
from training.train_config import DataConfig

log = logging.getLogger(__name__)


def build_pairs(config: DataConfig, taxonomy: EscoTaxonomy, seed: int = 0) -> list[TrainingPair]:
    """All pairs, deduplicated, capped per skill, never containing a benchmark sentence."""
    excluded = benchmark_sentences(config.bench_dir) if config.bench_dir else set()
    pairs = prepare_pairs(
        _all_pairs(config, taxonomy),
        excluded,
        config.max_pairs_per_skill,
        seed=seed,
        max_per_source=config.max_pairs_per_source,
    )
    log.info("training pairs: %d %s", len(pairs), source_counts(pairs))
    return pairs


def _all_pairs(config: DataConfig, taxonomy: EscoTaxonomy) -> Iterator[TrainingPair]:
    yield from esco_pairs(taxonomy, config.esco)
    for path in config.skillskape:
        yield from skillskape_pairs(path, taxonomy)
    if config.distant or config.onet_tasks:
        matcher = LabelMatcher(taxonomy)
        for path in config.distant:
            sentences = list(dict.fromkeys(read_token_file(path)))
            yield from distant_pairs(
                sentences, matcher, f"distant:{path.parent.name}", config.max_label_share
            )
        if config.onet_tasks:
            tasks = list(dict.fromkeys(read_onet_tasks(config.onet_tasks)))
            yield from distant_pairs(tasks, matcher, "distant:onet", config.max_label_share)
