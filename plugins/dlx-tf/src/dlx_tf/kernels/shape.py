"""Shape, data-movement, creation and sorting kernels (see ``dlx.ops.defs.shape``)."""

from __future__ import annotations

import builtins
import itertools
import math

import numpy as np

from dlx import dtypes
from dlx.ops.defs.shape import dense_only as _dense_only
from dlx_tf._core import NAME, TF, axes, promote, static_shape, tensor, tf

_raw = tf.raw_ops


def _dt(dtype, default: str | None = None):
    return TF[dtypes.standardize(dtype)] if dtype is not None else TF[default or dtypes.floatx()]


def _np_value(value, dt: tf.DType) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(value).astype(dtypes.to_numpy_dtype(NAME[dt]))


def reshape(x, newshape):
    if isinstance(newshape, int):
        newshape = (newshape,)
    return tf.reshape(tensor(x), list(newshape))


def transpose(x, axes=None):
    x = tensor(x)
    if axes is None:
        return tf.transpose(x)
    return tf.transpose(x, list(axes))


def expand_dims(x, axis):
    x = tensor(x)
    if isinstance(axis, int):
        return tf.expand_dims(x, axis)
    out_nd = x.shape.rank + len(axis)
    for a in sorted(int(a) % out_nd for a in axis):
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    x = tensor(x)
    if axis is None:
        return tf.squeeze(x)
    ax = axes(axis, x.shape.rank)
    shape = static_shape(x)
    for a in ax:
        if shape[a] is not None and shape[a] != 1:
            raise ValueError(f"squeeze: axis={axis} has length {shape[a]}, expected 1")
    return tf.squeeze(x, ax)


def concatenate(xs, axis=0):
    return tf.concat(promote(*xs), axis)


def stack(x, axis=0):
    return tf.stack(promote(*x), axis)


def split(x, indices_or_sections, axis=0):
    x = tensor(x)
    if isinstance(indices_or_sections, int):
        n = static_shape(x)[axis]
        if n is not None and n % indices_or_sections:
            raise ValueError(f"split: an axis of length {n} does not split into {indices_or_sections} equal sections")
        return tf.split(x, indices_or_sections, axis)
    n = static_shape(x)[axis]
    bounds = [0, *(builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections), n]
    sizes = [builtins.max(b - a, 0) for a, b in itertools.pairwise(bounds)]
    return tf.split(x, sizes, axis)


def _wrap_negative(idx, n):
    return tf.where(idx < 0, idx + tf.cast(n, idx.dtype), idx)


def _index(indices):
    idx = tensor(indices)
    if idx.dtype not in (tf.int32, tf.int64):
        idx = tf.cast(idx, tf.int64)
    return idx


def take(x, indices, axis=None):
    x = tensor(x)
    idx = _index(indices)
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    axis = int(axis) % x.shape.rank
    return tf.gather(x, _wrap_negative(idx, tf.shape(x, idx.dtype)[axis]), axis=axis)


def _to_last(t, a, nd):
    perm = [i for i in range(nd) if i != a] + [a]
    return tf.transpose(t, perm) if a != nd - 1 else t


def _from_last(t, a, nd):
    if a == nd - 1:
        return t
    perm = list(range(nd - 1))
    perm.insert(a, nd - 1)
    return tf.transpose(t, perm)


def _broadcast_except(x, idx, a, nd):
    """``x`` and ``idx`` broadcast against each other on every axis but ``a``."""
    xs, js = static_shape(x), static_shape(idx)
    if None not in xs and None not in js:
        shape = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(xs, js))]
        return tf.broadcast_to(x, [s if i != a else xs[a] for i, s in enumerate(shape)]), tf.broadcast_to(idx, shape)
    sx, si = tf.shape(x), tf.shape(idx, out_type=tf.int32)
    at = tf.one_hot(a, nd, dtype=tf.int32)
    common = tf.broadcast_dynamic_shape(sx * (1 - at) + at, si * (1 - at) + at)
    return tf.broadcast_to(x, common * (1 - at) + sx[a] * at), tf.broadcast_to(idx, common * (1 - at) + si[a] * at)


def take_along_axis(x, indices, axis=None):
    x = tensor(x)
    idx = _index(indices)
    if axis is None:
        flat = tf.reshape(x, [-1])
        i = tf.reshape(idx, [-1])
        return tf.gather(flat, _wrap_negative(i, tf.size(flat, i.dtype)))
    nd = x.shape.rank
    a = int(axis) % nd
    xb, ib = _broadcast_except(x, idx, a, nd)
    ib = _wrap_negative(ib, tf.shape(x, ib.dtype)[a])
    out = tf.gather(_to_last(xb, a, nd), _to_last(ib, a, nd), batch_dims=nd - 1)
    return _from_last(out, a, nd)


def take_along_axis_grad(g, x, indices, axis):
    """Scatter-add of ``g`` into zeros shaped like the (broadcast) ``x``, summed back to ``x``."""
    g = tensor(g)
    idx = _index(indices)
    xs = static_shape(x)
    nd = len(xs)
    a = int(axis) % nd
    js = static_shape(idx)
    shape = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(xs, js))]
    n = xs[a]
    ib = _to_last(_wrap_negative(tf.broadcast_to(idx, shape), n), a, nd)
    gb = _to_last(tf.broadcast_to(g, shape), a, nd)
    lead = [s for i, s in enumerate(shape) if i != a]
    rows = math.prod(lead)
    k = shape[a]
    seg = tf.reshape(ib, [rows, k]) + tf.range(rows, dtype=ib.dtype)[:, None] * n
    out = tf.math.unsorted_segment_sum(tf.reshape(gb, [rows * k]), tf.reshape(seg, [rows * k]), rows * n)
    out = _from_last(tf.reshape(out, [*lead, n]), a, nd)
    red = [i for i, (s, t) in enumerate(zip(xs, shape)) if s == 1 and t != 1 and i != a]
    return tf.reduce_sum(out, red, keepdims=True) if red else out


def slice(inputs, start_indices, shape):
    return tf.slice(tensor(inputs), [int(s) for s in start_indices], [int(n) for n in shape])


def slice_update(inputs, start_indices, updates):
    x, u = promote(inputs, updates)
    begin = [int(s) for s in start_indices]
    us = static_shape(u)
    end = [b + int(n) for b, n in zip(begin, us)] if None not in us else tf.constant(begin) + tf.shape(u, tf.int32)
    return _raw.TensorStridedSliceUpdate(input=x, begin=begin, end=end, strides=[1] * len(begin), value=u)


def scatter_add(x, indices, updates):
    x, u = promote(x, updates)
    return tf.tensor_scatter_nd_add(x, _index(indices), u)


def gather_nd(x, indices):
    return tf.gather_nd(tensor(x), _index(indices))


def _pad_pairs(pad_width, ndim):
    arr = np.asarray(pad_width, np.int64)
    if arr.size == 1:
        arr = np.full((1, 2), int(arr.ravel()[0]))
    return np.broadcast_to(arr.reshape(-1, 2), (ndim, 2)).tolist()


def pad(x, pad_width, mode="constant", constant_values=None):
    x = tensor(x)
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError(f"pad: mode={mode!r}; expected 'constant', 'reflect' or 'symmetric'")
    pw = _pad_pairs(pad_width, x.shape.rank)
    if mode == "constant":
        value = 0 if constant_values is None else constant_values
        return tf.pad(x, pw, constant_values=tf.constant(_np_value(value, x.dtype)))
    if constant_values is not None:
        raise ValueError(f"pad: constant_values is only allowed with mode='constant', got mode={mode!r}")
    return tf.pad(x, pw, mode=mode.upper())


def tile(x, repeats):
    x = tensor(x)
    reps = [int(repeats)] if isinstance(repeats, int) else [int(r) for r in repeats]
    nd = x.shape.rank
    if len(reps) > nd:
        x = tf.reshape(x, [1] * (len(reps) - nd) + list(static_shape(x)))
    reps = [1] * (builtins.max(nd, len(reps)) - len(reps)) + reps
    return tf.tile(x, reps)


def repeat(x, repeats, axis=None):
    x = tensor(x)
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    return tf.repeat(x, repeats, axis=axis)


def broadcast_to(x, shape):
    return tf.broadcast_to(tensor(x), list(shape))


def _norm_key(key):
    return tuple(key) if isinstance(key, list) else key


def get_item(x, key):
    return tensor(x)[_norm_key(key)]


def get_item_grad(g, x, key):
    g = tensor(g)
    shape = static_shape(x)
    size = math.prod(shape)
    positions = np.arange(size, dtype=np.int64).reshape(shape)[_norm_key(key)]
    idx = tf.constant(np.reshape(positions, (-1, 1)))
    out = tf.scatter_nd(idx, tf.reshape(g, [-1]), [size])
    return tf.reshape(out, shape)


def flip(x, axis=None):
    x = tensor(x)
    ax = list(range(x.shape.rank)) if axis is None else axes(axis, x.shape.rank)
    return tf.reverse(x, ax)


def roll(x, shift, axis=None):
    x = tensor(x)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, 0), tf.shape(x))
    return tf.roll(x, shift, axis)


def swapaxes(x, axis1, axis2):
    x = tensor(x)
    nd = x.shape.rank
    perm = list(range(nd))
    a, b = int(axis1) % nd, int(axis2) % nd
    perm[a], perm[b] = perm[b], perm[a]
    return tf.transpose(x, perm)


def moveaxis(x, source, destination):
    x = tensor(x)
    nd = x.shape.rank
    src = axes(source, nd)
    dst = axes(destination, nd)
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of elements")
    order = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return tf.transpose(x, order)


def ravel(x):
    return tf.reshape(tensor(x), [-1])


def zeros_like(x, dtype=None):
    x = tensor(x)
    return tf.zeros_like(x, dtype=None if dtype is None else _dt(dtype))


def ones_like(x, dtype=None):
    x = tensor(x)
    return tf.ones_like(x, dtype=None if dtype is None else _dt(dtype))


def full_like(x, fill_value, dtype=None):
    x = tensor(x)
    dt = x.dtype if dtype is None else _dt(dtype)
    return tf.fill(tf.shape(x), tf.constant(_np_value(fill_value, dt)))


def _shape_list(shape):
    """Sizes as ints; a run-time size (a scalar tensor: a batch in a traced graph) stays a tensor."""
    return [int(shape)] if isinstance(shape, int) else [s if tf.is_tensor(s) else int(s) for s in shape]


def zeros(shape, dtype=None):
    return tf.zeros(_shape_list(shape), _dt(dtype))


def ones(shape, dtype=None):
    return tf.ones(_shape_list(shape), _dt(dtype))


def full(shape, fill_value, dtype=None):
    dt = _dt(dtype) if dtype is not None else TF[dtypes.result_type(fill_value)]
    return tf.fill(_shape_list(shape), tf.constant(_np_value(fill_value, dt)))


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    rows = tf.range(N)[:, None] + k
    return tf.cast(tf.equal(rows, tf.range(M)[None, :]), _dt(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = dtypes.result_type(start, *(v for v in (stop, step) if v is not None))
    if step is None:
        step = 1
    dt = _dt(dtype)
    if stop is None:
        start, stop = 0, start
    if any(tf.is_tensor(v) for v in (start, stop, step)):  # run-time bounds (a batch size in a traced graph)
        return tf.range(tf.cast(start, dt), tf.cast(stop, dt), tf.cast(step, dt))
    n = builtins.max(math.ceil((stop - start) / step), 0)
    if dt.is_integer:
        return tf.range(int(start), int(start) + n * int(step), int(step), dtype=dt)
    s = tf.constant(start, dt)
    delta = (s + tf.constant(step, dt)) - s
    return s + tf.cast(tf.range(n), dt) * delta


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """NumPy's float64 algorithm (``start + arange(num) * step``, exact endpoint), then cast."""
    if retstep or not (isinstance(start, (int, float)) and isinstance(stop, (int, float))):
        # array bounds (samples along ``axis``) or the step too: NumPy's float64 values, built on
        # the host from the static arguments, rounded once to the dtype
        out, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, dtype=np.float64, axis=axis)
        values = tf.cast(tf.constant(out), _dt(dtype))
        return (values, tf.cast(tf.constant(np.asarray(step, np.float64)), _dt(dtype))) if retstep else values
    num = int(num)
    div = (num - 1) if endpoint else num
    y = tf.range(num, dtype=tf.float64)
    delta = float(stop) - float(start)
    if div > 0:
        step = delta / div
        y = y / div * delta if step == 0 else y * step
    else:
        y = y * delta
    y = y + float(start)
    if endpoint and num > 1:
        y = tf.concat([y[:-1], tf.constant([float(stop)], tf.float64)], 0)
    return tf.cast(y, _dt(dtype))


def sort(x, axis=-1):
    return tf.sort(tensor(x), axis=axis)


def argsort(x, axis=-1):
    return tf.argsort(tensor(x), axis=axis, stable=True)


def top_k(x, k, sorted=True):
    values, indices = tf.math.top_k(tensor(x), k=int(k), sorted=True)
    return values, indices


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    _dense_only("one_hot", sparse)
    x = tensor(x)
    if x.dtype not in (tf.int32, tf.int64, tf.uint8):
        x = tf.cast(x, tf.int64)
    nd = x.shape.rank + 1
    a = -1 if axis == -1 else int(axis) % nd
    return tf.one_hot(x, int(num_classes), axis=a, dtype=_dt(dtype))


def _tri_mask(x, k, lower):
    shape = tf.shape(x)
    rows = tf.range(shape[-2])[:, None]
    cols = tf.range(shape[-1])[None, :]
    return (cols - rows <= k) if lower else (cols - rows >= k)


def tril(x, k=0):
    x = tensor(x)
    if k >= 0:
        return tf.linalg.band_part(x, -1, k)
    return tf.where(_tri_mask(x, k, True), x, tf.zeros((), x.dtype))


def triu(x, k=0):
    x = tensor(x)
    if k <= 0:
        return tf.linalg.band_part(x, -k, -1)
    return tf.where(_tri_mask(x, k, False), x, tf.zeros((), x.dtype))


#: op name -> kernel
KERNELS: dict = {
    "reshape": reshape, "transpose": transpose, "expand_dims": expand_dims, "squeeze": squeeze,
    "concatenate": concatenate, "stack": stack, "split": split, "take": take, "take_along_axis": take_along_axis,
    "take_along_axis_grad": take_along_axis_grad, "slice": slice, "slice_update": slice_update,
    "scatter_add": scatter_add, "gather_nd": gather_nd, "pad": pad, "tile": tile, "repeat": repeat,
    "broadcast_to": broadcast_to, "get_item": get_item, "get_item_grad": get_item_grad, "flip": flip, "roll": roll,
    "swapaxes": swapaxes, "moveaxis": moveaxis, "ravel": ravel, "zeros_like": zeros_like, "ones_like": ones_like,
    "full_like": full_like, "zeros": zeros, "ones": ones, "full": full, "eye": eye, "arange": arange,
    "linspace": linspace, "sort": sort, "argsort": argsort, "top_k": top_k, "one_hot": one_hot, "tril": tril,
    "triu": triu,
}

__all__ = ["KERNELS"]
