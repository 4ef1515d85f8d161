"""Exceptions raised by the ``ontology`` package."""

from __future__ import annotations


class EscoFormatError(ValueError):
    """An ESCO CSV export is missing, incomplete or not in the expected format."""


class SnapshotError(ValueError):
    """A taxonomy snapshot cannot be found, read or written."""


class UnknownConceptError(KeyError):
    """A URI (or uuid) names no concept of the requested kind in the taxonomy."""

    def __init__(self, uri: str, kind: str = "concept", release: str = "") -> None:
        self.uri = uri
        self.kind = kind
        self.release = release
        where = f" in {release}" if release else ""
        super().__init__(f"unknown ESCO {kind}{where}: {uri}")

    def __str__(self) -> str:
        # KeyError.__str__ repr-quotes its argument; show the message as written.
        return str(self.args[0])
