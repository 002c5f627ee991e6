"""``Functional``: a model defined by a graph of layer calls on symbolic tensors.

The graph is read from the :class:`~dlx.layers.layer.Node` s that symbolic layer calls record
(no backend is involved). Running the model walks the nodes in topological order; masks
propagate along the edges (``compute_mask``). The config is Keras 3's (``layers`` with
``inbound_nodes`` of ``__keras_tensor__`` references, ``input_layers``, ``output_layers``).
"""

from __future__ import annotations

from dlx import dtypes as _dtypes
from dlx import tree_util as tree
from dlx.layers.core import InputLayer
from dlx.layers.layer import Layer, _accepts, _is_default, _is_symbolic
from dlx.layers.op_layer import OpLayer
from dlx.models.function import Function
from dlx.models.model import Model
from dlx.ops.symbolic import SymbolicTensor


def _describe(t) -> str:
    h = t._history
    where = f" (output of layer '{h.layer.name}')" if h is not None else ""
    return f"{t!r}{where}"


def map_graph(inputs: list, outputs: list):
    """Topologically sorted nodes between ``inputs`` and ``outputs``, and the layers in order.

    Raises:
        ValueError: when an output does not depend only on ``inputs`` (graph disconnected) or a
            tensor was not produced by a layer.
    """
    input_ids = {id(t) for t in inputs}
    ordered, visited, seen_ok = [], set(), []

    def producer(t):
        """The node that computes ``t`` (``None`` for a model input), after the checks."""
        if id(t) in input_ids:
            return None
        h = t._history
        if h is None:
            raise ValueError(f"The tensor {t!r} was not produced by a dlx layer or op applied to the model's inputs, "
                             "so it cannot be part of a Functional model: build it from dlx.Input(...) tensors "
                             "through layers or dlx.ops calls")
        if h.node.is_input:
            raise ValueError(f"Graph disconnected: cannot obtain the value of tensor {t!r} at layer "
                             f"'{h.layer.name}': that input is not among the model's inputs "
                             f"{[_describe(i) for i in inputs]}. The following layers were reached without issue: "
                             f"{seen_ok}")
        return h.node

    # depth-first post-order with an explicit stack: graphs thousands of layers deep (EfficientNetB7,
    # NASNetLarge) would exhaust Python's recursion limit
    for t in outputs:
        root = producer(t)
        if root is None or id(root) in visited:
            continue
        stack = [(root, iter(root.input_tensors))]
        while stack:
            node, pending = stack[-1]
            for x in pending:
                child = producer(x)
                if child is not None and id(child) not in visited:
                    stack.append((child, iter(child.input_tensors)))
                    break
            else:
                stack.pop()
                if id(node) not in visited:
                    visited.add(id(node))
                    ordered.append(node)
                    seen_ok.append(node.layer.name)
    layers, seen = [], set()
    for t in inputs:
        h = t._history
        if h is not None and id(h.layer) not in seen:
            seen.add(id(h.layer))
            layers.append(h.layer)
    for node in ordered:
        if id(node.layer) not in seen:
            seen.add(id(node.layer))
            layers.append(node.layer)
    return ordered, layers


def _releases(nodes, outputs) -> list[tuple]:
    """Per node (in run order), the symbolic tensors it is the last to read and that are not
    model outputs: ``call`` drops their values once the node ran, so a deep model holds only its
    live activations (as eager code would), not every intermediate until it returns. The tensors
    themselves, not their ids: a copied model (``copy.deepcopy``, pickle) has new ones."""
    last: dict[int, tuple] = {}
    for i, node in enumerate(nodes):
        for t in node.arguments_leaves:
            if _is_symbolic(t):
                last[id(t)] = (i, t)
    keep = {id(t) for t in outputs}
    out: list[list] = [[] for _ in nodes]
    for tid, (i, t) in last.items():
        if tid not in keep:
            out[i].append(t)
    return [tuple(ts) for ts in out]


def _adjust_rank(x, ref_shape):
    """As Keras: an input one rank short of an ``Input`` whose last dim is 1 gains that axis
    ((N, 28, 28) images for ``Input((28, 28, 1))``); one with an extra trailing axis of 1 loses it."""
    shape = getattr(x, "shape", None)
    if shape is None or ref_shape is None:
        return x
    try:
        rank = len(shape)
    except (TypeError, ValueError):  # a traced tensor of unknown rank: left as it is
        return x
    from dlx import ops

    if rank == len(ref_shape) - 1 and ref_shape[-1] == 1:
        return ops.expand_dims(x, axis=-1)
    if rank == len(ref_shape) + 1 and shape[-1] == 1:
        return ops.squeeze(x, axis=-1)
    return x


class Functional(Model, Function):
    """A model from symbolic ``inputs`` to ``outputs`` (each a tensor, a list or a dict of them).

    Arguments:
        inputs: the model's inputs (from ``dlx.Input``).
        outputs: tensors computed from them by layer calls.
        name: the model's name.
        trainable: whether its variables are trainable.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> inputs = dlx.Input((3,))
    >>> outputs = dlx.layers.Dense(2)(inputs)
    >>> model = dlx.Functional(inputs, outputs)  # dlx.Model(inputs, outputs) builds the same
    >>> model.output_shape, model(np.ones((1, 3))).shape
    ((None, 2), (1, 2))
    """

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(f"Functional model: unexpected keyword argument(s) {sorted(kwargs)}")
        if isinstance(inputs, dict):
            for k, v in inputs.items():
                if not isinstance(v, SymbolicTensor):
                    raise ValueError(f"Functional model: input {k!r} is {v!r}, not a symbolic tensor from dlx.Input")
        flat_in = tree.leaves(inputs)
        flat_out = tree.leaves(outputs)
        for t in flat_in:
            if not isinstance(t, SymbolicTensor):
                raise ValueError(f"Functional model: every input must be a symbolic tensor (from dlx.Input); received "
                                 f"{t!r} of type {type(t).__name__}")
        for t in flat_out:
            if not isinstance(t, SymbolicTensor):
                raise ValueError(f"Functional model: every output must be a symbolic tensor computed by layers; "
                                 f"received {t!r} of type {type(t).__name__}")
        if not flat_out:
            raise ValueError("Functional model: outputs is empty")
        nodes, operations = map_graph(flat_in, flat_out)
        # as in Keras, `layers` are the graph's layers; raw op calls (OpLayer) and plain
        # Operations are only among `operations`
        layers = [op for op in operations if isinstance(op, Layer) and not isinstance(op, OpLayer)]
        self._model_init(name=name, trainable=trainable)
        self.__dict__["_operations"] = operations  # every node's operation (layers and plain Operations)
        self.__dict__["_nodes"] = nodes
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = flat_in
        self._outputs = flat_out
        self._graph_nodes = nodes
        self._releases = _releases(nodes, flat_out)
        self._layers_list = layers
        self._input_names = [t._history.layer.name if t._history is not None else f"input_{i}"
                             for i, t in enumerate(flat_in)]
        self.built = True
        self._build_shapes_dict = None

    # -- structure ------------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers_list)

    @property
    def inputs(self) -> list:
        return list(self._inputs)

    @property
    def outputs(self) -> list:
        return list(self._outputs)

    @property
    def input_names(self) -> list[str]:
        return list(self._input_names)

    @property
    def output_names(self) -> list[str]:
        """Output keys (dict outputs) or the names of the layers producing the outputs."""
        if isinstance(self._outputs_struct, dict):
            return sorted(self._outputs_struct)
        return [t._history.layer.name for t in self._outputs]

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    def _graph_outputs(self):
        return self._outputs_struct if type(self).call is Functional.call else None

    @property
    def input_shape(self):
        """The inputs' shapes, as Keras 3 gives them: one input's shape tuple, or a flat list of
        shapes (in the flattened order of the inputs' structure: a dict's sorted keys) for several."""
        return _flat_shapes(self._inputs_struct)

    @property
    def output_shape(self):
        """The outputs' shapes: one output's shape tuple, or a flat list of shapes for several
        (as :attr:`input_shape`)."""
        return _flat_shapes(self._outputs_struct)

    def _flatten_inputs(self, inputs) -> list:
        struct = self._inputs_struct
        n = len(self._inputs)
        if isinstance(struct, dict):
            if not isinstance(inputs, dict):
                raise ValueError(f"Model '{self.name}' expects a dict of inputs with keys {sorted(struct)}; received "
                                 f"{type(inputs).__name__}")
            missing = [k for k in struct if k not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}': missing input(s) {missing}; expected keys {sorted(struct)}, "
                                 f"received {sorted(inputs)}")
            return tree.leaves({k: inputs[k] for k in struct})
        if isinstance(inputs, dict):
            missing = [k for k in self._input_names if k not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}': missing input(s) {missing}; the inputs are named "
                                 f"{self._input_names}, received keys {sorted(inputs)}")
            return [inputs[k] for k in self._input_names]
        if isinstance(struct, SymbolicTensor):
            if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
                return [inputs[0]]
            return [inputs]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) and len(inputs) == n and not hasattr(
            inputs, "shape") else tree.leaves(inputs)
        if len(flat) != n:
            raise ValueError(f"Model '{self.name}' expects {n} input(s) {self._input_names}; received {len(flat)}")
        return flat

    # -- running ------------------------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        from dlx import ops

        flat = self._flatten_inputs(inputs)
        values, masks = {}, {}
        for t, x in zip(self._inputs, flat):
            if x is not None and not _is_symbolic(x) and hasattr(x, "dtype"):
                try:
                    dt = _dtypes.standardize(x.dtype)
                except ValueError:
                    dt = t.dtype
                if dt != t.dtype:
                    x = ops.cast(ops.convert_to_tensor(x), t.dtype)
            values[id(t)] = _adjust_rank(x, t.shape)
        if mask is not None:
            for t, m in zip(self._inputs, tree.leaves(mask) if isinstance(mask, (list, tuple, dict)) else [mask]):
                if m is not None:
                    masks[id(t)] = m
        for node, done in zip(self._graph_nodes, self._releases):
            args, kwargs = node.map_arguments(values)
            layer = node.layer
            if not isinstance(layer, Layer):  # a plain Operation: no masks, no training flag
                for t, v in zip(node.output_tensors, tree.leaves(layer(*args, **kwargs))):
                    values[id(t)] = v
                for t in done:
                    del values[id(t)]
                continue
            prev = None
            if masks and node.call_args:
                leaves_in = tree.leaves(node.call_args[0])
                ms = [masks.get(id(t)) if _is_symbolic(t) else None for t in leaves_in]
                if any(m is not None for m in ms):
                    prev = ms[0] if _is_symbolic(node.call_args[0]) else tree.unflatten(
                        tree.flatten(node.call_args[0])[1], ms)
            if prev is not None and "mask" not in kwargs and _accepts(layer.call, "mask"):
                kwargs["mask"] = prev
            outs = layer(*args, **kwargs)
            out_leaves = tree.leaves(outs)
            for t, v in zip(node.output_tensors, out_leaves):
                values[id(t)] = v
            if prev is not None or not _is_default(layer, "compute_mask"):
                m = layer.compute_mask(args[0], prev)
                if m is not None:
                    ms = list(m) if isinstance(m, (list, tuple)) else [m] * len(node.output_tensors)
                    for t, mm in zip(node.output_tensors, ms):
                        if mm is not None:
                            masks[id(t)] = mm
            del args, kwargs, prev
            for t in done:  # nothing later reads these: free them as eager code would
                del values[id(t)]
                masks.pop(id(t), None)
        return tree.map_structure(lambda t: values[id(t)], self._outputs_struct)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    # -- config -------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        from dlx import saving

        node_index = {}
        for node in self._graph_nodes:
            lst = node_index.setdefault(id(node.layer), [])
            lst.append(node)
        for t in self._inputs:
            if t._history is None or not isinstance(t._history.layer, InputLayer):
                raise TypeError(f"Functional model '{self.name}': its input {t!r} is not a dlx.Input, so the model "
                                "cannot be serialized")
            node_index.setdefault(id(t._history.layer), [t._history.node])

        def ref(t):
            h = t._history
            nodes = node_index[id(h.layer)]
            idx = next(i for i, n in enumerate(nodes) if n is h.node)
            return [h.layer.name, idx, h.tensor_index]

        def ser_arg(v):
            if isinstance(v, SymbolicTensor):
                return {"class_name": "__keras_tensor__", "config": {"shape": v.shape, "dtype": v.dtype,
                                                                     "keras_history": ref(v)}}
            if isinstance(v, (list, tuple)):
                return [ser_arg(x) for x in v]
            if isinstance(v, dict):
                return {k: ser_arg(x) for k, x in v.items()}
            return saving.serialize(v)

        layer_configs = []
        for layer in self._operations:
            cfg = saving.serialize(layer)
            cfg["name"] = layer.name
            nodes = [] if isinstance(layer, InputLayer) else node_index.get(id(layer), [])
            cfg["inbound_nodes"] = [{"args": ser_arg(list(n.call_args)), "kwargs": ser_arg(n.call_kwargs)}
                                    for n in nodes]
            layer_configs.append(cfg)

        def map_tensors(struct):
            if isinstance(struct, SymbolicTensor):
                return [ref(struct)]
            return tree.map_structure(ref, struct)

        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs,
                "input_layers": map_tensors(self._inputs_struct), "output_layers": map_tensors(self._outputs_struct)}


def functional_from_config(cls, config: dict, custom_objects=None):
    """Rebuilds a Functional model (fresh weights) from :meth:`Functional.get_config`'s output."""
    from dlx import saving

    created: dict[str, Layer] = {}
    outputs_by_layer: dict[str, list] = {}
    pending: dict[str, list] = {}
    order = []
    for layer_data in config["layers"]:
        data = {k: v for k, v in layer_data.items() if k not in ("name", "inbound_nodes")}
        layer = saving.deserialize(data, custom_objects=custom_objects)
        name = layer_data.get("name", layer.name)
        created[name] = layer
        order.append(name)
        outputs_by_layer[name] = []
        if isinstance(layer, InputLayer):
            outputs_by_layer[name].append([layer.output])
        pending[name] = list(layer_data.get("inbound_nodes", []))

    def resolve(v):
        if isinstance(v, dict) and v.get("class_name") == "__keras_tensor__":
            lname, ni, ti = v["config"]["keras_history"]
            outs = outputs_by_layer.get(lname, [])
            if ni >= len(outs):
                raise KeyError(lname)
            return outs[ni][ti]
        if isinstance(v, list):
            return [resolve(x) for x in v]
        if isinstance(v, dict) and "class_name" not in v:
            return {k: resolve(x) for k, x in v.items()}
        return saving.deserialize(v, custom_objects=custom_objects)

    progress = True
    while progress and any(pending.values()):
        progress = False
        for name in order:
            queue = pending[name]
            while queue:
                node = queue[0]
                try:
                    args = resolve(node.get("args", []))
                    kwargs = resolve(node.get("kwargs", {}))
                except KeyError:
                    break
                out = created[name](*args, **kwargs)
                outputs_by_layer[name].append(tree.leaves(out))
                queue.pop(0)
                progress = True
    if any(pending.values()):
        stuck = [n for n, q in pending.items() if q]
        raise ValueError(f"Functional.from_config: could not connect layers {stuck}: their inputs never became "
                         "available (the config's graph is inconsistent)")

    def get_tensor(lname, ni, ti):
        return outputs_by_layer[lname][ni][ti]

    def map_tensors(s):
        if isinstance(s, list) and len(s) == 3 and isinstance(s[0], str):
            return get_tensor(*s)
        if isinstance(s, dict):
            return {k: map_tensors(v) for k, v in s.items()}
        return [map_tensors(v) for v in s]

    inputs = map_tensors(config["input_layers"])
    outputs = map_tensors(config["output_layers"])
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    kwargs = {"name": config.get("name"), "trainable": config.get("trainable", True)}
    if cls is Model or cls is Functional:
        return Functional(inputs, outputs, **kwargs)
    return cls(inputs, outputs, **kwargs)


__all__ = ["Functional", "functional_from_config", "map_graph"]


def _flat_shapes(struct):
    shapes = [t.shape for t in tree.leaves(struct)]
    return shapes[0] if len(shapes) == 1 else shapes
