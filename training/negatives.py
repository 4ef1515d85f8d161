"""Negative sampling strategies for contrastive training (the core idea of Decorte et al. 2022).

Every strategy proposes, for a training text, skills it must *not* be matched with. In-batch
negatives come for free from the loss; these add harder ones:

* ``siblings``: skills under the same ESCO level-3 group as a gold skill (near in the taxonomy,
  different in meaning: the strategy that helped most in Decorte 2022);
* ``hard``: the skills the current model ranks highest for the text that are not gold (mined
  with a faiss index over skill labels);
* ``combined``: one of each, alternating (with one negative per text: either, by a seeded coin).

Gold skills of the text, and skills sharing a label with a gold skill, are never negatives.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence

import faiss
import numpy as np

from ontology import EscoTaxonomy, normalize_label
from skillgraph.encoders import Encoder

log = logging.getLogger(__name__)

STRATEGIES = ("in-batch", "siblings", "hard", "combined")


class NegativeSampler:
    """Picks ``count`` negative skills per text under one strategy (seeded, reproducible)."""

    def __init__(
        self,
        strategy: str,
        taxonomy: EscoTaxonomy,
        gold: Mapping[str, frozenset[str]],
        count: int = 1,
        seed: int = 0,
        sibling_level: int = 3,
    ) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown negative strategy {strategy!r}; choose from {STRATEGIES}")
        self.strategy = strategy
        self.taxonomy = taxonomy
        self.gold = gold
        self.count = count if strategy != "in-batch" else 0
        self.sibling_level = sibling_level
        self._random = random.Random(seed)
        self._hard: dict[str, list[str]] = {}
        self._same_label = _skills_sharing_labels(taxonomy)

    @property
    def needs_mining(self) -> bool:
        return self.strategy in ("hard", "combined")

    def mine(self, encoder: Encoder, texts: Sequence[str], depth: int = 30) -> None:
        """Rank skills for every text with ``encoder`` and keep the best non-gold ones."""
        uris = list(self.taxonomy.skills)
        labels, owners = [], []
        for position, skill in enumerate(self.taxonomy.skills.values()):
            for label in skill.labels:
                labels.append(label)
                owners.append(position)
        index = faiss.IndexFlatIP(encoder.dimension)
        index.add(encoder.encode(labels))
        owner = np.asarray(owners)
        unique = list(dict.fromkeys(texts))
        _, rows = index.search(encoder.encode(unique), depth * 4)
        for text, found in zip(unique, rows, strict=True):
            blocked = self._blocked(text)
            ranked = dict.fromkeys(uris[owner[r]] for r in found if r >= 0)
            self._hard[text] = [u for u in ranked if u not in blocked][:depth]
        log.info("mined hard negatives for %d texts", len(unique))

    def negatives(self, text: str) -> list[str]:
        if self.count == 0:
            return []
        blocked = self._blocked(text)
        picks: list[str] = []
        # combined: which kind comes first is a seeded coin, so one negative per text still
        # mixes both kinds over the epoch
        first = self._random.randrange(2) if self.strategy == "combined" else 0
        for turn in range(self.count):
            use_hard = self.strategy == "hard" or (
                self.strategy == "combined" and (turn + first) % 2 == 0
            )
            pool = self._hard.get(text, []) if use_hard else self._siblings(text)
            choices = [u for u in pool if u not in blocked and u not in picks]
            if use_hard:
                choices = choices[:10]  # the top of the ranking is what the model confuses
            if choices:
                picks.append(self._random.choice(choices))
        return picks

    def _siblings(self, text: str) -> list[str]:
        pool: list[str] = []
        for uri in self.gold.get(text, ()):
            pool.extend(self.taxonomy.siblings(uri, level=self.sibling_level))
        return pool

    def _blocked(self, text: str) -> set[str]:
        gold = self.gold.get(text, frozenset())
        blocked = set(gold)
        for uri in gold:
            blocked.update(self._same_label.get(uri, ()))
        return blocked


def _skills_sharing_labels(taxonomy: EscoTaxonomy) -> dict[str, set[str]]:
    """Skill -> other skills with a label of the same normalised text (near-synonyms)."""
    by_label: dict[str, set[str]] = {}
    for skill in taxonomy.skills.values():
        for label in skill.labels:
            by_label.setdefault(normalize_label(label), set()).add(skill.uri)
    shared: dict[str, set[str]] = {}
    for owners in by_label.values():
        if len(owners) > 1:
            for uri in owners:
                shared.setdefault(uri, set()).update(owners - {uri})
    return shared
