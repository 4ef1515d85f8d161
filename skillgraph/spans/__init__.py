"""Skill and knowledge spans in sentences (NNOSE's task): BIO decoding and the span heads the
one-pass reader runs (:mod:`skillgraph.reader`)."""

from skillgraph.spans.decoding import Span, decode_spans
from skillgraph.spans.heads import (
    CALIBRATION_FILE,
    DEFAULT_SPAN_MODEL,
    SHIPPED_SPANS_DIR,
    SpanHeadModel,
    SpanModelError,
    load_span_model,
    shipped_span_models,
    span_model_dir,
)
from skillgraph.spans.labels import LABELS

__all__ = [
    "CALIBRATION_FILE",
    "DEFAULT_SPAN_MODEL",
    "LABELS",
    "SHIPPED_SPANS_DIR",
    "Span",
    "SpanHeadModel",
    "SpanModelError",
    "decode_spans",
    "load_span_model",
    "shipped_span_models",
    "span_model_dir",
]
