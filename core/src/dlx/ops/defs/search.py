"""Searching, set and segment ops: ``searchsorted``, ``unique``, ``nonzero``, ``argpartition``,
``unravel_index`` (Keras's ``numpy`` group), ``segment_*`` and ``in_top_k`` (its ``math`` group).

``unique`` (without ``size``), ``nonzero`` and ``segment_*`` without ``num_segments`` have output
shapes that depend on the data: they run eagerly, and a kernel raises an error naming the op (and
the argument that makes the shape static, where Keras has one) inside a compiled function.
Indices are int32; ``unravel_index`` keeps the dtype of its integer input (Keras's rule).
"""

from __future__ import annotations

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.spec import Case, op

G = "numpy"
M = "math"


class DataDependentShapeError(ValueError):
    """Raised by a kernel when an op whose output shape depends on its input's values is traced
    into a compiled function (a ``ValueError``: the arguments do not fix the shape)."""


def data_dependent_error(op: str, where: str, hint: str | None) -> ValueError:
    """The error a kernel raises when an op whose output shape depends on the data is traced into a
    compiled function (``where`` names the compiler; ``hint`` says which argument fixes the shape).

    >>> print(data_dependent_error("unique", "jax.jit", "pass size=N"))
    unique: its output shape depends on the values of its input, so it cannot run inside a compiled function (jax.jit); pass size=N
    """
    return DataDependentShapeError(f"{op}: its output shape depends on the values of its input, so it cannot run "
                                   f"inside a compiled function ({where}); "
                                   f"{hint or 'call it outside the compiled function'}")


# ------------------------------------------------------------------------------ searching
_SEARCH_CASES = [
    Case("left", lambda r, dt: ((np.sort(r.permutation(40)[:20]).astype(dt), r.integers(-2, 42, (4, 6)).astype(dt)),
                                {}), grad=False),
    Case("right_ties", lambda r, dt: ((np.array([0, 1, 1, 1, 3, 5, 5, 8], dt), np.array([1, 5, -1, 9, 2, 8], dt)),
                                      {"side": "right"}), grad=False),
    Case("left_ties", lambda r, dt: ((np.array([0, 1, 1, 1, 3, 5, 5, 8], dt), np.array([1, 5, -1, 9, 2, 8], dt)),
                                     {"side": "left"}), grad=False),
    Case("float_values", lambda r, dt: ((np.sort(r.standard_normal(30)).astype(dt), r.standard_normal(10).astype(dt)),
                                        {}), grad=False),
    Case("int", lambda r, dt: ((np.sort(r.integers(-9, 9, 12)).astype(dt), r.integers(-10, 10, 7).astype(dt)), {}),
         dtypes=("int32", "int8"), grad=False),
]


@op(G, T.E0, _SEARCH_CASES)
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion points of ``values`` into the ascending 1-D ``sorted_sequence`` as int32:
    ``side='left'`` gives the first suitable index, ``'right'`` the last.

    Arguments:
        sorted_sequence: 1-D tensor sorted in ascending order.
        values: the values to place, any shape.
        side: ``"left"`` (the index before equal entries) or ``"right"`` (after them).

    Returns:
        An int32 tensor of ``values``'s shape, each entry in ``[0, len(sorted_sequence)]``.

    Raises:
        ValueError: when ``side`` is neither ``"left"`` nor ``"right"``, or ``sorted_sequence``
            is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.searchsorted(np.array([1, 3, 5, 7]), np.array([0, 3, 6]))
    array([0, 1, 3], dtype=int32)
    >>> ops.searchsorted(np.array([1, 3, 5, 7]), np.array([0, 3, 6]), side='right')
    array([0, 2, 3], dtype=int32)
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side={side!r} is invalid; expected 'left' or 'right'")
    s = np.asarray(sorted_sequence)
    if s.ndim != 1:
        raise ValueError(f"searchsorted: sorted_sequence has shape {s.shape}; expected a 1-D tensor")
    return np.asarray(np.searchsorted(s, np.asarray(values), side=side)).astype(np.int32)


def _unique_cases():
    def ints(r, dt, shape=(30,)):
        return r.integers(-5, 6, shape).astype(dt)
    return [
        Case("values", lambda r, dt: ((ints(r, dt),), {}), grad=False),
        Case("all_outputs", lambda r, dt: ((ints(r, dt, (4, 6)),), {"return_index": True, "return_inverse": True,
                                                                  "return_counts": True}), grad=False),
        Case("unsorted", lambda r, dt: ((ints(r, dt),), {"sorted": False, "return_inverse": True,
                                                        "return_counts": True}), grad=False),
        Case("axis0", lambda r, dt: ((r.integers(0, 2, (9, 3)).astype(dt),), {"axis": 0, "return_inverse": True,
                                                                             "return_counts": True}), grad=False),
        Case("size_pad", lambda r, dt: ((ints(r, dt),), {"size": 16, "fill_value": -1, "return_index": True,
                                                        "return_inverse": True, "return_counts": True}), grad=False),
        Case("size_default_fill", lambda r, dt: ((ints(r, dt),), {"size": 14}), grad=False),
        Case("size_truncate", lambda r, dt: ((ints(r, dt),), {"size": 4, "return_counts": True}), grad=False),
        Case("float_nan", lambda r, dt: ((np.array([1.5, np.nan, -0.5, 1.5, np.nan, 2.0], dt),),
                                         {"return_counts": True}), grad=False),
        Case("bool", lambda r, dt: ((r.random(9) < 0.5,), {"return_inverse": True}), dtypes=("bool",), grad=False),
    ]


def _first_order(values_idx):
    return np.argsort(values_idx, kind="stable")


@op(G, T.E0, _unique_cases(), tensors=("x",))
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    """The distinct entries of ``x`` (flattened, or distinct slices along ``axis``), ascending with
    ``sorted=True``, else in order of first occurrence. Extra outputs, in this order: the index of
    each one's first occurrence (``return_index``), the position of each entry of ``x`` in the
    result (``return_inverse``; ``x``'s shape without ``axis``), the number of occurrences
    (``return_counts``). ``size`` makes the length static: the result is cut or padded with
    ``fill_value`` (default: the smallest distinct value), the indices padded with the first one's,
    counts with 0. NaNs count as one value. Indices and counts are int32.

    Arguments:
        x: input tensor.
        sorted: ``True`` (default) for ascending results, ``False`` for the order of first
            occurrence.
        return_index: whether to also return the index (into the flattened ``x``, or along
            ``axis``) of each distinct value's first occurrence.
        return_inverse: whether to also return, for each entry (or slice) of ``x``, the
            position of its value in the result.
        return_counts: whether to also return how often each distinct value occurs.
        axis: the axis whose slices are compared (``None``: the entries of the flattened ``x``).
        size: a fixed length for the result (``None``: the number of distinct values, read from
            the data, so eager only).
        fill_value: the padding value when ``size`` exceeds the number of distinct values
            (``None``: the smallest distinct value).

    Returns:
        The distinct values (1-D, or ``x`` with ``axis`` shortened), in ``x``'s dtype; with any
        ``return_*`` flag, a tuple of it followed by the requested int32 tensors in the order
        index, inverse, counts.

    Raises:
        ValueError: when ``size`` is not a non-negative int, ``axis`` is invalid, or ``size`` is
            ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.unique(np.array([3, 1, 3, 2, 1]))
    array([1, 2, 3])
    >>> values, counts = ops.unique(np.array([3, 1, 3, 2, 1]), return_counts=True)
    >>> values
    array([1, 2, 3])
    >>> counts
    array([2, 1, 2], dtype=int32)
    """
    x = np.asarray(x)
    values, index, inverse, counts = np.unique(x, return_index=True, return_inverse=True, return_counts=True,
                                               axis=axis, equal_nan=True)
    inverse = inverse.reshape(x.shape if axis is None else (x.shape[axis],))
    ax = 0 if axis is None else axis
    smallest, smallest_index = np.take(values, [0], axis=ax), index[:1]
    if not sorted:
        order = _first_order(index)
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        values, index, counts = np.take(values, order, axis=ax), index[order], counts[order]
        inverse = rank[inverse]
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
            raise ValueError(f"unique: size={size!r} is invalid; expected a non-negative int")
        n = values.shape[ax]
        if n >= size:
            values, index, counts = np.take(values, np.arange(size), axis=ax), index[:size], counts[:size]
        else:
            shp = list(values.shape)
            shp[ax] = size - n
            if fill_value is not None:
                pad = np.full(shp, fill_value, x.dtype)
            elif n:
                pad = np.repeat(smallest, size - n, axis=ax)
            else:
                pad = np.zeros(shp, x.dtype)
            values = np.concatenate([values, pad], axis=ax)
            index = np.concatenate([index, np.full(size - n, smallest_index[0] if n else 0, index.dtype)])
            counts = np.concatenate([counts, np.zeros(size - n, counts.dtype)])
    extra = [a.astype(np.int32) for a, want in ((index, return_index), (inverse, return_inverse),
                                                (counts, return_counts)) if want]
    return (values, *extra) if extra else values


_NONZERO_CASES = [
    Case("2d", lambda r, dt: ((np.where(r.random((5, 6)) < 0.4, 0, r.standard_normal((5, 6))).astype(dt),), {}),
         grad=False),
    Case("1d_int", lambda r, dt: ((r.integers(0, 2, 20).astype(dt),), {}), dtypes=("int32",), grad=False),
    Case("3d_bool", lambda r, dt: ((r.random((2, 3, 4)) < 0.3,), {}), dtypes=("bool",), grad=False),
    Case("none", lambda r, dt: ((np.zeros((3, 2), dt),), {}), grad=False),
    Case("nan_is_nonzero", lambda r, dt: ((np.array([0.0, np.nan, -0.0, 1.0], dt),), {}), grad=False),
]


@op(G, T.E0, _NONZERO_CASES)
def nonzero(x):
    """A tuple of int32 index arrays, one per dimension of ``x``, of its non-zero entries in
    row-major order (data-dependent length: eager only).

    Arguments:
        x: a tensor of rank >= 1; NaN counts as non-zero.

    Returns:
        A tuple of ``x.ndim`` 1-D int32 tensors of equal length, the coordinates of the non-zero
        entries along each axis.

    Raises:
        ValueError: when ``x`` is 0-d, or the op runs inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nonzero(np.array([[0, 1], [2, 0]]))
    (array([0, 1], dtype=int32), array([1, 0], dtype=int32))
    """
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError("nonzero: x is 0-d; expected a tensor of rank >= 1")
    return tuple(i.astype(np.int32) for i in np.nonzero(x))


_ARGPART_CASES = [
    Case("1d", lambda r, dt: ((r.permutation(20).astype(dt), 5), {}), grad=False),
    Case("2d_axis0", lambda r, dt: ((r.standard_normal((7, 4)).astype(dt), 2), {"axis": 0}), grad=False),
    Case("kth_list", lambda r, dt: ((r.standard_normal((3, 9)).astype(dt), [1, 6]), {}), grad=False),
    Case("ties", lambda r, dt: ((r.integers(0, 3, (4, 8)).astype(dt), 3), {}), dtypes=("int32", "float32"),
         grad=False),
]


@op(G, T.E0, _ARGPART_CASES, tensors=("x",))
def argpartition(x, kth, axis=-1):
    """Indices (int32) that partition ``x`` along ``axis`` around the ``kth`` entries: each lands
    where a sort would put it, smaller entries before, larger after. dlx returns the stable
    argsort (a valid partition, and the same on every backend); bool is rejected.

    Arguments:
        x: numeric input tensor.
        kth: the position (an int) or positions (a list of ints) that must hold the entry a sort
            would put there; negative positions count from the end.
        axis: the axis to partition along (default -1).

    Returns:
        An int32 tensor of ``x``'s shape: indices along ``axis`` that order ``x`` stably (a
        partition for every ``kth``).

    Raises:
        TypeError: when ``x`` is a bool tensor.
        ValueError: when a ``kth`` is out of range for the axis, or ``axis`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([5, 1, 4, 2, 3])
    >>> x[ops.argpartition(x, 2)[:2]]
    array([1, 2])
    """
    x = np.asarray(x)
    if x.dtype.kind == "b":
        raise TypeError("argpartition: x has dtype bool; expected a numeric dtype")
    n = x.shape[axis] if x.ndim else 1
    for k in np.atleast_1d(np.asarray(kth)):
        if not -n <= int(k) < n:
            raise ValueError(f"argpartition: kth={kth!r} is out of range for an axis of length {n}")
    return np.argsort(x, axis=axis, kind="stable").astype(np.int32)


_UNRAVEL_CASES = [
    Case("2d", lambda r, dt: ((r.integers(0, 12, 10).astype(dt), (3, 4)), {}), dtypes=("int32",), grad=False),
    Case("3d_matrix", lambda r, dt: ((r.integers(0, 60, (2, 5)).astype(dt), (3, 4, 5)), {}),
         dtypes=("int32", "int8"), grad=False),
    Case("scalar", lambda r, dt: ((np.array(17, dt), (5, 6)), {}), dtypes=("int32",), grad=False),
]


@op(G, T.E0, _UNRAVEL_CASES, tensors=("indices",))
def unravel_index(indices, shape):
    """Flat ``indices`` into ``shape`` as a tuple of coordinate arrays, one per dimension, in
    ``indices``'s integer dtype (int32 for Python ints).

    Arguments:
        indices: integer tensor (or Python int or list of ints) of flat indices into an array
            of ``shape``, each in ``[0, prod(shape))``.
        shape: the array shape, a tuple of known ints.

    Returns:
        A tuple of ``len(shape)`` tensors of ``indices``'s shape, the row-major coordinates.

    Raises:
        TypeError: when ``indices`` is a tensor of a non-integer dtype.
        ValueError: when ``shape`` holds ``None`` or an index is outside ``[0, prod(shape))``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.unravel_index(np.array([1, 5]), (2, 3))
    (array([0, 1]), array([1, 2]))
    """
    if any(d is None for d in shape):
        raise ValueError(f"unravel_index: shape={shape!r} holds None; expected known dimensions")
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu":
        if isinstance(indices, (int, list, tuple)):
            idx = idx.astype(np.int32)
        else:
            raise TypeError(f"unravel_index: indices has dtype {idx.dtype}; expected an integer dtype")
    elif idx.dtype == np.int64 and isinstance(indices, (int, list, tuple)):
        idx = idx.astype(np.int32)
    total = int(np.prod(shape))
    if idx.size and (idx.min() < 0 or idx.max() >= total):
        raise ValueError(f"unravel_index: indices hold values outside [0, {total}) for shape {tuple(shape)}")
    return tuple(c.astype(idx.dtype) for c in np.unravel_index(idx.astype(np.int64), tuple(shape)))


# ------------------------------------------------------------------------------ segments
def _segment_cases(kind):
    def data(r, dt, shape):
        if kind == "prod":
            return (r.uniform(0.6, 1.4, shape) * np.where(r.random(shape) < 0.3, -1, 1)).astype(dt)
        if kind in ("max", "min"):  # no ties inside a segment
            return (r.permutation(int(np.prod(shape))).reshape(shape) / 7.0).astype(dt)
        return r.standard_normal(shape).astype(dt)
    extreme = kind in ("max", "min")  # an empty segment's -inf/+inf has no gradient to check
    cases = [
        Case("sorted", lambda r, dt: ((data(r, dt, (10,)), np.array([0, 0, 1, 1, 1, 2, 4, 4, 4, 4], np.int32)),
                                      {"num_segments": 5, "sorted": True}), grad=not extreme),
        Case("unsorted_2d", lambda r, dt: ((data(r, dt, (12, 3)), r.permutation(np.arange(12) % 4).astype(np.int32)),
                                           {"num_segments": 4})),
        Case("empty_segments", lambda r, dt: ((data(r, dt, (6, 2)), np.array([4, 1, 4, 1, 1, 4], np.int32)),
                                              {"num_segments": 6}), grad=not extreme),
        Case("dropped_ids", lambda r, dt: ((data(r, dt, (8,)), np.array([0, -1, 2, 5, 1, 2, 9, 0], np.int32)),
                                           {"num_segments": 3})),
        Case("inferred_num", lambda r, dt: ((data(r, dt, (7, 2)), np.array([3, 0, 3, 1, 0, 3, 1], np.int32)), {}),
             grad=False),
        Case("int", lambda r, dt: ((r.integers(-4, 5, (9,)).astype(dt), r.integers(0, 3, 9).astype(np.int32)),
                                   {"num_segments": 4}), dtypes=("int32", "int8"), grad=False),
    ]
    if kind in ("max", "min"):
        cases.append(Case("bool", lambda r, dt: ((r.random(9) < 0.5, r.integers(0, 3, 9).astype(np.int32)),
                                                 {"num_segments": 4}), dtypes=("bool",), grad=False))
    return cases


def _segment_ref(name, data, segment_ids, num_segments, sorted):
    data = np.asarray(data)
    ids = np.asarray(segment_ids)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{name}: segment_ids has dtype {ids.dtype}; expected an integer dtype")
    if ids.ndim != 1 or data.ndim < 1 or ids.shape[0] != data.shape[0]:
        raise ValueError(f"{name}: segment_ids has shape {ids.shape}; expected ({data.shape[0] if data.ndim else 0},),"
                         f" one id per row of data")
    if data.dtype.kind == "b" and name in ("segment_sum", "segment_prod"):
        raise TypeError(f"{name}: data has dtype bool; expected a numeric dtype")
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    if sorted and ids.size and np.any(np.diff(ids) < 0):
        raise ValueError(f"{name}: sorted=True but segment_ids are not sorted")
    n = int(num_segments)
    keep = (ids >= 0) & (ids < n)
    return data, ids[keep].astype(np.int64), data[keep], n


def _segment_out(data, n, fill):
    return np.full((n, *data.shape[1:]), fill, data.dtype)


def _lowest(dt):
    if dt.kind == "b":
        return False
    return -np.inf if dt.kind == "f" else np.iinfo(dt).min


def _highest(dt):
    if dt.kind == "b":
        return True
    return np.inf if dt.kind == "f" else np.iinfo(dt).max


def _segment_take(v, segment_ids, num_segments):
    """``v[segment_ids]`` along axis 0, zero where an id is outside ``[0, num_segments)``."""
    ids = K.cast(segment_ids, "int32")
    valid = K.logical_and(K.greater_equal(ids, 0), K.less(ids, num_segments))
    vz = K.concatenate([v, K.zeros_like(v[:1])], axis=0)
    return K.take(vz, K.where(valid, ids, K.full_like(ids, num_segments)), axis=0)


def _num(out):
    return tensors.shape(out)[0]


def _segment_sum_grad(g, out, data, segment_ids, num_segments=None, sorted=False):
    return (_segment_take(g, segment_ids, _num(out)), None)


def _segment_extreme_grad(g, out, data, segment_ids, num_segments=None, sorted=False):
    n = _num(out)
    hit = K.cast(K.equal(data, _segment_take(out, segment_ids, n)), tensors.dtype(data))
    count = K.segment_sum(hit, segment_ids, n)
    per = g / K.maximum(count, K.ones_like(count))
    return (hit * _segment_take(per, segment_ids, n), None)


def _segment_prod_grad(g, out, data, segment_ids, num_segments=None, sorted=False):
    n = _num(out)
    return (_segment_take(g * out, segment_ids, n) / data, None)


def _segment_scale(ctx):
    return np.abs(ctx.exact)


@op(M, T.Kr(length=lambda a, k: max(np.shape(a[0])[0], 1)), _segment_cases("sum"), grad=_segment_sum_grad,
    tensors=("data", "segment_ids"))
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums of the rows of ``data`` per segment id: ``out[s] = sum(data[i] for segment_ids[i] == s)``
    for ``s`` in ``[0, num_segments)`` (default ``max(segment_ids) + 1``, eager only); ids
    outside are dropped, empty segments give 0. ``sorted=True`` promises ascending ids.

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype, or ``data`` is a bool tensor.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_sum(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([3., 7.])
    """
    data, ids, rows, n = _segment_ref("segment_sum", data, segment_ids, num_segments, sorted)
    out = np.zeros((n, *data.shape[1:]), np.float64 if data.dtype.kind == "f" else data.dtype)
    np.add.at(out, ids, rows)
    return out.astype(data.dtype)


@op(M, T.Ks(lambda a, k: max(np.shape(a[0])[0], 1), _segment_scale), _segment_cases("prod"),
    grad=_segment_prod_grad, tensors=("data", "segment_ids"))
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Products of the rows of ``data`` per segment id (see :func:`segment_sum`); empty segments
    give 1.

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype, or ``data`` is a bool tensor.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_prod(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([ 2., 12.])
    """
    data, ids, rows, n = _segment_ref("segment_prod", data, segment_ids, num_segments, sorted)
    out = np.ones((n, *data.shape[1:]), np.float64 if data.dtype.kind == "f" else data.dtype)
    np.multiply.at(out, ids, rows)
    return out.astype(data.dtype)


@op(M, T.E0, _segment_cases("max"), grad=_segment_extreme_grad, tensors=("data", "segment_ids"))
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maxima of the rows of ``data`` per segment id (see :func:`segment_sum`); empty segments give
    the dtype's lowest value (-inf for floats, False for bool). Gradient split evenly between ties.

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_max(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([2., 4.])
    """
    data, ids, rows, n = _segment_ref("segment_max", data, segment_ids, num_segments, sorted)
    out = _segment_out(data, n, _lowest(data.dtype))
    (np.logical_or if data.dtype.kind == "b" else np.maximum).at(out, ids, rows)
    return out


@op(M, T.E0, _segment_cases("min"), grad=_segment_extreme_grad, tensors=("data", "segment_ids"))
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minima of the rows of ``data`` per segment id (see :func:`segment_sum`); empty segments give
    the dtype's highest value (+inf for floats, True for bool).

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_min(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([1., 3.])
    """
    data, ids, rows, n = _segment_ref("segment_min", data, segment_ids, num_segments, sorted)
    out = _segment_out(data, n, _highest(data.dtype))
    (np.logical_and if data.dtype.kind == "b" else np.minimum).at(out, ids, rows)
    return out


_TOPK_CASES = [
    Case("basic", lambda r, dt: ((r.integers(0, 10, 8).astype(np.int32), r.standard_normal((8, 10)).astype(dt), 3), {}),
         grad=False),
    Case("ties", lambda r, dt: ((np.array([0, 1, 2], np.int32), np.array([[1, 1, 1, 0], [0, 2, 2, 2], [3, 3, 1, 3]], dt), 1),
                                {}), grad=False),
    Case("nan_target", lambda r, dt: ((np.array([0, 2], np.int32), np.array([[np.nan, 1, 2], [0.5, np.nan, 0.1]], dt), 2),
                                      {}), grad=False),
    Case("k_all", lambda r, dt: ((np.array([3, 0], np.int32), r.standard_normal((2, 4)).astype(dt), 4), {}), grad=False),
]


@op(M, T.E0, _TOPK_CASES, tensors=("targets", "predictions"))
def in_top_k(targets, predictions, k):
    """Whether each ``targets[i]`` is among the ``k`` largest of ``predictions[i]`` (bool): true
    when fewer than ``k`` entries are strictly larger than the target's (ties count in its favour; a
    NaN prediction at the target is never in).

    Arguments:
        targets: 1-D integer tensor of shape ``(batch,)``, the class index of each row.
        predictions: 2-D tensor of shape ``(batch, classes)``, the scores.
        k: how many of the largest scores count (an int).

    Returns:
        A bool tensor of shape ``(batch,)``.

    Raises:
        ValueError: when ``predictions`` is not 2-D or ``targets`` is not of shape ``(batch,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.in_top_k(np.array([2, 0]), np.array([[0.1, 0.2, 0.7], [0.1, 0.6, 0.3]]), k=1)
    array([ True, False])
    """
    t = np.asarray(targets).astype(np.int64)
    p = np.asarray(predictions)
    if p.ndim != 2 or t.shape != p.shape[:1]:
        raise ValueError(f"in_top_k: targets {t.shape} and predictions {p.shape}; expected (batch,) and "
                         f"(batch, classes)")
    at = np.take_along_axis(p, t[:, None], axis=1)
    if p.dtype.kind == "f":
        at = np.where(np.isnan(at), -np.inf, at)
    with np.errstate(invalid="ignore"):
        rank = 1 + np.sum(p > at, axis=1)
    return rank <= k
