"""Stand-alone span taggers: a whole transformer fine-tuned for BIO tagging, whose probabilities
can replace the span head's in the one-pass reader (``spans.tagger``; the ``accurate``
profile). It costs a second pass per sentence and tags better than a head on the frozen
encoder can (docs/model-card.md): the encoder's pass still gives the sentence vector and the
span states, so spans are still searched without being encoded again.

A tagger is shipped packed in ``skillgraph/spans/shipped/<name>/`` (``model-packed.onnx``, its
tokenizer and manifest, as ``skillgraph train-spans --ship`` writes them), or found in a
directory of that shape, and is expanded into ``<data_dir>/models/`` (fp32 and per-token int8)
on first use. It must read the encoder's sub-words: its tokenizer has to be the encoder's.
"""

from __future__ import annotations

import json
from pathlib import Path

from skillgraph.encoders.onnx_files import TOKENIZER_FILE, is_current, read_manifest
from skillgraph.encoders.onnx_session import OnnxModel, open_onnx
from skillgraph.encoders.packed import PACKED_FILE, expand_packed, is_expansion_of
from skillgraph.errors import SpanModelError
from skillgraph.spans.heads import MANIFEST, SHIPPED_SPANS_DIR
from skillgraph.spans.labels import LABELS

PROBABILITIES = "probabilities"  # the tagger graph's output: (batch, sub-words, labels)


def shipped_taggers() -> list[str]:
    if not SHIPPED_SPANS_DIR.is_dir():
        return []
    return sorted(d.name for d in SHIPPED_SPANS_DIR.iterdir() if (d / PACKED_FILE).is_file())


def tagger_dir(name_or_path: str) -> Path:
    """The directory of a shipped tagger (by name) or of a packed tagger at a path."""
    if name_or_path in shipped_taggers():
        return SHIPPED_SPANS_DIR / name_or_path
    path = Path(name_or_path).expanduser()
    if (path / MANIFEST).is_file() and (path / PACKED_FILE).is_file():
        return path
    raise SpanModelError(
        f"unknown span tagger {name_or_path!r}: not shipped "
        f"({', '.join(shipped_taggers()) or 'none'}) and not a packed tagger directory"
    )


def open_tagger(
    name_or_path: str, encoder_dir: Path, data_dir: Path, precision: str, threads: int
) -> OnnxModel:
    """The tagger ``name_or_path``, expanded into ``data_dir`` on first use and opened at
    ``precision``; :class:`SpanModelError` unless it reads the sub-words of the encoder whose
    ONNX directory is ``encoder_dir``."""
    packed = tagger_dir(name_or_path)
    try:
        manifest = read_manifest(packed)
    except ValueError as exc:
        raise SpanModelError(f"span tagger {packed}: its manifest is not JSON: {exc}") from exc
    name = str(manifest.get("name", packed.name))
    digest = manifest.get("files", {}).get(PACKED_FILE)
    if not isinstance(digest, str) or not digest:
        raise SpanModelError(f"span tagger {name!r}: its manifest names no {PACKED_FILE} digest")
    if tuple(manifest.get("labels", LABELS)) != LABELS:
        raise SpanModelError(
            f"span tagger {name!r} tags {manifest['labels']}, not {list(LABELS)} in that order"
        )
    if _reading(packed, name) != _reading(encoder_dir, "the encoder"):
        raise SpanModelError(
            f"span tagger {name!r} reads other sub-words than the encoder in {encoder_dir}: "
            "train it from the encoder's base model"
        )
    target = data_dir / "models" / f"tagger-{name}-{digest[:12]}"
    if not (is_current(target) and is_expansion_of(read_manifest(target), packed)):
        expand_packed(packed, target)
    model = open_onnx(target, precision, threads)
    if PROBABILITIES not in {o.name for o in model.session.get_outputs()}:
        raise SpanModelError(f"span tagger {name!r} has no {PROBABILITIES!r} output")
    return model


def _reading(directory: Path, whose: str) -> tuple[object, object]:
    """What decides a tokenizer's sub-words: its normaliser and its vocabulary."""
    path = directory / TOKENIZER_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SpanModelError(f"{whose}'s tokenizer {path} cannot be read: {exc}") from exc
    if not isinstance(document, dict):
        raise SpanModelError(f"{whose}'s tokenizer {path} is not a tokenizer document")
    model = document.get("model")
    return document.get("normalizer"), model.get("vocab") if isinstance(model, dict) else None


__all__ = ["PROBABILITIES", "open_tagger", "shipped_taggers", "tagger_dir"]
