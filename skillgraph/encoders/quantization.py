"""Per-token int8 compute for an ONNX graph: deterministic, and closer to fp32 than dynamic int8.

onnxruntime's dynamic quantization scales a MatMul's whole input by one number, so a sentence's
vector changes with whatever it is batched with (and one sentence with an outlier activation
coarsens all the others). Here every row of a MatMul's input (one sub-word) gets its own scale
(symmetric, max |a| / 127) and every weight column its own::

    y = (q(a) · q(W)) * s_a * s_w

computed by onnxruntime's ``MatMulIntegerToFloat`` on uint8 (zero point 128) x int8, its fast
VNNI path, which also applies the column scales; one ``Mul`` applies the row scales.

The integer products depend only on their row. What is left is the float noise of the fp32
parts (attention, normalisation: ~1e-7), which changes with the batch's shapes and now and then
moves a value across a rounding step (span head probabilities by up to 1e-2); the session pads
batches so that those shapes no longer matter (:mod:`skillgraph.encoders.onnx_session`), and a
sentence alone and in any batch then agrees bit for bit (dynamic int8: 2e-2 apart). Cosine to
fp32 ~0.997 (dynamic int8: ~0.993) at about the same speed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SCHEME = "per-token-int8-v4"  # recorded in manifests: a changed scheme means re-quantising
_MIN_ELEMENTS = 4096  # smaller weights stay fp32: they cost nothing


def quantize_per_token(source: Path, target: Path) -> int:
    """Write ``source`` with every large MatMul weight quantised as above; the number done."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    weights = {t.name: t for t in graph.initializer}
    constants = [
        numpy_helper.from_array(np.array(127.0, np.float32), "q_127"),
        numpy_helper.from_array(np.array(128.5, np.float32), "q_128_5"),
        numpy_helper.from_array(np.array(1e-12, np.float32), "q_tiny"),
        numpy_helper.from_array(np.array(1.0, np.float32), "q_one"),
        numpy_helper.from_array(np.array(128, np.uint8), "q_zero_point"),
    ]
    added = []
    nodes = []
    quantized_inputs: dict[str, tuple[str, str]] = {}  # input -> (uint8 values, row scales)
    count = 0
    for node in graph.node:
        weight = weights.get(node.input[1]) if node.op_type == "MatMul" else None
        array = numpy_helper.to_array(weight) if weight is not None else None
        if array is None or array.ndim != 2 or array.size < _MIN_ELEMENTS:
            nodes.append(node)
            continue
        prefix = f"q{count}_"
        count += 1
        column_scale = np.abs(array).max(axis=0) / 127.0
        column_scale[column_scale == 0] = 1.0
        values = np.clip(np.round(array / column_scale), -127, 127).astype(np.int8)
        added += [
            numpy_helper.from_array(values, prefix + "w"),
            numpy_helper.from_array(column_scale.astype(np.float32), prefix + "w_scale"),
        ]
        source_input = node.input[0]
        if source_input not in quantized_inputs:  # Q, K and V share their input: once
            a = f"q_in{len(quantized_inputs)}_"
            # |a| / scale is at most 127 by construction: no clipping before the shift to uint8.
            nodes += [
                helper.make_node("ReduceMax", [source_input], [a + "max"], axes=[-1]),
                helper.make_node("ReduceMin", [source_input], [a + "min"], axes=[-1]),
                helper.make_node("Neg", [a + "min"], [a + "neg_min"]),
                helper.make_node("Max", [a + "max", a + "neg_min", "q_tiny"], [a + "range"]),
                helper.make_node("Div", [a + "range", "q_127"], [a + "scale"]),
                helper.make_node("Div", ["q_127", a + "range"], [a + "inverse"]),
                helper.make_node("Mul", [source_input, a + "inverse"], [a + "scaled"]),
                # In [0.5, 255.5]: the cast's truncation rounds it, with no Round pass.
                helper.make_node("Add", [a + "scaled", "q_128_5"], [a + "shifted"]),
                helper.make_node("Cast", [a + "shifted"], [a + "u8"], to=TensorProto.UINT8),
            ]
            quantized_inputs[source_input] = (a + "u8", a + "scale")
        values_name, row_scale = quantized_inputs[source_input]
        nodes += [
            # The integer product, cast and scaled per column in one kernel; then per row.
            helper.make_node(
                "MatMulIntegerToFloat",
                [values_name, prefix + "w", "q_one", prefix + "w_scale", "q_zero_point"],
                [prefix + "columns"],
                domain="com.microsoft",
            ),
            helper.make_node("Mul", [prefix + "columns", row_scale], [node.output[0]]),
        ]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for n in graph.node for name in n.input}
    kept = [t for t in [*graph.initializer, *constants, *added] if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if count and not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
    return count
