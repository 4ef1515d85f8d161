"""Export a sentence-transformers model to ONNX (fp32 and per-token int8) for the onnx encoder.

Mean pooling and L2 normalisation are part of the exported graph, so the runtime needs only
onnxruntime and the tokenizer: no torch, no transformers.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import torch

from skillgraph.encoders.onnx_files import write_onnx_dir

log = logging.getLogger(__name__)

OPSET = 17


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    files: dict[str, str]  # file name -> digest


def export_onnx(model_dir: Path, output_dir: Path, name: str) -> ExportResult:
    """Write model-fp32.onnx, model-int8.onnx, tokenizer.json and manifest.json to output_dir."""
    from sentence_transformers import SentenceTransformer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    st_model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    # The first module is the Transformer; torch types a submodule attribute as Tensor | Module.
    transformer = cast(torch.nn.Module, st_model[0].auto_model).eval()
    tokenizer = st_model.tokenizer
    dimension, max_length = st_model.get_embedding_dimension(), st_model.max_seq_length
    if dimension is None or max_length is None:
        raise ValueError(f"{model_dir}: the model has no fixed dimension or max sequence length")

    def write_fp32(path: Path) -> None:
        sample = tokenizer(
            ["export a sentence encoder", "to onnx"], padding=True, return_tensors="pt"
        )
        axes = {0: "batch", 1: "sequence"}
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter is chatty
            torch.onnx.export(
                PooledEncoder(transformer),
                (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                str(path),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["embedding"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "embedding": {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,
            )

    files = write_onnx_dir(
        output_dir,
        write_fp32,
        lambda path: tokenizer.backend_tokenizer.save(str(path)),
        {
            "name": name,
            "source": str(model_dir),
            "dimension": int(dimension),
            "max_length": int(max_length),
            "pad_id": int(tokenizer.pad_token_id or 0),
            "opset": OPSET,
        },
    )
    return ExportResult(output_dir, files)


class PooledEncoder(torch.nn.Module):
    """Transformer + attention-masked mean pooling + L2 normalisation, as sentence-transformers."""

    def __init__(self, transformer: torch.nn.Module) -> None:
        super().__init__()
        self.transformer = transformer

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.transformer(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)
