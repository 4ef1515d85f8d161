"""Training pairs (text -> ESCO skill) and what every builder's output goes through.

Every builder yields :class:`TrainingPair` records; :func:`prepare_pairs` removes duplicates,
drops pairs whose text is a benchmark sentence (so no test or validation sentence is ever
trained on), and caps how often one skill may appear so frequent skills do not drown rare ones.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class TrainingPair:
    text: str  # the anchor: a sentence, a label or a description
    skill_uri: str  # the ESCO skill it expresses
    source: str  # which builder made it, e.g. "esco-alt", "skillskape", "distant:skillspan"


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def benchmark_sentences(bench_dir: Path) -> set[str]:
    """Normalised sentences of every benchmark file in ``bench_dir`` (never to be trained on)."""
    sentences: set[str] = set()
    for path in sorted(bench_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            sentences.update(_key(json.loads(line)["sentence"]) for line in handle if line.strip())
    return sentences


def prepare_pairs(
    pairs: Iterable[TrainingPair],
    exclude_texts: AbstractSet[str] = frozenset(),
    max_per_skill: int | None = None,
    seed: int = 0,
    max_per_source: Mapping[str, int] | None = None,
) -> list[TrainingPair]:
    """Deduplicated, leak-free pairs in a seeded random order, at most ``max_per_skill`` per
    skill and ``max_per_source[source]`` per source."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for pair in pairs:
        key = (_key(pair.text), pair.skill_uri)
        if not key[0] or key in seen or key[0] in exclude_texts:
            continue
        seen.add(key)
        unique.append(pair)
    random.Random(seed).shuffle(unique)
    limits = max_per_source or {}
    per_skill: Counter[str] = Counter()
    per_source: Counter[str] = Counter()
    capped = []
    for pair in unique:
        if per_source[pair.source] >= limits.get(pair.source, len(unique)):
            continue
        if max_per_skill is not None and per_skill[pair.skill_uri] >= max_per_skill:
            continue
        per_skill[pair.skill_uri] += 1
        per_source[pair.source] += 1
        capped.append(pair)
    return capped


def source_counts(pairs: Sequence[TrainingPair]) -> dict[str, int]:
    return dict(sorted(Counter(p.source for p in pairs).items()))


def write_pairs(pairs: Iterable[TrainingPair], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(asdict(pair), ensure_ascii=False) + "\n")
            count += 1
    return count


def read_pairs(path: Path) -> list[TrainingPair]:
    with path.open(encoding="utf-8") as handle:
        return [TrainingPair(**json.loads(line)) for line in handle if line.strip()]
