"""``Model.summary``: a table of layers, output shapes, parameter counts and connections."""

from __future__ import annotations

import numpy as np


def _fmt_shape(s) -> str:
    if s is None:
        return "?"
    if isinstance(s, tuple) and all(d is None or isinstance(d, (int, np.integer)) for d in s):
        return "(" + ", ".join("None" if d is None else str(int(d)) for d in s) + ("," if len(s) == 1 else "") + ")"
    if isinstance(s, dict):
        return "{" + ", ".join(f"{k}: {_fmt_shape(v)}" for k, v in s.items()) + "}"
    if isinstance(s, (list, tuple)):
        return "[" + ", ".join(_fmt_shape(x) for x in s) + "]"
    return str(s)


def _output_shape(layer):
    from dlx import tree_util as tree
    from dlx.layers.core import InputLayer

    if isinstance(layer, InputLayer):
        return layer.batch_shape
    nodes = layer._inbound_nodes
    if nodes:
        out = nodes[-1].outputs if len(nodes) == 1 else nodes[0].outputs
        return tree.map_structure(lambda t: tuple(t.shape) if hasattr(t, "shape") else t, out)
    return layer.__dict__.get("_summary_shape")


def _itemsize(dtype: str) -> int:
    if dtype == "bfloat16":
        return 2
    if dtype == "bool":
        return 1
    return int(np.dtype(dtype).itemsize)


def _bytes(weights) -> int:
    return int(sum(int(np.prod(v.shape)) * _itemsize(v.dtype) for v in weights))


def _human(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024
    return f"{n:.2f} GB"


def _count(weights) -> int:
    return int(sum(int(np.prod(v.shape)) for v in weights))


def _connections(layer, model_nodes) -> str:
    names = []
    for node in layer._inbound_nodes:
        if model_nodes is not None and id(node) not in model_nodes:
            continue
        for t in node.input_tensors:
            h = t._history
            if h is not None:
                names.append(f"{h.layer.name}[{h.node_index}][{h.tensor_index}]")
    return ", ".join(names) if names else "-"


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                  layer_range=None) -> None:
    """Prints the table described in ``Model.summary``."""
    from dlx.models.functional import Functional
    from dlx.models.sequential import Sequential

    print_fn = print_fn or print
    graph = None
    if isinstance(model, Functional):
        graph = model
    elif isinstance(model, Sequential):
        graph = None
    is_graph = graph is not None and _is_nonlinear(graph)
    line_length = line_length or (120 if is_graph else 98)
    positions = positions or ([0.3, 0.55, 0.67, 1.0] if is_graph else [0.45, 0.82, 1.0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if is_graph else [])
    if show_trainable:
        headers.append("Trainable")
        positions = [*positions, positions[-1] + 11]
        line_length = positions[-1]

    def row(fields):
        line = ""
        for i, f in enumerate(fields):
            start = positions[i - 1] if i else 0
            width = positions[i] - start
            text = str(f)
            if len(text) > width - 1:
                text = text[: max(width - 2, 1)] + "…"
            line = line.ljust(start) + text
        print_fn(line.rstrip())

    # a Functional model lists every operation of its graph (raw op calls too), as Keras's does
    layers = list(model.operations if graph is not None else model.layers)
    if layer_range is not None:
        names = [la.name for la in layers]
        try:
            a, b = names.index(layer_range[0]), names.index(layer_range[1])
        except ValueError as e:
            raise ValueError(f"summary(): layer_range={layer_range} names layers that are not in model "
                             f"'{model.name}' ({names})") from e
        layers = layers[a:b + 1]
    model_nodes = {id(n) for n in graph._graph_nodes} if graph is not None else None
    kind = {Functional: "Functional", Sequential: "Sequential"}.get(type(model), type(model).__name__)
    print_fn(f'Model: "{model.name}" ({kind})')
    print_fn("_" * line_length)
    row(headers)
    print_fn("=" * line_length)

    def emit(layer, prefix=""):
        params = layer.count_params() if layer.built else 0
        fields = [f"{prefix}{layer.name} ({type(layer).__name__})", _fmt_shape(_output_shape(layer)),
                  f"{params:,}" if layer.built else "0 (unbuilt)"]
        if is_graph:
            fields.append(_connections(layer, model_nodes))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        row(fields)
        if expand_nested and hasattr(layer, "layers") and layer is not model:
            for sub in layer.layers:
                emit(sub, prefix + "  ")

    for i, layer in enumerate(layers):
        emit(layer)
        if is_graph and i < len(layers) - 1:
            print_fn("_" * line_length)
    print_fn("=" * line_length)
    weights = model.weights
    tw = model.trainable_weights
    ids = {id(v) for v in tw}
    ntw = [v for v in weights if id(v) not in ids]
    print_fn(f" Total params: {_count(weights):,} ({_human(_bytes(weights))})")
    print_fn(f" Trainable params: {_count(tw):,} ({_human(_bytes(tw))})")
    print_fn(f" Non-trainable params: {_count(ntw):,} ({_human(_bytes(ntw))})")
    if not model.built:
        print_fn(" (the model is not built yet: shapes and counts appear after its first call or build())")


def _is_nonlinear(graph) -> bool:
    if len(graph._inputs) > 1 or len(graph._outputs) > 1:
        return True
    per_layer = {}
    for node in graph._graph_nodes:
        per_layer[id(node.layer)] = per_layer.get(id(node.layer), 0) + 1
        if per_layer[id(node.layer)] > 1 or len(node.input_tensors) > 1:
            return True
    return False
