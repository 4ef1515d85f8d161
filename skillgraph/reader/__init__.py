"""The one-pass reader: one transformer pass per sentence gives its vector, its skill spans and
the query vectors of any of its parts (:mod:`skillgraph.reader.reader`)."""

from skillgraph.reader.reader import (
    Reader,
    Reading,
    SentenceReader,
    expand_reader,
    load_reader,
    reader_dir,
)

__all__ = ["Reader", "Reading", "SentenceReader", "expand_reader", "load_reader", "reader_dir"]
