"""Shape and data-movement kernels, creation, sorting, one-hot."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import torch
import torch.nn.functional as tnf

from dlx import dtypes
from dlx.ops.defs.shape import dense_only as _dense_only
from dlx_torch._tensors import DEVICE, UNSIGNED_WIDE, T, Tensor, pair_tensors, promote_all, tdtype, unsigned_safe

_T = Tensor
_slice = builtins.slice


def _shape_of(x: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in (x.shape if hasattr(x, "shape") else np.shape(x)))


def reshape(x, newshape):
    x = x if type(x) is _T else T(x)
    return torch.reshape(x, (newshape,) if isinstance(newshape, int) else tuple(newshape))


def transpose(x, axes=None):
    x = T(x)
    if axes is None:
        return x.permute(*range(x.ndim - 1, -1, -1))
    return x.permute(*axes)


def expand_dims(x, axis):
    x = T(x)
    if isinstance(axis, int):
        return torch.unsqueeze(x, axis)
    out_nd = x.ndim + len(axis)
    shape = list(x.shape)
    for a in sorted(int(a) % out_nd for a in axis):
        shape.insert(a, 1)
    return x.reshape(shape)


def squeeze(x, axis=None):
    x = T(x)
    if axis is None:
        return torch.squeeze(x)
    ax = (axis,) if isinstance(axis, int) else tuple(axis)
    ax = tuple(a % x.ndim for a in ax)
    for a in ax:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: axis={axis} has length {x.shape[a]}, expected 1")
    return torch.squeeze(x, ax)


def concatenate(xs, axis=0):
    return torch.cat(promote_all(xs), axis)


def stack(x, axis=0):
    return torch.stack(promote_all(x), axis)


def split(x, indices_or_sections, axis=0):
    x = T(x)
    if isinstance(indices_or_sections, int):
        n = x.shape[axis]
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError(f"split: {indices_or_sections} sections do not divide axis {axis} of length {n} equally")
        return list(torch.tensor_split(x, indices_or_sections, axis))
    return list(torch.tensor_split(x, [int(i) for i in indices_or_sections], axis))


def _long(idx: Any) -> Tensor:
    idx = T(idx)
    return idx if idx.dtype is torch.int64 else idx.to(torch.int64)


def take(x, indices, axis=None):
    x = T(x)
    idx = _long(indices)
    if axis is None:
        x, a = x.reshape(-1), 0
    else:
        a = axis % x.ndim
    idx = torch.where(idx < 0, idx + x.shape[a], idx)
    out = torch.index_select(x, a, idx.reshape(-1))
    return out.reshape((*x.shape[:a], *idx.shape, *x.shape[a + 1:]))


def take_along_axis(x, indices, axis=None):
    x = T(x)
    idx = _long(indices)
    if axis is None:
        x, idx, a = x.reshape(-1), idx.reshape(-1), 0
    else:
        a = axis % x.ndim
    idx = torch.where(idx < 0, idx + x.shape[a], idx)
    return torch.take_along_dim(x, idx, a)


def take_along_axis_grad(g, x, indices, axis):
    g = T(g)
    xs = _shape_of(x)
    idx = _long(indices)
    a = axis % len(xs)
    shape = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(xs, idx.shape))]
    idx = torch.where(idx < 0, idx + xs[a], idx).expand(shape)
    gx_shape = [s if i != a else xs[a] for i, s in enumerate(shape)]
    gx = torch.zeros(gx_shape, dtype=g.dtype, device=g.device).scatter_add(a, idx, g.expand(shape))
    red = tuple(i for i, (s, t) in enumerate(zip(xs, gx_shape)) if s == 1 and t != 1)
    return torch.sum(gx, red, keepdim=True) if red else gx


def slice(inputs, start_indices, shape):
    x = T(inputs)
    return x[tuple(_slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))]


def slice_update(inputs, start_indices, updates):
    x, u = pair_tensors(inputs, updates)
    out = x.clone()
    out[tuple(_slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, u.shape))] = u
    return out


def scatter_add(x, indices, updates):
    x, u = pair_tensors(x, updates)
    idx = _long(indices)
    return torch.index_put(x, tuple(idx[..., i] for i in range(idx.shape[-1])), u, accumulate=True)


def gather_nd(x, indices):
    x = T(x)
    idx = _long(indices)
    return x[tuple(idx[..., i] for i in range(idx.shape[-1]))]


def _pad_pairs(pad_width: Any, ndim: int) -> list[tuple[int, int]]:
    pw = np.asarray(pad_width, np.int64)
    pw = np.full((1, 2), int(pw.ravel()[0])) if pw.size == 1 else pw.reshape(-1, 2)
    return [(int(a), int(b)) for a, b in np.broadcast_to(pw, (ndim, 2))]


def pad(x, pad_width, mode="constant", constant_values=None):
    x = T(x)
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError(f"pad: mode={mode!r}; expected 'constant', 'reflect' or 'symmetric'")
    pw = _pad_pairs(pad_width, x.ndim)
    if mode == "constant":
        flat: list[int] = []
        for lo, hi in reversed(pw):
            flat += [lo, hi]
        value = 0 if constant_values is None else constant_values
        if not x.is_floating_point():
            value = bool(value) if x.dtype is torch.bool else int(value)
        return tnf.pad(x, flat, mode="constant", value=value)
    if constant_values is not None:
        raise ValueError(f"pad: constant_values is only allowed with mode='constant', got mode={mode!r}")
    for d, (lo, hi) in enumerate(pw):
        if lo or hi:  # the index map NumPy's reflect / symmetric padding gives, applied natively
            idx = np.pad(np.arange(x.shape[d]), (lo, hi), mode=mode)
            x = torch.index_select(x, d, torch.from_numpy(idx).to(x.device))
    return x


def tile(x, repeats):
    return torch.tile(T(x), (repeats,) if isinstance(repeats, int) else tuple(int(r) for r in repeats))


def repeat(x, repeats, axis=None):
    x = T(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not isinstance(repeats, int):
        repeats = torch.as_tensor(np.asarray(repeats, np.int64), device=x.device)
    return torch.repeat_interleave(x, repeats, axis)


def broadcast_to(x, shape):
    return torch.broadcast_to(T(x), tuple(int(d) for d in shape))


def _key_parts(key: Any) -> tuple:
    if isinstance(key, list):
        key = tuple(key)
    return key if isinstance(key, tuple) else (key,)


def _is_basic(parts: tuple) -> bool:
    for p in parts:
        if p is None or p is Ellipsis:
            continue
        if isinstance(p, _slice):
            if p.step is not None and p.step <= 0:
                return False
            continue
        if isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)):
            continue
        return False
    return True


def _index_map(shape: tuple, key: tuple) -> Tensor:
    """Flat source positions of ``x[key]`` (NumPy's indexing semantics, evaluated statically)."""
    m = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[key]
    return torch.from_numpy(np.array(m, np.int64)).to(DEVICE.torch)


def get_item(x, key):
    x = T(x)
    parts = _key_parts(key)
    if _is_basic(parts):
        return x[parts]
    m = _index_map(tuple(x.shape), parts)
    return x.reshape(-1)[m.to(x.device)]


def get_item_grad(g, x, key):
    g = T(g)
    shape = _shape_of(x)
    parts = _key_parts(key)
    if _is_basic(parts):
        out = torch.zeros(shape, dtype=g.dtype, device=g.device)
        out[parts] = g
        return out
    m = _index_map(shape, parts).to(g.device)
    flat = torch.zeros(int(np.prod(shape)), dtype=g.dtype, device=g.device)
    return flat.index_add(0, m.reshape(-1), torch.broadcast_to(g, m.shape).reshape(-1)).reshape(shape)


def flip(x, axis=None):
    x = T(x)
    dims = tuple(range(x.ndim)) if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
    return torch.flip(x, dims)


def roll(x, shift, axis=None):
    x = T(x)
    if axis is None:
        return torch.roll(x.reshape(-1), shift if isinstance(shift, int) else int(np.sum(shift))).reshape(x.shape)
    return torch.roll(x, shift, axis)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(T(x), axis1, axis2)


def moveaxis(x, source, destination):
    src = source if isinstance(source, int) else tuple(source)
    dst = destination if isinstance(destination, int) else tuple(destination)
    return torch.movedim(T(x), src, dst)


def ravel(x):
    return torch.ravel(T(x))


def zeros_like(x, dtype=None):
    return torch.zeros_like(T(x), dtype=None if dtype is None else tdtype(dtype))


def ones_like(x, dtype=None):
    return torch.ones_like(T(x), dtype=None if dtype is None else tdtype(dtype))


def _filled(shape: Any, fill_value: Any, dt: torch.dtype) -> Tensor:
    if isinstance(fill_value, (Tensor, np.ndarray)):
        return torch.broadcast_to(T(fill_value).to(dt), shape).clone()
    if dt is not torch.bool and not dt.is_floating_point and isinstance(fill_value, float):
        fill_value = int(fill_value)  # NumPy casts the fill value (truncating)
    if dt in UNSIGNED_WIDE:
        return torch.full(shape, fill_value, dtype=torch.int64, device=DEVICE.torch).to(dt)
    return torch.full(shape, fill_value, dtype=dt, device=DEVICE.torch)


def full_like(x, fill_value, dtype=None):
    x = T(x)
    dt = x.dtype if dtype is None else tdtype(dtype)
    return _filled(tuple(x.shape), fill_value, dt).to(x.device)


def _shape_arg(shape: Any) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)


def zeros(shape, dtype=None):
    return torch.zeros(_shape_arg(shape), dtype=tdtype(dtype or dtypes.floatx()), device=DEVICE.torch)


def ones(shape, dtype=None):
    return torch.ones(_shape_arg(shape), dtype=tdtype(dtype or dtypes.floatx()), device=DEVICE.torch)


def full(shape, fill_value, dtype=None):
    if dtype is not None:
        dt = tdtype(dtype)
    elif isinstance(fill_value, (bool, int, float)):
        dt = tdtype(dtypes.result_type(fill_value))
    else:
        dt = T(fill_value).dtype
    return _filled(_shape_arg(shape), fill_value, dt)


def eye(N, M=None, k=0, dtype=None):
    dt = tdtype(dtype or dtypes.floatx())
    M = N if M is None else M
    if k == 0 and dt not in UNSIGNED_WIDE:
        return torch.eye(N, M, dtype=dt, device=DEVICE.torch)
    rows = torch.arange(N, device=DEVICE.torch).reshape(-1, 1)
    cols = torch.arange(M, device=DEVICE.torch).reshape(1, -1)
    return (cols - rows == k).to(dt)


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = dtypes.result_type(start, *(v for v in (stop, step) if v is not None))
    if step is None:
        step = 1
    if stop is None:
        start, stop = 0, start
    dt = tdtype(dtype)
    if dt in UNSIGNED_WIDE:
        return torch.arange(start, stop, step, dtype=torch.int64, device=DEVICE.torch).to(dt)
    return torch.arange(start, stop, step, dtype=dt, device=DEVICE.torch)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dt = tdtype(dtype or dtypes.floatx())
    if retstep or not (isinstance(start, (int, float)) and isinstance(stop, (int, float))):
        # array bounds (samples along ``axis``) or the step too: NumPy's float64 values, built on
        # the host from the static arguments, rounded once to the dtype
        out, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, dtype=np.float64, axis=axis)
        values = torch.from_numpy(out).to(device=DEVICE.torch, dtype=dt)
        if not retstep:
            return values
        return values, torch.from_numpy(np.asarray(step, np.float64)).to(device=DEVICE.torch, dtype=dt)
    # NumPy's formula, in float64, then rounded once to the dtype
    div = (num - 1) if endpoint else num
    y = torch.arange(num, dtype=torch.float64, device=DEVICE.torch)
    delta = float(stop) - float(start)
    if div > 0:
        step = delta / div
        y = y / div * delta if step == 0 else y * step
    else:
        y = y * delta
    y = y + float(start)
    if endpoint and num > 1:
        y[-1] = float(stop)
    return y.to(dt)


def sort(x, axis=-1):
    return torch.sort(T(x), dim=axis, stable=True).values


def argsort(x, axis=-1):
    return torch.argsort(T(x), dim=axis, stable=True).to(torch.int32)


def top_k(x, k, sorted=True):
    x = T(x)
    if x.dtype is torch.bool:
        key = torch.logical_not(x)
    elif x.dtype in UNSIGNED_WIDE:
        key = torch.neg(x.to(torch.int64))
    else:
        key = torch.neg(x)
    # a stable ascending sort of -x: descending values, the first index wins ties (NaN last)
    idx = torch.argsort(key, dim=-1, stable=True)[..., :k]
    return torch.take_along_dim(x, idx, -1), idx.to(torch.int32)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    _dense_only("one_hot", sparse)
    x = _long(x)
    out = (x.unsqueeze(-1) == torch.arange(num_classes, device=x.device)).to(tdtype(dtype or dtypes.floatx()))
    return out if axis == -1 else torch.movedim(out, -1, axis)


def tril(x, k=0):
    return torch.tril(T(x), k)


def triu(x, k=0):
    return torch.triu(T(x), k)


_NAMES = (
    "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "split", "take",
    "take_along_axis", "take_along_axis_grad", "slice", "slice_update", "scatter_add", "gather_nd", "pad",
    "tile", "repeat", "broadcast_to", "get_item", "get_item_grad", "flip", "roll", "swapaxes", "moveaxis",
    "ravel", "zeros_like", "ones_like", "full_like", "zeros", "ones", "full", "eye", "arange", "linspace",
    "sort", "argsort", "top_k", "one_hot", "tril", "triu")
# data movement that torch lacks for uint16/32/64 is retried on int64 (see unsigned_safe)
_MOVING = {
    "transpose", "concatenate", "stack", "take", "take_along_axis", "slice_update", "scatter_add",
    "gather_nd", "pad", "tile", "repeat", "get_item", "flip", "roll", "tril", "triu", "sort", "argsort",
    "top_k", "split", "broadcast_to", "slice", "moveaxis", "swapaxes", "squeeze", "expand_dims", "ravel"}
#: op name -> kernel
KERNELS: dict[str, Any] = {n: unsigned_safe(globals()[n]) if n in _MOVING else globals()[n] for n in _NAMES}
