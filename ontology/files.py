"""The one atomic file write the project uses: readers see the old file or the new one, never
half of either, and a crash leaves no temporary file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write"]


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary)`` and move the temporary file onto ``path``; return ``path``.

    The temporary file is a sibling of ``path`` (same file system, so the rename is atomic) and
    keeps its suffix, for writers that add one when it is missing (``numpy.save``). Its data is
    on disk before the rename, so a power cut cannot leave the new name on an empty file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name}-", suffix=target.suffix, dir=target.parent
    )
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
