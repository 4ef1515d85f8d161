"""The span tagger at run time: a token classifier in ONNX, shipped packed (int8 weights).

The packed graph is expanded to fp32 once into ``<data_dir>/models/<name>/`` (keyed by the
packed file's digest), as shipped encoders are; onnxruntime and the tokenizer do the rest.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skillgraph.encoders.base import file_digest
from skillgraph.encoders.packed import PACKED_FILE, unpack_model
from skillgraph.spans.decoding import Span, decode_spans

log = logging.getLogger(__name__)

SHIPPED_SPANS_DIR = Path(__file__).resolve().parent / "shipped"
DEFAULT_SPAN_MODEL = "skillgraph-minilm-spans"
MANIFEST = "manifest.json"
TOKENIZER_FILE = "tokenizer.json"
EXPANDED_FILE = "model-fp32.onnx"
CALIBRATION_FILE = "calibration.json"  # fitted for this span model (training/calibration.py)


class SpanModelError(RuntimeError):
    """The span model cannot be found or loaded."""


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    """A sentence's spans, and how likely its most skill-like sub-word is inside a span."""

    spans: tuple[Span, ...]
    peak: float


def shipped_span_models() -> list[str]:
    if not SHIPPED_SPANS_DIR.is_dir():
        return []
    return sorted(d.name for d in SHIPPED_SPANS_DIR.iterdir() if (d / PACKED_FILE).is_file())


def span_model_dir(name_or_path: str) -> Path:
    """The directory of a shipped span model (by name) or of a model at a path."""
    if name_or_path in shipped_span_models():
        return SHIPPED_SPANS_DIR / name_or_path
    path = Path(name_or_path).expanduser()
    if (path / MANIFEST).is_file():
        return path
    raise SpanModelError(
        f"unknown span model {name_or_path!r}: not shipped "
        f"({', '.join(shipped_span_models()) or 'none'}) and not a model directory"
    )


def expanded_model(model_dir: Path, data_dir: Path) -> Path:
    """The fp32 graph of ``model_dir``: itself if plain, else expanded once into data_dir."""
    if (model_dir / EXPANDED_FILE).is_file():
        return model_dir / EXPANDED_FILE
    digest = file_digest(model_dir / PACKED_FILE)
    target_dir = data_dir / "models" / f"{model_dir.name}-{digest[:16]}"
    target = target_dir / EXPANDED_FILE
    if not target.is_file():
        target_dir.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(dir=target_dir, suffix=".onnx.part")
        os.close(handle)
        try:
            unpack_model(model_dir / PACKED_FILE, Path(staging))
            shutil.move(staging, target)
        finally:
            Path(staging).unlink(missing_ok=True)
        log.info("expanded span model %s into %s", model_dir.name, target)
    return target


class SpanTagger:
    """Marks skill and knowledge spans in sentences."""

    def __init__(self, model_dir: Path, data_dir: Path, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.manifest = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
        self.name = str(self.manifest.get("name", model_dir.name))
        self.max_length = int(self.manifest["max_length"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.enable_padding(pad_id=int(self.manifest.get("pad_id", 0)))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(expanded_model(model_dir, data_dir)), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.batch_size = 64

    @classmethod
    def load(cls, name_or_path: str, data_dir: Path, threads: int = 0) -> SpanTagger:
        return cls(span_model_dir(name_or_path), data_dir, threads)

    def tag(self, sentences: Sequence[str]) -> list[TaggedSentence]:
        """Spans of each sentence (character offsets into it), in order."""
        found: list[TaggedSentence] = []
        # Similar lengths together: less padding.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        results: dict[int, TaggedSentence] = {}
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            texts = [sentences[i] for i in chunk]
            encodings = self.tokenizer.encode_batch(texts)
            feeds = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            (probabilities,) = self.session.run(
                None, {k: v for k, v in feeds.items() if k in self.input_names}
            )
            for row, (i, text, encoding) in enumerate(zip(chunk, texts, encodings, strict=True)):
                length = int(sum(encoding.attention_mask))
                probs = probabilities[row, :length]
                spans = decode_spans(
                    text, probs, encoding.offsets[:length], encoding.word_ids[:length]
                )
                real = [t for t, w in enumerate(encoding.word_ids[:length]) if w is not None]
                peak = float(1.0 - probs[real, 0].min()) if real else 0.0
                results[i] = TaggedSentence(tuple(spans), peak)
        found = [results[i] for i in range(len(sentences))]
        return found
