"""``clone_model``: a model's architecture rebuilt with new layers (Keras 3's rules)."""

from __future__ import annotations

from dlx import tree_util as tree


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs):
    """A new model with ``model``'s architecture and new layers (fresh weights).

    Arguments:
        model: a Sequential or Functional model (a subclassed model is rebuilt from its config,
            which rules out the other arguments).
        input_tensors: symbolic tensors (from ``dlx.Input``) the clone is built on instead of new
            inputs: one per model input, in the same structure.
        clone_function: ``layer -> new layer`` for every layer (default: the layer rebuilt from
            its config). A function may return the layer itself to share it.
        call_function: ``(layer, *args, **kwargs) -> outputs``: how each cloned layer is called
            in the new graph (Functional and Sequential models), e.g. to insert layers.
        recursive: clone nested Sequential / Functional models layer by layer as well (with
            the same functions) instead of passing them whole to ``clone_function``.

    Returns:
        A new, uncompiled model: a ``Sequential`` for a Sequential model, a ``Functional`` for a
        functional one, an instance of the subclass rebuilt from its config otherwise; its layers
        have new weights unless ``clone_function`` shares them.
    """
    from dlx.models.functional import Functional
    from dlx.models.sequential import Sequential

    if kwargs:
        raise TypeError(f"clone_model: unexpected keyword argument(s) {sorted(kwargs)}")
    if clone_function is not None and not callable(clone_function):
        raise ValueError(f"clone_model: clone_function={clone_function!r} is not callable")
    if call_function is not None and not callable(call_function):
        raise ValueError(f"clone_model: call_function={call_function!r} is not callable")
    base_clone = clone_function or _default_clone

    def clone_layer(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function, call_function=call_function, recursive=True)
        return base_clone(layer)

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_layer, call_function)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_layer, call_function)
    if clone_function is not None or call_function is not None or input_tensors is not None:
        raise ValueError(f"clone_model: {type(model).__name__} is a subclassed model; it can only be cloned from "
                         "its config (clone_function, call_function and input_tensors need a Sequential or "
                         "Functional model)")
    return model.__class__.from_config(model.get_config())


def _call(layer, call_function, args, kwargs):
    if call_function is not None:
        return call_function(layer, *args, **kwargs)
    return layer(*args, **kwargs)


def _clone_sequential(model, input_tensors, clone_layer, call_function):
    from dlx.layers import Input, InputLayer
    from dlx.models.functional import Functional
    from dlx.models.sequential import Sequential

    layers = [clone_layer(la) for la in model._seq_layers if not isinstance(la, InputLayer)]
    input_shape = None
    graph = model._functional
    if graph is not None:
        input_shape = graph._inputs[0]
    if input_tensors is None and call_function is None:
        clone = Sequential(name=model.name, trainable=model.trainable)
        if input_shape is not None:
            clone.add(Input(batch_shape=input_shape.shape, dtype=input_shape.dtype, name=_input_name(input_shape)))
        for la in layers:
            clone.add(la)
        return clone
    if input_tensors is None:
        if input_shape is None:
            raise ValueError("clone_model: call_function needs a Sequential model built with an Input (its input "
                             "shape is unknown)")
        input_tensors = Input(batch_shape=input_shape.shape, dtype=input_shape.dtype, name=_input_name(input_shape))
    inputs = _single_input(input_tensors)
    x = inputs
    for la in layers:
        x = _call(la, call_function, (x,), {})
    return Functional(inputs, x, name=model.name)


def _single_input(input_tensors):
    from dlx.ops.symbolic import SymbolicTensor

    flat = tree.leaves(input_tensors)
    if len(flat) != 1 or not isinstance(flat[0], SymbolicTensor):
        raise ValueError(f"clone_model: a Sequential model takes one input tensor (from dlx.Input); got "
                         f"{input_tensors!r}")
    return flat[0]


def _input_name(t):
    h = t._history
    return None if h is None else h.layer.name


def _clone_functional(model, input_tensors, clone_layer, call_function):
    from dlx.layers import Input
    from dlx.models.functional import Functional
    from dlx.ops.symbolic import SymbolicTensor

    old_inputs = model._inputs
    if input_tensors is None:
        new_inputs = [Input(batch_shape=t.shape, dtype=t.dtype, name=_input_name(t)) for t in old_inputs]
    else:
        new_inputs = tree.leaves(input_tensors)
        if len(new_inputs) != len(old_inputs) or not all(isinstance(t, SymbolicTensor) for t in new_inputs):
            raise ValueError(f"clone_model: input_tensors must hold {len(old_inputs)} symbolic tensor(s) (from "
                             f"dlx.Input), one per model input; got {input_tensors!r}")
    values = {id(old): new for old, new in zip(old_inputs, new_inputs)}
    clones: dict = {}
    for node in model._graph_nodes:
        layer = node.layer
        if id(layer) not in clones:
            clones[id(layer)] = clone_layer(layer)
        args, kwargs = node.map_arguments(values)
        out = _call(clones[id(layer)], call_function, args, kwargs)
        new_leaves = [t for t in tree.leaves(out) if isinstance(t, SymbolicTensor)]
        if len(new_leaves) != len(node.output_tensors):
            raise ValueError(f"clone_model: the clone of layer '{layer.name}' returned {len(new_leaves)} tensor(s) "
                             f"where the original returned {len(node.output_tensors)}")
        for old, new in zip(node.output_tensors, new_leaves):
            values[id(old)] = new
    inputs_struct = tree.unflatten(tree.flatten(model._inputs_struct)[1], new_inputs) \
        if not isinstance(model._inputs_struct, SymbolicTensor) else new_inputs[0]
    outputs = tree.map_structure(lambda t: values[id(t)], model._outputs_struct)
    return Functional(inputs_struct, outputs, name=model.name)
