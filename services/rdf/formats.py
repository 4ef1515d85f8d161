"""RDF output formats, and writing a stream of graph chunks to a file or stdout.

Turtle and N-Triples carry triples only (graph names are dropped); N-Quads, TriG and JSON-LD keep
each chunk's named graph. Every writer streams: memory holds one chunk, whatever the total. A
``.gz`` suffix compresses. As with the batch writers, output goes straight to its target, so a
failed run leaves a partial file and says so through its exit status.
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, cast

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from ontology.namespace import PREFIXES
from services.rdf.errors import RdfError, RdfInputError
from services.rdf.jsonld import write_jsonld
from services.rdf.store import GraphChunk

__all__ = ["EXPORT_FORMATS", "ExportFormat", "export_format_for", "write_chunks"]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    keeps_graphs: bool
    rdf_format: RdfFormat | None  # None: SkillGraph's own streaming JSON-LD writer


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "turtle": ExportFormat("turtle", ".ttl", "text/turtle", False, RdfFormat.TURTLE),
    "ntriples": ExportFormat(
        "ntriples", ".nt", "application/n-triples", False, RdfFormat.N_TRIPLES
    ),
    "nquads": ExportFormat("nquads", ".nq", "application/n-quads", True, RdfFormat.N_QUADS),
    "trig": ExportFormat("trig", ".trig", "application/trig", True, RdfFormat.TRIG),
    "jsonld": ExportFormat("jsonld", ".jsonld", "application/ld+json", True, None),
}
_BY_EXTENSION = {fmt.extension: fmt for fmt in EXPORT_FORMATS.values()} | {
    ".json": EXPORT_FORMATS["jsonld"]
}


def export_format_for(target: str, name: str | None = None) -> ExportFormat:
    """The format called ``name``, else the one ``target``'s extension names (stdout: Turtle)."""
    if name is not None:
        try:
            return EXPORT_FORMATS[name]
        except KeyError:
            choices = ", ".join(EXPORT_FORMATS)
            raise RdfInputError(f"unknown RDF format {name!r}; choose one of {choices}") from None
    if target == "-":
        return EXPORT_FORMATS["turtle"]
    path = PurePath(target)
    suffix = PurePath(path.stem).suffix if path.suffix.lower() == ".gz" else path.suffix
    try:
        return _BY_EXTENSION[suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_BY_EXTENSION))
        raise RdfInputError(
            f"cannot tell the RDF format of {target!r} from its extension ({known}); pass --format"
        ) from None


def write_chunks(chunks: Iterable[GraphChunk], target: str, fmt: ExportFormat) -> int:
    """Write every chunk to ``target`` (a path or ``"-"``) in ``fmt``; returns the triple count."""
    with _open_output(target) as stream:
        if fmt.rdf_format is None:
            return write_jsonld(chunks, stream, PREFIXES)
        counter = _Counter()
        statements = counter.quads(chunks) if fmt.keeps_graphs else counter.triples(chunks)
        prefixes = PREFIXES if fmt.rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        serialize(statements, stream, fmt.rdf_format, prefixes=prefixes)
        return counter.count


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def triples(self, chunks: Iterable[GraphChunk]) -> Iterator[Triple]:
        for chunk in chunks:
            self.count += len(chunk.triples)
            yield from chunk.triples

    def quads(self, chunks: Iterable[GraphChunk]) -> Iterator[Quad]:
        for chunk in chunks:
            self.count += len(chunk.triples)
            graph = chunk.graph
            for triple in chunk.triples:
                yield Quad(triple.subject, triple.predicate, triple.object, graph)


@contextmanager
def _open_output(target: str) -> Iterator[IO[bytes]]:
    if target == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        raw = open(target, "wb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise RdfError(f"cannot open output {target!r}: {exc.strerror or exc}") from exc
    stream: IO[bytes] = raw
    if target.endswith(".gz"):
        # A binary stream, which typeshed does not derive from typing.IO.
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="wb"))
    try:
        yield stream
    finally:
        stream.close()
        raw.close()
