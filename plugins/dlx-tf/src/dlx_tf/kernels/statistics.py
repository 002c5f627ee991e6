"""Statistics kernels: the ops of :mod:`dlx.ops.defs.statistics` (TensorFlow; quantiles by a sort
and a batched gather so every method follows NumPy's definition)."""

from __future__ import annotations

import math

from dlx import dtypes
from dlx.ops.defs._order_stats import correlate_offset, quantile_family
from dlx.ops.defs.search import data_dependent_error
from dlx.ops.defs.statistics import QUANTILE_METHODS
from dlx_tf._core import FLOAT_TF, NAME, TF, fl, name_of, red_axes, static_shape, tensor, tf
from dlx_tf._core import axes as norm_axes

_SMALL = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}


def _clean(x, neutral):
    return tf.where(tf.math.is_nan(x), tf.constant(neutral, x.dtype), x)


# ------------------------------------------------------------------------- NaN reductions
def nansum(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype in FLOAT_TF:
        x = _clean(x, 0)
    else:
        x = tf.cast(x, TF[_SMALL.get(NAME[x.dtype], NAME[x.dtype])])
    return tf.reduce_sum(x, red_axes(axis, x.shape.rank), keepdims)


def nanprod(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype in FLOAT_TF:
        x = _clean(x, 1)
    else:
        x = tf.cast(x, TF[_SMALL.get(NAME[x.dtype], NAME[x.dtype])])
    return tf.reduce_prod(x, red_axes(axis, x.shape.rank), keepdims)


def _count(x, axis, keepdims=True):
    return tf.reduce_sum(tf.cast(~tf.math.is_nan(x), x.dtype), red_axes(axis, x.shape.rank), keepdims)


def nanmean(x, axis=None, keepdims=False):
    x = fl(x)
    return tf.reduce_sum(_clean(x, 0), red_axes(axis, x.shape.rank), keepdims) / _count(x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    x = fl(x)
    ax = red_axes(axis, x.shape.rank)
    n = _count(x, axis)
    m = tf.reduce_sum(_clean(x, 0), ax, True) / n
    d = tf.where(tf.math.is_nan(x), tf.zeros((), x.dtype), x - m)
    return tf.reduce_sum(d * d, ax, keepdims) / _count(x, axis, keepdims)


def nanstd(x, axis=None, keepdims=False):
    return tf.sqrt(nanvar(x, axis, keepdims))


def _nan_extreme(reduce, fill, bool_reduce):
    def kernel(x, axis=None, keepdims=False):
        x = tensor(x)
        ax = red_axes(axis, x.shape.rank)
        if x.dtype == tf.bool:
            return bool_reduce(x, ax, keepdims)
        if x.dtype not in FLOAT_TF:
            return reduce(x, ax, keepdims)
        nan = tf.math.is_nan(x)
        out = reduce(tf.where(nan, tf.constant(fill, x.dtype), x), ax, keepdims)
        return tf.where(tf.reduce_all(nan, ax, keepdims), tf.constant(math.nan, x.dtype), out)
    return kernel


def _nanarg(fn, fill):
    def kernel(x, axis=None, keepdims=False):
        x = tensor(x)
        if x.dtype == tf.bool or NAME[x.dtype] in ("int8", "uint8", "int16", "uint16"):
            x = tf.cast(x, tf.int32)
        nan = tf.math.is_nan(x) if x.dtype in FLOAT_TF else tf.zeros(tf.shape(x), tf.bool)
        v = tf.where(nan, tf.constant(fill, x.dtype), x) if x.dtype in FLOAT_TF else x
        if axis is None:
            idx = fn(tf.reshape(v, [-1]), 0, output_type=tf.int32)
            out = tf.where(tf.reduce_all(nan), -1, idx)
            return tf.reshape(out, [1] * x.shape.rank) if keepdims else out
        idx = fn(v, axis, output_type=tf.int32)
        every = tf.reduce_all(nan, axis)
        out = tf.where(every, -1, idx)
        return tf.expand_dims(out, axis) if keepdims else out
    return kernel


def _scan(fn, neutral):
    def kernel(x, axis=None, dtype=None):
        x = tensor(x)
        out = TF[dtypes.standardize(dtype)] if dtype is not None else (tf.int32 if x.dtype == tf.bool else x.dtype)
        if x.dtype in FLOAT_TF:
            x = _clean(x, neutral)
        if axis is None:
            x, axis = tf.reshape(x, [-1]), 0
        return tf.cast(fn(tf.cast(x, out), axis), out)
    return kernel


def ptp(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype == tf.bool:
        raise TypeError("ptp: x has dtype bool; expected a numeric dtype")
    ax = red_axes(axis, x.shape.rank)
    return tf.reduce_max(x, ax, keepdims) - tf.reduce_min(x, ax, keepdims)


def count_nonzero(x, axis=None):
    x = tensor(x)
    nz = tf.cast(tf.not_equal(x, tf.zeros((), x.dtype)), tf.int32)
    return tf.reduce_sum(nz, red_axes(axis, x.shape.rank))


def average(x, axis=None, weights=None):
    if weights is None:
        x = fl(x)
        return tf.reduce_mean(x, red_axes(axis, x.shape.rank))
    dt = dtypes.result_type(x if isinstance(x, (bool, int, float)) else name_of(x),
                            weights if isinstance(weights, (bool, int, float)) else name_of(weights))
    if dt not in dtypes.FLOATS:
        dt = dtypes.floatx()
    x, w = tensor(x, dt), tensor(weights, dt)
    xs, ws = static_shape(x), static_shape(w)
    if ws != xs:
        if len(ws) != 1 or not isinstance(axis, int) or ws[0] != xs[axis]:
            raise ValueError(f"average: weights of shape {ws} do not match x of shape {xs}; expected x's shape, "
                             f"or a 1-D array of length x.shape[axis] with an int axis")
        w = tf.reshape(w, [-1 if i == axis % len(xs) else 1 for i in range(len(xs))])
    wb = tf.broadcast_to(w, tf.shape(x))
    ax = red_axes(axis, x.shape.rank)
    return tf.reduce_sum(x * wb, ax) / tf.reduce_sum(wb, ax)


# ------------------------------------------------------------------------- order statistics
def _quantile(name, x, q, axis, method, keepdims, nan, scale=1.0):
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{name}: method={method!r} is invalid; expected one of {QUANTILE_METHODS}")
    x = fl(x)
    shape = static_shape(x)
    red = norm_axes(axis, len(shape)) if axis is not None else list(range(len(shape)))
    keep = [i for i in range(len(shape)) if i not in red]
    kshape = [shape[i] for i in keep]
    n = math.prod(shape[a] for a in red)
    kf = math.prod(kshape)
    isnan = tf.math.is_nan(x)
    xt = tf.reshape(tf.transpose(tf.where(isnan, tf.constant(math.inf, x.dtype), x), keep + red), [kf, n])
    xs = tf.sort(xt, axis=-1)
    nan_t = tf.reshape(tf.transpose(isnan, keep + red), [kf, n])
    if nan:
        valid = tf.reduce_sum(tf.cast(~nan_t, tf.int32), -1)
    else:
        valid = tf.fill([kf], n)
    q = tf.cast(tensor(q), x.dtype) / tf.constant(scale, x.dtype)
    qshape = static_shape(q)
    qf = tf.reshape(q, [-1, 1])  # (Q, 1)
    pos = qf * tf.cast(valid - 1, x.dtype)[None, :]  # (Q, K)
    lo, hi = (tf.round(pos),) * 2 if method == "nearest" else (tf.floor(pos), tf.math.ceil(pos))
    top = tf.maximum(valid - 1, 0)[None, :]

    def take(i):
        idx = tf.minimum(tf.cast(tf.maximum(i, 0), tf.int32), top)  # (Q, K)
        return tf.transpose(tf.gather(xs, tf.transpose(idx), batch_dims=1))  # (Q, K)

    a, b = take(lo), take(hi)
    if method == "linear":  # NumPy's lerp: exact at both ends
        f = pos - lo
        out = tf.where(f >= 0.5, b - (b - a) * (1 - f), a + (b - a) * f)
    elif method == "higher":
        out = b
    elif method == "midpoint":
        out = (a + b) * 0.5
    else:
        out = a
    bad = tf.equal(valid, 0) if nan else tf.reduce_any(nan_t, -1)
    out = tf.where(bad[None, :], tf.constant(math.nan, x.dtype), out)
    oshape = [1 if i in red else d for i, d in enumerate(shape)] if keepdims else kshape
    return tf.reshape(out, list(qshape) + oshape)








# ------------------------------------------------------------------------- bins
def histogram(x, bins=10, range=None):
    x = tensor(x)
    if x.shape.rank != 1:
        raise ValueError(f"histogram: x has shape {static_shape(x)}; expected a 1-D tensor")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"histogram: bins={bins!r} is invalid; expected a positive int")
    xf = fl(x)
    dt = xf.dtype
    if range is None:
        lo, hi = tf.reduce_min(xf), tf.reduce_max(xf)
        empty = tf.equal(tf.size(xf), 0)
        lo, hi = tf.where(empty, tf.zeros((), dt), lo), tf.where(empty, tf.ones((), dt), hi)
    else:
        if not float(range[0]) <= float(range[1]):
            raise ValueError(f"histogram: range={range!r} is invalid; expected (min, max) with min <= max")
        lo, hi = tf.constant(float(range[0]), dt), tf.constant(float(range[1]), dt)
    same = tf.equal(lo, hi)
    lo, hi = tf.where(same, lo - 0.5, lo), tf.where(same, hi + 0.5, hi)
    steps = tf.range(bins + 1, dtype=dt)
    edges = tf.where(tf.equal(steps, bins), hi, lo + (hi - lo) / bins * steps)
    idx = tf.searchsorted(edges, xf, side="right", out_type=tf.int32) - 1
    idx = tf.where(tf.equal(xf, hi), bins - 1, idx)
    idx = tf.where((xf >= lo) & (xf <= hi), idx, bins)
    counts = tf.math.unsorted_segment_sum(tf.ones_like(xf), idx, bins + 1)[:bins]
    return counts, edges


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse=True is not supported (dlx has no sparse tensors); pass sparse=False")
    x = tensor(x)
    if x.dtype in FLOAT_TF or x.dtype == tf.bool:
        raise TypeError(f"bincount: x has dtype {NAME[x.dtype]}; expected an integer dtype")
    if x.shape.rank not in (1, 2):
        raise ValueError(f"bincount: x has shape {static_shape(x)}; expected a 1-D or 2-D tensor")
    if not tf.executing_eagerly():
        raise data_dependent_error("bincount", "tf.function", None)
    xi = tf.cast(x, tf.int64)
    if tf.size(xi) > 0 and int(tf.reduce_min(xi)) < 0:
        raise ValueError("bincount: x holds negative values; expected non-negative integers")
    length = max(int(tf.reduce_max(xi)) + 1 if tf.size(xi) > 0 else 0, int(minlength))
    if weights is None:
        dt, w = tf.int32, tf.ones_like(xi, tf.int32)
    else:
        dt = TF[dtypes.result_type(name_of(x), name_of(weights))]
        w = tf.cast(tensor(weights), tf.float64 if dt in FLOAT_TF else tf.int64)
    rows = tf.reshape(xi, [-1, static_shape(x)[-1]])
    nrows = static_shape(rows)[0]
    flat = tf.reshape(rows + tf.range(nrows, dtype=tf.int64)[:, None] * length, [-1])
    out = tf.math.unsorted_segment_sum(tf.reshape(w, [-1]), flat, nrows * length)
    return tf.cast(tf.reshape(out, (*static_shape(x)[:-1], length)), dt)


def digitize(x, bins):
    x, b = tensor(x), tensor(bins)
    if b.shape.rank != 1:
        raise ValueError(f"digitize: bins has shape {static_shape(b)}; expected a 1-D tensor")
    dt = dtypes.result_type(name_of(x), name_of(b))
    dt = "int32" if dt in ("bool", "int8", "int16", "uint8", "uint16") else dt
    x, b = tensor(x, dt), tensor(b, dt)
    flat = tf.reshape(x, [-1])
    inc = tf.searchsorted(b, flat, side="right", out_type=tf.int32)
    dec = tf.shape(b)[0] - tf.searchsorted(tf.reverse(b, [0]), flat, side="left", out_type=tf.int32)
    return tf.reshape(tf.where(b[0] <= b[-1], inc, dec), tf.shape(x))


# ------------------------------------------------------------------------- correlation
def corrcoef(x):
    x = fl(x)
    rank = x.shape.rank
    if rank > 2:
        raise ValueError(f"corrcoef: x has shape {static_shape(x)}; expected a 1-D or 2-D tensor")
    m = tf.reshape(x, [1, -1]) if rank < 2 else x
    xc = m - tf.reduce_mean(m, axis=1, keepdims=True)
    n = tf.cast(tf.shape(m)[1], x.dtype)
    cov = tf.matmul(xc, xc, transpose_b=True) / (n - 1)
    d = tf.sqrt(tf.linalg.diag_part(cov))
    out = tf.clip_by_value(cov / (d[:, None] * d[None, :]), -1.0, 1.0)
    return out[0, 0] if rank < 2 else out


def correlate(x1, x2, mode="valid"):
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode={mode!r} is invalid; expected 'valid', 'same' or 'full'")
    dt = dtypes.result_type(name_of(x1), name_of(x2))
    if dt not in dtypes.FLOATS:
        dt = "float64" if dtypes.to_numpy_dtype(dt).itemsize == 8 else dtypes.floatx()
    a, b = tensor(x1, dt), tensor(x2, dt)
    if a.shape.rank != 1 or b.shape.rank != 1:
        raise ValueError(f"correlate: x1 and x2 have shapes {static_shape(a)} and {static_shape(b)}; expected 1-D")
    n1, n2 = static_shape(a)[0], static_shape(b)[0]
    padded = tf.pad(a, [[n2 - 1, n2 - 1]])
    full = tf.nn.conv1d(tf.reshape(padded, [1, -1, 1]), tf.reshape(b, [n2, 1, 1]), 1, "VALID")[0, :, 0]
    length = {"full": n1 + n2 - 1, "same": max(n1, n2), "valid": max(n1, n2) - min(n1, n2) + 1}[mode]
    off = correlate_offset(n1, n2, mode)
    return full[off:off + length]


#: op name -> kernel
KERNELS: dict = {
    **quantile_family(_quantile),
    "nansum": nansum, "nanprod": nanprod, "nanmean": nanmean, "nanvar": nanvar, "nanstd": nanstd,
    "nanmax": _nan_extreme(tf.reduce_max, -math.inf, tf.reduce_any),
    "nanmin": _nan_extreme(tf.reduce_min, math.inf, tf.reduce_all),
    "nanargmax": _nanarg(tf.argmax, -math.inf), "nanargmin": _nanarg(tf.argmin, math.inf),
    "nancumsum": _scan(tf.cumsum, 0), "nancumprod": _scan(tf.math.cumprod, 1), "ptp": ptp,
    "count_nonzero": count_nonzero, "average": average, "histogram": histogram, "bincount": bincount,
    "digitize": digitize, "corrcoef": corrcoef, "correlate": correlate,
}

__all__ = ["KERNELS"]
