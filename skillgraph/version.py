"""The distribution's name and version: the import names are ``skillgraph``, ``services`` and
friends, but ``skillgraph`` on the public package index is someone else's project."""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "skillgraph-esco"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"


def extra(name: str) -> str:
    """How to install an extra, for error messages: ``pip install "skillgraph-esco[train]"``."""
    return f'pip install "{DISTRIBUTION}[{name}]"'
