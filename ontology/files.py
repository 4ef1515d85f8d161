"""The one atomic file write the project uses: readers see the old file or the new one, never
half of either. An exception leaves no temporary file behind; a killed process can, and
``leftover_temporaries`` finds what it left so the next writer of that path can remove it."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "leftover_temporaries"]


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary)`` and move the temporary file onto ``path``; return ``path``.

    The temporary file is a sibling of ``path`` (same file system, so the rename is atomic) and
    keeps its suffix, for writers that add one when it is missing (``numpy.save``). Its data is
    on disk before the rename, so a power cut cannot leave the new name on an empty file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=_prefix(target), suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def leftover_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """The temporary files that killed ``atomic_write`` calls for *path* left beside it."""
    target = Path(path)
    if not target.parent.is_dir():
        return []
    # tempfile's names: the prefix, eight characters of [a-z0-9_], the suffix.
    name = re.compile(re.escape(_prefix(target)) + r"[a-z0-9_]{8}" + re.escape(target.suffix))
    return sorted(
        candidate for candidate in target.parent.iterdir() if name.fullmatch(candidate.name)
    )


def _prefix(target: Path) -> str:
    return f".{target.name}-"
