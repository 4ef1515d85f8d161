"""Job postings and their extracted skills as RDF: one named graph per posting.

A posting's graph holds the posting (``schema:JobPosting`` with its id, dataset, occupation and
``schema:skills``), one ``sg:SkillExtraction`` per skill (score, evidence sentence and offsets,
``prov:wasGeneratedBy`` the run), and the run itself (method, model, ESCO version), so each graph
stands alone and replacing it replaces everything the posting said. The export, the push and
:meth:`skillgraph.ExtractResult.to_rdflib` all build it here.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Literal as Choice

from pyoxigraph import Literal, NamedNode, Triple

from ontology import EscoTaxonomy
from ontology.namespace import DCAT, DCTERMS, PROV, RDF, SCHEMA, SG
from skillgraph.rdf.chunks import GraphChunk
from skillgraph.rdf.iris import IriScheme
from skillgraph.records import SCORE_DECIMALS, ModelStamp, SkillMatch

__all__ = ["ExtractionRun", "PostingConverter", "PostingRecord", "UnknownSkills"]

log = logging.getLogger(__name__)

UnknownSkills = Choice["keep", "drop"]


@dataclass(frozen=True, slots=True)
class PostingRecord:
    """One posting's extraction results, as the batch CLI writes them (plus an optional
    ESCO occupation URI)."""

    id: str
    esco_version: str
    skills: tuple[SkillMatch, ...]
    occupation: str = ""
    row_number: int = 0
    line: int | None = None
    model: ModelStamp | None = None  # what extracted the skills, where the results say


@dataclass(frozen=True, slots=True)
class ExtractionRun:
    """What produced the extractions; empty strings are unknown and left out."""

    method: str = SG.EmbeddingRetrieval.value
    model: str = ""
    fingerprint: str = ""


class PostingConverter:
    """Turns :class:`PostingRecord`s into one :class:`GraphChunk` each.

    With a taxonomy, skills and occupations it does not know are reported as warnings, and
    exported anyway (``unknown="keep"``: they are valid IRIs, perhaps from another ESCO
    release) or left out (``"drop"``).
    """

    def __init__(
        self,
        iris: IriScheme,
        run: ExtractionRun | None = None,
        taxonomy: EscoTaxonomy | None = None,
        unknown: UnknownSkills = "keep",
    ) -> None:
        self._iris = iris
        self._run = run or ExtractionRun()
        self._method = NamedNode(self._run.method)
        self._taxonomy = taxonomy
        self._unknown = unknown
        self._versions_noted: set[str] = set()

    def convert(self, record: PostingRecord) -> tuple[GraphChunk, list[str]]:
        """The posting's graph, and warnings about it. Raises ``ValueError`` (with a message
        naming the field) when the record cannot be expressed in RDF."""
        if not record.id:
            raise ValueError("empty id")
        warnings: list[str] = []
        posting = self._iris.posting(record.id)
        dataset = self._iris.dataset_iri
        extraction_run = self._run_of(record)
        run = self._iris.run(
            extraction_run.method,
            extraction_run.model,
            extraction_run.fingerprint,
            record.esco_version,
        )
        triples = [
            Triple(posting, RDF.type, SCHEMA.JobPosting),
            Triple(posting, SCHEMA.identifier, Literal(record.id)),
            Triple(posting, DCTERMS.isPartOf, dataset),
        ]
        if record.occupation:
            occupation = _iri(record.occupation, "occupation")
            if self._taxonomy is not None and record.occupation not in self._taxonomy.occupations:
                warnings.append(self._unknown_message("occupation", record.occupation))
            triples.append(Triple(posting, SCHEMA.relevantOccupation, occupation))
        extractions: list[Triple] = []
        seen: set[str] = set()
        for position, skill in enumerate(record.skills, start=1):
            if skill.uri in seen:
                warnings.append(f"skill {position}: {skill.uri} repeats an earlier skill; dropped")
                continue
            seen.add(skill.uri)
            if self._taxonomy is not None and skill.uri not in self._taxonomy.skills:
                warnings.append(self._unknown_message(f"skill {position}", skill.uri))
                if self._unknown == "drop":
                    continue
            skill_node = _iri(skill.uri, f"skill {position}")
            triples.append(Triple(posting, SCHEMA.skills, skill_node))
            extractions.extend(
                self._extraction(record.id, posting, run, skill_node, skill, position)
            )
        triples.append(Triple(dataset, RDF.type, DCAT.Dataset))
        triples.extend(self._run_triples(run, extraction_run, record.esco_version))
        triples.extend(extractions)
        self._note_version(record.esco_version)
        return GraphChunk(self._iris.posting_graph(record.id), tuple(triples)), warnings

    def _extraction(
        self,
        posting_id: str,
        posting: NamedNode,
        run: NamedNode,
        skill_node: NamedNode,
        skill: SkillMatch,
        position: int,
    ) -> list[Triple]:
        where = f"skill {position}"
        node = self._iris.extraction(posting_id, skill.uri)
        if not math.isfinite(skill.score):
            raise ValueError(f"{where}: score must be a finite number, got {skill.score!r}")
        if not 0 <= skill.start <= skill.end:
            raise ValueError(f"{where}: offsets must satisfy 0 <= start <= end")
        return [
            Triple(node, RDF.type, SG.SkillExtraction),
            Triple(node, SG.extractedFrom, posting),
            Triple(node, SG.skill, skill_node),
            # Rounded as batch results are, so RDF from JSONL, from --extract and from the library
            # is the same graph.
            Triple(node, SG.score, Literal(round(float(skill.score), SCORE_DECIMALS))),
            Triple(node, SG.evidenceSentence, Literal(skill.sentence)),
            Triple(node, SG.evidenceStart, Literal(skill.start)),
            Triple(node, SG.evidenceEnd, Literal(skill.end)),
            Triple(node, PROV.wasGeneratedBy, run),
        ]

    def _run_of(self, record: PostingRecord) -> ExtractionRun:
        """The record's own model where it names one, else the converter's."""
        if record.model is None:
            return self._run
        return ExtractionRun(self._run.method, record.model.name, record.model.fingerprint)

    def _run_triples(self, node: NamedNode, run: ExtractionRun, esco_version: str) -> list[Triple]:
        triples = [
            Triple(node, RDF.type, SG.ExtractionRun),
            Triple(node, SG.method, self._method),
            Triple(node, SG.escoVersion, Literal(esco_version)),
        ]
        if run.model:
            triples.append(Triple(node, SG.model, Literal(run.model)))
        if run.fingerprint:
            triples.append(Triple(node, SG.modelFingerprint, Literal(run.fingerprint)))
        return triples

    def _unknown_message(self, what: str, uri: str) -> str:
        release = self._taxonomy.release.name if self._taxonomy else ""
        outcome = "dropped" if self._unknown == "drop" and what != "occupation" else "kept"
        return f"{what}: {uri} is not in {release}; {outcome}"

    def _note_version(self, version: str) -> None:
        taxonomy = self._taxonomy
        if taxonomy is None or version == taxonomy.release.version:
            return
        if version not in self._versions_noted:
            self._versions_noted.add(version)
            log.warning(
                "postings name ESCO %s, but URIs are checked against %s",
                version or "(no version)",
                taxonomy.release.name,
            )


def _iri(value: str, where: str) -> NamedNode:
    try:
        return NamedNode(value)
    except ValueError:
        raise ValueError(f"{where}: not an absolute IRI: {value!r}") from None
