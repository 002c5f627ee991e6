"""Shape and data-movement ops, creation ops, sorting, one-hot."""

from __future__ import annotations

import builtins

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import axis_tuple, nd, promote
from dlx.ops.spec import Case, op

G = "numpy"
E0 = T.E0


def _x(shape):
    return lambda r, dt: r.standard_normal(shape).astype(dt)


def _c(name, shape, *extra, grad=True, **kw):
    return Case(name, lambda r, dt: ((_x(shape)(r, dt), *extra), dict(kw)), grad=grad)


def _int_c(name, shape, *extra, **kw):
    return Case(name, lambda r, dt: ((r.integers(-9, 9, shape).astype(np.int32), *extra), dict(kw)),
                dtypes=("int32",), grad=False)


@op(G, E0, [_c("flat", (4, 6), (24,)), _c("infer", (4, 6), (-1, 3)), _c("scalar", (1,), ()),
            _int_c("int", (4, 6), (2, 12))],
    grad=lambda g, out, x, newshape: (K.reshape(g, tensors.shape(x)),), tensors=("x",))
def reshape(x, newshape):
    """Gives ``x`` a new shape (one dimension may be -1)."""
    return np.reshape(np.asarray(x), newshape)


def _transpose_grad(g, out, x, axes=None):
    if axes is None:
        return (K.transpose(g),)
    return (K.transpose(g, tuple(int(i) for i in np.argsort(axes))),)


@op(G, E0, [_c("default", (3, 4, 5)), _c("axes", (3, 4, 5), (1, 2, 0)), _int_c("int", (3, 4), (1, 0))],
    grad=_transpose_grad, tensors=("x",))
def transpose(x, axes=None):
    """Permutes the axes (reverses them if ``axes`` is None)."""
    return np.transpose(np.asarray(x), axes)


@op(G, E0, [_c("front", (3, 4), 0), _c("back", (3, 4), -1), _c("multi", (3, 4), (0, 2))],
    grad=lambda g, out, x, axis: (K.reshape(g, tensors.shape(x)),), tensors=("x",))
def expand_dims(x, axis):
    """Inserts length-1 axes at ``axis``."""
    return np.expand_dims(np.asarray(x), axis)


@op(G, E0, [_c("all", (1, 3, 1, 4)), _c("axis", (1, 3, 1, 4), 2)],
    grad=lambda g, out, x, axis=None: (K.reshape(g, tensors.shape(x)),), tensors=("x",))
def squeeze(x, axis=None):
    """Removes length-1 axes (only ``axis`` if given; it must have length 1)."""
    x = np.asarray(x)
    if axis is not None:
        for a in axis_tuple(axis, x.ndim):
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: axis={axis} has length {x.shape[a]}, expected 1")
    return np.squeeze(x, axis)


def _split_back(g, xs, axis):
    sizes = [tensors.shape(x)[axis] for x in xs]
    idx = list(np.cumsum(sizes)[:-1])
    return (list(K.split(g, [int(i) for i in idx], axis)),)


@op(G, E0, [
    Case("axis0", lambda r, dt: (([_x((2, 3))(r, dt), _x((4, 3))(r, dt)],), {})),
    Case("axis1", lambda r, dt: (([_x((2, 3))(r, dt), _x((2, 1))(r, dt), _x((2, 2))(r, dt)], 1), {})),
    Case("promote", lambda r, dt: (([_x((2, 3))(r, dt), r.integers(0, 5, (2, 3)).astype(np.int32)], -1), {}), grad=False),
], grad=lambda g, out, xs, axis=0: _split_back(g, xs, axis), tensor_lists=("xs",))
def concatenate(xs, axis=0):
    """Joins tensors along an existing axis."""
    arrs = promote(*xs)
    return np.concatenate(arrs, axis=axis)


@op(G, E0, [
    Case("axis0", lambda r, dt: (([_x((2, 3))(r, dt), _x((2, 3))(r, dt)],), {})),
    Case("axis_last", lambda r, dt: (([_x((2, 3))(r, dt), _x((2, 3))(r, dt), _x((2, 3))(r, dt)], -1), {})),
], grad=lambda g, out, x, axis=0: ([K.squeeze(t, axis) for t in K.split(g, len(x), axis)],), tensor_lists=("x",))
def stack(x, axis=0):
    """Joins same-shaped tensors along a new axis."""
    return np.stack(promote(*x), axis=axis)


@op(G, E0, [_c("sections", (6, 4), 3), _c("indices", (6, 4), [1, 3], 1), _c("axis", (4, 6), 2, 1)],
    grad=lambda g, out, x, indices_or_sections, axis=0: (K.concatenate(list(g), axis),), tensors=("x",))
def split(x, indices_or_sections, axis=0):
    """Splits into equal sections or at indices along ``axis``; returns a list."""
    return list(np.split(np.asarray(x), indices_or_sections, axis=axis))


def _take_grad(g, out, x, indices, axis=None):
    shape = tensors.shape(x)
    if axis is None:
        flat = K.scatter_add(K.zeros((int(np.prod(shape)),), tensors.dtype(x)), K.reshape(indices, (-1, 1)), K.reshape(g, (-1,)))
        return K.reshape(flat, shape), None
    a = axis % len(shape)
    gm = K.moveaxis(g, list(range(a, a + tensors.ndim(indices))), list(range(tensors.ndim(indices))))
    gm = K.reshape(gm, (-1, *[s for i, s in enumerate(shape) if i != a]))
    base = K.zeros((shape[a], *[s for i, s in enumerate(shape) if i != a]), tensors.dtype(x))
    acc = K.scatter_add(base, K.reshape(indices, (-1, 1)), gm)
    return K.moveaxis(acc, 0, a), None


@op(G, E0, [
    Case("axis0", lambda r, dt: ((_x((5, 4))(r, dt), np.array([0, 3, 3, 1], np.int32)), {"axis": 0})),
    Case("axis1_2d_idx", lambda r, dt: ((_x((3, 5, 2))(r, dt), np.array([[0, 4], [2, 2]], np.int32)), {"axis": 1})),
    Case("flat", lambda r, dt: ((_x((3, 4))(r, dt), np.array([11, 0, 5], np.int32)), {})),
    Case("negative_idx", lambda r, dt: ((_x((5, 4))(r, dt), np.array([-1, 0], np.int32)), {"axis": 0})),
], grad=_take_grad, tensors=("x", "indices"))
def take(x, indices, axis=None):
    """Gathers entries of ``x`` at ``indices`` along ``axis`` (the flattened array if None).
    Negative indices count from the end."""
    x = np.asarray(x)
    return np.take(x, np.asarray(indices).astype(np.int64), axis=axis)


def _tal_grad(g, out, x, indices, axis=None):
    if axis is None:
        flat = K.scatter_add(K.zeros((tensors.size(x),), tensors.dtype(x)), K.reshape(indices, (-1, 1)), K.reshape(g, (-1,)))
        return K.reshape(flat, tensors.shape(x)), None
    return K.take_along_axis_grad(g, x, indices, axis), None


@op(G, E0, [
    Case("axis1", lambda r, dt: ((_x((4, 5))(r, dt), r.integers(0, 5, (4, 3)).astype(np.int32)), {"axis": 1})),
    Case("axis0", lambda r, dt: ((_x((4, 5))(r, dt), r.integers(0, 4, (2, 5)).astype(np.int32)), {"axis": 0})),
    Case("broadcast", lambda r, dt: ((_x((4, 5))(r, dt), r.integers(0, 5, (1, 2)).astype(np.int32)), {"axis": 1})),
], grad=_tal_grad, tensors=("x", "indices"))
def take_along_axis(x, indices, axis=None):
    """Picks values along ``axis`` at matching positions of ``indices`` (broadcast against x)."""
    x = np.asarray(x)
    idx = np.asarray(indices).astype(np.int64)
    if axis is None:
        return np.take_along_axis(x.ravel(), idx.ravel(), 0)
    a = axis % x.ndim
    shape = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(x.shape, idx.shape))]
    xb = np.broadcast_to(x, [s if i != a else x.shape[a] for i, s in enumerate(shape)])
    return np.take_along_axis(xb, np.broadcast_to(idx, shape), axis=a)


def _tal_grad_helper(g, x, indices, axis):
    x = np.asarray(x)
    idx = np.asarray(indices).astype(np.int64)
    a = axis % x.ndim
    shape = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(x.shape, idx.shape))]
    idx = np.broadcast_to(idx, shape)
    gx = np.zeros([s if i != a else x.shape[a] for i, s in enumerate(shape)], np.asarray(g).dtype)
    grid = list(np.indices(shape, sparse=True))
    grid[a] = idx
    np.add.at(gx, tuple(grid), np.asarray(g))
    # sum broadcast dims back to x's shape
    axes = tuple(i for i, (s, t) in enumerate(zip(x.shape, gx.shape)) if s == 1 and t != 1)
    return np.sum(gx, axis=axes, keepdims=True) if axes else gx


@op("internal", T.Normwise(16), [Case("axis1", lambda r, dt: ((_x((4, 3))(r, dt), _x((4, 5))(r, dt), r.integers(0, 5, (4, 3)).astype(np.int32), 1), {}), grad=False)],
    tensors=("g", "x", "indices"))
def take_along_axis_grad(g, x, indices, axis):
    """The cotangent of ``take_along_axis`` w.r.t. ``x`` (scatter-add of ``g``)."""
    return _tal_grad_helper(g, x, indices, axis)


def _slice_grad(g, out, inputs, start_indices, shape):
    x_shape = tensors.shape(inputs)
    pads = [(int(s), int(n - s - k)) for s, k, n in zip(start_indices, tensors.shape(g), x_shape)]
    return (K.pad(g, pads),)


@op("core", E0, [_c("box", (6, 7), (1, 2), (3, 4)), _c("full", (3, 4), (0, 0), (3, 4))],
    grad=_slice_grad, tensors=("inputs",))
def slice(inputs, start_indices, shape):
    """The block of ``shape`` starting at ``start_indices``."""
    x = np.asarray(inputs)
    return x[tuple(builtins.slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))]


def _slice_update_grad(g, out, inputs, start_indices, updates):
    z = K.zeros_like(updates)
    return K.slice_update(g, start_indices, z), K.slice(g, start_indices, tensors.shape(updates))


@op("core", E0, [Case("box", lambda r, dt: ((_x((6, 7))(r, dt), (1, 2), _x((3, 4))(r, dt)), {}))],
    grad=_slice_update_grad, tensors=("inputs", "updates"))
def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    x, u = promote(inputs, updates)
    x = x.copy()
    x[tuple(builtins.slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, u.shape))] = u
    return x


def _scatter_add_grad(g, out, x, indices, updates):
    return g, None, K.gather_nd(g, indices)


@op("internal", E0, [Case("rows", lambda r, dt: ((_x((5, 3))(r, dt), np.array([[1], [3], [1]], np.int32), np.abs(_x((3, 3))(r, dt))), {}), grad=True),
            Case("points", lambda r, dt: ((_x((4, 4))(r, dt), np.array([[0, 1], [2, 3]], np.int32), _x((2,))(r, dt)), {}))],
    grad=_scatter_add_grad, tensors=("x", "indices", "updates"))
def scatter_add(x, indices, updates):
    """``x`` with ``updates`` added at ``indices`` (last axis of indices indexes x's leading
    axes; repeated indices accumulate)."""
    x, u = promote(x, updates)
    idx = np.asarray(indices).astype(np.int64)
    out = x.copy()
    np.add.at(out, tuple(idx[..., i] for i in range(idx.shape[-1])), u)
    return out


@op("internal", E0, [Case("rows", lambda r, dt: ((_x((5, 3))(r, dt), np.array([[1], [3]], np.int32)), {}))],
    grad=lambda g, out, x, indices: (K.scatter_add(K.zeros_like(x), indices, g), None), tensors=("x", "indices"))
def gather_nd(x, indices):
    """Gathers slices of ``x`` at the index tuples in the last axis of ``indices``."""
    x = np.asarray(x)
    idx = np.asarray(indices).astype(np.int64)
    return x[tuple(idx[..., i] for i in range(idx.shape[-1]))]


def _pad_grad(g, out, x, pad_width, mode="constant", constant_values=None):
    pw = _pad_pairs(pad_width, np.ndim(x) if not hasattr(x, "shape") else len(tensors.shape(x)))
    return (K.slice(g, [p[0] for p in pw], tensors.shape(x)),)


def _pad_pairs(pad_width, ndim):
    pw = np.broadcast_to(np.asarray(pad_width, np.int64).reshape(-1, 2) if np.size(pad_width) != 1 else
                         np.full((1, 2), int(np.asarray(pad_width).ravel()[0])), (ndim, 2))
    return [tuple(int(v) for v in p) for p in pw]


@op(G, E0, [_c("constant", (3, 4), ((1, 2), (0, 3))), _c("value", (3, 4), ((1, 1), (2, 0)), constant_values=1.5),
            _c("reflect", (4, 5), ((1, 2), (2, 1)), mode="reflect", grad=False),
            _c("symmetric", (4, 5), ((1, 2), (2, 1)), mode="symmetric", grad=False)],
    grad=_pad_grad, tensors=("x",))
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pads with ``constant_values`` (``mode='constant'``), or ``'reflect'`` / ``'symmetric'``."""
    x = np.asarray(x)
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError(f"pad: mode={mode!r}; expected 'constant', 'reflect' or 'symmetric'")
    pw = _pad_pairs(pad_width, x.ndim)
    if mode == "constant":
        return np.pad(x, pw, mode="constant", constant_values=0 if constant_values is None else constant_values)
    if constant_values is not None:
        raise ValueError(f"pad: constant_values is only allowed with mode='constant', got mode={mode!r}")
    return np.pad(x, pw, mode=mode)


def _tile_grad(g, out, x, repeats):
    shape = tensors.shape(x)
    reps = list(repeats) if not isinstance(repeats, int) else [repeats]
    reps = [1] * (len(shape) - len(reps)) + reps
    shape_full = [1] * (len(reps) - len(shape)) + list(shape)
    inter = []
    for r_, s in zip(reps, shape_full):
        inter += [r_, s]
    gg = K.reshape(g, inter)
    gg = K.sum(gg, axis=tuple(range(0, 2 * len(reps), 2)))
    return (K.reshape(gg, shape),)


@op(G, E0, [_c("2d", (2, 3), (2, 2)), _c("lead", (2, 3), (3, 1, 2))], grad=_tile_grad, tensors=("x",))
def tile(x, repeats):
    """Repeats the whole array ``repeats`` times along each axis."""
    return np.tile(np.asarray(x), repeats)


def _repeat_grad(g, out, x, repeats, axis=None):
    shape = tensors.shape(x)
    if not isinstance(repeats, int):  # per-element counts: segment sums of g
        n = int(np.prod(shape)) if axis is None else shape[axis % len(shape)]
        idx = np.repeat(np.arange(n), np.broadcast_to(np.asarray(repeats), (n,))).astype(np.int32)[:, None]
        if axis is None:
            acc = K.scatter_add(K.zeros((n,), tensors.dtype(g)), idx, K.reshape(g, (-1,)))
            return (K.reshape(acc, shape),)
        a = axis % len(shape)
        gm = K.moveaxis(g, a, 0)
        acc = K.scatter_add(K.zeros((n, *tensors.shape(gm)[1:]), tensors.dtype(g)), idx, gm)
        return (K.moveaxis(acc, 0, a),)
    if axis is None:
        return (K.reshape(K.sum(K.reshape(g, (-1, repeats)), axis=1), tensors.shape(x)),)
    shape = tensors.shape(x)
    a = axis % len(shape)
    gs = K.reshape(g, (*shape[:a], shape[a], repeats, *shape[a + 1:]))
    return (K.sum(gs, axis=a + 1),)


@op(G, E0, [_c("axis", (3, 4), 2, 1), _c("flat", (3, 4), 3), _c("counts", (3, 4), [1, 0, 2], 0),
            _c("counts_flat", (2, 2), [2, 1, 0, 3])],
    grad=_repeat_grad, tensors=("x",))
def repeat(x, repeats, axis=None):
    """Repeats each element ``repeats`` times along ``axis`` (flattened if None)."""
    return np.repeat(np.asarray(x), repeats, axis=axis)


def _bt_grad(g, out, x, shape):
    xs = tensors.shape(x)
    lead = len(shape) - len(xs)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(xs) if d == 1 and shape[i + lead] != 1)
    s = K.sum(g, axis=axes, keepdims=True) if axes else g
    return (K.reshape(s, xs),)


@op(G, E0, [_c("lead", (3, 1), (2, 3, 4))], grad=_bt_grad, tensors=("x",))
def broadcast_to(x, shape):
    """Broadcasts ``x`` to ``shape``."""
    return np.broadcast_to(np.asarray(x), tuple(shape)).copy()


def _norm_key(key):
    if isinstance(key, list):
        key = tuple(key)
    return key


def _get_item_grad(g, out, x, key):
    return (K.get_item_grad(g, x, key),)


@op(G, E0, [_c("int", (4, 5), 1), _c("slice", (4, 5), (builtins.slice(1, 3), builtins.slice(None, None, 2))),
            _c("ellipsis_newaxis", (2, 3, 4), (Ellipsis, None, 1)), _c("negative", (4, 5), (-1, builtins.slice(None, -2)))],
    grad=_get_item_grad, tensors=("x",))
def get_item(x, key):
    """``x[key]`` for a static key of ints, slices, ``None`` and ``Ellipsis``."""
    return np.asarray(np.asarray(x)[_norm_key(key)])


@op("internal", E0, [Case("slice", lambda r, dt: ((_x((2, 5))(r, dt), _x((4, 5))(r, dt), builtins.slice(1, 3)), {}), grad=False)],
    tensors=("g", "x"))
def get_item_grad(g, x, key):
    """The cotangent of ``get_item`` w.r.t. ``x``: zeros with ``g`` added at ``key``."""
    g = np.asarray(g)
    out = np.zeros(np.shape(x), g.dtype)
    key = _norm_key(key)
    parts = key if isinstance(key, tuple) else (key,)
    if all(p is None or p is Ellipsis or isinstance(p, (int, builtins.slice)) for p in parts):
        out[key] += g  # basic indexing never aliases: a plain add is exact and fast
    else:
        np.add.at(out, key, g)
    return out


@op(G, E0, [_c("all", (3, 4)), _c("axis", (3, 4), 1)], grad=lambda g, out, x, axis=None: (K.flip(g, axis),), tensors=("x",))
def flip(x, axis=None):
    """Reverses the order of elements along ``axis`` (all axes if None)."""
    return np.flip(np.asarray(x), axis)


def _roll_grad(g, out, x, shift, axis=None):
    neg = -shift if isinstance(shift, int) else tuple(-s for s in shift)
    return (K.roll(g, neg, axis),)


@op(G, E0, [_c("flat", (3, 4), 5), _c("axis", (3, 4), -1, 1), _c("multi", (3, 4), (1, 2), (0, 1))],
    grad=_roll_grad, tensors=("x",))
def roll(x, shift, axis=None):
    """Rolls elements along ``axis`` (the flattened array if None)."""
    return np.roll(np.asarray(x), shift, axis)


@op(G, E0, [_c("basic", (2, 3, 4), 0, 2)], grad=lambda g, out, x, axis1, axis2: (K.swapaxes(g, axis1, axis2),), tensors=("x",))
def swapaxes(x, axis1, axis2):
    """Interchanges two axes."""
    return np.swapaxes(np.asarray(x), axis1, axis2)


@op(G, E0, [_c("basic", (2, 3, 4), 0, -1), _c("multi", (2, 3, 4), [0, 1], [2, 0])],
    grad=lambda g, out, x, source, destination: (K.moveaxis(g, destination, source),), tensors=("x",))
def moveaxis(x, source, destination):
    """Moves axes to new positions; the others keep their order."""
    return np.moveaxis(np.asarray(x), source, destination)


@op(G, E0, [_c("basic", (3, 4, 2))], grad=lambda g, out, x: (K.reshape(g, tensors.shape(x)),))
def ravel(x):
    """The flattened array."""
    return np.ravel(np.asarray(x))


def _like(name, fill):
    def ref(x, dtype=None):
        x = np.asarray(x)
        return np.full(x.shape, fill, nd(dtype) if dtype is not None else x.dtype)
    ref.__doc__ = f"An array of {fill} with the shape (and by default the dtype) of ``x``."
    op(G, E0, [_c("basic", (3, 4), grad=False), _c("dtype", (3, 4), "int32", grad=False)], name=name)(ref)


_like("zeros_like", 0)
_like("ones_like", 1)


@op(G, E0, [_c("basic", (3, 4), 2.5, grad=False), _c("dtype", (2,), 7, "int32", grad=False)], tensors=("x",))
def full_like(x, fill_value, dtype=None):
    """An array of ``fill_value`` with the shape (and by default the dtype) of ``x``."""
    x = np.asarray(x)
    return np.full(x.shape, fill_value, nd(dtype) if dtype is not None else x.dtype)


def _creation_cases(*extra, **kw):
    return [Case("basic", lambda r, dt: (((2, 3), *extra), {"dtype": dt, **kw}), grad=False),
            Case("int", lambda r, dt: (((4,), *extra), {"dtype": "int32", **kw}), dtypes=("float32",), grad=False)]


@op(G, E0, _creation_cases(), tensors=())
def zeros(shape, dtype=None):
    """An array of zeros (``dtype`` defaults to floatx)."""
    return np.zeros(shape, nd(dtype or dtypes.floatx()))


@op(G, E0, _creation_cases(), tensors=())
def ones(shape, dtype=None):
    """An array of ones (``dtype`` defaults to floatx)."""
    return np.ones(shape, nd(dtype or dtypes.floatx()))


@op(G, E0, _creation_cases(3), tensors=())
def full(shape, fill_value, dtype=None):
    """An array filled with ``fill_value`` (dtype from the value if not given)."""
    dt = nd(dtype) if dtype is not None else nd(dtypes.result_type(fill_value))
    return np.full(shape, fill_value, dt)


@op(G, E0, [Case("square", lambda r, dt: ((4,), {"dtype": dt}), grad=False),
            Case("rect_k", lambda r, dt: ((3, 5, 1), {"dtype": dt}), grad=False)], tensors=())
def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the ``k``-th diagonal."""
    return np.eye(N, M, k, dtype=nd(dtype or dtypes.floatx()))


@op(G, E0, [Case("int", lambda r, dt: ((5,), {}), grad=False),
            Case("range", lambda r, dt: ((2, 11, 3), {}), grad=False),
            Case("float", lambda r, dt: ((0.0, 1.0, 0.25), {"dtype": dt}), grad=False),
            Case("step_none", lambda r, dt: ((3, 9), {"step": None}), grad=False)], tensors=())
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` without ``stop``), ``step`` apart
    (1 if None); int32 for integer arguments, else floatx."""
    if dtype is None:
        dtype = dtypes.result_type(start, *(v for v in (stop, step) if v is not None))
    if step is None:
        step = 1
    return np.arange(start, stop, step, dtype=nd(dtype)) if stop is not None else np.arange(0, start, step, dtype=nd(dtype))


@op(G, E0, [Case("square", lambda r, dt: ((0.0, 1.0, 5), {"dtype": dt}), grad=False),
            Case("no_endpoint", lambda r, dt: ((-1.0, 2.0, 4), {"endpoint": False, "dtype": dt}), grad=False),
            Case("retstep", lambda r, dt: ((-1.0, 2.0, 7), {"retstep": True, "dtype": dt}), grad=False),
            Case("arrays_axis", lambda r, dt: (([0.0, 1.0, -2.0], [1.0, 3.0, 2.0], 4), {"axis": 1, "dtype": dt}),
                 grad=False),
            Case("arrays_axis_last", lambda r, dt: (([0.0, 1.0], 2.0, 3), {"axis": -1, "endpoint": False, "dtype": dt}),
                 grad=False)], tensors=())
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (numbers or arrays, broadcast; the
    samples run along ``axis`` of the result). With ``retstep`` returns ``(samples, step)``."""
    out, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, dtype=np.float64, axis=axis)
    dt = nd(dtype or dtypes.floatx())
    return (out.astype(dt), np.asarray(step, np.float64).astype(dt)) if retstep else out.astype(dt)


def _sort_cases():
    def no_ties(r, shape):
        return r.permutation(int(np.prod(shape))).reshape(shape).astype(np.float64) / 3.0
    return [Case("last", lambda r, dt: ((no_ties(r, (5, 8)).astype(dt),), {})),
            Case("axis0", lambda r, dt: ((no_ties(r, (5, 8)).astype(dt),), {"axis": 0})),
            Case("int", lambda r, dt: ((r.integers(-9, 9, (5, 8)).astype(np.int32),), {}), dtypes=("int32",), grad=False)]


def _sort_grad(g, out, x, axis=-1):
    idx = K.argsort(x, axis=axis)
    return (K.take_along_axis_grad(g, x, idx, axis),)


@op(G, E0, _sort_cases(), grad=_sort_grad)
def sort(x, axis=-1):
    """Sorted copy along ``axis`` (ascending)."""
    return np.sort(np.asarray(x), axis=axis, kind="stable")


@op(G, E0, _sort_cases())
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable), as int32."""
    return np.argsort(np.asarray(x), axis=axis, kind="stable").astype(np.int32)


def _top_k_grad(g, out, x, k, sorted=True):
    values_g = g[0]
    idx = out[1]
    return (K.take_along_axis_grad(values_g, x, idx, -1),)


@op("math", E0, [Case("k3", lambda r, dt: ((r.permutation(40).reshape(4, 10).astype(dt),), {"k": 3})),
            Case("int", lambda r, dt: ((r.permutation(40).reshape(4, 10).astype(np.int32),), {"k": 2}), dtypes=("int32",), grad=False)],
    grad=_top_k_grad, tensors=("x",))
def top_k(x, k, sorted=True):
    """``(values, indices)`` of the ``k`` largest entries along the last axis (first index wins
    ties), values in descending order."""
    x = np.asarray(x)
    idx = np.argsort(-x if x.dtype.kind != "u" else ~x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, -1), idx.astype(np.int32)


def dense_only(opname, sparse):
    """Raises for Keras's ``sparse=True``: no dlx backend has sparse tensors."""
    if sparse:
        raise ValueError(f"{opname}: sparse={sparse!r}; dlx tensors are dense, pass sparse=False")


@op("nn", E0, [Case("basic", lambda r, dt: ((np.array([0, 2, 1, 3, -1], np.int32), 4), {"dtype": dt}), grad=False),
            Case("2d_axis0", lambda r, dt: ((r.integers(0, 3, (2, 3)).astype(np.int32), 3), {"axis": 0, "dtype": dt}), grad=False)],
    tensors=("x",))
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer ``x`` (out-of-range values give all zeros). ``sparse=True`` (a
    sparse result in Keras) raises: dlx tensors are dense."""
    dense_only("one_hot", sparse)
    x = np.asarray(x).astype(np.int64)
    out = (x[..., None] == np.arange(num_classes)).astype(nd(dtype or dtypes.floatx()))
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


@op(G, E0, [_c("k0", (4, 5)), _c("k1", (4, 5), 1), _c("batch", (2, 3, 3), -1)],
    grad=lambda g, out, x, k=0: (K.tril(g, k),), tensors=("x",))
def tril(x, k=0):
    """Lower triangle of the last two axes."""
    return np.tril(np.asarray(x), k)


@op(G, E0, [_c("k0", (4, 5)), _c("k1", (4, 5), 1)], grad=lambda g, out, x, k=0: (K.triu(g, k),), tensors=("x",))
def triu(x, k=0):
    """Upper triangle of the last two axes."""
    return np.triu(np.asarray(x), k)
