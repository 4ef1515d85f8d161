"""Compact storage for a shipped ONNX encoder: int8 weights, fp32 everything else.

A packed model keeps each large weight matrix as int8 with one fp32 scale per output channel,
dequantised by a ``DequantizeLinear`` node (4x smaller than fp32, ~0.9999 cosine to it).
:func:`unpack_model` turns it back into a plain fp32 graph once, at set-up, from which the
per-token int8 graph is derived (:mod:`skillgraph.encoders.quantization`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from skillgraph.encoders.onnx_files import TOKENIZER_FILE, read_manifest, write_onnx_dir

SHIPPED_MODELS_DIR = Path(__file__).resolve().parent / "shipped"
PACKED_FILE = "model-packed.onnx"
PACKED_SUFFIX = "_int8"
_MIN_ELEMENTS = 4096  # small tensors (biases, norms) stay fp32: they cost nothing


def pack_model(source: Path, target: Path) -> None:
    """Store every large 2-D weight of ``source`` as int8 + per-channel scale in ``target``."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    packed_nodes = []
    kept = []
    for tensor in graph.initializer:
        array = numpy_helper.to_array(tensor)
        users = consumers.get(tensor.name, [])
        if array.ndim != 2 or array.size < _MIN_ELEMENTS or array.dtype != np.float32 or not users:
            kept.append(tensor)
            continue
        # Gather tables are read by row, MatMul weights produce one output per column.
        axis = 0 if all(node.op_type == "Gather" for node in users) else 1
        scale = np.abs(array).max(axis=1 - axis) / 127.0
        scale[scale == 0] = 1.0
        shape = (-1, 1) if axis == 0 else (1, -1)
        quantized = np.clip(np.round(array / scale.reshape(shape)), -127, 127).astype(np.int8)
        name = tensor.name
        kept.append(numpy_helper.from_array(quantized, name + PACKED_SUFFIX))
        kept.append(numpy_helper.from_array(scale.astype(np.float32), name + "_scale"))
        packed_nodes.append(
            helper.make_node(
                "DequantizeLinear",
                [name + PACKED_SUFFIX, name + "_scale"],
                [name],
                axis=axis,
                name=f"unpack_{name}",
            )
        )
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = packed_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def unpack_model(source: Path, target: Path) -> None:
    """Replace every weight-only ``DequantizeLinear`` by its fp32 result."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    remaining = []
    restored = []
    used: set[str] = set()
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and all(i in initializers for i in node.input):
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            quantized = numpy_helper.to_array(initializers[node.input[0]]).astype(np.float32)
            scale = numpy_helper.to_array(initializers[node.input[1]])
            shape = [1] * quantized.ndim
            shape[axis] = -1
            weight = quantized * scale.reshape(shape)
            restored.append(numpy_helper.from_array(weight.astype(np.float32), node.output[0]))
            used.update(node.input)
        else:
            remaining.append(node)
    initial = [t for t in graph.initializer if t.name not in used] + restored
    del graph.initializer[:]
    graph.initializer.extend(initial)
    del graph.node[:]
    graph.node.extend(remaining)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def expand_packed(packed_dir: Path, output_dir: Path) -> None:
    """Write a usable ONNX directory (fp32 and int8) from a shipped packed model."""
    manifest = read_manifest(packed_dir)
    files = manifest.pop("files")
    manifest["expanded_from"] = files[PACKED_FILE]
    write_onnx_dir(
        output_dir,
        lambda path: unpack_model(packed_dir / PACKED_FILE, path),
        lambda path: shutil.copyfile(packed_dir / TOKENIZER_FILE, path),
        manifest,
    )


def is_expansion_of(expanded_manifest: dict[str, object], packed_dir: Path) -> bool:
    """Whether an expanded directory was made from the packed model now shipped."""
    packed = read_manifest(packed_dir)
    return expanded_manifest.get("expanded_from") == packed["files"][PACKED_FILE]
