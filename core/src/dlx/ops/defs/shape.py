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
    """Gives ``x`` a new shape (one dimension may be -1).

    Arguments:
        x: the input tensor.
        newshape: the new shape, an int or a tuple of ints whose product is ``x``'s size; one
            entry may be -1, inferred from the size and the other entries.

    Returns:
        A tensor with ``x``'s elements, in row-major order, and dtype, in shape ``newshape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.reshape(np.arange(6), (2, -1))
    array([[0, 1, 2],
           [3, 4, 5]])
    """
    return np.reshape(np.asarray(x), newshape)


def _transpose_grad(g, out, x, axes=None):
    if axes is None:
        return (K.transpose(g),)
    return (K.transpose(g, tuple(int(i) for i in np.argsort(axes))),)


@op(G, E0, [_c("default", (3, 4, 5)), _c("axes", (3, 4, 5), (1, 2, 0)), _int_c("int", (3, 4), (1, 0))],
    grad=_transpose_grad, tensors=("x",))
def transpose(x, axes=None):
    """Permutes the axes (reverses them if ``axes`` is None).

    Arguments:
        x: the input tensor.
        axes: a permutation of ``range(x.ndim)``: axis ``i`` of the result is axis ``axes[i]``
            of ``x`` (``None``: the axes in reverse order).

    Returns:
        ``x`` with its axes permuted (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.transpose(np.array([[1, 2, 3], [4, 5, 6]]))
    array([[1, 4],
           [2, 5],
           [3, 6]])
    """
    return np.transpose(np.asarray(x), axes)


@op(G, E0, [_c("front", (3, 4), 0), _c("back", (3, 4), -1), _c("multi", (3, 4), (0, 2))],
    grad=lambda g, out, x, axis: (K.reshape(g, tensors.shape(x)),), tensors=("x",))
def expand_dims(x, axis):
    """Inserts length-1 axes at ``axis``.

    Arguments:
        x: the input tensor.
        axis: an int or a tuple of ints: the positions the new axes take in the result
            (negative values count from the result's last axis).

    Returns:
        ``x`` with a length-1 axis at each position of ``axis`` (same elements and dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.expand_dims(np.array([1.0, 2.0]), 0).shape
    (1, 2)
    """
    return np.expand_dims(np.asarray(x), axis)


@op(G, E0, [_c("all", (1, 3, 1, 4)), _c("axis", (1, 3, 1, 4), 2)],
    grad=lambda g, out, x, axis=None: (K.reshape(g, tensors.shape(x)),), tensors=("x",))
def squeeze(x, axis=None):
    """Removes length-1 axes (only ``axis`` if given; it must have length 1).

    Arguments:
        x: the input tensor.
        axis: an int or a tuple of ints: the axes to remove (``None``: every axis of length 1).

    Returns:
        ``x`` without those axes (same elements and dtype).

    Raises:
        ValueError: when an axis named in ``axis`` does not have length 1, or is out of range.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.squeeze(np.zeros((1, 3, 1))).shape
    (3,)
    """
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
    """Joins tensors along an existing axis.

    Arguments:
        xs: a list or tuple of tensors of the same rank whose shapes agree except along ``axis``.
        axis: the axis to join along.

    Returns:
        One tensor, the inputs one after the other along ``axis``, in the inputs' promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.concatenate([np.array([1, 2]), np.array([3])])
    array([1, 2, 3])
    """
    arrs = promote(*xs)
    return np.concatenate(arrs, axis=axis)


@op(G, E0, [
    Case("axis0", lambda r, dt: (([_x((2, 3))(r, dt), _x((2, 3))(r, dt)],), {})),
    Case("axis_last", lambda r, dt: (([_x((2, 3))(r, dt), _x((2, 3))(r, dt), _x((2, 3))(r, dt)], -1), {})),
], grad=lambda g, out, x, axis=0: ([K.squeeze(t, axis) for t in K.split(g, len(x), axis)],), tensor_lists=("x",))
def stack(x, axis=0):
    """Joins same-shaped tensors along a new axis.

    Arguments:
        x: a list or tuple of tensors, all of the same shape.
        axis: the position of the new axis in the result.

    Returns:
        A tensor of rank one more than the inputs', ``len(x)`` long along ``axis``, in the inputs'
        promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.stack([np.array([1, 2]), np.array([3, 4])], axis=1)
    array([[1, 3],
           [2, 4]])
    """
    return np.stack(promote(*x), axis=axis)


@op(G, E0, [_c("sections", (6, 4), 3), _c("indices", (6, 4), [1, 3], 1), _c("axis", (4, 6), 2, 1)],
    grad=lambda g, out, x, indices_or_sections, axis=0: (K.concatenate(list(g), axis),), tensors=("x",))
def split(x, indices_or_sections, axis=0):
    """Splits into equal sections or at indices along ``axis``; returns a list.

    Arguments:
        x: the input tensor.
        indices_or_sections: an int ``n`` (``n`` equal sections; the length of ``axis`` must be a
            multiple of ``n``) or a sorted list of indices along ``axis`` to cut before.
        axis: the axis to split.

    Returns:
        A list of tensors of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.split(np.arange(6), 3)
    [array([0, 1]), array([2, 3]), array([4, 5])]
    """
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
    Negative indices count from the end.

    Arguments:
        x: the input tensor.
        indices: an integer tensor of indices into ``axis`` (into the flattened ``x`` when
            ``axis`` is ``None``).
        axis: the axis to gather along (``None``: the flattened ``x``).

    Returns:
        A tensor of ``x``'s dtype: ``x``'s shape with ``axis`` replaced by ``indices``'s shape
        (``indices``'s shape when ``axis`` is ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.take(np.array([10, 20, 30]), np.array([2, 0]))
    array([30, 10])
    """
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
    """Picks values along ``axis`` at matching positions of ``indices`` (broadcast against x).

    Arguments:
        x: the input tensor.
        indices: an integer tensor of ``x``'s rank whose other axes broadcast against ``x``'s
            (any shape when ``axis`` is ``None``).
        axis: the axis the indices select along (``None``: ``x`` and ``indices`` are both
            flattened first).

    Returns:
        A tensor of ``x``'s dtype with ``indices``'s length along ``axis`` and the broadcast
        shape elsewhere.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[3, 1, 2], [9, 7, 8]])
    >>> ops.take_along_axis(x, np.array([[1], [0]]), axis=1)
    array([[1],
           [9]])
    """
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
    """The cotangent of ``take_along_axis`` w.r.t. ``x`` (scatter-add of ``g``).

    Arguments:
        g: the cotangent of ``take_along_axis``'s output.
        x: the tensor ``take_along_axis`` read (its shape is the result's shape).
        indices: the integer indices it was called with.
        axis: the axis it was called with (an int).

    Returns:
        A tensor of ``x``'s shape and ``g``'s dtype: zeros with each entry of ``g`` added at the
        position of ``x`` it was read from (repeated positions accumulate).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.zeros(4)
    >>> ops.take_along_axis_grad(np.array([1.0, 2.0, 5.0]), x, np.array([1, 1, 3]), 0)
    array([0., 3., 0., 5.])
    """
    return _tal_grad_helper(g, x, indices, axis)


def _slice_grad(g, out, inputs, start_indices, shape):
    x_shape = tensors.shape(inputs)
    pads = [(int(s), int(n - s - k)) for s, k, n in zip(start_indices, tensors.shape(g), x_shape)]
    return (K.pad(g, pads),)


@op("core", E0, [_c("box", (6, 7), (1, 2), (3, 4)), _c("full", (3, 4), (0, 0), (3, 4))],
    grad=_slice_grad, tensors=("inputs",))
def slice(inputs, start_indices, shape):
    """The block of ``shape`` starting at ``start_indices``.

    Arguments:
        inputs: the input tensor.
        start_indices: one start index per axis of ``inputs`` (ints or scalar tensors).
        shape: the block's length along each axis.

    Returns:
        The block ``inputs[s0:s0 + n0, s1:s1 + n1, ...]``, of ``inputs``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.slice(np.arange(12).reshape(3, 4), (1, 1), (2, 2))
    array([[ 5,  6],
           [ 9, 10]])
    """
    x = np.asarray(inputs)
    return x[tuple(builtins.slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))]


def _slice_update_grad(g, out, inputs, start_indices, updates):
    z = K.zeros_like(updates)
    return K.slice_update(g, start_indices, z), K.slice(g, start_indices, tensors.shape(updates))


@op("core", E0, [Case("box", lambda r, dt: ((_x((6, 7))(r, dt), (1, 2), _x((3, 4))(r, dt)), {}))],
    grad=_slice_update_grad, tensors=("inputs", "updates"))
def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``.

    Arguments:
        inputs: the input tensor.
        start_indices: one start index per axis of ``inputs`` (ints or scalar tensors).
        updates: the new values of the block, a tensor of ``inputs``'s rank; its shape is the
            block's shape.

    Returns:
        A new tensor in the promoted dtype of ``inputs`` and ``updates``; ``inputs`` is unchanged.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.slice_update(np.zeros((2, 3)), (0, 1), np.ones((2, 2)))
    array([[0., 1., 1.],
           [0., 1., 1.]])
    """
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
    axes; repeated indices accumulate).

    Arguments:
        x: the tensor to add into.
        indices: an integer tensor whose last axis holds index tuples into ``x``'s leading axes.
        updates: the values to add, of shape ``indices.shape[:-1] + x.shape[indices.shape[-1]:]``.

    Returns:
        A new tensor of ``x``'s shape in the promoted dtype of ``x`` and ``updates``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.scatter_add(np.zeros(4), np.array([[1], [1], [3]]), np.array([1.0, 2.0, 5.0]))
    array([0., 3., 0., 5.])
    """
    x, u = promote(x, updates)
    idx = np.asarray(indices).astype(np.int64)
    out = x.copy()
    np.add.at(out, tuple(idx[..., i] for i in range(idx.shape[-1])), u)
    return out


@op("internal", E0, [Case("rows", lambda r, dt: ((_x((5, 3))(r, dt), np.array([[1], [3]], np.int32)), {}))],
    grad=lambda g, out, x, indices: (K.scatter_add(K.zeros_like(x), indices, g), None), tensors=("x", "indices"))
def gather_nd(x, indices):
    """Gathers slices of ``x`` at the index tuples in the last axis of ``indices``.

    Arguments:
        x: the input tensor.
        indices: an integer tensor whose last axis holds index tuples into ``x``'s leading axes.

    Returns:
        A tensor of ``x``'s dtype, of shape ``indices.shape[:-1] + x.shape[indices.shape[-1]:]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.gather_nd(np.array([[1, 2], [3, 4]]), np.array([[0, 1], [1, 0]]))
    array([2, 3])
    """
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
    """Pads with ``constant_values`` (``mode='constant'``), or ``'reflect'`` / ``'symmetric'``.

    Arguments:
        x: the input tensor.
        pad_width: how much to add before and after each axis: one ``(before, after)`` pair per
            axis, a single pair used for every axis, or an int used everywhere.
        mode: ``"constant"`` (fill with ``constant_values``), ``"reflect"`` (mirror the values,
            not repeating the edge) or ``"symmetric"`` (mirror the values, repeating the edge).
        constant_values: the fill value for ``mode="constant"`` (``None``: 0); must be ``None``
            for the other modes.

    Returns:
        The padded tensor, of ``x``'s dtype.

    Raises:
        ValueError: for another ``mode``, or ``constant_values`` given with a mode other than
            ``"constant"``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.pad(np.array([1, 2]), ((1, 2),))
    array([0, 1, 2, 0, 0])
    """
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
    """Repeats the whole array ``repeats`` times along each axis.

    Arguments:
        x: the input tensor.
        repeats: an int or a sequence of ints, the number of copies along each axis; a shorter
            sequence applies to the last axes, a longer one prepends length-1 axes to ``x``.

    Returns:
        The tiled tensor, of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tile(np.array([1, 2]), 2)
    array([1, 2, 1, 2])
    """
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
    """Repeats each element ``repeats`` times along ``axis`` (flattened if None).

    Arguments:
        x: the input tensor.
        repeats: an int (every element the same number of times) or a sequence of counts, one
            per element along ``axis``.
        axis: the axis to repeat along (``None``: the flattened ``x``, giving a 1-D result).

    Returns:
        The repeated tensor, of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.repeat(np.array([1, 2]), 2)
    array([1, 1, 2, 2])
    """
    return np.repeat(np.asarray(x), repeats, axis=axis)


def _bt_grad(g, out, x, shape):
    xs = tensors.shape(x)
    lead = len(shape) - len(xs)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(xs) if d == 1 and shape[i + lead] != 1)
    s = K.sum(g, axis=axes, keepdims=True) if axes else g
    return (K.reshape(s, xs),)


@op(G, E0, [_c("lead", (3, 1), (2, 3, 4))], grad=_bt_grad, tensors=("x",))
def broadcast_to(x, shape):
    """Broadcasts ``x`` to ``shape``.

    Arguments:
        x: the input tensor.
        shape: the target shape (a tuple of ints) ``x``'s shape broadcasts to.

    Returns:
        A tensor of ``shape`` and ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.broadcast_to(np.array([1, 2]), (2, 2))
    array([[1, 2],
           [1, 2]])
    """
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
    """``x[key]`` for a static key of ints, slices, ``None`` and ``Ellipsis``.

    Arguments:
        x: the input tensor.
        key: the index: an int, a slice, ``None``, ``Ellipsis``, or a tuple (or list) of these.

    Returns:
        ``x[key]``, of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.get_item(np.array([[1, 2], [3, 4]]), 1)
    array([3, 4])
    """
    return np.asarray(np.asarray(x)[_norm_key(key)])


@op("internal", E0, [Case("slice", lambda r, dt: ((_x((2, 5))(r, dt), _x((4, 5))(r, dt), builtins.slice(1, 3)), {}), grad=False)],
    tensors=("g", "x"))
def get_item_grad(g, x, key):
    """The cotangent of ``get_item`` w.r.t. ``x``: zeros with ``g`` added at ``key``.

    Arguments:
        g: the cotangent of ``get_item``'s output.
        x: the tensor ``get_item`` indexed (its shape is the result's shape).
        key: the key ``get_item`` was called with.

    Returns:
        A tensor of ``x``'s shape and ``g``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.get_item_grad(np.array([1.0, 2.0, 5.0]), np.zeros(4), np.array([0, 0, 3]))
    array([3., 0., 0., 5.])
    >>> ops.get_item_grad(np.array(7.0), np.zeros((2, 2)), (1, 0))
    array([[0., 0.],
           [7., 0.]])
    """
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
    """Reverses the order of elements along ``axis`` (all axes if None).

    Arguments:
        x: the input tensor.
        axis: an int or a tuple of ints, the axes to reverse (``None``: all of them).

    Returns:
        The flipped tensor, of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.flip(np.array([1, 2, 3]))
    array([3, 2, 1])
    """
    return np.flip(np.asarray(x), axis)


def _roll_grad(g, out, x, shift, axis=None):
    neg = -shift if isinstance(shift, int) else tuple(-s for s in shift)
    return (K.roll(g, neg, axis),)


@op(G, E0, [_c("flat", (3, 4), 5), _c("axis", (3, 4), -1, 1), _c("multi", (3, 4), (1, 2), (0, 1))],
    grad=_roll_grad, tensors=("x",))
def roll(x, shift, axis=None):
    """Rolls elements along ``axis`` (the flattened array if None).

    Arguments:
        x: the input tensor.
        shift: an int, or a tuple of ints (one per axis of ``axis``): how many places the
            elements move towards higher indices; those that leave at the end come back at the start.
        axis: an int or a tuple of ints (``None``: roll the flattened ``x``, then restore its shape).

    Returns:
        The rolled tensor, of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.roll(np.array([1, 2, 3, 4]), 1)
    array([4, 1, 2, 3])
    """
    return np.roll(np.asarray(x), shift, axis)


@op(G, E0, [_c("basic", (2, 3, 4), 0, 2)], grad=lambda g, out, x, axis1, axis2: (K.swapaxes(g, axis1, axis2),), tensors=("x",))
def swapaxes(x, axis1, axis2):
    """Interchanges two axes.

    Arguments:
        x: the input tensor.
        axis1, axis2: the two axes to swap.

    Returns:
        ``x`` with those two axes swapped (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.swapaxes(np.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    return np.swapaxes(np.asarray(x), axis1, axis2)


@op(G, E0, [_c("basic", (2, 3, 4), 0, -1), _c("multi", (2, 3, 4), [0, 1], [2, 0])],
    grad=lambda g, out, x, source, destination: (K.moveaxis(g, destination, source),), tensors=("x",))
def moveaxis(x, source, destination):
    """Moves axes to new positions; the others keep their order.

    Arguments:
        x: the input tensor.
        source: an int or a sequence of ints, the axes to move.
        destination: their positions in the result (as many as in ``source``).

    Returns:
        ``x`` with its axes reordered (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.moveaxis(np.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    return np.moveaxis(np.asarray(x), source, destination)


@op(G, E0, [_c("basic", (3, 4, 2))], grad=lambda g, out, x: (K.reshape(g, tensors.shape(x)),))
def ravel(x):
    """The flattened array.

    Arguments:
        x: the input tensor.

    Returns:
        A 1-D tensor of ``x``'s elements in row-major order (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ravel(np.array([[1, 2], [3, 4]]))
    array([1, 2, 3, 4])
    """
    return np.ravel(np.asarray(x))


# The Example section of zeros_like and ones_like (run by the docstring tests).
_LIKE_EXAMPLES = {
    'zeros_like': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.zeros_like(np.array([[1.5, 2.0]]))\n'
        'array([[0., 0.]])\n'
    ),
    'ones_like': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.ones_like(np.array([1.5, 2.0]), dtype="int32")\n'
        'array([1, 1], dtype=int32)\n'
    ),
}


def _like(name, fill):
    def ref(x, dtype=None):
        x = np.asarray(x)
        return np.full(x.shape, fill, nd(dtype) if dtype is not None else x.dtype)
    ref.__doc__ = (f"An array of {fill}s with the shape (and by default the dtype) of ``x``.\n\n"
                   "Arguments:\n"
                   "    x: the tensor whose shape (and dtype) the result takes.\n"
                   "    dtype: the result's dtype (``None``: ``x``'s dtype).\n\n"
                   "Returns:\n"
                   f"    A new tensor of ``x``'s shape filled with {fill}s.\n"
                   "\nExample:\n\n" + _LIKE_EXAMPLES[name])
    op(G, E0, [_c("basic", (3, 4), grad=False), _c("dtype", (3, 4), "int32", grad=False)], name=name)(ref)


_like("zeros_like", 0)
_like("ones_like", 1)


@op(G, E0, [_c("basic", (3, 4), 2.5, grad=False), _c("dtype", (2,), 7, "int32", grad=False)], tensors=("x",))
def full_like(x, fill_value, dtype=None):
    """An array of ``fill_value`` with the shape (and by default the dtype) of ``x``.

    Arguments:
        x: the tensor whose shape (and dtype) the result takes.
        fill_value: the value of every element.
        dtype: the result's dtype (``None``: ``x``'s dtype).

    Returns:
        A new tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.full_like(np.zeros(3), 7.0)
    array([7., 7., 7.])
    """
    x = np.asarray(x)
    return np.full(x.shape, fill_value, nd(dtype) if dtype is not None else x.dtype)


def _creation_cases(*extra, **kw):
    return [Case("basic", lambda r, dt: (((2, 3), *extra), {"dtype": dt, **kw}), grad=False),
            Case("int", lambda r, dt: (((4,), *extra), {"dtype": "int32", **kw}), dtypes=("float32",), grad=False)]


@op(G, E0, _creation_cases(), tensors=())
def zeros(shape, dtype=None):
    """An array of zeros (``dtype`` defaults to floatx).

    Arguments:
        shape: an int or a tuple of ints.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        A tensor of zeros of ``shape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]], dtype=float32)
    """
    return np.zeros(shape, nd(dtype or dtypes.floatx()))


@op(G, E0, _creation_cases(), tensors=())
def ones(shape, dtype=None):
    """An array of ones (``dtype`` defaults to floatx).

    Arguments:
        shape: an int or a tuple of ints.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ones of ``shape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ones(3, dtype="int32")
    array([1, 1, 1], dtype=int32)
    """
    return np.ones(shape, nd(dtype or dtypes.floatx()))


@op(G, E0, _creation_cases(3), tensors=())
def full(shape, fill_value, dtype=None):
    """An array filled with ``fill_value`` (dtype from the value if not given).

    Arguments:
        shape: an int or a tuple of ints.
        fill_value: the value of every element.
        dtype: the result's dtype (``None``: the dtype of ``fill_value`` under the weak-type
            rule: a Python int gives int32, a float ``floatx()``, a bool bool).

    Returns:
        A tensor of ``shape`` filled with ``fill_value``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.full((2, 2), 0.5)
    array([[0.5, 0.5],
           [0.5, 0.5]], dtype=float32)
    """
    dt = nd(dtype) if dtype is not None else nd(dtypes.result_type(fill_value))
    return np.full(shape, fill_value, dt)


@op(G, E0, [Case("square", lambda r, dt: ((4,), {"dtype": dt}), grad=False),
            Case("rect_k", lambda r, dt: ((3, 5, 1), {"dtype": dt}), grad=False)], tensors=())
def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the ``k``-th diagonal.

    Arguments:
        N: the number of rows.
        M: the number of columns (``None``: ``N``).
        k: the diagonal: 0 the main one, positive above it, negative below it.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        An ``(N, M)`` tensor, ones on diagonal ``k`` and zeros elsewhere.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.eye(2, 3)
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """
    return np.eye(N, M, k, dtype=nd(dtype or dtypes.floatx()))


@op(G, E0, [Case("int", lambda r, dt: ((5,), {}), grad=False),
            Case("range", lambda r, dt: ((2, 11, 3), {}), grad=False),
            Case("float", lambda r, dt: ((0.0, 1.0, 0.25), {"dtype": dt}), grad=False),
            Case("step_none", lambda r, dt: ((3, 9), {"step": None}), grad=False)], tensors=())
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` without ``stop``), ``step`` apart
    (1 if None); int32 for integer arguments, else floatx.

    Arguments:
        start: the first value, or the end of the range (from 0) when ``stop`` is ``None``.
        stop: the end of the range, not included (``None``: see ``start``).
        step: the spacing of the values (``None``: 1).
        dtype: the result's dtype (``None``: from the arguments, as above).

    Returns:
        A 1-D tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.arange(1, 7, 2)
    array([1, 3, 5], dtype=int32)
    """
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
    samples run along ``axis`` of the result). With ``retstep`` returns ``(samples, step)``.

    Arguments:
        start: the first value (a number or an array).
        stop: the last value (included when ``endpoint`` is True), broadcast against ``start``.
        num: the number of samples.
        endpoint: whether ``stop`` is the last sample; if False the ``num`` samples stop one
            step short of it.
        retstep: whether to return the spacing too.
        dtype: the result's dtype (``None``: ``floatx()``).
        axis: the axis of the result the samples run along when ``start`` / ``stop`` are arrays.

    Returns:
        The samples; with ``retstep=True``, the pair ``(samples, step)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.linspace(0.0, 1.0, 5)
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
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
    """Sorted copy along ``axis`` (ascending).

    Arguments:
        x: the input tensor.
        axis: the axis to sort along.

    Returns:
        A tensor of ``x``'s shape and dtype, sorted in ascending order along ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sort(np.array([3, 1, 2]))
    array([1, 2, 3])
    """
    return np.sort(np.asarray(x), axis=axis, kind="stable")


@op(G, E0, _sort_cases())
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable), as int32.

    Arguments:
        x: the input tensor.
        axis: the axis to sort along.

    Returns:
        An int32 tensor of ``x``'s shape: along ``axis``, the indices of ``x``'s values in
        ascending order (equal values keep their order).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.argsort(np.array([3, 1, 2]))
    array([1, 2, 0], dtype=int32)
    """
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
    ties), values in descending order.

    Arguments:
        x: the input tensor.
        k: how many entries to keep (at most the length of the last axis).
        sorted: accepted for Keras compatibility; every dlx backend returns the values sorted in
            descending order whatever its value.

    Returns:
        A pair ``(values, indices)``, each of shape ``x.shape[:-1] + (k,)``: the values in
        ``x``'s dtype and their int32 positions along the last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> values, indices = ops.top_k(np.array([1.0, 5.0, 3.0, 4.0]), 2)
    >>> values, indices
    (array([5., 4.]), array([1, 3], dtype=int32))
    """
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
    sparse result in Keras) raises: dlx tensors are dense.

    Arguments:
        x: an integer tensor of class indices.
        num_classes: the number of classes (the length of the new axis).
        axis: where the new class axis goes in the result.
        dtype: the result's dtype (``None``: ``floatx()``).
        sparse: must be False.

    Returns:
        A tensor of rank ``x.ndim + 1``: 1 where the class axis position equals the index, else 0.

    Raises:
        ValueError: for ``sparse=True``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.one_hot(np.array([0, 2]), 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    dense_only("one_hot", sparse)
    x = np.asarray(x).astype(np.int64)
    out = (x[..., None] == np.arange(num_classes)).astype(nd(dtype or dtypes.floatx()))
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


@op(G, E0, [_c("k0", (4, 5)), _c("k1", (4, 5), 1), _c("batch", (2, 3, 3), -1)],
    grad=lambda g, out, x, k=0: (K.tril(g, k),), tensors=("x",))
def tril(x, k=0):
    """Lower triangle of the last two axes.

    Arguments:
        x: a tensor of rank at least 2.
        k: the diagonal above which elements are zeroed: 0 the main one, positive above it,
            negative below it.

    Returns:
        ``x`` with the elements above diagonal ``k`` of each matrix set to zero (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tril(np.ones((3, 3)))
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 1.]])
    """
    return np.tril(np.asarray(x), k)


@op(G, E0, [_c("k0", (4, 5)), _c("k1", (4, 5), 1)], grad=lambda g, out, x, k=0: (K.triu(g, k),), tensors=("x",))
def triu(x, k=0):
    """Upper triangle of the last two axes.

    Arguments:
        x: a tensor of rank at least 2.
        k: the diagonal below which elements are zeroed: 0 the main one, positive above it,
            negative below it.

    Returns:
        ``x`` with the elements below diagonal ``k`` of each matrix set to zero (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.triu(np.ones((3, 3)), k=1)
    array([[0., 1., 1.],
           [0., 0., 1.],
           [0., 0., 0.]])
    """
    return np.triu(np.asarray(x), k)
