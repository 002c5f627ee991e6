"""Graph builders of the statistics ops (:mod:`dlx.ops.defs.statistics`).

Native: the NaN-ignoring sums, means, products, extrema, ``ptp`` and ``count_nonzero`` (Select +
the tree-summed reductions). OpenVINO's opset has no sort-based quantile, histogram or
correlation in the form Keras defines them, and no data-dependent output lengths (``bincount``):
those run through their NumPy reference (the values tier; refused inside compile())."""

from __future__ import annotations

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx_openvino import _graph as G
from dlx_openvino._graph import as_float, cast, const, dt, i64, norm_axes, out, select, shape
from dlx_openvino._graph import as_output as _o

_SMALL = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}


def _zeroed(x, value):
    return select(G.isnan(x), const(value, dt(x)), x)


def nansum(x, axis=None, keepdims=False):
    x = _o(x)
    axes = norm_axes(axis, len(shape(x)))
    if dt(x) in dtypes.FLOATS:
        return G.tree_sum(_zeroed(x, 0), axes, keepdims)
    x = cast(x, _SMALL.get(dt(x), dt(x)))
    return out(O.reduce_sum(x, i64(list(axes)), keepdims)) if axes else x


def nanmean(x, axis=None, keepdims=False):
    x = as_float(x)
    axes = norm_axes(axis, len(shape(x)))
    s = G.tree_sum(_zeroed(x, 0), axes, keepdims)
    n = G.tree_sum(cast(out(O.logical_not(G.isnan(x))), dt(x)), axes, keepdims)
    return out(O.divide(s, n))


def nanprod(x, axis=None, keepdims=False):
    x = _o(x)
    axes = norm_axes(axis, len(shape(x)))
    x = _zeroed(x, 1) if dt(x) in dtypes.FLOATS else cast(x, _SMALL.get(dt(x), dt(x)))
    return out(O.reduce_prod(x, i64(list(axes)), keepdims)) if axes else x


def _extreme(fn, fill, bool_fn):
    def build(x, axis=None, keepdims=False):
        x = _o(x)
        axes = norm_axes(axis, len(shape(x)))
        if not axes:
            return x
        if dt(x) == "bool":
            return out(bool_fn(x, i64(list(axes)), keepdims))
        if dt(x) not in dtypes.FLOATS:
            return out(fn(x, i64(list(axes)), keepdims))
        nan = G.isnan(x)
        r = out(fn(select(nan, const(fill, dt(x)), x), i64(list(axes)), keepdims))
        every = out(O.reduce_logical_and(nan, i64(list(axes)), keepdims))
        return select(every, const(np.nan, dt(x)), r)
    return build


def ptp(x, axis=None, keepdims=False):
    x = _o(x)
    if dt(x) == "bool":
        raise TypeError("ptp: x has dtype bool; expected a numeric dtype")
    axes = i64(list(norm_axes(axis, len(shape(x)))))
    return out(O.subtract(out(O.reduce_max(x, axes, keepdims)), out(O.reduce_min(x, axes, keepdims))))


def count_nonzero(x, axis=None):
    x = _o(x)
    nz = cast(out(O.not_equal(x, const(0, dt(x)))), "int32")
    axes = norm_axes(axis, len(shape(x)))
    return out(O.reduce_sum(nz, i64(list(axes)), False)) if axes else nz


#: op name -> graph builder
KERNELS: dict = {
    "nansum": nansum, "nanmean": nanmean, "nanprod": nanprod,
    "nanmax": _extreme(O.reduce_max, -np.inf, O.reduce_logical_or),
    "nanmin": _extreme(O.reduce_min, np.inf, O.reduce_logical_and),
    "ptp": ptp, "count_nonzero": count_nonzero,
}


__all__ = ["KERNELS"]
