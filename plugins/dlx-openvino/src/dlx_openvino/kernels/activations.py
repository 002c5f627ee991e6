"""Graph builders of the ops in :mod:`dlx.ops.defs.activations`. ``squareplus``, ``sparsemax``,
``normalize`` and ``psnr`` have none: they run through the reference fallback."""

from __future__ import annotations

import openvino.opset16 as O

from dlx_openvino import _graph as G
from dlx_openvino._graph import as_float, const, dt, out, select
from dlx_openvino.kernels.nn import _clip, _sigmoid, hard_silu, silu


def _gt(x, v):
    return out(O.greater(x, const(v, dt(x))))


def _lt(x, v):
    return out(O.less(x, const(v, dt(x))))


def _nan_to(x, r, v):
    """``r`` with ``v`` where ``x`` is NaN (OpenVINO's CPU comparisons are not IEEE on NaN)."""
    return select(G.isnan(x), const(v, dt(x)), r)


def hard_tanh(x):
    return _clip(as_float(x), -1, 1)


def hard_shrink(x, threshold=0.5):
    x = as_float(x)
    return _nan_to(x, select(_gt(out(O.abs(x)), threshold), x, const(0, dt(x))), 0)


def soft_shrink(x, threshold=0.5):
    x = as_float(x)
    d = dt(x)
    lo = select(_lt(x, -threshold), out(O.add(x, const(threshold, d))), const(0, d))
    return _nan_to(x, select(_gt(x, threshold), out(O.subtract(x, const(threshold, d))), lo), 0)


def threshold(x, threshold, default_value):
    x = as_float(x)
    return _nan_to(x, select(_gt(x, threshold), x, const(default_value, dt(x))), default_value)


def sparse_sigmoid(x):
    x = as_float(x)
    d = dt(x)
    mid = out(O.multiply(out(O.add(x, const(1, d))), const(0.5, d)))
    r = select(out(O.less_equal(x, const(-1, d))), const(0, d),
               select(out(O.greater_equal(x, const(1, d))), const(1, d), mid))
    return G.keep_nan(x, r)


def sparse_plus(x):
    x = as_float(x)
    d = dt(x)
    y = out(O.add(x, const(1, d)))
    mid = out(O.divide(out(O.multiply(y, y)), const(4, d)))
    return G.keep_nan(x, select(out(O.less_equal(x, const(-1, d))), const(0, d), select(_lt(x, 1), mid, x)))


def tanh_shrink(x):
    x = as_float(x)
    return out(O.subtract(x, out(O.tanh(x))))


def glu(x, axis=-1):
    x = as_float(x)
    n = G.shape(x)[axis]
    if n is not None and n % 2:
        raise ValueError(f"glu: x.shape[{axis}] = {n}; expected an even size")
    a, b = O.split(x, G.i64(axis), 2).outputs()
    return out(O.multiply(a, _sigmoid(b)))


KERNELS: dict = {
    "hard_tanh": hard_tanh, "hard_shrink": hard_shrink, "soft_shrink": soft_shrink, "threshold": threshold,
    "sparse_sigmoid": sparse_sigmoid, "sparse_plus": sparse_plus, "tanh_shrink": tanh_shrink,
    "swish": silu, "hard_swish": hard_silu, "glu": glu,
}

__all__ = ["KERNELS"]
