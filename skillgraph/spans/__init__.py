"""Skill and knowledge spans in sentences (NNOSE's task), by a shipped ONNX token classifier."""

from skillgraph.spans.decoding import Span, decode_spans
from skillgraph.spans.labels import LABELS
from skillgraph.spans.tagger import (
    CALIBRATION_FILE,
    DEFAULT_SPAN_MODEL,
    SHIPPED_SPANS_DIR,
    SpanModelError,
    SpanTagger,
    TaggedSentence,
    shipped_span_models,
    span_model_dir,
)

__all__ = [
    "CALIBRATION_FILE",
    "DEFAULT_SPAN_MODEL",
    "LABELS",
    "SHIPPED_SPANS_DIR",
    "Span",
    "SpanModelError",
    "SpanTagger",
    "TaggedSentence",
    "decode_spans",
    "shipped_span_models",
    "span_model_dir",
]
