"""RDF out of SkillGraph: export postings, ESCO and procedure graphs; push them to graph stores.

Postings become one named graph each (:class:`PostingConverter`), procedure graphs too
(:func:`procedure_chunk`), ESCO comes from
:func:`ontology.esco_triples`; :func:`write_chunks` streams them to Turtle, N-Triples, N-Quads,
TriG or JSON-LD, and :func:`push_chunks` into a :class:`GraphStore` (:func:`open_store`: the
embedded pyoxigraph store or a SPARQL 1.1 server), resumably. docs/knowledge-graph.md has the
model, the IRIs and the guarantees.
"""

from services.rdf.checkpoint import Checkpoint, checkpoint_for, input_fingerprint
from services.rdf.embedded_store import EmbeddedStore
from services.rdf.errors import (
    QueryError,
    RdfError,
    RdfInputError,
    StoreError,
    StoreUnavailableError,
)
from services.rdf.formats import EXPORT_FORMATS, ExportFormat, export_format_for, write_chunks
from services.rdf.postings import (
    ExtractionRun,
    PostingConverter,
    PostingRecord,
    RowWarning,
    posting_chunks,
)
from services.rdf.procedures import procedure_chunk
from services.rdf.push import PushInterrupted, PushReport, into_graph, push_chunks
from services.rdf.rdf_input import rdf_format_for, read_rdf_chunks
from services.rdf.results_input import read_results
from services.rdf.store import GraphChunk, GraphStore, QueryResult
from services.rdf.stores import embedded_store_path, open_store, store_location
from skillgraph.rdf.iris import DEFAULT_BASE_IRI, DEFAULT_DATASET, IriScheme, encode_key

__all__ = [
    "DEFAULT_BASE_IRI",
    "DEFAULT_DATASET",
    "EXPORT_FORMATS",
    "Checkpoint",
    "EmbeddedStore",
    "ExportFormat",
    "ExtractionRun",
    "GraphChunk",
    "GraphStore",
    "IriScheme",
    "PostingConverter",
    "PostingRecord",
    "PushInterrupted",
    "PushReport",
    "QueryError",
    "QueryResult",
    "RdfError",
    "RdfInputError",
    "RowWarning",
    "StoreError",
    "StoreUnavailableError",
    "checkpoint_for",
    "embedded_store_path",
    "encode_key",
    "export_format_for",
    "input_fingerprint",
    "into_graph",
    "open_store",
    "posting_chunks",
    "procedure_chunk",
    "push_chunks",
    "rdf_format_for",
    "read_rdf_chunks",
    "read_results",
    "store_location",
    "write_chunks",
]
