"""Reduction and scan kernels: the ops of :mod:`dlx.ops.defs.reduction`."""

from __future__ import annotations

from typing import Any

import torch

from dlx_torch._tensors import F, T, Tensor, axes, tdtype, unsigned_safe

_T = Tensor
# dtype of an integer/bool sum or cumsum (NumPy's platform-int accumulation, cast back for >= 32 bits)
_SUM_DT = {torch.bool: torch.int32, torch.int8: torch.int32, torch.int16: torch.int32, torch.uint8: torch.uint32,
           torch.uint16: torch.uint32, torch.int32: torch.int32, torch.int64: torch.int64}
_SCAN_DT = {torch.bool: torch.int32, torch.int8: torch.int8, torch.int16: torch.int16, torch.uint8: torch.uint8,
            torch.uint16: torch.uint16, torch.int32: torch.int32, torch.int64: torch.int64}


def _dim(axis: Any) -> Any:
    if axis is None or isinstance(axis, int):
        return axis
    return tuple(axis)


def sum(x, axis=None, keepdims=False):
    if type(x) is _T and axis is None and not keepdims and x.is_floating_point():
        return torch.sum(x)
    return _sum(x, axis, keepdims)


@unsigned_safe
def _sum(x, axis, keepdims):
    x = T(x)
    if axis == ():
        return x.clone() if x.dtype not in _SUM_DT else x.to(_SUM_DT[x.dtype])
    if x.is_floating_point():
        return torch.sum(x) if axis is None and not keepdims else torch.sum(x, _dim(axis), keepdims)
    out = torch.sum(x, _dim(axis), keepdims)
    dt = _SUM_DT.get(x.dtype)
    return out if dt is None or out.dtype is dt else out.to(dt)


def mean(x, axis=None, keepdims=False):
    x = F(x)
    if axis == ():
        return x.clone()
    return torch.mean(x, _dim(axis), keepdims)


def _two_pass_var(x, axis, keepdims):
    # torch.var is Welford, sequential within a thread: with one thread its error at n = 10^6
    # exceeds the Kr bound (kappa ~120 in float64). Two passes of torch.mean (cascade-summed) meet it.
    dim = _dim(axis)
    d = x - torch.mean(x, dim, keepdim=True)
    return torch.mean(d * d, dim, keepdim=keepdims)


def var(x, axis=None, keepdims=False):
    x = F(x)
    if axis == ():
        return torch.zeros_like(x)
    return _two_pass_var(x, axis, keepdims)


def std(x, axis=None, keepdims=False):
    x = F(x)
    if axis == ():
        return torch.zeros_like(x)
    return torch.sqrt(_two_pass_var(x, axis, keepdims))


def _bounded(out, initial, fn):
    """``out`` bounded by the number ``initial`` (cast to out's dtype) with ``fn`` (maximum/minimum)."""
    return out if initial is None else fn(out, torch.tensor(initial, device=out.device).to(out.dtype))


def max(x, axis=None, keepdims=False, initial=None):
    x = T(x)
    if axis == ():
        return _bounded(x.clone(), initial, torch.maximum)
    return _bounded(torch.amax(x, () if axis is None else axis, keepdims), initial, torch.maximum)


def min(x, axis=None, keepdims=False, initial=None):
    x = T(x)
    if axis == ():
        return _bounded(x.clone(), initial, torch.minimum)
    return _bounded(torch.amin(x, () if axis is None else axis, keepdims), initial, torch.minimum)


def _in(x, dtype):
    x = T(x)
    return x if dtype is None else x.to(tdtype(dtype))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _in(x, dtype)
    nd = x.ndim
    ax = axes(axis, nd)
    if x.is_floating_point():
        acc = torch.float64 if x.dtype is not torch.float64 else None  # NumPy-free exactness: f64 products
        out_dt = x.dtype
    else:
        acc = None
        out_dt = _SUM_DT.get(x.dtype, x.dtype)
    if len(ax) == 0:
        return x.to(out_dt).clone()
    if len(ax) == 1:
        out = torch.prod(x, ax[0], keepdim=keepdims, dtype=acc)
    else:
        keep = [i for i in range(nd) if i not in ax]
        y = x.permute(*keep, *ax).reshape(*[x.shape[i] for i in keep], -1)
        out = torch.prod(y, -1, dtype=acc)
        if keepdims:
            out = out.reshape([1 if i in ax else x.shape[i] for i in range(nd)])
    return out if out.dtype is out_dt else out.to(out_dt)


def argmax(x, axis=None, keepdims=False):
    return torch.argmax(T(x), axis, keepdims).to(torch.int32)


def argmin(x, axis=None, keepdims=False):
    return torch.argmin(T(x), axis, keepdims).to(torch.int32)


def logsumexp(x, axis=None, keepdims=False):
    x = F(x)
    if x.ndim == 0:
        return torch.logsumexp(x.reshape(1), 0)
    return torch.logsumexp(x, axes(axis, x.ndim), keepdims)


def any(x, axis=None, keepdims=False):
    x = T(x)
    if axis is None and not keepdims:
        return torch.any(x)
    return torch.any(x, axes(axis, x.ndim), keepdims)


def all(x, axis=None, keepdims=False):
    x = T(x)
    if axis is None and not keepdims:
        return torch.all(x)
    return torch.all(x, axes(axis, x.ndim), keepdims)


def cumsum(x, axis=None, dtype=None):
    # torch's CPU scans accumulate float32 in float64 (as the spec does)
    x = _in(x, dtype)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.is_floating_point():
        return torch.cumsum(x, axis)
    dt = _SCAN_DT.get(x.dtype)
    out = torch.cumsum(x, axis)
    return out if dt is None or out.dtype is dt else out.to(dt)


def cumprod(x, axis=None, dtype=None):
    x = _in(x, dtype)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.is_floating_point():
        return torch.cumprod(x, axis)
    dt = _SCAN_DT.get(x.dtype)
    out = torch.cumprod(x, axis)
    return out if dt is None or out.dtype is dt else out.to(dt)


#: op name -> kernel (integer dtypes torch lacks for uint16/32/64 retried on int64: unsigned_safe)
KERNELS: dict[str, Any] = {
    "sum": sum, "mean": mean, "var": var, "std": std, "max": unsigned_safe(max), "min": unsigned_safe(min),
    "prod": unsigned_safe(prod), "argmax": unsigned_safe(argmax), "argmin": unsigned_safe(argmin),
    "logsumexp": logsumexp, "any": any, "all": all, "cumsum": unsigned_safe(cumsum),
    "cumprod": unsigned_safe(cumprod),
}
