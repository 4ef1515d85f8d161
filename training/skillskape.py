"""SkillSkape (Magron et al. 2024, MIT): synthetic job-ad sentences with ESCO v1.1.0 labels.

CSV columns: an unnamed index, ``sentence``, ``skills`` (a Python-literal list of preferred
labels; ``UNK`` = not in ESCO; empty = no skill). Labels are mapped to the loaded release by
label (see :func:`training.evaluation.map_label`).
"""

from __future__ import annotations

import ast
import csv
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ontology import EscoTaxonomy
from training.evaluation import map_label
from training.pairs import TrainingPair

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    sentence: str
    skill_uris: tuple[str, ...]  # empty: the sentence names no ESCO skill
    unmapped: tuple[str, ...]  # labels (other than UNK) the release does not have


def read_skillskape(path: Path, taxonomy: EscoTaxonomy) -> Iterator[LabelledSentence]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels = _labels(row.get("skills") or "")
            uris: list[str] = []
            unmapped: list[str] = []
            for label in labels:
                if label == "UNK":
                    continue
                uri = map_label(taxonomy, label)
                (uris if uri else unmapped).append(uri or label)
            if labels and not uris and not unmapped:
                continue  # only UNK: a skill outside ESCO, neither positive nor negative
            yield LabelledSentence(row["sentence"], tuple(dict.fromkeys(uris)), tuple(unmapped))


def skillskape_pairs(path: Path, taxonomy: EscoTaxonomy) -> Iterator[TrainingPair]:
    unmapped = 0
    for record in read_skillskape(path, taxonomy):
        unmapped += len(record.unmapped)
        for uri in record.skill_uris:
            yield TrainingPair(record.sentence, uri, "skillskape")
    if unmapped:
        log.info("%s: %d labels not in ESCO %s", path.name, unmapped, taxonomy.release.version)


def _labels(raw: str) -> list[str]:
    raw = raw.strip()
    if not raw:
        return []
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        log.warning("unreadable SkillSkape label list %r", raw[:80])
        return []
    return [str(v).strip() for v in value] if isinstance(value, list | tuple) else []
