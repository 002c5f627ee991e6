"""Shape, data-movement, indexing, creation and sorting kernels: the ops of
:mod:`dlx.ops.defs.shape`."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from dlx import dtypes
from dlx.ops.defs.shape import dense_only as _dense_only
from dlx_jax._common import INT32, Array, arr, axis_arg, axis_tuple, floatx, np_dtype, promote
from dlx_jax._internals import tracing


def reshape(x, newshape):
    return jnp.reshape(arr(x), newshape)


def transpose(x, axes=None):
    return jnp.transpose(arr(x), axis_arg(axes))


def expand_dims(x, axis):
    return jnp.expand_dims(arr(x), axis_arg(axis))


def squeeze(x, axis=None):
    x = arr(x)
    if axis is not None:
        for a in axis_tuple(axis, x.ndim):
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: axis={axis} has length {x.shape[a]}, expected 1")
    return jnp.squeeze(x, axis_arg(axis))


def concatenate(xs, axis=0):
    return jnp.concatenate(promote(*xs), axis=axis)


def stack(x, axis=0):
    return jnp.stack(promote(*x), axis=axis)


def split(x, indices_or_sections, axis=0):
    return list(jnp.split(arr(x), indices_or_sections, axis=axis))


def _index(indices):
    return arr(indices)


def take(x, indices, axis=None):
    # in-range negative indices count from the end (jnp normalizes them), like NumPy
    return jnp.take(arr(x), _index(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    x, idx = arr(x), _index(indices)
    if axis is None:
        return jnp.take_along_axis(x.ravel(), idx.ravel(), 0)
    a = axis % x.ndim
    shape = [max(s, t) if i != a else t for i, (s, t) in enumerate(zip(x.shape, idx.shape))]
    xb = jnp.broadcast_to(x, [s if i != a else x.shape[a] for i, s in enumerate(shape)])
    return jnp.take_along_axis(xb, jnp.broadcast_to(idx, shape), axis=a)


def take_along_axis_grad(g, x, indices, axis):
    g, x, idx = arr(g), arr(x), _index(indices)
    a = axis % x.ndim
    shape = [max(s, t) if i != a else t for i, (s, t) in enumerate(zip(x.shape, idx.shape))]
    idx = jnp.broadcast_to(idx, shape)
    idx = jnp.where(idx < 0, idx + x.shape[a], idx)
    full = [s if i != a else x.shape[a] for i, s in enumerate(shape)]
    grid = [lax.broadcasted_iota(np.int32, shape, i) for i in range(len(shape))]
    grid[a] = idx
    gx = jnp.zeros(full, g.dtype).at[tuple(grid)].add(jnp.broadcast_to(g, shape))
    axes = tuple(i for i, (s, t) in enumerate(zip(x.shape, full)) if s == 1 and t != 1)
    return jnp.sum(gx, axis=axes, keepdims=True) if axes else gx


def slice_(inputs, start_indices, shape):
    x = arr(inputs)
    start = [int(s) for s in start_indices]
    return lax.slice(x, start, [s + int(n) for s, n in zip(start, shape)])


def slice_update(inputs, start_indices, updates):
    x, u = promote(inputs, updates)
    return lax.dynamic_update_slice(x, u, [int(s) for s in start_indices])


def scatter_add(x, indices, updates):
    x, u = promote(x, updates)
    idx = _index(indices)
    return x.at[tuple(idx[..., i] for i in range(idx.shape[-1]))].add(u)


def gather_nd(x, indices):
    x, idx = arr(x), _index(indices)
    return x[tuple(idx[..., i] for i in range(idx.shape[-1]))]


def _pad_pairs(pad_width, ndim):
    pw = np.asarray(pad_width, np.int64)
    pw = np.full((1, 2), int(pw.ravel()[0])) if pw.size == 1 else pw.reshape(-1, 2)
    return [tuple(int(v) for v in p) for p in np.broadcast_to(pw, (ndim, 2))]


def pad(x, pad_width, mode="constant", constant_values=None):
    x = arr(x)
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError(f"pad: mode={mode!r}; expected 'constant', 'reflect' or 'symmetric'")
    pw = _pad_pairs(pad_width, x.ndim)
    if mode == "constant":
        return jnp.pad(x, pw, mode="constant", constant_values=0 if constant_values is None else constant_values)
    if constant_values is not None:
        raise ValueError(f"pad: constant_values is only allowed with mode='constant', got mode={mode!r}")
    return jnp.pad(x, pw, mode=mode)


def tile(x, repeats):
    return jnp.tile(arr(x), repeats)


def repeat(x, repeats, axis=None):
    x = arr(x)
    if not isinstance(repeats, int):
        reps = [int(r) for r in np.asarray(repeats).ravel()]
        return jnp.repeat(x, np.asarray(reps), axis=axis, total_repeat_length=sum(reps))
    return jnp.repeat(x, repeats, axis=axis)


def broadcast_to(x, shape):
    return jnp.broadcast_to(arr(x), tuple(shape))


def _key(key):
    return tuple(key) if isinstance(key, list) else key


def get_item(x, key):
    if type(x) is Array:
        return x[_key(key)]
    return arr(x)[_key(key)]


def get_item_grad(g, x, key):
    g = arr(g)
    return jnp.zeros(jnp.shape(x), g.dtype).at[_key(key)].add(g)


def flip(x, axis=None):
    return jnp.flip(arr(x), axis_arg(axis))


def roll(x, shift, axis=None):
    return jnp.roll(arr(x), axis_arg(shift), axis_arg(axis))


def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(arr(x), axis1, axis2)


def moveaxis(x, source, destination):
    return jnp.moveaxis(arr(x), axis_arg(source), axis_arg(destination))


def ravel(x):
    return jnp.ravel(arr(x))


#: eager constants of at most this many elements are built on the host and transferred
_HOST_FILL_MAX = 1 << 20


def _filled(shape, value, dt):
    """``jnp.full(shape, value, dt)``; eagerly (nothing tracing), a small one is a NumPy array and
    one transfer instead: ``jnp.full`` compiles a program per shape, which is most of the cost
    of building a model's variables and optimizer slots."""
    if tracing() or math.prod(shape) > _HOST_FILL_MAX or isinstance(value, jax.core.Tracer):
        return jnp.full(shape, value, dt)
    return jax.device_put(np.full(shape, np.asarray(value), dt))  # an array fill casts as jnp does


def _shape(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)


def zeros_like(x, dtype=None):
    x = arr(x)
    return _filled(x.shape, 0, x.dtype if dtype is None else np_dtype(dtype))


def ones_like(x, dtype=None):
    x = arr(x)
    return _filled(x.shape, 1, x.dtype if dtype is None else np_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    x = arr(x)
    return _filled(x.shape, fill_value, x.dtype if dtype is None else np_dtype(dtype))


def zeros(shape, dtype=None):
    return _filled(_shape(shape), 0, floatx() if dtype is None else np_dtype(dtype))


def ones(shape, dtype=None):
    return _filled(_shape(shape), 1, floatx() if dtype is None else np_dtype(dtype))


def full(shape, fill_value, dtype=None):
    dt = np_dtype(dtype if dtype is not None else dtypes.result_type(fill_value))
    return _filled(_shape(shape), fill_value, dt)


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k, dtype=floatx() if dtype is None else np_dtype(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = dtypes.result_type(start, *(v for v in (stop, step) if v is not None))
    if step is None:
        step = 1
    if stop is None:
        start, stop = 0, start
    return jnp.arange(start, stop, step, dtype=np_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    # static arguments: the values are built on the host in float64 (as the spec does), then
    # rounded once to the requested dtype
    out, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, dtype=np.float64, axis=axis)
    dt = floatx() if dtype is None else np_dtype(dtype)
    values = jnp.asarray(out.astype(dt))
    return (values, jnp.asarray(np.asarray(step).astype(dt))) if retstep else values


def sort(x, axis=-1):
    return jnp.sort(arr(x), axis=axis, stable=True)


def argsort(x, axis=-1):
    return jnp.argsort(arr(x), axis=axis, stable=True).astype(INT32)


def top_k(x, k, sorted=True):
    values, indices = lax.top_k(arr(x), int(k))
    return values, indices.astype(INT32)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    _dense_only("one_hot", sparse)
    return jax.nn.one_hot(arr(x), num_classes, dtype=floatx() if dtype is None else np_dtype(dtype), axis=axis)


def tril(x, k=0):
    return jnp.tril(arr(x), k)


def triu(x, k=0):
    return jnp.triu(arr(x), k)


#: op name -> kernel
KERNELS: dict = {
    "reshape": reshape, "transpose": transpose, "expand_dims": expand_dims, "squeeze": squeeze,
    "concatenate": concatenate, "stack": stack, "split": split, "take": take,
    "take_along_axis": take_along_axis, "take_along_axis_grad": take_along_axis_grad, "slice": slice_,
    "slice_update": slice_update, "scatter_add": scatter_add, "gather_nd": gather_nd, "pad": pad,
    "tile": tile, "repeat": repeat, "broadcast_to": broadcast_to, "get_item": get_item,
    "get_item_grad": get_item_grad, "flip": flip, "roll": roll, "swapaxes": swapaxes, "moveaxis": moveaxis,
    "ravel": ravel, "zeros_like": zeros_like, "ones_like": ones_like, "full_like": full_like,
    "zeros": zeros, "ones": ones, "full": full, "eye": eye, "arange": arange, "linspace": linspace,
    "sort": sort, "argsort": argsort, "top_k": top_k, "one_hot": one_hot, "tril": tril, "triu": triu,
}
