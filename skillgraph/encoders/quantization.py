"""Per-token int8 compute for an ONNX graph: deterministic, and closer to fp32 than dynamic int8.

onnxruntime's dynamic quantization scales a MatMul's whole input by one number, so a sentence's
vector changes with whatever it is batched with (and one sentence with an outlier activation
coarsens all the others). Here every row of a MatMul's input (one sub-word) gets its own scale
(symmetric, max |a| / 127) and every weight column its own::

    y = (q(a) · q(W)) * s_a * s_w

``q(a)`` is one ``QuantizeLinear`` per row (uint8, zero point 128, ties to even), computed by
onnxruntime's ``MatMulIntegerToFloat`` on uint8 x int8, its fast VNNI path, which also applies
the column scales; one ``Mul`` applies the row scales.

The integer products depend only on their row. What is left is the float noise of the fp32
parts (attention, normalisation: ~1e-7), which changes with the batch's shapes and now and then
moves a value across a rounding step (span head probabilities by up to 1e-2); the session pads
batches so that those shapes no longer matter (:mod:`skillgraph.encoders.onnx_session`), and a
sentence alone and in any batch then agrees bit for bit (dynamic int8: 2e-2 apart). Cosine to
fp32 ~0.997 (dynamic int8: ~0.993) at about the same speed.

The int8 graph also drops the exporter's guard after each attention softmax (``Where(IsNaN(p),
0, p)``, for rows whose every key is masked): a tokenized sentence always has unmasked
``[CLS]`` and ``[SEP]`` keys, so the guard never fires, and dropping it changes no output bit.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnx

SCHEME = "per-token-int8-v5"  # recorded in manifests: a changed scheme means re-quantising
_MIN_ELEMENTS = 4096  # smaller weights stay fp32: they cost nothing


def quantize_per_token(source: Path, target: Path) -> int:
    """Write ``source`` with every large MatMul weight quantised as above; the number done."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    drop_softmax_nan_guards(graph)
    weights = {t.name: t for t in graph.initializer}
    constants = [
        numpy_helper.from_array(np.array(127.0, np.float32), "q_127"),
        numpy_helper.from_array(np.array(1e-12, np.float32), "q_tiny"),
        numpy_helper.from_array(np.array([-1], np.int64), "q_flat"),
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
            nodes += [
                helper.make_node("ReduceMax", [source_input], [a + "max"], axes=[-1]),
                helper.make_node("ReduceMin", [source_input], [a + "min"], axes=[-1]),
                helper.make_node("Neg", [a + "min"], [a + "neg_min"]),
                helper.make_node("Max", [a + "max", a + "neg_min", "q_tiny"], [a + "range"]),
                helper.make_node("Div", [a + "range", "q_127"], [a + "scale"]),
                # QuantizeLinear scales along one axis: the rows of the input as a matrix.
                helper.make_node("Reshape", [a + "scale", "q_flat"], [a + "row_scale"]),
                helper.make_node("Shape", [a + "row_scale"], [a + "rows"]),
                helper.make_node("Expand", ["q_zero_point", a + "rows"], [a + "row_zero"]),
                helper.make_node("Flatten", [source_input], [a + "matrix"], axis=-1),
                helper.make_node(
                    "QuantizeLinear",
                    [a + "matrix", a + "row_scale", a + "row_zero"],
                    [a + "u8_matrix"],
                    axis=0,
                ),
                helper.make_node("Shape", [source_input], [a + "shape"]),
                helper.make_node("Reshape", [a + "u8_matrix", a + "shape"], [a + "u8"]),
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


def drop_softmax_nan_guards(graph: onnx.GraphProto) -> None:
    """Remove every ``Where(IsNaN(p), 0, p)`` whose ``p`` is a softmax's output (see above)."""
    from onnx import numpy_helper

    producers = {o: n for n in graph.node for o in n.output}
    constants = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
            constants[node.output[0]] = node.attribute[0].t
    uses = Counter([i for n in graph.node for i in n.input] + [o.name for o in graph.output])
    replaced: dict[str, str] = {}
    dropped: set[str] = set()
    for node in graph.node:
        condition = producers.get(node.input[0]) if node.op_type == "Where" else None
        if condition is None or condition.op_type != "IsNaN":
            continue
        probabilities = node.input[2]
        softmax = producers.get(probabilities)
        fill = constants.get(node.input[1])
        if (
            condition.input[0] != probabilities
            or uses[condition.output[0]] != 1  # the NaN mask feeds this Where only
            or any(o.name == node.output[0] for o in graph.output)
            or softmax is None
            or softmax.op_type != "Softmax"
            or fill is None
            or np.any(numpy_helper.to_array(fill) != 0)
        ):
            continue
        replaced[node.output[0]] = probabilities
        dropped.update((node.output[0], condition.output[0]))
    kept = [n for n in graph.node if not dropped.intersection(n.output)]
    for node in kept:
        node.input[:] = [replaced.get(name, name) for name in node.input]
    used = {name for n in kept for name in n.input} | {o.name for o in graph.output}
    kept = [n for n in kept if n.op_type != "Constant" or n.output[0] in used]  # fills left over
    del graph.node[:]
    graph.node.extend(kept)
