"""The example memory: the datastore, the encoder that embeds its texts, and the neighbour index
of its current generation, refreshed whenever any process wrote to the datastore.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path

from ontology import EscoTaxonomy
from skillgraph.config import Settings
from skillgraph.encoders import Encoder
from skillgraph.errors import (
    ExampleBatchError,
    ExampleNotFoundError,
    InputError,
    MemoryUnavailableError,
)
from skillgraph.memory.datastore import ExampleStore, Generation, StoreContents
from skillgraph.memory.examples import (
    AddedExample,
    LabelledExample,
    StoredExample,
    check_example,
)
from skillgraph.memory.neighbours import NeighbourIndex
from skillgraph.memory.sources import read_source

log = logging.getLogger(__name__)

SEED_DIR = Path(__file__).parent / "seed"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SEED_BATCH = 256


def memory_path(settings: Settings) -> Path:
    """``<data_dir>/memory/<memory.name>.sqlite3``."""
    name = settings.memory.name
    if not _NAME.match(name):
        raise MemoryUnavailableError(
            f"memory.name must be letters, digits, '.', '_' or '-', got {name!r}"
        )
    return settings.data_dir / "memory" / f"{name}.sqlite3"


def seed_names() -> list[str]:
    return sorted(p.name.removesuffix(".jsonl.gz") for p in SEED_DIR.glob("*.jsonl.gz"))


def seed_path(name: str) -> Path:
    path = SEED_DIR / f"{name}.jsonl.gz"
    if not _NAME.match(name) or not path.is_file():
        raise MemoryUnavailableError(
            f"no shipped seed {name!r}; shipped: {', '.join(seed_names()) or 'none'}"
        )
    return path


_MAX_ID = 2**63 - 1  # SQLite's largest integer: no id beyond it exists


class ExampleMemory:
    """Add, list and remove examples; search the current ones by vector."""

    def __init__(
        self, store: ExampleStore, taxonomy: EscoTaxonomy, encoder: Encoder, max_text_chars: int
    ) -> None:
        self.store = store
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.max_text_chars = max_text_chars
        # Vectors are kept per encoder and weights: another model re-embeds the texts.
        self.encoder_key = f"{encoder.name}@{encoder.fingerprint}"
        self._index = NeighbourIndex.empty()
        self._generation: Generation | None = None
        self._refresh = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, taxonomy: EscoTaxonomy, encoder: Encoder) -> ExampleMemory:
        """The memory ``settings`` name, with its seed added on first use."""
        if not settings.memory.enabled:
            raise MemoryUnavailableError("the example memory is off (memory.enabled = false)")
        memory = cls(
            ExampleStore(memory_path(settings)),
            taxonomy,
            encoder,
            settings.extraction.max_sentence_chars,
        )
        if settings.memory.seed:
            memory.add_seed(settings.memory.seed)
        return memory

    def __len__(self) -> int:
        return self.store.count()

    # -- examples ------------------------------------------------------------------------

    def check(self, example: LabelledExample) -> LabelledExample:
        """``example`` as it would be stored, or an :class:`InputError` saying what is wrong."""
        return check_example(example, self.taxonomy, self.max_text_chars)

    def add(self, examples: Sequence[LabelledExample]) -> list[AddedExample]:
        """Store ``examples``, all or none: one unusable example rejects the batch (its own
        error for a single example, :class:`ExampleBatchError` listing all for several)."""
        checked, problems = [], []
        for position, example in enumerate(examples):
            try:
                checked.append(self.check(example))
            except InputError as exc:
                if len(examples) == 1:
                    raise
                problems.append((position, str(exc)))
        if problems:
            raise ExampleBatchError(problems)
        if not checked:
            return []
        vectors = self.encoder.encode([e.text for e in checked])
        return self.store.add(checked, vectors, self.encoder_key)

    def get(self, example_id: int) -> StoredExample:
        found = self.store.get(example_id) if 0 < example_id <= _MAX_ID else None
        if found is None:
            raise ExampleNotFoundError(example_id)
        return found

    def examples(self, limit: int, offset: int = 0) -> list[StoredExample]:
        return self.store.examples(limit, offset)

    def remove(self, example_id: int) -> None:
        if not 0 < example_id <= _MAX_ID or not self.store.remove(example_id):
            raise ExampleNotFoundError(example_id)

    def add_seed(self, name: str) -> int:
        """Add a shipped seed once (the datastore remembers it); the number of rows added."""
        path = seed_path(name)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        marker = f"seed:{name}"
        if self.store.meta(marker) == digest:
            return 0
        log.info("adding the %r seed to the example memory %s (once)", name, self.store.path)
        added = 0
        rows = (r.example for r in read_source(path, self.taxonomy, "examples") if r.example)
        while batch := list(itertools.islice(rows, _SEED_BATCH)):
            usable = []
            for example in batch:
                try:
                    usable.append(self.check(example))
                except InputError as exc:  # e.g. a skill this ESCO release lacks
                    log.debug("seed example left out: %s", exc)
            added += len(self.add(usable))
        self.store.set_meta(marker, digest)
        log.info("seed %r: %d examples", name, added)
        return added

    # -- search --------------------------------------------------------------------------

    def neighbour_index(self) -> NeighbourIndex:
        """The index of the datastore as it is now; rebuilt only after a write (by any
        process), so the check costs one small read."""
        if self.store.generation() == self._generation:
            return self._index
        with self._refresh:
            if self.store.generation() != self._generation:
                contents = self._contents()
                examples = {i: self._known(e) for i, e in contents.examples.items()}
                self._index = NeighbourIndex(contents.ids, contents.vectors, examples)
                self._generation = contents.generation
                log.debug("example memory: %d examples", len(self._index))
        return self._index

    def _contents(self) -> StoreContents:
        """The store's contents, first embedding any example without a vector for our encoder
        (added with another encoder, or the encoder changed)."""
        contents = self.store.contents(self.encoder_key)
        for _ in range(3):  # writers may add more meanwhile; they embed their own
            if not contents.missing:
                break
            log.info(
                "embedding %d stored examples with %s", len(contents.missing), self.encoder.name
            )
            texts = [contents.examples[i].text for i in contents.missing]
            self.store.put_vectors(contents.missing, self.encoder.encode(texts), self.encoder_key)
            contents = self.store.contents(self.encoder_key)
        return contents

    def _known(self, example: StoredExample) -> StoredExample:
        """``example`` without skills the loaded release lacks (a store made with another)."""
        skills = self.taxonomy.skills
        if all(u in skills for u in example.skills + example.negatives):
            return example
        return StoredExample(
            example.id,
            example.text,
            tuple(u for u in example.skills if u in skills),
            tuple(u for u in example.negatives if u in skills),
            example.source,
            example.added,
        )
