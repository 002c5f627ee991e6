"""int4 numerics (Keras's ``keras.quantizers`` int4 helpers).

Two signed 4-bit values share one byte: ``pack_int4`` stores element ``2i`` in the low nibble
and ``2i + 1`` in the high nibble along ``axis`` (an odd length is padded with a zero);
``unpack_int4`` undoes it, sign-extending each nibble (``(n ^ 8) - 8``) for ``dtype="int8"``.

``abs_max_quantize_grouped_with_zero_point`` quantizes a 2-D ``(input_dim, output_dim)`` weight
asymmetrically in groups of ``block_size`` rows: per group and column ``scale = (max - min +
epsilon) / (qmax - qmin)``, ``zero = clip(round(-min / scale) + qmin, qmin, qmax)`` and
``q = clip(round(w / scale) + zero, qmin, qmax)``. The last group is zero-padded to
``block_size`` rows before its min / max are taken (as Keras does).

``(q - zero) * scale`` recovers ``w`` (to half a step) only where the group's ``[min, max]``
contains 0 -- with the padding, the last group of a short weight always does. A group whose
values all lie on one side of 0 needs a zero point outside ``[qmin, qmax]``; it is clipped, as
in Keras 3.15, so its values saturate at ``qmin`` or ``qmax`` (see the function's example).
"""

from __future__ import annotations

import math

import numpy as np

from dlx import ops

_EPSILON = 1e-7


def _check_dtype(name, dtype):
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"{name}: dtype={dtype!r}; expected 'int8' or 'uint8'")


def pack_int4(arr, axis=0, dtype="int8"):
    """Packs pairs of 4-bit integers along ``axis`` into single bytes.

    Arguments:
        arr: an ``int8`` (values in ``[-8, 7]``) or ``uint8`` (values in ``[0, 15]``) tensor, of
            the same dtype as ``dtype``.
        axis: the axis to pack along (its length halves, rounded up).
        dtype: ``"int8"`` or ``"uint8"``: the dtype of ``arr`` and of the packed result.

    Returns:
        ``(packed, packed_shape, original_length)``.

    >>> import numpy as np
    >>> packed, shape, n = pack_int4(np.array([[-1, 2], [3, -8], [7, 0]], "int8"))
    >>> ops.convert_to_numpy(packed).tolist(), shape, n
    ([[63, -126], [7, 0]], (2, 2), 3)
    """
    _check_dtype("pack_int4", dtype)
    got = ops.dtype(arr) if not isinstance(arr, np.ndarray) else str(arr.dtype)
    if got != dtype:
        raise TypeError(f"pack_int4: expected a {dtype} tensor to pack, got {got}")
    a = np.asarray(ops.convert_to_numpy(arr))
    axis = axis + a.ndim if axis < 0 else axis
    if not 0 <= axis < a.ndim:
        raise ValueError(f"pack_int4: axis={axis} is out of range for a rank-{a.ndim} input")
    a = np.moveaxis(a, axis, 0)
    n = a.shape[0]
    if n % 2:
        a = np.concatenate([a, np.zeros((1, *a.shape[1:]), a.dtype)], axis=0)
    kind = np.dtype(dtype)
    low = np.bitwise_and(a[0::2].astype(kind), kind.type(15))
    high = np.bitwise_and(a[1::2].astype(kind), kind.type(15))
    packed = np.moveaxis(np.bitwise_or(low, np.left_shift(high, kind.type(4))).astype(kind), 0, axis)
    return ops.convert_to_tensor(packed), tuple(packed.shape), n


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Unpacks :func:`pack_int4`'s bytes back to one 4-bit value per element.

    Arguments:
        packed: the ``int8`` / ``uint8`` packed tensor.
        orig_len: the length of ``axis`` before packing.
        axis: the packed axis.
        dtype: ``"int8"`` (sign-extended, ``[-8, 7]``) or ``"uint8"`` (``[0, 15]``).

    Returns:
        A tensor of ``dtype`` whose ``axis`` has length ``orig_len``.

    >>> import numpy as np
    >>> ops.convert_to_numpy(unpack_int4(np.array([[63, -126], [7, 0]], "int8"), 3)).tolist()
    [[-1, 2], [3, -8], [7, 0]]
    """
    _check_dtype("unpack_int4", dtype)
    if isinstance(packed, (np.ndarray, np.generic, list, tuple)):
        packed = ops.convert_to_tensor(packed)
    src = ops.dtype(packed)
    if src not in ("int8", "uint8"):
        raise TypeError(f"unpack_int4: expected an int8 or uint8 tensor to unpack, got {src}")
    rank = len(packed.shape)
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise ValueError(f"unpack_int4: axis={axis} is out of range for a rank-{rank} input")
    x = ops.moveaxis(packed, axis, 0) if axis else packed
    mask = ops.convert_to_tensor(np.array(15, src))
    low = ops.bitwise_and(x, mask)
    high = ops.bitwise_and(ops.right_shift(x, 4), mask)
    if dtype == "int8":
        eight = ops.convert_to_tensor(np.array(8, src))
        low = ops.subtract(ops.bitwise_xor(low, eight), eight)
        high = ops.subtract(ops.bitwise_xor(high, eight), eight)
    both = ops.stack([ops.cast(low, dtype), ops.cast(high, dtype)], axis=1)
    out = ops.reshape(both, (-1, *tuple(x.shape)[1:]))[:orig_len]
    return ops.moveaxis(out, 0, axis) if axis else out


def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8",
                                             epsilon=_EPSILON, to_numpy=False):
    """Asymmetric quantization of a 2-D weight in groups of ``block_size`` rows (see the module
    docstring for the formulas).

    Arguments:
        inputs: a float ``(input_dim, output_dim)`` tensor.
        block_size: rows per group (the last group may be shorter).
        value_range: ``(qmin, qmax)``.
        dtype: dtype of the quantized values.
        epsilon: added to each group's range.
        to_numpy: compute on the host with NumPy (saves device memory for large weights).

    Returns:
        ``(quantized, scale, zero_point)``: ``quantized`` shaped like ``inputs``; ``scale``
        (``inputs``' dtype) and ``zero_point`` (int8) shaped ``(ceil(input_dim / block_size),
        output_dim)``.

    Example: the zero point is clipped to ``value_range`` (the same values as Keras 3.15): a
    group of values all above 0 keeps only its lowest ones distinct.

    >>> import numpy as np
    >>> from dlx import quantizers
    >>> q, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(
    ...     np.arange(8.0).reshape(4, 2), block_size=2)
    >>> np.asarray(q).tolist(), np.asarray(zero).tolist()
    ([[-8, -1], [7, 7], [7, 7], [7, 7]], [[-8, -8], [-8, -8]])
    """
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size <= 0:
        raise ValueError(f"abs_max_quantize_grouped_with_zero_point: block_size={block_size!r}; expected a "
                         "positive int")
    if len(inputs.shape) != 2:
        raise ValueError("abs_max_quantize_grouped_with_zero_point: expected a 2-D (input_dim, output_dim) "
                         f"tensor; got shape {tuple(inputs.shape)}")
    qmin, qmax = value_range
    if to_numpy:
        x = np.asarray(ops.convert_to_numpy(inputs))
        n_in, n_out = x.shape
        groups = math.ceil(n_in / block_size)
        padded = np.concatenate([x, np.zeros((groups * block_size - n_in, n_out), x.dtype)], axis=0)
        g = padded.reshape(groups, block_size, n_out)
        lo, hi = g.min(axis=1, keepdims=True), g.max(axis=1, keepdims=True)
        scale = np.divide(np.subtract(hi, lo) + epsilon, qmax - qmin)
        zero = np.clip(np.round(np.divide(-lo, scale)) + qmin, qmin, qmax)
        q = np.clip(np.round(np.divide(g, scale)) + zero, qmin, qmax).astype(dtype)
        q = q.reshape(groups * block_size, n_out)[:n_in]
        return (ops.convert_to_tensor(q), ops.convert_to_tensor(np.squeeze(scale, 1).astype(x.dtype)),
                ops.convert_to_tensor(np.squeeze(zero, 1).astype("int8")))
    x = ops.convert_to_tensor(inputs)
    src = ops.dtype(x)
    n_in, n_out = tuple(x.shape)
    groups = math.ceil(n_in / block_size)
    if groups * block_size > n_in:
        x_pad = ops.concatenate([x, ops.zeros((groups * block_size - n_in, n_out), src)], axis=0)
    else:
        x_pad = x
    g = ops.reshape(x_pad, (groups, block_size, n_out))
    lo, hi = ops.min(g, axis=1, keepdims=True), ops.max(g, axis=1, keepdims=True)
    scale = ops.divide(ops.add(ops.subtract(hi, lo), epsilon), float(qmax - qmin))
    zero = ops.clip(ops.add(ops.round(ops.divide(ops.negative(lo), scale)), float(qmin)), qmin, qmax)
    q = ops.clip(ops.add(ops.round(ops.divide(g, scale)), zero), qmin, qmax)
    q = ops.reshape(ops.cast(q, dtype), (groups * block_size, n_out))[:n_in]
    return q, ops.cast(ops.squeeze(scale, 1), src), ops.cast(ops.squeeze(zero, 1), "int8")


def dequantize_grouped(q, scale, zero, g_idx, group_axis=0):
    """``(q - zero[g]) * scale[g]`` with ``g = g_idx`` the group of each row along ``group_axis``."""
    groups = ops.cast(g_idx, "int32")
    s = ops.take(scale, groups, axis=group_axis)
    z = ops.cast(ops.take(zero, groups, axis=group_axis), ops.dtype(s))
    return ops.multiply(ops.subtract(q, z), s)


__all__ = ["abs_max_quantize_grouped_with_zero_point", "dequantize_grouped", "pack_int4", "unpack_int4"]
