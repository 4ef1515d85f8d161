"""A faiss index over the texts of every ESCO skill, cached on disk.

One row per text: each skill's preferred label, its alt labels, then (after all label rows) its
description. Label rows come first so that a search can be limited to them with one id range.
The expensive part, the vectors, is cached per (ESCO release, encoder, model fingerprint); the
faiss structure of the chosen kind is cached beside them.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from ontology import EscoTaxonomy
from ontology.files import atomic_write
from skillgraph.config import IndexSettings
from skillgraph.encoders import Encoder
from skillgraph.errors import IndexBuildError
from skillgraph.index_kinds import IndexKind, index_kind
from skillgraph.vector_cache import VectorKey, encode_texts, load_or_encode

log = logging.getLogger(__name__)


class TextKind(enum.IntEnum):
    PREFERRED = 0
    ALT = 1
    DESCRIPTION = 2


@dataclass(frozen=True, slots=True)
class IndexRows:
    """What each row of the index is: its skill (position in ``skill_uris``), kind and text."""

    skill_uris: tuple[str, ...]
    skill: np.ndarray  # int32 per row
    kind: np.ndarray  # int8 per row (TextKind)
    texts: tuple[str, ...]
    label_rows: int  # rows [0, label_rows) are labels, the rest descriptions

    @classmethod
    def from_taxonomy(cls, taxonomy: EscoTaxonomy, descriptions: bool = True) -> IndexRows:
        uris = tuple(taxonomy.skills)
        labels: list[tuple[int, int, str]] = []
        described: list[tuple[int, int, str]] = []
        for position, skill in enumerate(taxonomy.skills.values()):
            seen: set[str] = set()
            for kind, label in [(TextKind.PREFERRED, skill.preferred_label)] + [
                (TextKind.ALT, alt) for alt in skill.alt_labels
            ]:
                key = label.strip().casefold()
                if key and key not in seen:
                    seen.add(key)
                    labels.append((position, kind, label.strip()))
            if descriptions and skill.description.strip():
                described.append((position, TextKind.DESCRIPTION, skill.description.strip()))
        rows = labels + described
        return cls(
            skill_uris=uris,
            skill=np.fromiter((r[0] for r in rows), dtype=np.int32, count=len(rows)),
            kind=np.fromiter((r[1] for r in rows), dtype=np.int8, count=len(rows)),
            texts=tuple(r[2] for r in rows),
            label_rows=len(labels),
        )

    def __len__(self) -> int:
        return len(self.texts)

    def digest(self) -> str:
        """Changes whenever any row's skill, kind or text changes (e.g. an edited snapshot)."""
        hasher = hashlib.sha256()
        for uri in self.skill_uris:
            hasher.update(uri.encode() + b"\0")
        hasher.update(self.skill.tobytes() + self.kind.tobytes())
        for text in self.texts:
            hasher.update(text.encode() + b"\0")
        return hasher.hexdigest()[:12]


class SkillIndex:
    """Nearest skill texts for query vectors (inner product on unit vectors = cosine)."""

    def __init__(
        self,
        key: VectorKey,
        rows: IndexRows,
        index: faiss.Index,
        settings: IndexSettings,
        vectors: np.ndarray | None = None,
    ) -> None:
        self.key = key
        self.rows = rows
        # The rows' vectors (file-backed when they come from the cache), for scoring a given
        # skill's labels without encoding them again; None when not kept.
        self.vectors = vectors
        self.kind = settings.kind
        self._structure = index_kind(settings.kind)
        self._index = index
        self._labels_only = self._structure.labels_only(settings, rows.label_rows)

    @property
    def covers_descriptions(self) -> bool:
        return self._structure.covers_descriptions or self.rows.label_rows == len(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def search(
        self, queries: np.ndarray, k: int, labels_only: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, row ids) of the ``k`` nearest rows per query; missing hits have id -1."""
        if not labels_only and not self.covers_descriptions:
            raise IndexBuildError(
                f"a {self.kind!r} index holds label rows only; use index.kind = 'exact' to "
                "score descriptions"
            )
        k = min(k, self._index.ntotal)
        params = self._labels_only if labels_only else None
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        return self._index.search(queries, k, params=params)


def build_index_in_memory(
    taxonomy: EscoTaxonomy, encoder: Encoder, descriptions: bool = False
) -> SkillIndex:
    """An exact index that is never cached, e.g. to evaluate a model during training."""
    rows = IndexRows.from_taxonomy(taxonomy, descriptions=descriptions)
    key = VectorKey(taxonomy.release.name, rows.digest(), encoder.name, encoder.fingerprint)
    settings = IndexSettings(kind="exact")
    vectors = encode_texts(rows.texts, encoder)
    index = index_kind("exact").build(vectors, rows.label_rows, settings)
    return SkillIndex(key, rows, index, settings, vectors)


def load_or_build_index(
    taxonomy: EscoTaxonomy,
    encoder: Encoder,
    settings: IndexSettings,
    cache_root: Path,
    progress: Callable[[int, int], None] | None = None,
    descriptions: bool = False,
) -> SkillIndex:
    """Load the cached index for this taxonomy and encoder, building and caching it if needed.

    ``descriptions``: index the skills' descriptions too (only needed when they are scored;
    they are the longest texts, so leaving them out halves the first build)."""
    kind = index_kind(settings.kind)
    rows = IndexRows.from_taxonomy(taxonomy, descriptions=descriptions)
    key = VectorKey(taxonomy.release.name, rows.digest(), encoder.name, encoder.fingerprint)
    vectors = load_or_encode(rows.texts, encoder, key, cache_root, "ESCO texts", progress)
    index = _structure(kind, key.directory(cache_root), vectors, rows.label_rows, settings)
    return SkillIndex(key, rows, index, settings, vectors)


def _structure(
    kind: IndexKind, directory: Path, vectors: np.ndarray, label_rows: int, settings: IndexSettings
) -> faiss.Index:
    """The kind's faiss structure, read from its cache file or built (and cached)."""
    name = kind.cache_file(settings)
    path = directory / name if name else None
    index = None
    if path is not None and path.is_file():
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            log.warning("ignoring unreadable index %s (%s); rebuilding", path, exc)
    expected = vectors.shape[0] if kind.covers_descriptions else label_rows
    if index is None or index.ntotal != expected:
        started = time.perf_counter()
        index = kind.build(vectors, label_rows, settings)
        if path is not None:
            log.info("built %s index in %.1f s", kind.name, time.perf_counter() - started)
            atomic_write(path, lambda tmp: faiss.write_index(index, str(tmp)))
    kind.tune(index, settings)
    return index
