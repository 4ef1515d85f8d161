"""Exceptions raised by the ``ontology`` package, and the root of every SkillGraph error.

``SkillgraphError`` is defined here because ``ontology`` is the lowest layer: everything above
(``skillgraph``, ``services``, ``training``) can subclass it, and ontology imports nothing of
ours. The whole tree is drawn in :mod:`skillgraph.errors`, its public home.
"""

from __future__ import annotations


class SkillgraphError(Exception):
    """The root of every SkillGraph error: something a user can act on, shown as one line."""


class EscoFormatError(SkillgraphError, ValueError):
    """An ESCO CSV export is missing, incomplete or not in the expected format."""


class SnapshotError(SkillgraphError, ValueError):
    """A taxonomy snapshot cannot be found, read or written."""


class UnknownConceptError(SkillgraphError, KeyError):
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
