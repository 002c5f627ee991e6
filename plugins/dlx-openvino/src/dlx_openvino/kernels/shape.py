"""Graph builders of the shape, indexing, creation and sorting ops (:mod:`dlx.ops.defs.shape`).

A builder receives tensor parameters as ``openvino.Output`` edges (or Python scalars, kept weak, or
``None``) and static parameters as Python values, and returns an Output or a list / tuple of them
(see :mod:`dlx_openvino.kernels`)."""

from __future__ import annotations

import builtins
import itertools
import math

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx.ops.defs.shape import dense_only as _dense_only
from dlx_openvino import _graph as G
from dlx_openvino._graph import as_output as _o
from dlx_openvino._graph import (
    cast,
    const,
    dt,
    i64,
    norm_axes,
    out,
    promote,
    reshape,
    select,
    shape,
    transpose,
)


# ------------------------------------------------------------------------------ shape
def _np_shape(fn, x, *args, **kwargs):
    return np.shape(fn(G.dummy(shape(x)), *args, **kwargs))


def reshape_(x, newshape):
    x = _o(x)
    return reshape(x, _np_shape(np.reshape, x, newshape))




def transpose_(x, axes=None):
    x = _o(x)
    n = len(shape(x))
    perm = list(range(n))[::-1] if axes is None else [int(a) % n for a in axes]
    return transpose(x, perm)




def expand_dims(x, axis):
    x = _o(x)
    return reshape(x, _np_shape(np.expand_dims, x, axis))


def squeeze(x, axis=None):
    x = _o(x)
    shp = shape(x)
    if axis is not None:
        for a in norm_axes(axis, len(shp)):
            if shp[a] != 1:
                raise ValueError(f"squeeze: axis={axis} has length {shp[a]}, expected 1")
    return reshape(x, _np_shape(np.squeeze, x, axis))


def concatenate(xs, axis=0):
    d = G.result_type(*xs)
    arrs = [cast(_o(v), d) for v in xs]
    n = len(shape(arrs[0]))
    return out(O.concat(arrs, int(axis) % n))


def stack(x, axis=0):
    d = G.result_type(*x)
    arrs = [cast(_o(v), d) for v in x]
    n = len(shape(arrs[0])) + 1
    a = int(axis) % n
    return out(O.concat([out(O.unsqueeze(v, i64([a]))) for v in arrs], a))


def split(x, indices_or_sections, axis=0):
    x = _o(x)
    shp = shape(x)
    a = int(axis) % len(shp)
    n = shp[a]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if n % k:
            raise ValueError("array split does not result in an equal division")
        lengths = [n // k] * k
    else:
        bounds = [0] + [builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections] + [n]
        lengths = [builtins.max(e - s, 0) for s, e in itertools.pairwise(bounds)]
        starts = bounds[:-1]
        return [out(O.slice(x, i64([s]), i64([s + length]), i64([1]), i64([a]))) for s, length in zip(starts, lengths)]
    node = O.variadic_split(x, i64(a), i64(lengths))
    return [node.output(i) for i in range(len(lengths))]


def _norm_index(idx, n):
    idx = cast(idx, "int64") if dt(idx) not in ("int32", "int64") else idx
    return select(out(O.less(idx, const(0, dt(idx)))), out(O.add(idx, const(n, dt(idx)))), idx)


def take(x, indices, axis=None):
    x = _o(x)
    idx = _o(indices)
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    a = int(axis) % len(shape(x))
    return out(O.gather(x, _norm_index(idx, shape(x)[a]), i64(a)))


def take_along_axis(x, indices, axis=None):
    x = _o(x)
    idx = _o(indices)
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        idx = reshape(idx, [int(np.prod(shape(idx)))])
        axis = 0
    xs, ts = shape(x), shape(idx)
    a = int(axis) % len(xs)
    full_ = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(xs, ts))]
    xb = out(O.broadcast(x, i64([s if i != a else xs[a] for i, s in enumerate(full_)])))
    ib = out(O.broadcast(_norm_index(idx, xs[a]), i64(full_)))
    return out(O.gather_elements(xb, ib, a))


def take_along_axis_grad(g, x, indices, axis):
    g, x, idx = _o(g), _o(x), _o(indices)
    xs, ts = shape(x), shape(idx)
    a = int(axis) % len(xs)
    full_ = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(xs, ts))]
    ib = out(O.broadcast(_norm_index(idx, xs[a]), i64(full_)))
    base_shape = [s if i != a else xs[a] for i, s in enumerate(full_)]
    zeros = G.full(0, base_shape, dt(g))
    gx = out(O.scatter_elements_update(zeros, ib, out(O.broadcast(g, i64(full_))), i64(a), "sum", True))
    axes = [i for i, (s, t) in enumerate(zip(xs, base_shape)) if s == 1 and t != 1]
    return out(O.reduce_sum(gx, i64(axes), True)) if axes else gx


def slice_(inputs, start_indices, shape):
    x = _o(inputs)
    start = [int(s) for s in start_indices]
    stop = [s + int(n) for s, n in zip(start, shape)]
    return out(O.slice(x, i64(start), i64(stop), i64([1] * len(start)), i64(list(range(len(start))))))




def slice_update(inputs, start_indices, updates):
    _, x, u = promote(inputs, updates)
    start = [int(s) for s in start_indices]
    stop = [s + n for s, n in zip(start, shape(u))]
    return out(O.slice_scatter(x, u, i64(start), i64(stop), i64([1] * len(start)), i64(list(range(len(start))))))


def scatter_add(x, indices, updates):
    _, x, u = promote(x, updates)
    idx = cast(_o(indices), "int64")
    return out(O.scatter_nd_update(x, idx, u, "sum"))


def gather_nd(x, indices):
    return out(O.gather_nd(_o(x), cast(_o(indices), "int64")))


def _pad_pairs(pad_width, nd):
    pw = np.broadcast_to(np.asarray(pad_width, np.int64).reshape(-1, 2) if np.size(pad_width) != 1 else
                         np.full((1, 2), int(np.asarray(pad_width).ravel()[0])), (nd, 2))
    return [tuple(int(v) for v in p) for p in pw]


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _o(x)
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError(f"pad: mode={mode!r}; expected 'constant', 'reflect' or 'symmetric'")
    pw = _pad_pairs(pad_width, len(shape(x)))
    begin, end = i64([p[0] for p in pw]), i64([p[1] for p in pw])
    if mode == "constant":
        value = const(0 if constant_values is None else constant_values, dt(x))
        return out(O.pad(x, begin, end, "constant", value))
    if constant_values is not None:
        raise ValueError(f"pad: constant_values is only allowed with mode='constant', got mode={mode!r}")
    return out(O.pad(x, begin, end, mode))


def tile(x, repeats):
    x = _o(x)
    reps = [int(repeats)] if isinstance(repeats, (int, np.integer)) else [int(r) for r in repeats]
    shp = shape(x)
    n = builtins.max(len(shp), len(reps))
    reps = [1] * (n - len(reps)) + reps
    x = reshape(x, [1] * (n - len(shp)) + list(shp))
    return out(O.tile(x, i64(reps)))


def repeat(x, repeats, axis=None):
    x = _o(x)
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    a = int(axis) % len(shape(x))
    idx = np.repeat(np.arange(shape(x)[a]), repeats)
    return out(O.gather(x, i64(idx), i64(a)))


def broadcast_to(x, shape):
    return out(O.broadcast(_o(x), i64([int(s) for s in shape])))


def _norm_key(key):
    if isinstance(key, list):
        key = tuple(key)
    return key if isinstance(key, tuple) else (key,)


def _basic_key(key):
    return builtins.all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, builtins.slice)) for p in key)


_LOW = -(2 ** 62)


def get_item(x, key):
    x = _o(x)
    shp = shape(x)
    key = _norm_key(key)
    out_shape = G.dummy(shp)[key].shape
    if not _basic_key(key):  # integer arrays / boolean masks: a gather of the flat positions
        flat = np.arange(int(np.prod(shp)), dtype=np.int64).reshape(shp)[key]
        return reshape(out(O.gather(reshape(x, [int(np.prod(shp))]), i64(flat.ravel()), i64(0))), out_shape)
    # expand the Ellipsis, then one Slice over every indexed axis and a final Reshape
    n_real = builtins.sum(1 for p in key if p is not None and p is not Ellipsis)
    parts = []
    for p in key:
        if p is Ellipsis:
            parts.extend([builtins.slice(None)] * (len(shp) - n_real))
        elif p is not None:
            parts.append(p)
    parts.extend([builtins.slice(None)] * (len(shp) - len(parts)))
    starts, stops, steps, axes = [], [], [], []
    for ax, p in enumerate(parts):
        n = shp[ax]
        if isinstance(p, builtins.slice):
            if p == builtins.slice(None):
                continue
            s, e, st = p.indices(n)
            if st < 0 and e < 0:
                e = _LOW
        else:
            s = int(p) % n if n else 0
            e, st = s + 1, 1
        starts.append(s)
        stops.append(e)
        steps.append(st)
        axes.append(ax)
    y = out(O.slice(x, i64(starts), i64(stops), i64(steps), i64(axes))) if axes else x
    return reshape(y, out_shape)


def get_item_grad(g, x, key):
    g, x = _o(g), _o(x)
    shp = shape(x)
    n = int(np.prod(shp))
    key = _norm_key(key)
    pos = np.arange(n, dtype=np.int64).reshape(shp)[key]
    gb = reshape(out(O.broadcast(g, i64(list(pos.shape)))), [pos.size])
    zeros = G.full(0, [n], dt(g))
    flat = out(O.scatter_elements_update(zeros, i64(pos.ravel()), gb, i64(0), "sum", True))
    return reshape(flat, shp)


def flip(x, axis=None):
    x = _o(x)
    axes = list(norm_axes(axis, len(shape(x))))
    if not axes:
        return x
    k = len(axes)
    return out(O.slice(x, i64([-1] * k), i64([_LOW] * k), i64([-1] * k), i64(axes)))


def roll(x, shift, axis=None):
    x = _o(x)
    if axis is None:
        shp = shape(x)
        flat = reshape(x, [int(np.prod(shp))])
        return reshape(out(O.roll(flat, i64([int(shift)]), i64([0]))), shp)
    shifts = [int(shift)] if isinstance(shift, (int, np.integer)) else [int(s) for s in shift]
    axes = [int(axis)] if isinstance(axis, (int, np.integer)) else [int(a) for a in axis]
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    if len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    return out(O.roll(x, i64(shifts), i64(axes)))


def _perm_of(fn, nd, *args):
    probe = G.dummy(tuple(range(2, nd + 2)))
    return [s - 2 for s in fn(probe, *args).shape]


def swapaxes(x, axis1, axis2):
    x = _o(x)
    return transpose(x, _perm_of(np.swapaxes, len(shape(x)), axis1, axis2))


def moveaxis(x, source, destination):
    x = _o(x)
    return transpose(x, _perm_of(np.moveaxis, len(shape(x)), source, destination))


def ravel(x):
    x = _o(x)
    return reshape(x, [int(np.prod(shape(x)))])


def _like(value):
    def build(x, dtype=None):
        x = _o(x)
        return G.full(value, shape(x), dtype or dt(x))
    return build


zeros_like = _like(0)
ones_like = _like(1)


def full_like(x, fill_value, dtype=None):
    x = _o(x)
    return G.full(fill_value, shape(x), dtype or dt(x))


def _shape_arg(shape):
    return [int(shape)] if isinstance(shape, (int, np.integer)) else [int(s) for s in shape]


def zeros(shape, dtype=None):
    return G.full(0, _shape_arg(shape), dtype or dtypes.floatx())


def ones(shape, dtype=None):
    return G.full(1, _shape_arg(shape), dtype or dtypes.floatx())


def full(shape, fill_value, dtype=None):
    d = dtype if dtype is not None else dtypes.result_type(fill_value)
    if isinstance(fill_value, (bool, int, float)):
        return G.full(fill_value, _shape_arg(shape), d)
    fv = cast(_o(fill_value), d)
    return out(O.broadcast(fv, i64(_shape_arg(shape))))


def eye(N, M=None, k=0, dtype=None):
    d = dtype or dtypes.floatx()
    m = N if M is None else M
    return out(O.eye(i64(int(N)), i64(int(m)), i64(int(k)), G._DLX2OV[dtypes.standardize(d)]))


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = dtypes.result_type(start, *(v for v in (stop, step) if v is not None))
    if step is None:
        step = 1
    if stop is None:
        start, stop = 0, start
    d = dtypes.standardize(dtype)
    n = builtins.max(math.ceil((stop - start) / step), 0)
    npd = dtypes.to_numpy_dtype(d)
    if d in dtypes.FLOATS:  # NumPy fills start + i * delta with delta = (start + step) - start
        delta = float(np.asarray(start + step, npd)) - float(np.asarray(start, npd))
        i = out(O.range(const(0, d), const(n, d), const(1, d), G._DLX2OV[d]))
        return out(O.add(out(O.multiply(i, const(delta, d))), const(start, d)))
    stop_ = const(start + n * step, d) if n else const(start, d)
    return out(O.range(const(start, d), stop_, const(step, d), G._DLX2OV[d]))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    d = dtype or dtypes.floatx()
    # all arguments are static: the values are a graph Constant computed in float64 (as NumPy)
    values, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, dtype=np.float64, axis=axis)
    return (const(values, d), const(np.asarray(step, np.float64), d)) if retstep else const(values, d)


def _topk_all(x, axis, mode):
    n = shape(x)[axis]
    return O.topk(x, i64(n), axis, mode, "value", "i32", True)


def sort(x, axis=-1):
    x = _o(x)
    a = int(axis) % len(shape(x))
    return out(_topk_all(x, a, "min").output(0))


def argsort(x, axis=-1):
    x = _o(x)
    a = int(axis) % len(shape(x))
    return out(_topk_all(x, a, "min").output(1))


def top_k(x, k, sorted=True):
    x = _o(x)
    node = O.topk(x, i64(int(k)), len(shape(x)) - 1, "max", "value", "i32", True)
    return out(node.output(0)), out(node.output(1))


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    _dense_only("one_hot", sparse)
    x = cast(_o(x), "int32")
    d = dtype or dtypes.floatx()
    nd = len(shape(x)) + 1
    a = int(axis) % nd
    valid = out(O.logical_and(out(O.greater_equal(x, const(0, "int32"))), out(O.less(x, const(num_classes, "int32")))))
    safe = select(valid, x, const(num_classes, "int32"))
    return out(O.one_hot(safe, i64(int(num_classes)), const(1, d), const(0, d), a))


def _tri(x, k, lower):
    x = _o(x)
    shp = shape(x)
    n, m = shp[-2], shp[-1]
    i = reshape(out(O.range(const(0, "int32"), const(n, "int32"), const(1, "int32"), "i32")), [n, 1])
    j = reshape(out(O.range(const(0, "int32"), const(m, "int32"), const(1, "int32"), "i32")), [1, m])
    diff = out(O.subtract(j, i))
    mask = out(O.less_equal(diff, const(int(k), "int32"))) if lower else \
        out(O.greater_equal(diff, const(int(k), "int32")))
    return select(mask, x, const(0, dt(x)))


def tril(x, k=0):
    return _tri(x, k, True)


def triu(x, k=0):
    return _tri(x, k, False)


#: op name -> graph builder
KERNELS: dict = {
    "reshape": reshape_, "transpose": transpose_, "expand_dims": expand_dims, "squeeze": squeeze,
    "concatenate": concatenate, "stack": stack, "split": split, "take": take, "take_along_axis": take_along_axis,
    "take_along_axis_grad": take_along_axis_grad, "slice": slice_, "slice_update": slice_update,
    "scatter_add": scatter_add, "gather_nd": gather_nd, "pad": pad, "tile": tile, "repeat": repeat,
    "broadcast_to": broadcast_to, "get_item": get_item, "get_item_grad": get_item_grad, "flip": flip, "roll": roll,
    "swapaxes": swapaxes, "moveaxis": moveaxis, "ravel": ravel, "zeros_like": zeros_like, "ones_like": ones_like,
    "full_like": full_like, "zeros": zeros, "ones": ones, "full": full, "eye": eye, "arange": arange,
    "linspace": linspace, "sort": sort, "argsort": argsort, "top_k": top_k, "one_hot": one_hot, "tril": tril,
    "triu": triu,
}

__all__ = ["KERNELS"]
