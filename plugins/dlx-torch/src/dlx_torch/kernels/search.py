"""Search, set and segment kernels: the ops of :mod:`dlx.ops.defs.search` (``torch.searchsorted``,
a sort-based ``unique``, ``torch.scatter_reduce`` for ``segment_*``). Ops whose output shape
depends on the data raise an error naming the op while ``torch.compile`` traces (its wrapper in
``TorchBackend.compile`` then runs the function eagerly)."""

from __future__ import annotations

import numpy as np
import torch

from dlx import dtypes
from dlx.ops.defs.search import data_dependent_error
from dlx_torch._tensors import TORCH_DTYPES, T

_I32 = torch.int32


def _tracing() -> bool:
    return torch.compiler.is_compiling()


def searchsorted(sorted_sequence, values, side="left"):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side={side!r} is invalid; expected 'left' or 'right'")
    s, v = T(sorted_sequence), T(values)
    if s.dim() != 1:
        raise ValueError(f"searchsorted: sorted_sequence has shape {tuple(s.shape)}; expected a 1-D tensor")
    dt = TORCH_DTYPES[dtypes.result_type(s, v)]
    if dt == torch.bool:
        dt = torch.int32
    return torch.searchsorted(s.to(dt), v.to(dt), right=side == "right").to(_I32)


def _unique_flat(x):
    """values, first index, inverse (x's shape), counts of flattened ``x`` (NaNs are one value)."""
    flat = x.reshape(-1)
    if flat.dtype == torch.bool:
        flat = flat.to(torch.uint8)
    order = torch.argsort(flat, stable=True)
    s = flat[order]
    same = s[1:] == s[:-1]
    if s.is_floating_point():
        same = same | (torch.isnan(s[1:]) & torch.isnan(s[:-1]))
    new = torch.cat([torch.ones(min(s.numel(), 1), dtype=torch.bool), ~same])
    group = torch.cumsum(new.to(torch.int64), 0) - 1
    values = s[new].to(x.dtype)
    index = order[new]
    n = values.shape[0]
    counts = torch.zeros(n, dtype=torch.int64).index_add(0, group, torch.ones_like(group))
    inverse = torch.empty_like(group).scatter(0, order, group)
    return values, index, inverse.reshape(x.shape), counts


def _unique_axis(x, axis):
    values, inverse, counts = torch.unique(x, sorted=True, return_inverse=True, return_counts=True, dim=axis)
    n = counts.shape[0]
    pos = torch.arange(inverse.shape[0])
    index = torch.full((n,), inverse.shape[0], dtype=torch.int64).scatter_reduce(0, inverse, pos, "amin")
    return values, index, inverse, counts


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    x = T(x)
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise ValueError(f"unique: size={size!r} is invalid; expected a non-negative int")
    if _tracing():
        raise data_dependent_error("unique", "torch.compile", "call it outside the compiled function")
    ax = 0 if axis is None else axis % max(x.dim(), 1)
    values, index, inverse, counts = _unique_flat(x) if axis is None else _unique_axis(x, ax)
    smallest, smallest_index = values.narrow(ax, 0, min(1, values.shape[ax])), index[:1]
    if not sorted:
        order = torch.argsort(index, stable=True)
        rank = torch.empty_like(order).scatter(0, order, torch.arange(order.numel()))
        values, index, counts, inverse = values.index_select(ax, order), index[order], counts[order], rank[inverse]
    if size is not None:
        n = values.shape[ax]
        if n >= size:
            values, index, counts = values.narrow(ax, 0, size), index[:size], counts[:size]
        else:
            shp = list(values.shape)
            shp[ax] = size - n
            if fill_value is not None:
                pad = torch.full(shp, fill_value, dtype=x.dtype)
            elif n:
                pad = smallest.repeat_interleave(size - n, dim=ax)
            else:
                pad = torch.zeros(shp, dtype=x.dtype)
            values = torch.cat([values, pad], ax)
            fill_i = int(smallest_index[0]) if n else 0
            index = torch.cat([index, torch.full((size - n,), fill_i, dtype=index.dtype)])
            counts = torch.cat([counts, torch.zeros(size - n, dtype=counts.dtype)])
    extra = [a.to(_I32) for a, want in ((index, return_index), (inverse, return_inverse),
                                        (counts, return_counts)) if want]
    return (values, *extra) if extra else values


def nonzero(x):
    x = T(x)
    if x.dim() == 0:
        raise ValueError("nonzero: x is 0-d; expected a tensor of rank >= 1")
    if _tracing():
        raise data_dependent_error("nonzero", "torch.compile", None)
    return tuple(i.to(_I32) for i in torch.nonzero(x, as_tuple=True))


def argpartition(x, kth, axis=-1):
    x = T(x)
    if x.dtype == torch.bool:
        raise TypeError("argpartition: x has dtype bool; expected a numeric dtype")
    n = x.shape[axis] if x.dim() else 1
    for k in np.atleast_1d(np.asarray(kth)):
        if not -n <= int(k) < n:
            raise ValueError(f"argpartition: kth={kth!r} is out of range for an axis of length {n}")
    return torch.argsort(x, dim=axis, stable=True).to(_I32)


def unravel_index(indices, shape):
    if any(d is None for d in shape):
        raise ValueError(f"unravel_index: shape={shape!r} holds None; expected known dimensions")
    idx = torch.as_tensor(np.asarray(indices, np.int32)) if isinstance(indices, (int, list, tuple)) else T(indices)
    if idx.is_floating_point() or idx.dtype == torch.bool:
        raise TypeError(f"unravel_index: indices has dtype {idx.dtype}; expected an integer dtype")
    total = int(np.prod(shape))
    if not _tracing() and idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= total):
        raise ValueError(f"unravel_index: indices hold values outside [0, {total}) for shape {tuple(shape)}")
    coords, rest = [], idx.to(torch.int64)
    for d in reversed(tuple(shape)):
        coords.append(torch.remainder(rest, d).to(idx.dtype))
        rest = torch.div(rest, d, rounding_mode="floor")
    return tuple(reversed(coords))


# ------------------------------------------------------------------------------ segments
_REDUCE = {"segment_sum": "sum", "segment_prod": "prod", "segment_max": "amax", "segment_min": "amin"}


def _identity(name, dt):
    if name == "segment_sum":
        return 0
    if name == "segment_prod":
        return 1
    info = torch.finfo(dt) if dt.is_floating_point else torch.iinfo(dt)
    low, high = (-float("inf"), float("inf")) if dt.is_floating_point else (info.min, info.max)
    return low if name == "segment_max" else high


def _segment(name):
    def kernel(data, segment_ids, num_segments=None, sorted=False):
        data, ids = T(data), T(segment_ids)
        if ids.is_floating_point() or ids.dtype == torch.bool:
            raise TypeError(f"{name}: segment_ids has dtype {ids.dtype}; expected an integer dtype")
        if ids.dim() != 1 or data.dim() < 1 or ids.shape[0] != data.shape[0]:
            rows = data.shape[0] if data.dim() else 0
            raise ValueError(f"{name}: segment_ids has shape {tuple(ids.shape)}; expected ({rows},), one id per row")
        is_bool = data.dtype == torch.bool
        if is_bool and name in ("segment_sum", "segment_prod"):
            raise TypeError(f"{name}: data has dtype bool; expected a numeric dtype")
        tracing = _tracing()
        if num_segments is None:
            if tracing:
                raise data_dependent_error(name, "torch.compile", "pass num_segments=N")
            num_segments = int(torch.amax(ids)) + 1 if ids.numel() else 0
        if sorted and not tracing and ids.numel() > 1 and bool(torch.any(ids[1:] < ids[:-1])):
            raise ValueError(f"{name}: sorted=True but segment_ids are not sorted")
        n = int(num_segments)
        src = data.to(torch.uint8) if is_bool else data
        ids = ids.to(torch.int64)
        slot = torch.where((ids >= 0) & (ids < n), ids, n)  # a spare row takes the dropped ids
        index = slot.reshape(-1, *([1] * (src.dim() - 1))).expand(src.shape)
        init = torch.full((n + 1, *src.shape[1:]), _identity(name, src.dtype), dtype=src.dtype)
        out = torch.scatter_reduce(init, 0, index, src, _REDUCE[name], include_self=True)[:n]
        return out.to(torch.bool) if is_bool else out
    kernel.__name__ = name
    return kernel


def in_top_k(targets, predictions, k):
    t, p = T(targets), T(predictions)
    if p.dim() != 2 or tuple(t.shape) != tuple(p.shape[:1]):
        raise ValueError(f"in_top_k: targets {tuple(t.shape)} and predictions {tuple(p.shape)}; expected (batch,) "
                         f"and (batch, classes)")
    at = torch.gather(p, 1, t.to(torch.int64)[:, None])
    if p.is_floating_point():
        at = torch.where(torch.isnan(at), torch.full((), -float("inf"), dtype=p.dtype), at)
    return 1 + torch.sum(p > at, dim=1) <= k


#: op name -> kernel
KERNELS: dict = {
    "searchsorted": searchsorted, "unique": unique, "nonzero": nonzero, "argpartition": argpartition,
    "unravel_index": unravel_index, "segment_sum": _segment("segment_sum"), "segment_prod": _segment("segment_prod"),
    "segment_max": _segment("segment_max"), "segment_min": _segment("segment_min"), "in_top_k": in_top_k,
}

__all__ = ["KERNELS"]
