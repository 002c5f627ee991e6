"""Statistics kernels: the ops of :mod:`dlx.ops.defs.statistics` (``torch``; quantiles by a sort and
a gather so every method follows NumPy's definition, histograms and bin counts by scatter-add)."""

from __future__ import annotations

import math

import torch

from dlx import dtypes
from dlx.ops.defs._order_stats import correlate_offset, quantile_family
from dlx.ops.defs.search import data_dependent_error
from dlx.ops.defs.statistics import QUANTILE_METHODS
from dlx_torch._tensors import NAMES, TORCH_DTYPES, F, T, axes, floatx, tdtype

_SMALL = {torch.bool: torch.int32, torch.int8: torch.int32, torch.int16: torch.int32, torch.uint8: torch.int32}


def _acc(dt):
    """Keras's dtype of an integer nansum / nanprod (uint8 -> uint32: int32 here where torch lacks
    uint32 arithmetic, converted at the end)."""
    return _SMALL.get(dt, dt)


def _out_dt(dt):
    if dt in (torch.uint8, torch.uint16):
        return torch.uint32
    return _SMALL.get(dt, dt)


def _dims(axis, x):
    return None if axis is None else axes(axis, x.dim())


def _keep(out, x, axis, keepdims):
    """``out`` reduced over every axis (``axis=None``) reshaped to keepdims' shape if asked."""
    if keepdims and axis is None:
        return out.reshape([1] * x.dim())
    return out


# ------------------------------------------------------------------------- NaN reductions
def nansum(x, axis=None, keepdims=False):
    x = T(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.zeros((), dtype=x.dtype), x)
        return _keep(torch.sum(x, _dims(axis, x), keepdims) if axis is not None else torch.sum(x), x, axis, keepdims)
    xa = x.to(_acc(x.dtype))
    out = torch.sum(xa, _dims(axis, x), keepdims) if axis is not None else torch.sum(xa)
    return _keep(out, x, axis, keepdims).to(_out_dt(x.dtype))


def _prod(x, axis, keepdims):
    if axis is None:
        return _keep(torch.prod(x), x, None, keepdims)
    out = x
    for a in sorted(axes(axis, x.dim()), reverse=True):
        out = torch.prod(out, a, keepdim=keepdims)
    return out


def nanprod(x, axis=None, keepdims=False):
    x = T(x)
    if x.is_floating_point():
        return _prod(torch.where(torch.isnan(x), torch.ones((), dtype=x.dtype), x), axis, keepdims)
    return _prod(x.to(_acc(x.dtype) if x.dtype != torch.int64 else x.dtype), axis, keepdims).to(_out_dt(x.dtype))


def _count(x, axis, keepdims=True):
    valid = (~torch.isnan(x)).to(x.dtype)
    if axis is None:
        return _keep(torch.sum(valid), x, None, keepdims)
    return torch.sum(valid, _dims(axis, x), keepdims)


def _nsum(x, axis, keepdims=True):
    z = torch.where(torch.isnan(x), torch.zeros((), dtype=x.dtype), x)
    return torch.sum(z, _dims(axis, x), keepdims) if axis is not None else _keep(torch.sum(z), x, None, keepdims)


def nanmean(x, axis=None, keepdims=False):
    x = F(x)
    return _nsum(x, axis, keepdims) / _count(x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    x = F(x)
    n = _count(x, axis)
    d = torch.where(torch.isnan(x), torch.zeros((), dtype=x.dtype), x - _nsum(x, axis) / n)
    out = _nsum(d * d, axis) / n
    if keepdims:
        return out
    return out.reshape(()) if axis is None else out.squeeze(axes(axis, x.dim()))


def nanstd(x, axis=None, keepdims=False):
    return torch.sqrt(nanvar(x, axis, keepdims))


def _nan_extreme(fn, fill, bool_fn):
    def kernel(x, axis=None, keepdims=False):
        x = T(x)
        dims = () if axis is None else axes(axis, x.dim())
        if x.dtype == torch.bool:
            out = x
            for a in sorted(dims or range(x.dim()), reverse=True):
                out = bool_fn(out, a, keepdim=keepdims)
            return out if dims or keepdims or x.dim() == 0 else out.reshape(())
        if not x.is_floating_point():
            return fn(x, dims, keepdims)
        nan = torch.isnan(x)
        out = fn(torch.where(nan, torch.full((), fill, dtype=x.dtype), x), dims, keepdims)
        every = torch.all(nan) if not dims else nan
        if dims:
            for a in sorted(dims, reverse=True):
                every = torch.all(every, a, keepdim=keepdims)
        elif keepdims:
            every = every.reshape(out.shape)
        return torch.where(every, torch.full((), math.nan, dtype=x.dtype), out)
    return kernel


def _nanarg(fn, fill):
    def kernel(x, axis=None, keepdims=False):
        x = T(x)
        if x.dtype == torch.bool:
            x = x.to(torch.int32)
        nan = torch.isnan(x) if x.is_floating_point() else torch.zeros(x.shape, dtype=torch.bool)
        v = torch.where(nan, torch.full((), fill, dtype=x.dtype), x) if x.is_floating_point() else x
        if axis is None:
            idx = fn(v.reshape(-1), 0)
            every = torch.all(nan)
            out = torch.where(every, torch.full((), -1, dtype=idx.dtype), idx)
            return _keep(out, x, None, keepdims).to(torch.int32)
        idx = fn(v, axis, keepdim=keepdims)
        every = torch.all(nan, axis, keepdim=keepdims)
        return torch.where(every, torch.full((), -1, dtype=idx.dtype), idx).to(torch.int32)
    return kernel


def _scan(fn, neutral):
    def kernel(x, axis=None, dtype=None):
        x = T(x)
        out = tdtype(dtype) if dtype is not None else (torch.int32 if x.dtype == torch.bool else x.dtype)
        if x.is_floating_point():
            x = torch.where(torch.isnan(x), torch.full((), neutral, dtype=x.dtype), x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        acc = torch.float64 if out.is_floating_point else (torch.int64 if out in (torch.uint32,) else out)
        return fn(x.to(acc), axis).to(out)
    return kernel


def ptp(x, axis=None, keepdims=False):
    x = T(x)
    if x.dtype == torch.bool:
        raise TypeError("ptp: x has dtype bool; expected a numeric dtype")
    dims = () if axis is None else axes(axis, x.dim())
    return torch.amax(x, dims, keepdims) - torch.amin(x, dims, keepdims)


def count_nonzero(x, axis=None):
    x = T(x)
    return torch.count_nonzero(x, _dims(axis, x)).to(torch.int32)


def average(x, axis=None, weights=None):
    if weights is None:
        x = F(x)
        return torch.mean(x, _dims(axis, x)) if axis is not None else torch.mean(x)
    dt = TORCH_DTYPES[dtypes.result_type(x, weights)]
    if not dt.is_floating_point:
        dt = floatx()
    x, w = T(x).to(dt), T(weights).to(dt)
    if w.shape != x.shape:
        if w.dim() != 1 or not isinstance(axis, int) or w.shape[0] != x.shape[axis]:
            raise ValueError(f"average: weights of shape {tuple(w.shape)} do not match x of shape {tuple(x.shape)}; "
                             f"expected x's shape, or a 1-D array of length x.shape[axis] with an int axis")
        w = w.reshape([-1 if i == axis % x.dim() else 1 for i in range(x.dim())])
    wb = torch.broadcast_to(w, x.shape)
    if axis is None:
        return torch.sum(x * wb) / torch.sum(wb)
    dims = axes(axis, x.dim())
    return torch.sum(x * wb, dims) / torch.sum(wb, dims)


# ------------------------------------------------------------------------- order statistics
def _quantile(name, x, q, axis, method, keepdims, nan, scale=1.0):
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{name}: method={method!r} is invalid; expected one of {QUANTILE_METHODS}")
    x = F(x)
    red = axes(axis, x.dim())
    keep = [i for i in range(x.dim()) if i not in red]
    n = math.prod(x.shape[a] for a in red)
    xs = torch.sort(x.permute(*keep, *red).reshape((*(x.shape[i] for i in keep), n)), dim=-1).values
    q = T(q).to(x.dtype) if not isinstance(q, (int, float)) else torch.tensor(q, dtype=x.dtype)
    q = q / scale
    qb = q.reshape((*q.shape, *([1] * len(keep))))
    valid = torch.sum(~torch.isnan(xs), -1) if nan else torch.full(xs.shape[:-1], n)
    pos = qb * (valid - 1).to(x.dtype)
    lo, hi = (torch.round(pos),) * 2 if method == "nearest" else (torch.floor(pos), torch.ceil(pos))
    top = torch.clamp(valid - 1, min=0)
    xb = torch.broadcast_to(xs, (*q.shape, *xs.shape))

    def take(i):
        idx = torch.minimum(torch.clamp(i, min=0).to(torch.int64), top)
        return torch.gather(xb, -1, torch.broadcast_to(idx, xb.shape[:-1])[..., None])[..., 0]

    a, b = take(lo), take(hi)
    if method == "linear":  # NumPy's lerp: exact at both ends
        f = pos - lo
        out = torch.where(f >= 0.5, b - (b - a) * (1 - f), a + (b - a) * f)
    elif method == "higher":
        out = b
    elif method == "midpoint":
        out = (a + b) * 0.5
    else:
        out = a
    bad = (valid == 0) if nan else torch.any(torch.isnan(xs), -1)
    out = torch.where(bad, torch.full((), math.nan, dtype=x.dtype), out)
    if keepdims:
        out = out.reshape((*q.shape, *(1 if i in red else d for i, d in enumerate(x.shape))))
    return out








# ------------------------------------------------------------------------- bins
def histogram(x, bins=10, range=None):
    x = T(x)
    if x.dim() != 1:
        raise ValueError(f"histogram: x has shape {tuple(x.shape)}; expected a 1-D tensor")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"histogram: bins={bins!r} is invalid; expected a positive int")
    dt = x.dtype if x.is_floating_point() else floatx()
    xf = x.to(dt)
    if range is None:
        lo, hi = (torch.amin(xf), torch.amax(xf)) if x.numel() else (torch.tensor(0.0, dtype=dt),
                                                                      torch.tensor(1.0, dtype=dt))
    else:
        if not float(range[0]) <= float(range[1]):
            raise ValueError(f"histogram: range={range!r} is invalid; expected (min, max) with min <= max")
        lo, hi = torch.tensor(float(range[0]), dtype=dt), torch.tensor(float(range[1]), dtype=dt)
    same = lo == hi
    lo, hi = torch.where(same, lo - 0.5, lo), torch.where(same, hi + 0.5, hi)
    steps = torch.arange(bins + 1, dtype=dt)
    edges = lo + (hi - lo) / bins * steps
    edges = torch.where(steps == bins, hi, edges)
    idx = torch.searchsorted(edges, xf, right=True) - 1
    idx = torch.where(xf == hi, bins - 1, idx)
    inside = (xf >= lo) & (xf <= hi)
    idx = torch.where(inside, idx, bins)
    counts = torch.zeros(bins + 1, dtype=dt).index_add(0, idx, torch.ones_like(xf))
    return counts[:bins], edges


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse=True is not supported (dlx has no sparse tensors); pass sparse=False")
    x = T(x)
    if x.is_floating_point() or x.dtype == torch.bool:
        raise TypeError(f"bincount: x has dtype {NAMES[x.dtype]}; expected an integer dtype")
    if x.dim() not in (1, 2):
        raise ValueError(f"bincount: x has shape {tuple(x.shape)}; expected a 1-D or 2-D tensor")
    if torch.compiler.is_compiling():
        raise data_dependent_error("bincount", "torch.compile", None)
    if x.numel() and int(torch.amin(x)) < 0:
        raise ValueError("bincount: x holds negative values; expected non-negative integers")
    length = max(int(torch.amax(x)) + 1 if x.numel() else 0, int(minlength))
    if weights is None:
        dt, w = torch.int32, torch.ones(x.shape, dtype=torch.int32)
    else:
        dt = TORCH_DTYPES[dtypes.result_type(x, weights)]
        w = T(weights).to(torch.float64 if dt.is_floating_point else torch.int64)
    rows = x.reshape(-1, x.shape[-1]).to(torch.int64)
    wr = w.reshape(rows.shape)
    out = torch.zeros((rows.shape[0], length), dtype=w.dtype).scatter_add(1, rows, wr)
    return out.reshape((*x.shape[:-1], length)).to(dt)


def digitize(x, bins):
    x, b = T(x), T(bins)
    if b.dim() != 1:
        raise ValueError(f"digitize: bins has shape {tuple(b.shape)}; expected a 1-D tensor")
    dt = TORCH_DTYPES[dtypes.result_type(x, b)]
    x, b = x.to(dt), b.to(dt)
    inc = torch.searchsorted(b, x, right=True)
    dec = b.shape[0] - torch.searchsorted(torch.flip(b, (0,)), x, right=False)
    return torch.where(b[0] <= b[-1], inc, dec).to(torch.int32)


# ------------------------------------------------------------------------- correlation
def corrcoef(x):
    x = F(x)
    if x.dim() > 2:
        raise ValueError(f"corrcoef: x has shape {tuple(x.shape)}; expected a 1-D or 2-D tensor")
    return torch.clamp(torch.corrcoef(x), -1.0, 1.0)


def correlate(x1, x2, mode="valid"):
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode={mode!r} is invalid; expected 'valid', 'same' or 'full'")
    dt = TORCH_DTYPES[dtypes.result_type(x1, x2)]
    if not dt.is_floating_point:
        dt = torch.float64 if dt.itemsize == 8 else floatx()
    a, b = T(x1).to(dt), T(x2).to(dt)
    if a.dim() != 1 or b.dim() != 1:
        raise ValueError(f"correlate: x1 and x2 have shapes {tuple(a.shape)} and {tuple(b.shape)}; "
                         f"expected 1-D tensors")
    n1, n2 = a.shape[0], b.shape[0]
    full = torch.nn.functional.conv1d(a[None, None], b[None, None], padding=n2 - 1)[0, 0]
    length = {"full": n1 + n2 - 1, "same": max(n1, n2), "valid": max(n1, n2) - min(n1, n2) + 1}[mode]
    off = correlate_offset(n1, n2, mode)
    return full[off:off + length]


#: op name -> kernel
KERNELS: dict = {
    **quantile_family(_quantile),
    "nansum": nansum, "nanprod": nanprod, "nanmean": nanmean, "nanvar": nanvar, "nanstd": nanstd,
    "nanmax": _nan_extreme(torch.amax, -math.inf, torch.any), "nanmin": _nan_extreme(torch.amin, math.inf, torch.all),
    "nanargmax": _nanarg(torch.argmax, -math.inf), "nanargmin": _nanarg(torch.argmin, math.inf),
    "nancumsum": _scan(torch.cumsum, 0), "nancumprod": _scan(torch.cumprod, 1), "ptp": ptp,
    "count_nonzero": count_nonzero, "average": average, "histogram": histogram, "bincount": bincount,
    "digitize": digitize, "corrcoef": corrcoef, "correlate": correlate,
}

__all__ = ["KERNELS"]
