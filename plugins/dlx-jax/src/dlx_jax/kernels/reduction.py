"""Reduction and scan kernels: the ops of :mod:`dlx.ops.defs.reduction`."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from dlx_jax._common import BOOL, FLOAT_DTYPES, INT32, Array, arr, axis_arg, fl, np_dtype


# ------------------------------------------------------------------------------ reductions
def _int_acc(dt):
    """Accumulator/output dtype of ``sum`` / ``prod`` for an integer / bool input (the spec's rule)."""
    if dt == BOOL:
        return INT32
    if dt.itemsize >= 4:
        return dt
    return np.dtype(np.uint32) if dt.kind == "u" else INT32


def sum_(x, axis=None, keepdims=False):
    if type(x) is Array and x.dtype in FLOAT_DTYPES and type(axis) is not list:
        return jnp.sum(x, axis, keepdims=keepdims)
    x, axis = arr(x), axis_arg(axis)
    return jnp.sum(x, axis, dtype=None if x.dtype in FLOAT_DTYPES else _int_acc(x.dtype), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    return jnp.mean(fl(x), axis_arg(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return jnp.var(fl(x), axis_arg(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return jnp.std(fl(x), axis_arg(axis), keepdims=keepdims)


def _initial(x, initial):
    return None if initial is None else np.asarray(initial).astype(x.dtype)


def max_(x, axis=None, keepdims=False, initial=None):
    x = arr(x)
    return jnp.max(x, axis_arg(axis), keepdims=keepdims, initial=_initial(x, initial))


def min_(x, axis=None, keepdims=False, initial=None):
    x = arr(x)
    return jnp.min(x, axis_arg(axis), keepdims=keepdims, initial=_initial(x, initial))


def _in(x, dtype):
    x = arr(x)
    return x if dtype is None else x.astype(np_dtype(dtype))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _in(x, dtype)
    if x.dtype in FLOAT_DTYPES:
        dt = x.dtype
    else:
        dt = _int_acc(x.dtype)
    return jnp.prod(x, axis_arg(axis), dtype=dt, keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(arr(x), axis, keepdims=keepdims).astype(INT32)


def argmin(x, axis=None, keepdims=False):
    return jnp.argmin(arr(x), axis, keepdims=keepdims).astype(INT32)


def logsumexp(x, axis=None, keepdims=False):
    return jax.nn.logsumexp(fl(x), axis_arg(axis), keepdims=keepdims)  # (jax.scipy would add 4 ms of import)


def any_(x, axis=None, keepdims=False):
    return jnp.any(arr(x), axis_arg(axis), keepdims=keepdims)


def all_(x, axis=None, keepdims=False):
    return jnp.all(arr(x), axis_arg(axis), keepdims=keepdims)


def _scan_dtype(x):
    if x.dtype in FLOAT_DTYPES:
        return None
    return INT32 if x.dtype == BOOL else x.dtype  # ints keep their dtype (Keras's rule)


def cumsum(x, axis=None, dtype=None):
    x = _in(x, dtype)
    return jnp.cumsum(x, axis, dtype=_scan_dtype(x))


def cumprod(x, axis=None, dtype=None):
    x = _in(x, dtype)
    return jnp.cumprod(x, axis, dtype=_scan_dtype(x))


#: op name -> kernel
KERNELS: dict = {
    "sum": sum_, "mean": mean, "var": var, "std": std, "max": max_, "min": min_, "prod": prod,
    "argmax": argmax, "argmin": argmin, "logsumexp": logsumexp, "any": any_, "all": all_,
    "cumsum": cumsum, "cumprod": cumprod,
}

__all__ = ["KERNELS"]
