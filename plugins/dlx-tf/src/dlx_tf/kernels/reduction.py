"""Reduction and scan kernels: the ops of :mod:`dlx.ops.defs.reduction`."""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx_tf._core import (
    INT_TF,
    TF,
    axes,
    fl,
    red_axes,
    tensor,
    tf,
    to_bool,
)

_raw = tf.raw_ops


# ----------------------------------------------------------------------------------- reductions
def sum(x, axis=None, keepdims=False):
    x = tensor(x)
    dt = x.dtype
    if dt == tf.bool or dt in (tf.int8, tf.int16):
        x = tf.cast(x, tf.int32)
    elif dt in (tf.uint8, tf.uint16):  # uint32 (Keras's rule), accumulated in int64: TF has no uint32 Sum
        out = _raw.Sum(input=tf.cast(x, tf.int64), axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)
        return tf.cast(out, tf.uint32)
    return _raw.Sum(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)


def mean(x, axis=None, keepdims=False):
    x = fl(x)
    return _raw.Mean(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)


def var(x, axis=None, keepdims=False):
    x = fl(x)
    ax = red_axes(axis, x.shape.rank)
    d = x - _raw.Mean(input=x, axis=ax, keep_dims=True)
    return _raw.Mean(input=d * d, axis=ax, keep_dims=keepdims)


def std(x, axis=None, keepdims=False):
    return _raw.Sqrt(x=var(x, axis, keepdims))


def _bounded(out, initial, fn, bool_fn):
    """``out`` bounded by the number ``initial`` (cast to out's dtype) with ``fn``."""
    if initial is None:
        return out
    bound = tf.constant(np.asarray(initial).astype(out.dtype.as_numpy_dtype))
    return bool_fn(out, bound) if out.dtype == tf.bool else fn(out, bound)


def max(x, axis=None, keepdims=False, initial=None):
    x = tensor(x)
    if x.dtype == tf.bool:
        out = _raw.Any(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)
    else:
        out = _raw.Max(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)
    return _bounded(out, initial, tf.maximum, tf.logical_or)


def min(x, axis=None, keepdims=False, initial=None):
    x = tensor(x)
    if x.dtype == tf.bool:
        out = _raw.All(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)
    else:
        out = _raw.Min(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)
    return _bounded(out, initial, tf.minimum, tf.logical_and)


def _in(x, dtype):
    x = tensor(x)
    return x if dtype is None else tf.cast(x, TF[dtypes.standardize(dtype)])


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _in(x, dtype)
    if x.dtype in (tf.uint8, tf.uint16):  # uint32 (Keras's rule), multiplied in int64 (wraps alike)
        out = _raw.Prod(input=tf.cast(x, tf.int64), axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)
        return tf.cast(out, tf.uint32)
    if x.dtype == tf.bool or (x.dtype in INT_TF and x.dtype.size < 4):
        x = tf.cast(x, tf.int32)
    return _raw.Prod(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)


def _arg(raw):
    def kernel(x, axis=None, keepdims=False):
        x = tensor(x)
        if axis is None:
            out = raw(input=tf.reshape(x, [-1]), dimension=0, output_type=tf.int32)
            if keepdims:
                out = tf.reshape(out, [1] * x.shape.rank)
            return out
        a = int(axis) % x.shape.rank
        out = raw(input=x, dimension=a, output_type=tf.int32)
        return tf.expand_dims(out, a) if keepdims else out
    return kernel


argmax = _arg(_raw.ArgMax)
argmin = _arg(_raw.ArgMin)


def logsumexp(x, axis=None, keepdims=False):
    x = fl(x)
    return tf.reduce_logsumexp(x, axis=None if axis is None else axes(axis, x.shape.rank), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    x = to_bool(x)
    return _raw.Any(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)


def all(x, axis=None, keepdims=False):
    x = to_bool(x)
    return _raw.All(input=x, axis=red_axes(axis, x.shape.rank), keep_dims=keepdims)


def _scan_input(x, axis, dtype=None):
    x = _in(x, dtype)
    if axis is None:
        return tf.reshape(x, [-1]), 0
    return x, int(axis)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum; float32 accumulates in float64 (TF's scan is sequential: kappa 1.5e3
    at n = 1e6, over the Ks bound)."""
    x, a = _scan_input(x, axis, dtype)
    if x.dtype in INT_TF and x.dtype.size < 4:  # ints keep their dtype (Keras's rule); scanned in int32
        return tf.cast(tf.math.cumsum(tf.cast(x, tf.int32), axis=a), x.dtype)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if x.dtype in (tf.float32, tf.float16, tf.bfloat16):
        return tf.cast(tf.math.cumsum(tf.cast(x, tf.float64), axis=a), x.dtype)
    return tf.math.cumsum(x, axis=a)


def cumprod(x, axis=None, dtype=None):
    x, a = _scan_input(x, axis, dtype)
    if x.dtype in INT_TF and x.dtype.size < 4:  # ints keep their dtype (Keras's rule); scanned in int32
        return tf.cast(tf.math.cumprod(tf.cast(x, tf.int32), axis=a), x.dtype)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    return tf.math.cumprod(x, axis=a)


#: op name -> kernel
KERNELS: dict = {
    "sum": sum, "mean": mean, "var": var, "std": std, "max": max, "min": min, "prod": prod, "argmax": argmax,
    "argmin": argmin, "logsumexp": logsumexp, "any": any, "all": all, "cumsum": cumsum, "cumprod": cumprod,
}

__all__ = ["KERNELS"]
