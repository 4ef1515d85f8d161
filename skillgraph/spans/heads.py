"""Span heads: where a span model lives and what it was trained on.

A span head reads the hidden states of one encoder (its trunk, :mod:`skillgraph.reader`); it is
shipped packed (int8 weights) in ``skillgraph/spans/shipped/<name>/`` with its manifest and the
extraction mode's calibration, or found in a training run's directory (fp32 weights).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from skillgraph.encoders.base import file_digest
from skillgraph.errors import SpanModelError

SHIPPED_SPANS_DIR = Path(__file__).resolve().parent / "shipped"
DEFAULT_SPAN_MODEL = "skillgraph-minilm-esco-spans"
MANIFEST = "manifest.json"
PACKED_HEAD = "head-packed.onnx"
PLAIN_HEAD = "head-fp32.onnx"
CALIBRATION_FILE = "calibration.json"  # fitted for this head and its encoder (calibrate)


@dataclass(frozen=True)
class SpanHeadModel:
    directory: Path
    name: str
    encoder: str  # the trunk: a shipped or registered encoder name
    encoder_fingerprint: str  # digest of the trunk's fp32 graph it was trained on
    max_length: int
    manifest: dict[str, object]

    @property
    def head_file(self) -> Path:
        packed = self.directory / PACKED_HEAD
        return packed if packed.is_file() else self.directory / PLAIN_HEAD

    @property
    def digest(self) -> str:
        """Changes whenever the head's weights change."""
        files = self.manifest.get("files")
        if isinstance(files, dict) and self.head_file.name in files:
            return str(files[self.head_file.name])
        return file_digest(self.head_file)

    @property
    def calibration(self) -> Path:
        return self.directory / CALIBRATION_FILE


def shipped_span_models() -> list[str]:
    if not SHIPPED_SPANS_DIR.is_dir():
        return []
    return sorted(d.name for d in SHIPPED_SPANS_DIR.iterdir() if (d / PACKED_HEAD).is_file())


def span_model_dir(name_or_path: str) -> Path:
    """The directory of a shipped span model (by name) or of a model at a path."""
    if name_or_path in shipped_span_models():
        return SHIPPED_SPANS_DIR / name_or_path
    path = Path(name_or_path).expanduser()
    heads = (path / PACKED_HEAD, path / PLAIN_HEAD)
    if (path / MANIFEST).is_file() and any(head.is_file() for head in heads):
        return path
    raise SpanModelError(
        f"unknown span model {name_or_path!r}: not shipped "
        f"({', '.join(shipped_span_models()) or 'none'}) and not a span head directory"
    )


def load_span_model(name_or_path: str) -> SpanHeadModel:
    directory = span_model_dir(name_or_path)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        return SpanHeadModel(
            directory=directory,
            name=str(manifest.get("name", directory.name)),
            encoder=str(manifest["encoder"]),
            encoder_fingerprint=str(manifest["encoder_fingerprint"]),
            max_length=int(manifest["max_length"]),
            manifest=manifest,
        )
    except (OSError, ValueError, KeyError) as exc:
        raise SpanModelError(f"{directory / MANIFEST} is not a span head manifest: {exc}") from None
