"""Export and ship span models: the stand-alone tagger (the span head's teacher) and the span
head of the one-pass reader.

Both are stored packed (:func:`skillgraph.encoders.packed.pack_model`: per-channel int8
weights, ~4x smaller) with a manifest and an attribution README. The stand-alone tagger outputs
label probabilities (softmax over O/B/I per sub-word) from token ids; the accurate profile's
ships in ``skillgraph/spans/shipped/`` (it is also the span head's teacher and the CI smoke
run's). The span head ships there too, and the runtime merges it with its encoder.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from skillgraph.encoders.base import file_digest
from skillgraph.encoders.packed import PACKED_FILE, pack_model
from skillgraph.spans.heads import MANIFEST, PACKED_HEAD, PLAIN_HEAD, SHIPPED_SPANS_DIR
from skillgraph.spans.labels import LABELS

log = logging.getLogger(__name__)

OPSET = 17
TAGGER_FILE = "model-fp32.onnx"
TOKENIZER_FILE = "tokenizer.json"
RUNTIME_MAX_LENGTH = 128
DATA_ATTRIBUTION = (
    "Trained on the train splits of SkillSpan (Zhang et al., NAACL 2022, MIT), Green et al. "
    "2022 (CC BY 4.0) and Sayfullina et al. 2018, in the unified format of NNOSE (Zhang et al., "
    "EACL 2024, github.com/jjzha/nnose, MIT)."
)
TAGGER_README = """# {name}

A stand-alone token classifier marking skill and knowledge spans (BIO). The `accurate` profile
tags with it (`spans.tagger`: a second pass beside the one-pass reader's), and a span head can
be distilled from it (`skillgraph train-span-head`, `teacher` in its config). Rebuild it with
`skillgraph train-spans training/span_configs/minilm-spans.toml --ship`.

Base weights: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0). {data}
"""
HEAD_README = """# {name}

The span head of SkillGraph's one-pass reader: it reads the hidden states of the encoder
`{encoder}` and gives BIO probabilities (skill and knowledge spans) and span states whose mean
over a span is its query vector. `calibration.json` is the extraction mode's accept model fitted
for it (`skillgraph calibrate`).

Its transformer layers start from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0). {data}
Part of its loss matched a stand-alone span tagger's probabilities (the manifest's
`training.teacher`). The calibration also used the
skill-extraction benchmark's validation sets (Decorte et al., CC BY 4.0) and SkillSkape (Magron
et al. 2024, MIT), with labels from ESCO (© European Union, https://esco.ec.europa.eu).

`datastore.faiss` and `datastore.json`: the head's kNN datastore (NNOSE), every word of the span
sets' train splits as the head's classifier reads it, with its BIO label (faiss IVF-PQ, no text);
rebuilt by `skillgraph build-span-datastore`, mixed in by `spans.neighbours_weight` (off by
default: with this head it no longer helps; docs/model-card.md).
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
    """Write the stand-alone tagger's ``model-fp32.onnx``, tokenizer and manifest."""
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
            str(output_dir / TAGGER_FILE),
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
    """Pack a stand-alone tagger (from :func:`export_span_model`) into ``target_root/name``:
    by default among the shipped span models, where ``spans.tagger`` finds it."""
    manifest = json.loads((onnx_dir / MANIFEST).read_text(encoding="utf-8"))
    return _ship(
        target_root / name,
        {PACKED_FILE: onnx_dir / TAGGER_FILE},
        {TOKENIZER_FILE: onnx_dir / TOKENIZER_FILE},
        manifest,
        TAGGER_README.format(name=name, data=DATA_ATTRIBUTION),
    )


def ship_span_head(run_dir: Path, name: str, target_root: Path = SHIPPED_SPANS_DIR) -> Path:
    """Pack a trained span head (a ``train-span-head`` run) into ``target_root/name``."""
    manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    manifest["name"] = name
    readme = HEAD_README.format(name=name, encoder=manifest["encoder"], data=DATA_ATTRIBUTION)
    return _ship(target_root / name, {PACKED_HEAD: run_dir / PLAIN_HEAD}, {}, manifest, readme)


def _ship(
    target: Path,
    packed: Mapping[str, Path],
    copied: Mapping[str, Path],
    manifest: dict[str, Any],
    readme: str,
) -> Path:
    """Assemble ``target`` in a sibling staging folder and rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for file, source in packed.items():
            pack_model(source, staging / file)
        for file, source in copied.items():
            shutil.copyfile(source, staging / file)
        manifest = {**manifest, "files": {f: file_digest(staging / f) for f in sorted(packed)}}
        manifest["files"].update({f: file_digest(staging / f) for f in sorted(copied)})
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (staging / "README.md").write_text(readme, encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("shipped %s in %s", target.name, target)
    return target
