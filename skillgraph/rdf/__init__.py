"""SkillGraph's RDF model: stable IRIs, one named graph per posting (the export, the push and
``ExtractResult.to_rdflib`` build the same triples)."""

from skillgraph.rdf.chunks import GraphChunk
from skillgraph.rdf.iris import DEFAULT_BASE_IRI, DEFAULT_DATASET, IriScheme, encode_key
from skillgraph.rdf.postings import ExtractionRun, PostingConverter, PostingRecord, UnknownSkills

__all__ = [
    "DEFAULT_BASE_IRI",
    "DEFAULT_DATASET",
    "ExtractionRun",
    "GraphChunk",
    "IriScheme",
    "PostingConverter",
    "PostingRecord",
    "UnknownSkills",
    "encode_key",
]
