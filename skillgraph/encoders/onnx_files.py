"""The on-disk layout of an ONNX encoder, written the same way by every producer.

A directory holds ``model-fp32.onnx``, ``model-int8.onnx`` (per-token int8, derived from fp32:
:mod:`skillgraph.encoders.quantization`),
``tokenizer.json`` and ``manifest.json`` (dimension, max length, digests of every file). It is
assembled in a temporary sibling and renamed into place, so an interrupted write never leaves a
half-written model that looks complete.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from skillgraph.encoders.base import file_digest

log = logging.getLogger(__name__)

ONNX_MANIFEST = "manifest.json"
TOKENIZER_FILE = "tokenizer.json"
PRECISIONS = ("fp32", "int8")


def onnx_file(precision: str) -> str:
    return f"model-{precision}.onnx"


def write_onnx_dir(
    output_dir: Path,
    write_fp32: Callable[[Path], object],
    write_tokenizer: Callable[[Path], object],
    manifest: Mapping[str, object],
) -> dict[str, str]:
    """Create ``output_dir`` from an fp32 graph and a tokenizer; returns file digests.

    ``manifest`` must give ``name``, ``dimension``, ``max_length`` and ``pad_id``.
    """
    from skillgraph.encoders.quantization import SCHEME, quantize_per_token

    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-", dir=output_dir.parent))
    try:
        fp32 = staging / onnx_file("fp32")
        write_fp32(fp32)
        quantize_per_token(fp32, staging / onnx_file("int8"))
        write_tokenizer(staging / TOKENIZER_FILE)
        files = {p.name: file_digest(p) for p in sorted(staging.iterdir())}
        document = {**manifest, "quantization": SCHEME, "files": files}
        (staging / ONNX_MANIFEST).write_text(json.dumps(document, indent=2) + "\n")
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staging.rename(output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("wrote ONNX model %s to %s", manifest.get("name"), output_dir)
    return files


def read_manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / ONNX_MANIFEST).read_text(encoding="utf-8"))


def is_current(directory: Path) -> bool:
    """Whether ``directory`` holds a complete export made with this version's int8 scheme."""
    from skillgraph.encoders.quantization import SCHEME

    if not (directory / ONNX_MANIFEST).is_file():
        return False
    return read_manifest(directory).get("quantization") == SCHEME


def requantize(directory: Path) -> bool:
    """Re-derive an export's int8 graph from its fp32 graph under this version's scheme.

    An export made by an older version holds an int8 graph of another scheme; its fp32 graph
    and tokenizer are still good, so the directory is written again from them (seconds, no
    torch), the way every export is. False where either is missing.
    """
    fp32, tokenizer = directory / onnx_file("fp32"), directory / TOKENIZER_FILE
    if not all(p.is_file() for p in (directory / ONNX_MANIFEST, fp32, tokenizer)):
        return False
    write_onnx_dir(
        directory,
        lambda path: shutil.copyfile(fp32, path),
        lambda path: shutil.copyfile(tokenizer, path),
        read_manifest(directory),
    )
    return True
