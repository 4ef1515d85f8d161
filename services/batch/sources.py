"""Input sources: open a path or stdin as bytes (read by ``skillgraph.bounded_lines``).

Gzip is recognised by its magic number rather than the file name, so compressed stdin works too.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast

from services.batch.exceptions import BatchInputError

GZIP_MAGIC = b"\x1f\x8b"


@contextmanager
def open_source(source: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open *source* (``"-"`` for stdin) for binary reading, gunzipping it when it is gzip data.

    A file is closed on exit; stdin is left open.
    """
    name = os.fspath(source)
    stream: BinaryIO
    if name == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(name, "rb")  # noqa: SIM115 - closed in the finally below
        except OSError as exc:
            raise BatchInputError(f"cannot open input {name!r}: {exc.strerror or exc}") from exc
    # Sniffing needs peek(); stand-ins for stdin such as BytesIO lack it.
    buffered = (
        stream
        if isinstance(stream, io.BufferedReader)
        else io.BufferedReader(cast(io.RawIOBase, stream))
    )
    try:
        if buffered.peek(len(GZIP_MAGIC)).startswith(GZIP_MAGIC):
            with gzip.GzipFile(fileobj=buffered, mode="rb") as unzipped:
                yield cast(BinaryIO, unzipped)  # typeshed's GzipFile is no BinaryIO
        else:
            yield buffered
    finally:
        if name != "-":
            buffered.close()
        elif buffered is not stream:
            buffered.detach()  # closing our wrapper would close stdin
