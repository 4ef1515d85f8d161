"""Sentence encoders behind one interface, chosen by configuration.

>>> encoder = load_encoder(settings.encoder, settings.data_dir)
>>> encoder.encode(["maintain databases"]).shape
(1, 384)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from skillgraph.config import EncoderSettings
from skillgraph.encoders.base import Encoder, EncoderError, file_digest
from skillgraph.encoders.models import (
    BASE_MODEL,
    DEFAULT_MODEL,
    ModelSource,
    onnx_dir_for,
    registered_models,
    resolve_model,
    shipped_models,
)
from skillgraph.encoders.onnx_files import ONNX_MANIFEST, requantize

log = logging.getLogger(__name__)


def _torch(source: ModelSource, settings: EncoderSettings, data_dir: Path) -> Encoder:
    from skillgraph.encoders.torch_encoder import TorchEncoder

    if source.torch_dir is None:
        raise EncoderError(f"model {source.name!r} has no sentence-transformers weights for torch")
    return TorchEncoder.load(source.torch_dir, source.name, settings.batch_size, settings.threads)


def _with_onnx(source: ModelSource, data_dir: Path) -> ModelSource:
    """``source`` with its ONNX directory, a shipped model expanded into it on first use."""
    if source.onnx_dir is None and source.packed_dir is not None:
        from skillgraph.encoders.packed import expand_packed

        onnx_dir = onnx_dir_for(source.name, data_dir)
        log.info("expanding shipped model %s into %s (first use only)", source.name, onnx_dir)
        expand_packed(source.packed_dir, onnx_dir)
        source = replace(source, onnx_dir=onnx_dir)
    if source.onnx_dir is None:
        exported = onnx_dir_for(source.name, data_dir)
        stale = (exported / ONNX_MANIFEST).is_file()
        if stale and requantize(exported):  # an older version's export: its fp32 graph serves
            return replace(source, onnx_dir=exported)
        raise EncoderError(
            f"model {source.name!r} "
            + (
                "has an ONNX export from an older version without its fp32 graph or tokenizer; "
                f"run `skillgraph export-onnx --model {source.name} --force`"
                if stale
                else "has not been exported to ONNX yet; "
                f"run `skillgraph export-onnx --model {source.name}` (make install does this)"
            )
        )
    return source


def onnx_model_dir(name_or_path: str, data_dir: Path) -> Path:
    """The ONNX directory of a model (fp32 and int8 graphs, tokenizer, manifest)."""
    onnx_dir = _with_onnx(resolve_model(name_or_path, data_dir), data_dir).onnx_dir
    assert onnx_dir is not None
    return onnx_dir


def _onnx(source: ModelSource, settings: EncoderSettings, data_dir: Path) -> Encoder:
    from skillgraph.encoders.onnx_encoder import OnnxEncoder

    source = _with_onnx(source, data_dir)
    assert source.onnx_dir is not None
    return OnnxEncoder(
        source.onnx_dir, source.name, settings.precision, settings.batch_size, settings.threads
    )


# Backend name -> factory; imports stay inside factories so choosing onnx never loads torch.
BACKENDS: dict[str, Callable[[ModelSource, EncoderSettings, Path], Encoder]] = {
    "onnx": _onnx,
    "torch": _torch,
}


def load_encoder(settings: EncoderSettings, data_dir: Path) -> Encoder:
    """Create the encoder that ``settings`` names."""
    try:
        factory = BACKENDS[settings.backend]
    except KeyError:
        raise EncoderError(
            f"unknown encoder backend {settings.backend!r}; choose one of {sorted(BACKENDS)}"
        ) from None
    return factory(resolve_model(settings.model, data_dir), settings, data_dir)


__all__ = [
    "BACKENDS",
    "BASE_MODEL",
    "DEFAULT_MODEL",
    "ONNX_MANIFEST",
    "Encoder",
    "EncoderError",
    "ModelSource",
    "file_digest",
    "load_encoder",
    "onnx_dir_for",
    "onnx_model_dir",
    "registered_models",
    "resolve_model",
    "shipped_models",
]
