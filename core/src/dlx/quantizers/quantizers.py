"""Absolute-max int8 quantization (Keras's ``keras.quantizers`` numerics).

``abs_max_quantize(x, axis)`` scales ``x`` so its largest magnitude along ``axis`` maps to the top
of ``value_range``: ``scale = value_range[1] / (max|x| + epsilon)``, ``q = clip(round(x * scale))``;
``q / scale`` recovers ``x`` to within half a step.
"""

from __future__ import annotations

import numpy as np

from dlx import ops

_EPSILON = 1e-7


def _axes(axis, ndim: int) -> tuple:
    axis = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(f"abs_max_quantize: axis={a} is out of range for a rank-{ndim} input")
        out.append(a % ndim)
    return tuple(out)


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=_EPSILON, to_numpy=False):
    """Quantizes ``inputs`` with one scale per slice along ``axis`` (reduced, kept as size 1).

    Arguments:
        inputs: a float tensor.
        axis: the axis (or axes) the absolute maximum is taken over.
        value_range: ``(low, high)`` of the quantized values.
        dtype: dtype of the quantized output.
        epsilon: added to the maximum so an all-zero slice gets a finite scale.
        to_numpy: compute on the host with NumPy (saves device memory for large weights).

    Returns:
        ``(quantized, scale)``; ``quantized / scale`` approximates ``inputs``.

    >>> q, s = abs_max_quantize(np.array([[1.0, -2.0], [0.5, 0.25]], "float32"), axis=-1)
    >>> ops.convert_to_numpy(q).tolist()
    [[64, -127], [127, 63]]
    """
    low, high = value_range
    if to_numpy:
        x = np.asarray(ops.convert_to_numpy(inputs))
        src = x.dtype
        ax = _axes(axis, x.ndim)
        scale = np.divide(high, np.add(np.max(np.abs(x), axis=ax, keepdims=True), epsilon))
        out = np.clip(np.round(np.multiply(x, scale)), low, high).astype(dtype)
        return ops.convert_to_tensor(out), ops.convert_to_tensor(scale.astype(src))
    x = ops.convert_to_tensor(inputs)
    ax = _axes(axis, len(x.shape))
    scale = ops.divide(high, ops.add(ops.max(ops.abs(x), axis=ax, keepdims=True), epsilon))
    scale = ops.cast(scale, ops.dtype(x))
    out = ops.clip(ops.round(ops.multiply(x, scale)), low, high)
    return ops.cast(out, dtype), scale


def fake_abs_max_quantize(inputs, axis, value_range=(-127, 127), epsilon=_EPSILON):
    """``abs_max_quantize`` with the quantized values kept in ``inputs``' float dtype (integers
    stored as floats, for backends without an int8 matmul)."""
    low, high = value_range
    ax = _axes(axis, len(inputs.shape))
    scale = ops.divide(high, ops.add(ops.max(ops.abs(inputs), axis=ax, keepdims=True), epsilon))
    scale = ops.cast(scale, ops.dtype(inputs))
    return ops.clip(ops.round(ops.multiply(inputs, scale)), low, high), scale


class Quantizer:
    """Base class of quantizers: ``quantizer(x)`` returns the quantized ``x``.

    Arguments:
        output_dtype: dtype of the quantized values.

    Example:

    >>> import numpy as np
    >>> from dlx import ops, quantizers
    >>> class Sign(quantizers.Quantizer):
    ...     def __call__(self, x):
    ...         return ops.cast(ops.sign(x), self.output_dtype)
    >>> Sign()(np.array([-0.3, 0.0, 2.0]))
    array([-1,  0,  1], dtype=int8)
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config: dict):
        """Creates a quantizer from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new quantizer.
        """
        return cls(**config)

    def get_config(self) -> dict:
        """The constructor arguments, JSON-compatible; the base class gives ``output_dtype``.

        Returns:
            A dict for :meth:`from_config`.
        """
        return {"output_dtype": self.output_dtype}


class AbsMaxQuantizer(Quantizer):
    """Quantizes with :func:`abs_max_quantize`.

    Arguments:
        axis: deprecated default axis (pass ``axis`` to the call instead); ``None``: -1.
        value_range: ``(low, high)`` of the quantized values.
        epsilon: added to the absolute maximum.
        output_dtype: dtype of the quantized values.

    Example:

    >>> import numpy as np
    >>> from dlx import quantizers
    >>> quantizer = quantizers.AbsMaxQuantizer(axis=-1)
    >>> values, scale = quantizer(np.array([[1.0, -2.0, 4.0]]))
    >>> values  # 4.0 (the largest magnitude) maps to 127
    array([[ 32, -63, 127]], dtype=int8)
    >>> np.round(scale, 4)
    array([[31.75]])
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=_EPSILON, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range = tuple(value_range)
        self.epsilon = epsilon
        if output_dtype == "int8" and (self.value_range[0] < -128 or self.value_range[1] > 127):
            raise ValueError(f"AbsMaxQuantizer: value_range={value_range} does not fit output_dtype='int8' "
                             "([-128, 127])")

    def __call__(self, x, axis=None, to_numpy=False):
        axis = self.axis if axis is None else axis
        axis = -1 if axis is None else axis
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self) -> dict:
        """``value_range``, ``epsilon``, ``output_dtype``, and ``axis`` when one was given.

        Returns:
            A dict for :meth:`from_config`.
        """
        config = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config


__all__ = ["AbsMaxQuantizer", "Quantizer", "abs_max_quantize"]
