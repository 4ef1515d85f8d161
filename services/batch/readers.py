"""Read job ads for a batch run: a stream of ``InputRow``s and ``RowError``s, one per record.

Every record yields exactly one of the two, in input order, so the caller can account for every
row. Memory stays flat whatever the input size: records are parsed one at a time and none may
hold more than ``RowPolicy.record_budget`` in memory.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import BinaryIO

from services.batch.csv_input import parse_csv
from services.batch.exceptions import BatchInputError
from services.batch.jsonl_input import parse_jsonl
from services.batch.parquet_input import parse_parquet
from services.batch.policy import RowPolicy
from services.batch.records import InputRow, RowError
from services.batch.sources import open_source

Parser = Callable[[BinaryIO, RowPolicy], Iterator[InputRow | RowError]]

PARSERS: dict[str, Parser] = {"csv": parse_csv, "jsonl": parse_jsonl, "parquet": parse_parquet}
_EXTENSIONS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def read_records(
    source: str | os.PathLike[str],
    *,
    text_column: str = "text",
    id_column: str = "id",
    input_format: str | None = None,
    max_text_chars: int = 100_000,
    text_optional: bool = False,
) -> Iterator[InputRow | RowError]:
    """Stream the records of *source*, a path or ``"-"`` for stdin, as rows or row errors.

    *input_format* is ``"csv"``, ``"jsonl"`` or ``"parquet"``; when None it comes from the file
    extension (``.csv``, ``.jsonl``, ``.ndjson``, each optionally followed by ``.gz``;
    ``.parquet``, ``.pq``). Gzip data is decompressed whatever the name. A row whose id is
    missing or blank gets its row number. With *text_optional*, a JSON Lines record without
    the text (or with null) has an empty one, rather than a missing or mistyped field.

    Raises BatchInputError at once for an unknown or unknowable format, and on the first
    ``next()`` for an input that cannot be opened, a missing text column or corrupt gzip data.
    """
    name = os.fspath(source)
    parser = PARSERS[resolve_format(name, input_format)]
    policy = RowPolicy(text_column, id_column, max_text_chars, text_optional)
    return _read(name, parser, policy)


def resolve_format(source: str, input_format: str | None) -> str:
    """``input_format`` checked, or the format of ``source`` from its extension."""
    if input_format is not None:
        if input_format not in PARSERS:
            raise BatchInputError(
                f"unknown input format {input_format!r}; choose one of {', '.join(PARSERS)}"
            )
        return input_format
    if source == "-":
        raise BatchInputError(
            "cannot tell the format of stdin: pass --input-format csv|jsonl|parquet"
        )
    path = PurePath(source)
    suffix = PurePath(path.stem).suffix if path.suffix.lower() == ".gz" else path.suffix
    try:
        return _EXTENSIONS[suffix.lower()]
    except KeyError:
        raise BatchInputError(
            f"cannot tell the format of {source!r} from its extension; "
            "name it .csv, .jsonl or .parquet, or pass --input-format csv|jsonl|parquet"
        ) from None


def _read(source: str, parser: Parser, policy: RowPolicy) -> Iterator[InputRow | RowError]:
    label = "stdin" if source == "-" else repr(source)
    with open_source(source) as stream:
        try:
            yield from parser(stream, policy)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            # A truncated or corrupt archive ends the run: what follows cannot be recovered.
            raise BatchInputError(f"corrupt gzip data in {label}: {exc}") from exc
