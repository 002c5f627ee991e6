"""Layer wrappers: TimeDistributed."""

from __future__ import annotations

import inspect

from dlx import ops
from dlx import tree_util as tree
from dlx.layers.core import Wrapper
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import shapes_to_symbolic


class TimeDistributed(Wrapper):
    """Applies ``layer`` to every timestep of ``(batch, timesteps, ...)`` inputs (the two leading
    dims are folded into one batch dim for the wrapped layer).

    Arguments:
        layer: the :class:`Layer` applied to each timestep (one set of weights for all steps).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``layer`` is not a :class:`Layer`.

    >>> import dlx
    >>> TimeDistributed(dlx.layers.Dense(8)).compute_output_shape((None, 10, 4))
    (None, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: expected min_ndim=3, "
                             f"found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}")
        if not self.layer.built:
            self.layer.build((None, *tuple(input_shape)[2:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None, *tuple(input_shape)[2:]))
        return _reattach(inner, input_shape[0], input_shape[1])

    def compute_output_spec(self, *args, **kwargs):
        x = args[0]
        return shapes_to_symbolic(self.compute_output_shape(x.shape), self.compute_dtype)

    def call(self, inputs, training=None, mask=None):
        shape = ops.tensors.shape(inputs)
        b, t = shape[0], shape[1]
        if b is None or t is None:
            raise ValueError(f"TimeDistributed '{self.name}': batch and time dims must be known when the layer runs; "
                             f"received input shape {shape}")
        x = ops.reshape(inputs, (b * t, *shape[2:]))
        kw = {}
        params = inspect.signature(self.layer.call).parameters
        if "training" in params:
            kw["training"] = training
        if mask is not None and "mask" in params:
            kw["mask"] = ops.reshape(mask, (b * t, *ops.tensors.shape(mask)[2:]))
        y = self.layer(x, **kw)
        return tree.map_structure(lambda o: ops.reshape(o, (b, t, *ops.tensors.shape(o)[1:])), y)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask


def _reattach(inner, b, t):
    if isinstance(inner, tuple) and all(d is None or isinstance(d, int) for d in inner):
        return (b, t, *inner[1:])
    return type(inner)(_reattach(s, b, t) for s in inner)


__all__ = ["TimeDistributed"]
