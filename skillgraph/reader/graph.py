"""ONNX surgery for the one-pass reader: a trunk that also outputs its hidden states, and a head
that reads them, merged into one graph.

The trunk is a sentence encoder as :mod:`training.onnx_export` writes it (BERT layers, mean
pooling, L2 normalisation; output ``embedding``). Its hidden states are the outputs of the
embedding layer's LayerNorm and of each layer's output LayerNorm: the LayerNormalization nodes
at even positions in graph order (each BERT layer has two, attention and output).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillgraph.errors import GraphError

if TYPE_CHECKING:
    import onnx

EMBEDDING = "embedding"
MASK = "attention_mask"
HEAD_MASK = "head_attention_mask"  # the trunk's mask, passed on to the head
PROBABILITIES = "probabilities"
SPAN_STATES = "span_states"
TAG_STATES = "tag_states"  # what the head's classifier reads: the span datastore's keys


def hidden_name(position: int) -> str:
    return f"hidden_{position}"


def hidden_state_outputs(trunk: onnx.ModelProto) -> list[str]:
    """Names of the trunk's hidden states, embedding layer first."""
    norms = [n.output[0] for n in trunk.graph.node if n.op_type == "LayerNormalization"]
    if len(norms) < 3 or len(norms) % 2 == 0:
        raise GraphError(
            f"expected 2 LayerNormalization nodes per layer plus one for the embeddings, "
            f"found {len(norms)}: not a BERT-style encoder export"
        )
    return norms[::2]


def expose_hidden_states(trunk: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of ``trunk`` that also outputs ``hidden_0`` .. ``hidden_L`` and its mask."""
    import onnx
    from onnx import helper

    model = onnx.ModelProto()
    model.CopyFrom(trunk)
    graph = model.graph
    if EMBEDDING not in {o.name for o in graph.output}:
        raise GraphError(f"the trunk has no {EMBEDDING!r} output")
    dimension = _dimension(trunk)
    for position, name in enumerate(hidden_state_outputs(trunk)):
        graph.node.append(helper.make_node("Identity", [name], [hidden_name(position)]))
        graph.output.append(
            helper.make_tensor_value_info(
                hidden_name(position), onnx.TensorProto.FLOAT, ["batch", "sequence", dimension]
            )
        )
    graph.node.append(helper.make_node("Identity", [MASK], [HEAD_MASK]))
    graph.output.append(
        helper.make_tensor_value_info(HEAD_MASK, onnx.TensorProto.INT64, ["batch", "sequence"])
    )
    return model


def merge_head(trunk: onnx.ModelProto, head: onnx.ModelProto) -> onnx.ModelProto:
    """One graph: the trunk's ``embedding`` and the head's ``probabilities``, ``span_states``
    and ``tag_states`` (what its classifier reads), the head fed by the trunk's hidden
    states."""
    import onnx
    from onnx import compose, helper

    exposed = expose_hidden_states(trunk)
    hidden = [o.name for o in exposed.graph.output if o.name.startswith("hidden_")]
    wanted = {i.name for i in head.graph.input}
    if wanted - {MASK} != set(hidden):  # a head without attention has no use for the mask
        raise GraphError(
            f"the head reads {sorted(wanted)}, the trunk gives {[*hidden, MASK]}: "
            "it was trained on another trunk"
        )
    io_map = [(name, name) for name in hidden]
    if MASK in wanted:
        io_map.append((HEAD_MASK, MASK))
    # Opsets and IR versions must agree before graphs can be composed.
    head = _aligned(head, exposed)
    merged = compose.merge_models(
        exposed,
        head,
        io_map=io_map,
        prefix2="head/",
        outputs=[EMBEDDING, f"head/{PROBABILITIES}", f"head/{SPAN_STATES}"],
    )
    for output in merged.graph.output:
        if output.name.startswith("head/"):
            _rename_output(merged.graph, output.name, output.name.removeprefix("head/"))
    _expose_tag_states(merged.graph)
    # merge_models lists the (equal) default opset once per model; tools want it once.
    opsets = {o.domain: o.version for o in merged.opset_import}
    del merged.opset_import[:]
    merged.opset_import.extend(helper.make_opsetid(d, v) for d, v in opsets.items())
    onnx.checker.check_model(merged)
    return merged


def _expose_tag_states(graph: onnx.GraphProto) -> None:
    """Output the states the head's classifier reads (``probabilities`` is
    Softmax(MatMul(states, W) + b)) as ``tag_states``: the keys of the span datastore."""
    import onnx
    from onnx import helper

    producers = {output: node for node in graph.node for output in node.output}
    constants = {i.name for i in graph.initializer}
    name = PROBABILITIES
    for op in ("Softmax", "Add", "MatMul"):
        node = producers.get(name)
        if node is None or node.op_type != op:
            raise GraphError(f"the head's {PROBABILITIES} are not Softmax(MatMul(x, W) + b)")
        inputs = [i for i in node.input if i not in constants]
        if len(inputs) != 1:
            raise GraphError(f"the head's classifier {op} has no single variable input")
        name = inputs[0]
    graph.node.append(helper.make_node("Identity", [name], [TAG_STATES]))
    graph.output.append(
        helper.make_tensor_value_info(
            TAG_STATES, onnx.TensorProto.FLOAT, ["batch", "sequence", "tag_dimension"]
        )
    )


def _dimension(trunk: onnx.ModelProto) -> int | str:
    for output in trunk.graph.output:
        if output.name == EMBEDDING:
            dims = output.type.tensor_type.shape.dim
            if len(dims) == 2 and dims[1].dim_value:
                return dims[1].dim_value
    return "hidden"


def _aligned(head: onnx.ModelProto, trunk: onnx.ModelProto) -> onnx.ModelProto:
    from onnx import version_converter

    trunk_opset = next(o.version for o in trunk.opset_import if o.domain in ("", "ai.onnx"))
    head_opset = next(o.version for o in head.opset_import if o.domain in ("", "ai.onnx"))
    if head_opset != trunk_opset:
        head = version_converter.convert_version(head, trunk_opset)
    head.ir_version = trunk.ir_version
    return head


def _rename_output(graph: onnx.GraphProto, old: str, new: str) -> None:
    for node in graph.node:
        for position, name in enumerate(node.output):
            if name == old:
                node.output[position] = new
    for output in graph.output:
        if output.name == old:
            output.name = new
