"""Job title (and the ad's skills) -> ranked ESCO occupations, or none when nothing fits.

Every occupation's preferred and alternative labels (33k in ESCO v1.2.0, most of them real job
titles) are encoded once and cached. A title is cleaned (:mod:`.titles`), each of its segments
is encoded, and an occupation scores its best label's cosine with the first segment, or with a
later one at ``segment_weight``. The ad's skills, when given, add ``skill_weight`` times the share
of them the occupation lists as essential (optional ones count half); a title that is an alt
label of several occupations goes to the one whose preferred label is nearest. Below
``min_score`` the answer is empty: "Apply now!" gets no occupation rather than a wrong one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ontology import EscoTaxonomy, IscoGroup, Occupation
from ontology.labels import normalize_label
from skillgraph.config import OccupationSettings
from skillgraph.encoders import Encoder
from skillgraph.occupations.titles import clean_title
from skillgraph.vector_cache import VectorKey, load_or_encode, text_digest

__all__ = ["IscoStep", "OccupationMatch", "OccupationMatcher", "OccupationRows"]

_PREFERRED_SHARE = 0.02  # of an occupation's score that its preferred label's cosine gives
_CHUNK = 64  # titles scored against every label at once (64 x 3 segments x 33k floats)


@dataclass(frozen=True, slots=True)
class IscoStep:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class OccupationMatch:
    uri: str
    label: str
    score: float
    isco_code: str
    isco_path: tuple[IscoStep, ...]  # major group first, down to the unit group
    matched_label: str  # the occupation's label nearest the title

    def to_dict(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "label": self.label,
            "score": round(self.score, 4),
            "isco_code": self.isco_code,
            "isco_path": [{"code": step.code, "label": step.label} for step in self.isco_path],
            "matched_label": self.matched_label,
        }


@dataclass(frozen=True)
class OccupationRows:
    """One row per distinct label of each occupation. An occupation's rows are contiguous, its
    preferred label first (unless left out)."""

    uris: tuple[str, ...]  # occupations, in row-block order
    starts: np.ndarray  # first row of each occupation's block
    texts: tuple[str, ...]
    owner: np.ndarray  # occupation position of each row

    @classmethod
    def from_taxonomy(
        cls, taxonomy: EscoTaxonomy, leave_out: Collection[tuple[str, str]] = ()
    ) -> OccupationRows:
        """``leave_out``: (occupation URI, label) pairs not to index (a held-out benchmark)."""
        left_out = {(uri, normalize_label(label)) for uri, label in leave_out}
        uris: list[str] = []
        starts: list[int] = []
        texts: list[str] = []
        owner: list[int] = []
        for occupation in taxonomy.occupations.values():
            seen: set[str] = set()
            labels = []
            for label in (occupation.preferred_label, *occupation.alt_labels):
                key = normalize_label(label)
                if key and key not in seen and (occupation.uri, key) not in left_out:
                    seen.add(key)
                    labels.append(label.strip())
            if not labels:
                continue
            starts.append(len(texts))
            owner.extend([len(uris)] * len(labels))
            uris.append(occupation.uri)
            texts.extend(labels)
        return cls(
            tuple(uris), np.asarray(starts, np.int64), tuple(texts), np.asarray(owner, np.int32)
        )

    def digest(self) -> str:
        return text_digest([*self.uris, *self.texts], self.owner)


class OccupationMatcher:
    def __init__(
        self,
        taxonomy: EscoTaxonomy,
        encoder: Encoder,
        rows: OccupationRows,
        vectors: np.ndarray,
        settings: OccupationSettings,
    ) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.rows = rows
        self.settings = settings
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._isco = {group.code: group for group in taxonomy.isco_groups.values()}
        self._profiles = _skill_profiles(taxonomy, rows.uris)

    @classmethod
    def load(
        cls,
        taxonomy: EscoTaxonomy,
        encoder: Encoder,
        settings: OccupationSettings,
        cache_root: Path,
        progress: Callable[[int, int], None] | None = None,
        rows: OccupationRows | None = None,
    ) -> OccupationMatcher:
        """The matcher over ``rows`` (default: every occupation label), vectors cached under
        ``cache_root``."""
        rows = rows or OccupationRows.from_taxonomy(taxonomy)
        key = VectorKey(taxonomy.release.name, rows.digest(), encoder.name, encoder.fingerprint)
        vectors = load_or_encode(
            rows.texts, encoder, key, cache_root, "ESCO occupation labels", progress
        )
        return cls(taxonomy, encoder, rows, vectors, settings)

    def configured(self, settings: OccupationSettings) -> OccupationMatcher:
        """This matcher with other settings, sharing its label vectors."""
        return OccupationMatcher(self.taxonomy, self.encoder, self.rows, self._vectors, settings)

    def match(
        self, title: str, skills: Collection[str] = (), top_k: int | None = None
    ) -> list[OccupationMatch]:
        return self.match_many([title], [skills], top_k)[0]

    def match_many(
        self,
        titles: Sequence[str],
        skills: Sequence[Collection[str]] | None = None,
        top_k: int | None = None,
    ) -> list[list[OccupationMatch]]:
        """Per title, its occupations best first (at most ``top_k``); ``skills`` (per title,
        skill URIs found in its ad) vote when ``skill_weight`` is above 0."""
        top_k = self.settings.top_k if top_k is None else top_k
        if top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {top_k}")
        skills = skills or [()] * len(titles)
        if len(skills) != len(titles):
            raise ValueError(f"{len(titles)} titles but {len(skills)} skill sets")
        cleaned = [clean_title(title).segments[:3] for title in titles]
        results: list[list[OccupationMatch]] = []
        for start in range(0, len(titles), _CHUNK):
            chunk = cleaned[start : start + _CHUNK]
            texts = [segment for segments in chunk for segment in segments]
            similarities = self.encoder.encode(texts) @ self._vectors.T if texts else None
            position = 0
            for offset, segments in enumerate(chunk):
                if not segments or similarities is None:
                    results.append([])
                    continue
                rows = similarities[position : position + len(segments)].copy()
                position += len(segments)
                rows[1:] *= self.settings.segment_weight
                best = rows.max(axis=0)
                # Many titles are alt labels of several occupations: the one whose preferred
                # label is nearer wins the tie.
                scores = (1 - _PREFERRED_SHARE) * np.maximum.reduceat(best, self.rows.starts)
                scores += _PREFERRED_SHARE * best[self.rows.starts]
                scores = self._with_skills(scores, skills[start + offset])
                results.append(self._ranked(scores, rows, top_k))
        return results

    def _with_skills(self, scores: np.ndarray, skills: Collection[str]) -> np.ndarray:
        weight = self.settings.skill_weight
        if weight <= 0 or not skills:
            return scores
        found = set(skills)
        votes = np.zeros_like(scores)
        for position, (essential, optional) in self._profiles.items():
            share = len(found & essential) + 0.5 * len(found & optional)
            if share:
                votes[position] = share / len(found)
        return scores + weight * votes

    def _ranked(self, scores: np.ndarray, rows: np.ndarray, top_k: int) -> list[OccupationMatch]:
        """The best ``top_k`` occupations at ``min_score`` or above; ``rows``: the title's
        weighted cosine with every label, per segment (to name the label that matched)."""
        keep = np.flatnonzero(scores >= self.settings.min_score)
        order = keep[np.argsort(-scores[keep], kind="stable")][:top_k]
        best = rows.max(axis=0)
        matches = []
        for position in order:
            start = int(self.rows.starts[position])
            end = (
                int(self.rows.starts[position + 1])
                if position + 1 < len(self.rows.starts)
                else len(best)
            )
            row = start + int(np.argmax(best[start:end]))
            matches.append(self._match(int(position), float(scores[position]), row))
        return matches

    def _match(self, position: int, score: float, row: int) -> OccupationMatch:
        occupation = self.taxonomy.occupation(self.rows.uris[position])
        return OccupationMatch(
            uri=occupation.uri,
            label=occupation.preferred_label,
            score=score,
            isco_code=occupation.isco_code,
            isco_path=self.isco_path(occupation),
            matched_label=self.rows.texts[row],
        )

    def isco_path(self, occupation: Occupation) -> tuple[IscoStep, ...]:
        """The ISCO-08 groups above ``occupation``: major group (1 digit) to unit group (4)."""
        code = occupation.isco_code
        groups: list[IscoGroup] = [
            self._isco[code[:length]]
            for length in range(1, len(code) + 1)
            if code[:length] in self._isco
        ]
        return tuple(IscoStep(group.code, group.preferred_label) for group in groups)


def _skill_profiles(
    taxonomy: EscoTaxonomy, uris: Sequence[str]
) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    profiles = {}
    for position, uri in enumerate(uris):
        occupation = taxonomy.occupation(uri)
        if occupation.essential_skills or occupation.optional_skills:
            profiles[position] = (
                frozenset(occupation.essential_skills),
                frozenset(occupation.optional_skills),
            )
    return profiles
