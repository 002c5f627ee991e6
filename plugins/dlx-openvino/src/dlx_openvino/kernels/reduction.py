"""Graph builders of the reduction and scan ops (:mod:`dlx.ops.defs.reduction`).

A builder receives tensor parameters as ``openvino.Output`` edges (or Python scalars, kept weak, or
``None``) and static parameters as Python values, and returns an Output or a list / tuple of them
(see :mod:`dlx_openvino.kernels`)."""

from __future__ import annotations

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx_openvino import _graph as G
from dlx_openvino._graph import (
    as_float,
    cast,
    const,
    dt,
    i64,
    norm_axes,
    out,
    reduce_shape,
    reshape,
    select,
    shape,
)
from dlx_openvino._graph import as_output as _o


# ------------------------------------------------------------------------------ reductions
def sum(x, axis=None, keepdims=False):
    x = _o(x)
    if dt(x) == "bool":
        x = cast(x, "int32")
    axes = norm_axes(axis, len(shape(x)))
    if dt(x) in dtypes.FLOATS:
        return G.tree_sum(x, axes, keepdims)
    small_unsigned = dt(x) in ("uint8", "uint16")  # uint32 (Keras's rule), accumulated in int64
    if dt(x) in ("int8", "int16", "uint8", "uint16"):
        x = cast(x, "int64" if small_unsigned else "int32")
    res = out(O.reduce_sum(x, i64(list(axes)), keepdims)) if axes else x
    return cast(res, "uint32") if small_unsigned else res


def _count(x, axes):
    n = 1
    for a in axes:
        n *= shape(x)[a]
    return n


def _mean(x, axes, keepdims):
    s = G.tree_sum(x, axes, keepdims)
    return out(O.divide(s, const(_count(x, axes), dt(x))))


def mean(x, axis=None, keepdims=False):
    x = as_float(x)
    return _mean(x, norm_axes(axis, len(shape(x))), keepdims)


def _var(x, axes, keepdims):
    m = _mean(x, axes, True)
    d = out(O.subtract(x, m))
    return _mean(out(O.multiply(d, d)), axes, keepdims)


def var(x, axis=None, keepdims=False):
    x = as_float(x)
    return _var(x, norm_axes(axis, len(shape(x))), keepdims)


def std(x, axis=None, keepdims=False):
    x = as_float(x)
    return out(O.sqrt(_var(x, norm_axes(axis, len(shape(x))), keepdims)))


def _extreme(fn, bound):
    def build(x, axis=None, keepdims=False, initial=None):
        x = _o(x)
        axes = norm_axes(axis, len(shape(x)))
        r = x
        if axes:
            r = out(fn(x, i64(list(axes)), keepdims))
            if dt(x) in dtypes.FLOATS:  # ReduceMax / ReduceMin skip NaNs; NumPy propagates them
                anynan = out(O.reduce_logical_or(G.isnan(x), i64(list(axes)), keepdims))
                r = select(anynan, const(np.nan, dt(x)), r)
        if initial is not None:  # the number, cast to x's dtype (NaN in r propagates)
            r = bound(r, const(np.asarray(initial).astype(dtypes.to_numpy_dtype(dt(x))), dt(x)))
        return r
    return build


max_ = _extreme(O.reduce_max, G.maximum)
min_ = _extreme(O.reduce_min, G.minimum)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _in(x, dtype)
    d = dt(x)
    small_unsigned = d in ("uint8", "uint16")  # uint32 (Keras's rule), multiplied in int64
    if d == "bool" or d in ("int8", "int16", "uint8", "uint16"):
        x = cast(x, "int64" if small_unsigned else "int32")
    axes = norm_axes(axis, len(shape(x)))
    res = out(O.reduce_prod(x, i64(list(axes)), keepdims)) if axes else x
    return cast(res, "uint32") if small_unsigned else res


def _arg(mode):
    def build(x, axis=None, keepdims=False):
        x = _o(x)
        shp = shape(x)
        if axis is None:
            flat = reshape(x, [int(np.prod(shp))])
            idx = out(O.topk(flat, i64(1), 0, mode, "value", "i32", True).output(1))
            return reshape(idx, [1] * len(shp) if keepdims else [])
        a = int(axis) % len(shp)
        idx = out(O.topk(x, i64(1), a, mode, "value", "i32", True).output(1))
        return idx if keepdims else reshape(idx, [s for i, s in enumerate(shp) if i != a])
    return build


argmax = _arg("max")
argmin = _arg("min")


def logsumexp(x, axis=None, keepdims=False):
    x = as_float(x)
    d = dt(x)
    axes = norm_axes(axis, len(shape(x)))
    m = out(O.reduce_max(x, i64(list(axes)), True))
    m = select(out(O.is_finite(m)), m, const(0, d))
    s = G.tree_sum(G.exp(out(O.subtract(x, m))), axes, True)
    r = out(O.add(out(O.log(s)), m))
    return r if keepdims else reshape(r, reduce_shape(x, axes, False))


def _boolred(fn):
    def build(x, axis=None, keepdims=False):
        x = cast(_o(x), "bool")
        axes = norm_axes(axis, len(shape(x)))
        return out(fn(x, i64(list(axes)), keepdims)) if axes else x
    return build


any_ = _boolred(O.reduce_logical_or)
all_ = _boolred(O.reduce_logical_and)


def _scan_dtype(x):
    d = dt(x)
    if d == "bool" or d in ("int8", "int16", "uint8", "uint16"):
        return cast(x, "int32")
    return x


def _in(x, dtype):
    x = _o(x)
    return x if dtype is None else cast(x, dtypes.standardize(dtype))


def _keep_small_int(kernel):
    """8/16-bit int scans run in int32 and return in the input's dtype (Keras's rule)."""
    def scan(x, axis=None, dtype=None):
        x = _in(x, dtype)
        d = dt(x)
        res = kernel(x, axis)
        return cast(res, d) if d in ("int8", "int16", "uint8", "uint16") else res
    return scan


def cumsum(x, axis=None, dtype=None):
    x = _scan_dtype(_in(x, dtype))
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    return G.scan_sum(x, int(axis) % len(shape(x)))


def cumprod(x, axis=None, dtype=None):
    """Hillis-Steele scan: log2(n) multiplications by a shifted copy (there is no CumProd)."""
    x = _scan_dtype(_in(x, dtype))
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    shp = shape(x)
    a = int(axis) % len(shp)
    n = shp[a]
    d = dt(x)
    s = 1
    while s < n:
        head = G.full(1, [*shp[:a], s, *shp[a + 1:]], d)
        body = out(O.slice(x, i64([0]), i64([n - s]), i64([1]), i64([a])))
        x = out(O.multiply(x, out(O.concat([head, body], a))))
        s *= 2
    return x


#: op name -> graph builder
KERNELS: dict = {
    "sum": sum, "mean": mean, "var": var, "std": std, "max": max_, "min": min_, "prod": prod, "argmax": argmax,
    "argmin": argmin, "logsumexp": logsumexp, "any": any_, "all": all_,
    "cumsum": _keep_small_int(cumsum), "cumprod": _keep_small_int(cumprod),
}

__all__ = ["KERNELS"]
