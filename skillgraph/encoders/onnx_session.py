"""An ONNX directory opened for inference: its tokenizer and an onnxruntime session, the same way
for the encoder and the one-pass reader.

A sentence's outputs must not depend on what it is batched with: the sentence cache and
``extract --workers`` hand the same sentence to batches of different make-up, and the output of
a run must be the same whatever the batches were. Measured with onnxruntime's CPU kernels, two
batch shapes break that: a sequence length that is not a multiple of a small power of two (the
attention products' inner loops take their tail differently), and a batch of one row (another
GEMM path); either moves the span head's probabilities by up to 1e-2 under int8. So batches are
padded to a multiple of ``PAD_MULTIPLE`` tokens, and a batch of one row runs beside a copy of
itself; the padding costs no measurable time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from skillgraph.encoders.base import EncoderError
from skillgraph.encoders.onnx_files import PRECISIONS, TOKENIZER_FILE, onnx_file, read_manifest

PAD_MULTIPLE = 8  # tokens; 4 sufficed on AVX-512, 8 leaves room for wider inner-loop unrolls


@dataclass(frozen=True)
class OnnxModel:
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer: truncating and padding as the manifest says
    manifest: dict[str, Any]
    fingerprint: str  # digest of the graph file opened
    input_names: frozenset[str]

    def feeds(self, encodings: list[Any]) -> dict[str, np.ndarray]:
        """The session's inputs for a batch of tokenizer encodings."""
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        feeds = {
            "input_ids": ids,
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids),
        }
        return {k: v for k, v in feeds.items() if k in self.input_names}

    def run(self, outputs: Sequence[str] | None, encodings: list[Any]) -> list[np.ndarray]:
        """The session's ``outputs`` (None: all) for a batch of encodings, one row each.

        A batch of one runs as two identical rows, so that it takes the same kernels as any
        other batch (see the module docstring).
        """
        feeds = self.feeds(encodings)
        if len(encodings) == 1:
            feeds = {name: np.repeat(value, 2, axis=0) for name, value in feeds.items()}
        found = self.session.run(None if outputs is None else list(outputs), feeds)
        return [value[: len(encodings)] for value in found]


def open_onnx(directory: Path, precision: str, threads: int = 0) -> OnnxModel:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    if precision not in PRECISIONS:
        raise EncoderError(f"unknown ONNX precision {precision!r}; choose one of {PRECISIONS}")
    manifest = read_manifest(directory)
    graph = directory / onnx_file(precision)
    if not graph.is_file():
        raise EncoderError(f"{graph} is missing; run `skillgraph export-onnx`")
    tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
    tokenizer.enable_truncation(max_length=int(manifest["max_length"]))
    tokenizer.enable_padding(pad_id=int(manifest.get("pad_id", 0)), pad_to_multiple_of=PAD_MULTIPLE)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
    return OnnxModel(
        session=session,
        tokenizer=tokenizer,
        manifest=manifest,
        fingerprint=str(manifest["files"][graph.name]),
        input_names=frozenset(i.name for i in session.get_inputs()),
    )
