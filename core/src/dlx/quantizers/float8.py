"""float8 and fake-quantization numerics (Keras's ``keras.quantizers`` functions).

dlx has no float8 tensor dtype, so :func:`quantize_and_dequantize` rounds to the float8 grid in
the compute dtype: ``|x|`` is rounded to a multiple of ``2**(e - mantissa_bits)`` with ``e`` its
binary exponent (at least the format's smallest normal exponent, which gives the subnormals),
ties to even, the same values a cast to ``float8_e4m3fn`` / ``float8_e5m2`` and back gives.
"""

from __future__ import annotations

from dlx import ops

# name: (largest finite value, mantissa bits, smallest normal exponent)
FLOAT8_FORMATS = {"float8_e4m3fn": (448.0, 3, -6), "float8_e5m2": (57344.0, 2, -14)}


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the running absolute maximum: ``amax / dtype_max * 2**margin``,
    keeping ``scale`` where ``amax`` is zero or not finite.

    Arguments:
        amax: the absolute maximum seen (a scalar or tensor).
        scale: the current scale, kept where ``amax`` gives no usable value.
        dtype_max: the largest finite value of the float8 dtype (448 for ``float8_e4m3fn``,
            57344 for ``float8_e5m2``).
        margin: a power-of-two headroom: the scale is multiplied by ``2**margin``.

    Returns:
        The new scale, a tensor of ``amax``'s dtype.

    >>> import numpy as np
    >>> float(ops.convert_to_numpy(compute_float8_scale(np.float32(896.0), np.float32(1.0), 448.0)))
    2.0
    """
    amax = ops.convert_to_tensor(amax)
    inv = ops.divide(1.0, ops.cast(scale, ops.dtype(amax)))
    sf = ops.divide(ops.divide(dtype_max, amax), 2.0 ** margin)
    sf = ops.where(ops.greater(amax, 0.0), sf, inv)
    sf = ops.where(ops.isfinite(amax), sf, inv)
    return ops.divide(1.0, sf)


def compute_float8_amax_history(x, amax_history):
    """The amax history after seeing ``x``: the history rolled left by one with ``max|x|`` written
    at index 0 (Keras's layout).

    Arguments:
        x: the tensor just seen.
        amax_history: the 1-D history of past absolute maxima.

    Returns:
        The updated history, of ``amax_history``'s shape and dtype.

    >>> import numpy as np
    >>> h = compute_float8_amax_history(np.array([-3.0, 2.0], "float32"), np.array([1.0, 2.0, 4.0], "float32"))
    >>> ops.convert_to_numpy(h).tolist()
    [3.0, 4.0, 1.0]
    """
    amax_history = ops.convert_to_tensor(amax_history)
    amax = ops.cast(ops.max(ops.abs(x)), ops.dtype(amax_history))
    return ops.scatter_update(ops.roll(amax_history, -1), [[0]], ops.reshape(amax, (1,)))


def _round_to_float8(x, mantissa_bits, min_exponent):
    a = ops.abs(x)
    positive = ops.greater(a, 0.0)
    safe = ops.where(positive, a, ops.ones_like(a))
    e = ops.floor(ops.log2(safe))
    e = ops.where(ops.less_equal(ops.power(2.0, ops.add(e, 1.0)), safe), ops.add(e, 1.0), e)  # log2 rounding
    e = ops.where(ops.greater(ops.power(2.0, e), safe), ops.subtract(e, 1.0), e)
    e = ops.maximum(e, float(min_exponent))
    step = ops.power(2.0, ops.subtract(e, float(mantissa_bits)))
    return ops.multiply(ops.sign(x), ops.multiply(ops.round(ops.divide(a, step)), step))


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """``inputs / scale`` clipped to the float8 range, rounded to ``quantized_dtype``'s grid, times
    ``scale``, in ``compute_dtype``.

    Arguments:
        inputs: the float tensor.
        scale: the scale (a scalar or broadcastable tensor).
        quantized_dtype: ``"float8_e4m3fn"`` or ``"float8_e5m2"``.
        compute_dtype: the float dtype of the computation and the result.

    Returns:
        A tensor of ``inputs``' shape in ``compute_dtype``.

    >>> import numpy as np
    >>> out = quantize_and_dequantize(np.array([0.3, 1000.0], "float32"), np.float32(1.0), "float8_e4m3fn",
    ...                               "float32")
    >>> ops.convert_to_numpy(out).tolist()
    [0.3125, 448.0]
    """
    if quantized_dtype not in FLOAT8_FORMATS:
        raise ValueError(f"quantize_and_dequantize: quantized_dtype={quantized_dtype!r}; expected one of "
                         f"{sorted(FLOAT8_FORMATS)}")
    top, mantissa_bits, min_exponent = FLOAT8_FORMATS[quantized_dtype]
    s = ops.cast(scale, compute_dtype)
    x = ops.clip(ops.divide(ops.cast(inputs, compute_dtype), s), -top, top)
    return ops.multiply(ops.cast(_round_to_float8(x, mantissa_bits, min_exponent), compute_dtype), s)


def _nudge(min_range, max_range, num_bits, narrow_range):
    qmax = float((1 << num_bits) - 1)
    qmin = 1.0 if narrow_range else 0.0
    diff = ops.subtract(max_range, min_range)
    scale = ops.divide(diff, qmax - qmin)
    inv_scale = ops.divide(qmax - qmin, diff)
    zero = ops.round(ops.clip(ops.subtract(qmin, ops.divide(min_range, scale)), qmin, qmax))
    return (ops.multiply(ops.subtract(qmin, zero), scale), ops.multiply(ops.subtract(qmax, zero), scale), scale,
            inv_scale)


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None):
    """Quantizes ``inputs`` to ``num_bits`` levels in ``[min_vals, max_vals]`` (nudged so that 0 is
    exactly representable) and back (TensorFlow's ``fake_quant_with_min_max_vars``).

    The gradient passes straight through inside the nudged range; ``min_vals`` / ``max_vals``
    receive the upstream gradient of the elements clipped at each end.

    Arguments:
        inputs: the float tensor.
        min_vals, max_vals: the range: scalars, or one value per slice along ``axis``.
        num_bits: quantization bits (2 to 16).
        narrow_range: use ``[1, 2**num_bits - 1]`` instead of ``[0, 2**num_bits - 1]``.
        axis: the per-channel axis (``None``: one range for the whole tensor).

    Returns:
        A tensor of ``inputs``' shape and dtype holding the quantized values.

    >>> import numpy as np
    >>> out = fake_quant_with_min_max_vars(np.array([-0.1, 0.26, 2.0], "float32"), 0.0, 1.0, num_bits=2)
    >>> [round(float(v), 4) for v in ops.convert_to_numpy(out)]
    [0.0, 0.3333, 1.0]
    """
    num_bits = int(num_bits)
    if not 2 <= num_bits <= 16:
        raise ValueError(f"fake_quant_with_min_max_vars: num_bits={num_bits}; expected an int in [2, 16]")
    x = ops.convert_to_tensor(inputs)
    dtype = ops.dtype(x)
    cdt = "float64" if dtype == "float64" else "float32"
    lo = ops.cast(ops.convert_to_tensor(min_vals), cdt)
    hi = ops.cast(ops.convert_to_tensor(max_vals), cdt)
    if axis is not None:
        ndim = len(x.shape)
        if not -ndim <= axis < ndim:
            raise ValueError(f"fake_quant_with_min_max_vars: axis={axis} is out of range for a rank-{ndim} input")
        shape = [1] * ndim
        shape[axis % ndim] = -1
        lo_b, hi_b = ops.reshape(lo, shape), ops.reshape(hi, shape)
    else:
        lo_b, hi_b = ops.reshape(lo, ()), ops.reshape(hi, ())
    xc = ops.cast(x, cdt)
    nmin, nmax, scale, inv_scale = _nudge(ops.stop_gradient(lo_b), ops.stop_gradient(hi_b), num_bits, narrow_range)
    quant_zero = ops.floor(ops.add(ops.multiply(ops.negative(nmin), inv_scale), 0.5))
    shifted = ops.subtract(ops.clip(xc, nmin, nmax), nmin)
    result = ops.multiply(ops.floor(ops.add(ops.subtract(ops.multiply(shifted, inv_scale), quant_zero), 0.5)),
                          scale)
    inside = ops.logical_and(ops.greater_equal(xc, nmin), ops.less_equal(xc, nmax))
    below, above = ops.less_equal(xc, nmin), ops.greater_equal(xc, nmax)
    zeros = ops.zeros_like(xc)

    def through(mask, value):  # zero in value, gradient 1 where mask (value broadcast to x's shape)
        v = ops.where(mask, ops.add(value, zeros), zeros)
        return ops.subtract(v, ops.stop_gradient(v))

    out = ops.add(ops.stop_gradient(result), through(inside, xc))
    out = ops.add(ops.add(out, through(below, lo_b)), through(above, hi_b))
    return ops.cast(out, dtype)


def float8_max(dtype) -> float:
    """The largest finite value of a float8 dtype name."""
    if dtype not in FLOAT8_FORMATS:
        raise ValueError(f"float8_max: dtype={dtype!r}; expected one of {sorted(FLOAT8_FORMATS)}")
    return FLOAT8_FORMATS[dtype][0]


__all__ = ["compute_float8_amax_history", "compute_float8_scale", "fake_quant_with_min_max_vars", "float8_max",
           "quantize_and_dequantize"]
