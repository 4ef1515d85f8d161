"""Ship a trained encoder with SkillGraph: pack its ONNX export into the package, int8 weights.

The packed copy (~23 MB for MiniLM) is what the repository carries; ``skillgraph setup`` (or the
first use) expands it into fp32 and int8 ONNX files in the data directory.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from skillgraph.encoders.base import file_digest
from skillgraph.encoders.onnx_files import (
    ONNX_MANIFEST,
    TOKENIZER_FILE,
    onnx_file,
    read_manifest,
)
from skillgraph.encoders.packed import PACKED_FILE, SHIPPED_MODELS_DIR, pack_model


def ship_model(
    onnx_dir: Path,
    name: str,
    details: Mapping[str, object] | None = None,
    target_root: Path = SHIPPED_MODELS_DIR,
) -> Path:
    """Pack ``onnx_dir`` (an export with model-fp32.onnx) as the shipped model ``name``."""
    manifest = read_manifest(onnx_dir)
    manifest.pop("files", None)
    target = target_root / name
    target_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target_root))
    try:
        pack_model(onnx_dir / onnx_file("fp32"), staging / PACKED_FILE)
        shutil.copyfile(onnx_dir / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        files = {p.name: file_digest(p) for p in sorted(staging.iterdir())}
        document = {**manifest, "name": name, **(details or {}), "files": files}
        (staging / ONNX_MANIFEST).write_text(json.dumps(document, indent=2) + "\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
