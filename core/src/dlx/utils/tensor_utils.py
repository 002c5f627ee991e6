"""Queries on symbolic tensors: :func:`is_keras_tensor`, :func:`get_source_inputs`."""

from __future__ import annotations

from dlx.ops.symbolic import SymbolicTensor as KerasTensor  # noqa: F401  (keras.KerasTensor)


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic tensor (from ``dlx.Input`` or a layer called on one).

    Arguments:
        x: any object.

    Returns:
        ``True`` for a symbolic tensor, ``False`` for anything else (eager tensors included).

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import utils
    >>> utils.is_keras_tensor(dlx.Input((3,))), utils.is_keras_tensor(np.ones(3))
    (True, False)
    """
    from dlx.ops.symbolic import SymbolicTensor

    return isinstance(x, SymbolicTensor)


def get_source_inputs(tensor) -> list:
    """The input tensors (``dlx.Input``) that ``tensor`` is computed from, each once, in the order
    they are reached; a tensor that is not symbolic is returned as is.

    Arguments:
        tensor: a symbolic tensor of a functional graph.

    Returns:
        A list of the input tensors ``tensor`` depends on (``[tensor]`` for an input itself), or
        ``tensor`` unchanged when it is not symbolic.

    Example:

    >>> import dlx
    >>> from dlx import layers, utils
    >>> inputs = dlx.Input((3,))
    >>> outputs = layers.Dense(2)(layers.Dense(4)(inputs))
    >>> utils.get_source_inputs(outputs)[0] is inputs
    True
    """
    history = getattr(tensor, "_history", None)
    if not is_keras_tensor(tensor):
        return tensor
    if history is None:
        return [tensor]
    node = history.node
    if node.is_input:
        return list(node.output_tensors)
    sources: list = []
    for t in node.input_tensors:
        for s in get_source_inputs(t):
            if all(s is not other for other in sources):
                sources.append(s)
    return sources
