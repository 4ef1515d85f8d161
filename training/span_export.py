"""Export a trained span tagger to ONNX and ship it packed (int8 weights) in the package.

The graph outputs label probabilities (softmax over O/B/I per token), so the runtime needs only
onnxruntime and the tokenizer. Packing reuses the encoders' scheme
(:func:`skillgraph.encoders.packed.pack_model`): per-channel int8 weights, ~4x smaller.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import torch

from skillgraph.encoders.base import file_digest
from skillgraph.encoders.packed import PACKED_FILE, pack_model
from skillgraph.spans.labels import LABELS
from skillgraph.spans.tagger import EXPANDED_FILE, MANIFEST, SHIPPED_SPANS_DIR, TOKENIZER_FILE

log = logging.getLogger(__name__)

OPSET = 17
RUNTIME_MAX_LENGTH = 128
ATTRIBUTION = """# {name}

A token classifier marking skill and knowledge spans (BIO), shipped int8-packed for SkillGraph's
extraction mode; `calibration.json` is the accept model fitted for it (`skillgraph calibrate`).

Base weights: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0). Fine-tuned on the train
splits of SkillSpan (Zhang et al., NAACL 2022, MIT), Green et al. 2022 (CC BY 4.0) and
Sayfullina et al. 2018, in the unified format of NNOSE (Zhang et al., EACL 2024,
github.com/jjzha/nnose, MIT). The calibration also used the skill-extraction benchmark's
validation sets (Decorte et al., CC BY 4.0) and SkillSkape (Magron et al. 2024, MIT), with
labels from ESCO (© European Union, https://esco.ec.europa.eu).
"""


class TokenProbabilities(torch.nn.Module):
    """A token classifier whose output is label probabilities."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        logits = self.model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).logits
        return torch.softmax(logits, dim=-1)


def export_span_model(
    model_dir: Path, output_dir: Path, name: str, details: dict[str, Any]
) -> Path:
    """Write ``model-fp32.onnx``, ``tokenizer.json`` and the manifest to ``output_dir``."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    model = AutoModelForTokenClassification.from_pretrained(str(model_dir)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    output_dir.mkdir(parents=True, exist_ok=True)
    sample = tokenizer(["export a span tagger", "to onnx"], padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            TokenProbabilities(model),
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(output_dir / EXPANDED_FILE),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["probabilities"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "probabilities": axes,
            },
            opset_version=OPSET,
            dynamo=False,
        )
    tokenizer.backend_tokenizer.save(str(output_dir / TOKENIZER_FILE))
    manifest = {
        "name": name,
        "labels": list(LABELS),
        "max_length": RUNTIME_MAX_LENGTH,
        "pad_id": int(tokenizer.pad_token_id or 0),
        "opset": OPSET,
        **details,
    }
    (output_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return output_dir


def ship_span_model(onnx_dir: Path, name: str, target_root: Path = SHIPPED_SPANS_DIR) -> Path:
    """Pack ``onnx_dir`` (from :func:`export_span_model`) into ``target_root/name``."""
    target = target_root / name
    target_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target_root))
    try:
        pack_model(onnx_dir / EXPANDED_FILE, staging / PACKED_FILE)
        shutil.copyfile(onnx_dir / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        manifest = json.loads((onnx_dir / MANIFEST).read_text(encoding="utf-8"))
        manifest["files"] = {
            PACKED_FILE: file_digest(staging / PACKED_FILE),
            TOKENIZER_FILE: file_digest(staging / TOKENIZER_FILE),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (staging / "README.md").write_text(ATTRIBUTION.format(name=name), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("shipped span model %s in %s", name, target)
    return target
