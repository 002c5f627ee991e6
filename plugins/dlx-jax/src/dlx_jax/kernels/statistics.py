"""Statistics kernels: the ops of :mod:`dlx.ops.defs.statistics` (``jax.numpy``; quantiles by a
sort and a gather, so every method follows NumPy's definition, ``'nearest'`` included). The order
statistics, ``nanvar`` / ``nanstd`` and ``histogram`` (a dozen ops each) are compiled as one program
per call signature when called eagerly (:func:`~dlx_jax._common.jit_eager_calls`)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from dlx import dtypes
from dlx.ops.defs._order_stats import quantile_family
from dlx.ops.defs.search import data_dependent_error
from dlx.ops.defs.statistics import QUANTILE_METHODS
from dlx_jax._common import BOOL, FLOAT_DTYPES, INT32, arr, axis_arg, axis_tuple, compiled_kernel, fl, floatx, np_dtype


def _acc(dt):
    """Keras's dtype of an integer nansum / nanprod."""
    if dt == BOOL or (dt.kind == "i" and dt.itemsize < 4):
        return INT32
    if dt.kind == "u" and dt.itemsize < 4:
        return np.dtype(np.uint32)
    return dt


# ------------------------------------------------------------------------- NaN reductions
def nansum(x, axis=None, keepdims=False):
    x, axis = arr(x), axis_arg(axis)
    if x.dtype in FLOAT_DTYPES:
        return jnp.sum(jnp.where(jnp.isnan(x), jnp.zeros((), x.dtype), x), axis, keepdims=keepdims)
    return jnp.sum(x, axis, dtype=_acc(x.dtype), keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    x, axis = arr(x), axis_arg(axis)
    if x.dtype in FLOAT_DTYPES:
        return jnp.prod(jnp.where(jnp.isnan(x), jnp.ones((), x.dtype), x), axis, keepdims=keepdims)
    return jnp.prod(x, axis, dtype=_acc(x.dtype), keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    return jnp.nanmean(fl(x), axis_arg(axis), keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    x, axis = fl(x), axis_arg(axis)
    valid = ~jnp.isnan(x)
    n = jnp.sum(valid, axis, keepdims=True, dtype=x.dtype)
    m = jnp.sum(jnp.where(valid, x, 0), axis, keepdims=True) / n
    d = jnp.where(valid, x - m, 0)
    out = jnp.sum(d * d, axis, keepdims=True) / n
    return out if keepdims else jnp.squeeze(out, axis_tuple(axis, x.ndim))


def nanstd(x, axis=None, keepdims=False):
    return jnp.sqrt(nanvar(x, axis, keepdims))


def nanmax(x, axis=None, keepdims=False):
    x, axis = arr(x), axis_arg(axis)
    if x.dtype == BOOL:
        return jnp.any(x, axis, keepdims=keepdims)
    return (jnp.nanmax if x.dtype in FLOAT_DTYPES else jnp.max)(x, axis, keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    x, axis = arr(x), axis_arg(axis)
    if x.dtype == BOOL:
        return jnp.all(x, axis, keepdims=keepdims)
    return (jnp.nanmin if x.dtype in FLOAT_DTYPES else jnp.min)(x, axis, keepdims=keepdims)


def _nanarg(fn, fill):
    def kernel(x, axis=None, keepdims=False):
        x = arr(x)
        if x.dtype not in FLOAT_DTYPES:
            return fn(x, axis, keepdims=keepdims).astype(INT32)
        nan = jnp.isnan(x)
        idx = fn(jnp.where(nan, fill, x), axis, keepdims=keepdims)
        return jnp.where(jnp.all(nan, axis, keepdims=keepdims), -1, idx).astype(INT32)
    return kernel


def _scan(fn, neutral):
    def kernel(x, axis=None, dtype=None):
        x = arr(x)
        out = np_dtype(dtype) if dtype is not None else (INT32 if x.dtype == BOOL else x.dtype)
        if x.dtype in FLOAT_DTYPES:
            x = jnp.where(jnp.isnan(x), jnp.asarray(neutral, x.dtype), x)
        return fn(x, axis, dtype=out)
    return kernel


def ptp(x, axis=None, keepdims=False):
    x = arr(x)
    if x.dtype == BOOL:
        raise TypeError("ptp: x has dtype bool; expected a numeric dtype")
    return jnp.ptp(x, axis_arg(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    return jnp.count_nonzero(arr(x), axis_arg(axis)).astype(INT32)


def average(x, axis=None, weights=None):
    if weights is None:
        return jnp.mean(fl(x), axis)
    dt = np_dtype(dtypes.result_type(x, weights))
    if dt.kind != "f":
        dt = floatx()
    x, w = arr(x).astype(dt), arr(weights).astype(dt)
    if w.shape != x.shape:
        if w.ndim != 1 or not isinstance(axis, int) or w.shape[0] != x.shape[axis]:
            raise ValueError(f"average: weights of shape {w.shape} do not match x of shape {x.shape}; expected "
                             f"x's shape, or a 1-D array of length x.shape[axis] with an int axis")
        w = w.reshape([-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])
    return jnp.sum(x * w, axis) / jnp.sum(jnp.broadcast_to(w, x.shape), axis)


# ------------------------------------------------------------------------- order statistics
def _quantile(name, x, q, axis, method, keepdims, nan, scale=1.0):
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{name}: method={method!r} is invalid; expected one of {QUANTILE_METHODS}")
    x = fl(x)
    axes = axis_tuple(axis_arg(axis), x.ndim)
    keep = [i for i in range(x.ndim) if i not in axes]
    n = math.prod(x.shape[a] for a in axes)
    xs = jnp.sort(jnp.transpose(x, keep + list(axes)).reshape(*(x.shape[i] for i in keep), n), axis=-1)
    q = jnp.asarray(q, x.dtype) / jnp.asarray(scale, x.dtype)
    qb = q.reshape(*q.shape, *([1] * len(keep)))
    valid = jnp.sum(~jnp.isnan(xs), -1) if nan else jnp.full(xs.shape[:-1], n)
    pos = qb * (valid - 1).astype(x.dtype)
    lo, hi = (jnp.round(pos),) * 2 if method == "nearest" else (jnp.floor(pos), jnp.ceil(pos))
    top = jnp.maximum(valid - 1, 0)
    xb = jnp.broadcast_to(xs, (*q.shape, *xs.shape))

    def take(i):
        return jnp.take_along_axis(xb, jnp.clip(i, 0, top).astype(INT32)[..., None], -1)[..., 0]

    a, b = take(lo), take(hi)
    if method == "linear":  # NumPy's lerp: exact at both ends
        f = pos - lo
        out = jnp.where(f >= 0.5, b - (b - a) * (1 - f), a + (b - a) * f)
    elif method == "lower":
        out = a
    elif method == "higher":
        out = b
    elif method == "midpoint":
        out = (a + b) * 0.5
    else:
        out = a
    if nan:
        out = jnp.where(valid == 0, jnp.nan, out)
    else:
        out = jnp.where(jnp.any(jnp.isnan(xs), -1), jnp.nan, out)
    if keepdims:
        out = out.reshape(*q.shape, *(1 if i in axes else d for i, d in enumerate(x.shape)))
    return out








# ------------------------------------------------------------------------- bins
def histogram(x, bins=10, range=None):
    x = arr(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: x has shape {x.shape}; expected a 1-D tensor")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"histogram: bins={bins!r} is invalid; expected a positive int")
    dt = x.dtype if x.dtype in FLOAT_DTYPES else floatx()
    xf = x.astype(dt)
    if range is None:
        lo, hi = (jnp.min(xf), jnp.max(xf)) if x.size else (jnp.zeros((), dt), jnp.ones((), dt))
    else:
        if not float(range[0]) <= float(range[1]):
            raise ValueError(f"histogram: range={range!r} is invalid; expected (min, max) with min <= max")
        lo, hi = jnp.asarray(range[0], dt), jnp.asarray(range[1], dt)
    same = lo == hi
    lo, hi = jnp.where(same, lo - 0.5, lo), jnp.where(same, hi + 0.5, hi)
    edges = jnp.linspace(lo, hi, bins + 1)
    idx = jnp.searchsorted(edges, xf, side="right") - 1
    idx = jnp.where(xf == hi, bins - 1, idx)
    inside = (xf >= lo) & (xf <= hi)
    counts = jnp.zeros(bins, dt).at[jnp.where(inside, idx, bins)].add(1, mode="drop")
    return counts, edges.astype(dt)


def _concrete_int(name, v, hint):
    try:
        return int(v)
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerIntegerConversionError) as e:
        raise data_dependent_error(name, "jax.jit", hint) from e


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse=True is not supported (dlx has no sparse tensors); pass sparse=False")
    x = arr(x)
    if x.dtype.kind not in "iu":
        raise TypeError(f"bincount: x has dtype {x.dtype}; expected an integer dtype")
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x has shape {x.shape}; expected a 1-D or 2-D tensor")
    top = _concrete_int("bincount", jnp.max(x) if x.size else -1, None)
    if x.size and _concrete_int("bincount", jnp.min(x), None) < 0:
        raise ValueError("bincount: x holds negative values; expected non-negative integers")
    length = max(top + 1, int(minlength))
    if weights is None:
        dt, w = INT32, jnp.ones(x.shape, INT32)
    else:
        dt = np_dtype(dtypes.result_type(x, weights))
        w = arr(weights).astype(dt)
    rows = x.reshape(-1, x.shape[-1]).astype(INT32)
    out = jnp.zeros((rows.shape[0], length), w.dtype).at[jnp.arange(rows.shape[0])[:, None], rows].add(
        w.reshape(rows.shape))
    return out.reshape(*x.shape[:-1], length).astype(dt)


def digitize(x, bins):
    x, b = arr(x), arr(bins)
    if b.ndim != 1:
        raise ValueError(f"digitize: bins has shape {b.shape}; expected a 1-D tensor")
    inc = jnp.searchsorted(b, x, side="right")
    dec = b.shape[0] - jnp.searchsorted(b[::-1], x, side="left")
    return jnp.where(b[0] <= b[-1], inc, dec).astype(INT32)


# ------------------------------------------------------------------------- correlation
def corrcoef(x):
    x = fl(x)
    if x.ndim > 2:
        raise ValueError(f"corrcoef: x has shape {x.shape}; expected a 1-D or 2-D tensor")
    return jnp.clip(jnp.corrcoef(x), -1.0, 1.0).astype(x.dtype)


def correlate(x1, x2, mode="valid"):
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode={mode!r} is invalid; expected 'valid', 'same' or 'full'")
    dt = np_dtype(dtypes.result_type(x1, x2))
    if dt.kind != "f":
        dt = np.dtype(np.float64) if dt.itemsize == 8 else floatx()
    a, b = arr(x1).astype(dt), arr(x2).astype(dt)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"correlate: x1 and x2 have shapes {a.shape} and {b.shape}; expected 1-D tensors")
    return jnp.correlate(a, b, mode, precision=jax.lax.Precision.HIGHEST)


#: op name -> kernel
KERNELS: dict = {
    **quantile_family(_quantile),
    "nansum": nansum, "nanprod": nanprod, "nanmean": nanmean, "nanvar": nanvar, "nanstd": nanstd,
    "nanmax": nanmax, "nanmin": nanmin, "nanargmax": _nanarg(jnp.argmax, -jnp.inf),
    "nanargmin": _nanarg(jnp.argmin, jnp.inf), "nancumsum": _scan(jnp.cumsum, 0),
    "nancumprod": _scan(jnp.cumprod, 1), "ptp": ptp, "count_nonzero": count_nonzero, "average": average,
    "histogram": histogram, "bincount": bincount,
    "digitize": digitize, "corrcoef": corrcoef, "correlate": correlate,
}
KERNELS.update({name: compiled_kernel(name, KERNELS[name]) for name in (
    "quantile", "percentile", "median", "nanquantile", "nanpercentile", "nanmedian", "nanvar", "nanstd",
    "histogram")})

__all__ = ["KERNELS"]
