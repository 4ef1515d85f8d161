"""Stable IRIs for what SkillGraph publishes: datasets, postings, extractions, runs, graphs.

Every IRI is a pure function of its inputs (base IRI, dataset name, posting id, skill URI, run
description), so exporting or pushing the same data twice names the same things, and a re-push
replaces rather than duplicates. User keys are percent-encoded whole (and a key of ``.`` or ``..``
has its dots encoded, so that it never reads as a path step): any string, however hostile, gives
a valid IRI, and two different keys never give the same one.

    dataset     {base}{dataset}
    posting     {dataset}/posting/{id}
    graph       {dataset}/graph/{id}                 one named graph per posting
    extraction  {dataset}/posting/{id}/skill/{uuid}   the ESCO uuid; other URIs: x-<sha256>
    run         {dataset}/run/{sha256 of method, model, fingerprint, ESCO version}
    ESCO graph  {base}esco/{release}                 e.g. .../esco/esco-v1.2.0-en
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import NamedNode

from ontology import EscoRelease
from ontology.taxonomy import SKILL_NAMESPACE
from skillgraph.errors import RdfInputError

__all__ = ["DEFAULT_BASE_IRI", "DEFAULT_DATASET", "IriScheme", "encode_key"]

DEFAULT_BASE_IRI = "https://w3id.org/skillgraph/data/"
DEFAULT_DATASET = "default"
_UUID = re.compile(r"[0-9A-Fa-f-]+")


def encode_key(key: str) -> str:
    """``key`` as one IRI path segment: reversible, never empty, never ``.`` or ``..``."""
    if not key:
        raise ValueError("an empty key cannot name anything")
    encoded = quote(key, safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def _digest(*parts: str) -> str:
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class IriScheme:
    """The IRIs of one dataset of postings under one base IRI."""

    base: str = DEFAULT_BASE_IRI
    dataset: str = DEFAULT_DATASET

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise RdfInputError(f"the base IRI must end with '/' or '#': {self.base!r}")
        try:
            NamedNode(self.base)
        except ValueError:
            raise RdfInputError(f"the base IRI is not an absolute IRI: {self.base!r}") from None
        if not self.dataset:
            raise RdfInputError("the dataset name must not be empty")

    @property
    def dataset_iri(self) -> NamedNode:
        return NamedNode(self._dataset())

    def posting(self, posting_id: str) -> NamedNode:
        return NamedNode(f"{self._dataset()}/posting/{encode_key(posting_id)}")

    def posting_graph(self, posting_id: str) -> NamedNode:
        return NamedNode(f"{self._dataset()}/graph/{encode_key(posting_id)}")

    def extraction(self, posting_id: str, skill_uri: str) -> NamedNode:
        uuid = skill_uri.removeprefix(SKILL_NAMESPACE)
        key = uuid if uuid != skill_uri and _UUID.fullmatch(uuid) else f"x-{_digest(skill_uri)}"
        return NamedNode(f"{self._dataset()}/posting/{encode_key(posting_id)}/skill/{key}")

    def run(self, method: str, model: str, fingerprint: str, esco_version: str) -> NamedNode:
        digest = _digest(method, model, fingerprint, esco_version)
        return NamedNode(f"{self._dataset()}/run/{digest}")

    def esco_release(self, release: EscoRelease) -> NamedNode:
        """The ESCO release as a dataset, and the named graph it is pushed to."""
        return NamedNode(f"{self.base}esco/{encode_key(release.name)}")

    def _dataset(self) -> str:
        return self.base + encode_key(self.dataset)
