"""Search, set and segment kernels: the ops of :mod:`dlx.ops.defs.search` (``tf.searchsorted``, a
sort-based ``unique``, ``tf.math.unsorted_segment_*``). Ops whose output shape depends on the data
raise an error naming the op inside ``tf.function`` (graph mode)."""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.ops.defs import search as spec
from dlx.ops.defs.search import data_dependent_error
from dlx_tf._core import FLOAT_TF, NAME, TF, name_of, static_shape, tensor, tf

_SORTABLE = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "int32", "uint16": "int32"}


def _sortable(x):
    """``x`` in a dtype ``tf.sort`` / ``tf.argsort`` accept (small integers and bool widen)."""
    n = NAME[x.dtype]
    return tf.cast(x, TF[_SORTABLE[n]]) if n in _SORTABLE else x


def searchsorted(sorted_sequence, values, side="left"):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side={side!r} is invalid; expected 'left' or 'right'")
    s, v = tensor(sorted_sequence), tensor(values)
    if s.shape.rank != 1:
        raise ValueError(f"searchsorted: sorted_sequence has shape {static_shape(s)}; expected a 1-D tensor")
    dt = dtypes.result_type(name_of(s), name_of(v))
    dt = _SORTABLE.get(dt, dt)
    s, v = tensor(s, dt), tensor(v, dt)
    out = tf.searchsorted(s, tf.reshape(v, [-1]), side=side, out_type=tf.int32)
    return tf.reshape(out, tf.shape(v))


def _unique_sorted_n(x):
    """Per flattened ``x`` of N entries: its distinct values in ascending order (NaN last, one
    value) in the first ``n`` of N slots, with first index and count per slot, the validity of each
    slot and the inverse. Static shapes only (works inside ``tf.function``, XLA included)."""
    flat = _sortable(tf.reshape(x, [-1]))
    size = static_shape(flat)[0]
    if flat.dtype in FLOAT_TF:  # by value with NaN last (two stable sorts: value, then is-NaN)
        nan = tf.math.is_nan(flat)
        o1 = tf.argsort(tf.where(nan, tf.constant(np.inf, flat.dtype), flat), stable=True)
        o2 = tf.argsort(tf.cast(tf.gather(nan, o1), tf.int32), stable=True)
        order = tf.gather(o1, o2)
    else:
        order = tf.argsort(flat, stable=True)
    s = tf.gather(flat, order)
    same = tf.equal(s[1:], s[:-1])
    if flat.dtype in FLOAT_TF:
        same = same | (tf.math.is_nan(s[1:]) & tf.math.is_nan(s[:-1]))
    new = tf.concat([tf.ones([min(size, 1)], tf.bool), ~same], 0)
    group = tf.cumsum(tf.cast(new, tf.int32)) - 1
    pos = tf.range(size, dtype=tf.int32)
    first = tf.math.unsorted_segment_min(pos, group, size)  # first sorted position of each group
    first = tf.clip_by_value(first, 0, max(size - 1, 0))
    values = tf.cast(tf.gather(s, first), x.dtype)
    index = tf.gather(order, first)
    counts = tf.math.unsorted_segment_sum(tf.ones_like(group), group, size)
    valid = pos < tf.reduce_sum(tf.cast(new, tf.int32))
    inverse = tf.reshape(tf.scatter_nd(order[:, None], group, [size]), tf.shape(x))
    return values, index, inverse, counts, valid


def _unique_static(x, sorted, size, fill_value):
    values, index, inverse, counts, valid = _unique_sorted_n(x)
    n = static_shape(values)[0]
    smallest, smallest_index = values[:1], index[:1]
    if not sorted:
        order = tf.argsort(tf.where(valid, index, np.iinfo(np.int32).max), stable=True)
        rank = tf.scatter_nd(order[:, None], tf.range(n), [n])
        values, index, counts, valid = (tf.gather(values, order), tf.gather(index, order),
                                        tf.gather(counts, order), tf.gather(valid, order))
        inverse = tf.gather(rank, inverse)
    if size is not None:
        if size <= n:
            values, index, counts, valid = values[:size], index[:size], counts[:size], valid[:size]
        else:
            extra = size - n
            values = tf.concat([values, tf.zeros([extra], values.dtype)], 0)
            index = tf.concat([index, tf.zeros([extra], index.dtype)], 0)
            counts = tf.concat([counts, tf.zeros([extra], counts.dtype)], 0)
            valid = tf.concat([valid, tf.zeros([extra], tf.bool)], 0)
        if fill_value is not None:
            fill = tf.cast(tf.constant(fill_value, tf.float64 if x.dtype in FLOAT_TF else tf.int64), x.dtype)
        else:
            fill = smallest[0] if n else tf.zeros((), x.dtype)
        values = tf.where(valid, values, fill)
        index = tf.where(valid, index, smallest_index[0] if n else 0)
    return values, index, inverse, counts


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    x = tensor(x)
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise ValueError(f"unique: size={size!r} is invalid; expected a non-negative int")
    eager = tf.executing_eagerly()
    if axis is not None:
        if not eager:
            raise data_dependent_error("unique", "tf.function", "with axis it runs eagerly only")
        # distinct slices need a lexicographic sort TF lacks: eager, so the NumPy rule runs on the host
        out = spec.unique(x.numpy(), sorted, return_index, return_inverse, return_counts, axis, size, fill_value)
        return tuple(tf.constant(o) for o in out) if isinstance(out, tuple) else tf.constant(out)
    if size is None and not eager:
        raise data_dependent_error("unique", "tf.function", "pass size=N for a static length")
    values, index, inverse, counts = _unique_static(x, sorted, size, fill_value)
    if size is None:  # eager: keep the distinct ones
        n = int(tf.reduce_sum(tf.cast(counts > 0, tf.int32)))
        values, index, counts = values[:n], index[:n], counts[:n]
    extra = [tf.cast(a, tf.int32) for a, want in ((index, return_index), (inverse, return_inverse),
                                                  (counts, return_counts)) if want]
    return (values, *extra) if extra else values


def nonzero(x):
    x = tensor(x)
    if x.shape.rank == 0:
        raise ValueError("nonzero: x is 0-d; expected a tensor of rank >= 1")
    if not tf.executing_eagerly():
        raise data_dependent_error("nonzero", "tf.function", None)
    where = tf.where(tf.not_equal(x, tf.zeros((), x.dtype)) if x.dtype != tf.bool else x)
    return tuple(tf.cast(where[:, i], tf.int32) for i in range(x.shape.rank))


def argpartition(x, kth, axis=-1):
    x = tensor(x)
    if x.dtype == tf.bool:
        raise TypeError("argpartition: x has dtype bool; expected a numeric dtype")
    shape = static_shape(x)
    n = shape[axis] if shape else 1
    for k in np.atleast_1d(np.asarray(kth)):
        if not -n <= int(k) < n:
            raise ValueError(f"argpartition: kth={kth!r} is out of range for an axis of length {n}")
    return tf.argsort(_sortable(x), axis=axis, stable=True)


def unravel_index(indices, shape):
    if any(d is None for d in shape):
        raise ValueError(f"unravel_index: shape={shape!r} holds None; expected known dimensions")
    idx = tf.constant(np.asarray(indices, np.int32)) if isinstance(indices, (int, list, tuple)) else tensor(indices)
    if idx.dtype in FLOAT_TF or idx.dtype == tf.bool:
        raise TypeError(f"unravel_index: indices has dtype {NAME[idx.dtype]}; expected an integer dtype")
    total = int(np.prod(shape))
    if tf.executing_eagerly() and tf.size(idx) > 0:
        lo, hi = int(tf.reduce_min(tf.cast(idx, tf.int64))), int(tf.reduce_max(tf.cast(idx, tf.int64)))
        if lo < 0 or hi >= total:
            raise ValueError(f"unravel_index: indices hold values outside [0, {total}) for shape {tuple(shape)}")
    coords, rest = [], tf.cast(idx, tf.int64)
    for d in reversed(tuple(shape)):
        coords.append(tf.cast(tf.math.floormod(rest, d), idx.dtype))
        rest = tf.math.floordiv(rest, d)
    return tuple(reversed(coords))


# ------------------------------------------------------------------------------ segments
_FN = {"segment_sum": tf.math.unsorted_segment_sum, "segment_prod": tf.math.unsorted_segment_prod,
       "segment_max": tf.math.unsorted_segment_max, "segment_min": tf.math.unsorted_segment_min}


def _segment(name):
    fn = _FN[name]

    def kernel(data, segment_ids, num_segments=None, sorted=False):
        data, ids = tensor(data), tensor(segment_ids)
        if ids.dtype in FLOAT_TF or ids.dtype == tf.bool:
            raise TypeError(f"{name}: segment_ids has dtype {NAME[ids.dtype]}; expected an integer dtype")
        ds, ishape = static_shape(data), static_shape(ids)
        if len(ishape) != 1 or not ds or ishape[0] != ds[0]:
            rows = ds[0] if ds else 0
            raise ValueError(f"{name}: segment_ids has shape {ishape}; expected ({rows},), one id per row")
        is_bool = data.dtype == tf.bool
        if is_bool and name in ("segment_sum", "segment_prod"):
            raise TypeError(f"{name}: data has dtype bool; expected a numeric dtype")
        eager = tf.executing_eagerly()
        if num_segments is None:
            if not eager:
                raise data_dependent_error(name, "tf.function", "pass num_segments=N")
            num_segments = int(tf.reduce_max(ids)) + 1 if ishape[0] else 0
        if sorted and eager and ishape[0] > 1 and bool(tf.reduce_any(ids[1:] < ids[:-1])):
            raise ValueError(f"{name}: sorted=True but segment_ids are not sorted")
        n = int(num_segments)
        src = tf.cast(data, tf.int32) if is_bool else data
        ids = tf.cast(ids, tf.int32)
        slot = tf.where((ids >= 0) & (ids < n), ids, n)  # a spare segment takes the dropped ids
        out = fn(src, slot, n + 1)[:n]
        if src.dtype in FLOAT_TF and name in ("segment_max", "segment_min"):
            # TF fills empty segments with the dtype's finite lowest/highest; the spec says -inf/+inf
            hits = tf.math.unsorted_segment_sum(tf.ones_like(slot), slot, n + 1)[:n]
            empty = tf.reshape(tf.equal(hits, 0), [-1] + [1] * (len(ds) - 1))
            inf = tf.constant(-np.inf if name == "segment_max" else np.inf, src.dtype)
            out = tf.where(empty, inf, out)
        return out > 0 if is_bool and name == "segment_max" else (tf.not_equal(out, 0) if is_bool else out)
    kernel.__name__ = name
    return kernel


def in_top_k(targets, predictions, k):
    t, p = tensor(targets), tensor(predictions)
    if p.shape.rank != 2 or static_shape(t) != static_shape(p)[:1]:
        raise ValueError(f"in_top_k: targets {static_shape(t)} and predictions {static_shape(p)}; expected (batch,) "
                         f"and (batch, classes)")
    at = tf.gather(p, tf.cast(t, tf.int32)[:, None], batch_dims=1)
    if p.dtype in FLOAT_TF:
        at = tf.where(tf.math.is_nan(at), tf.constant(-np.inf, p.dtype), at)
    return 1 + tf.reduce_sum(tf.cast(p > at, tf.int32), axis=1) <= k


#: op name -> kernel
KERNELS: dict = {
    "searchsorted": searchsorted, "unique": unique, "nonzero": nonzero, "argpartition": argpartition,
    "unravel_index": unravel_index, "segment_sum": _segment("segment_sum"), "segment_prod": _segment("segment_prod"),
    "segment_max": _segment("segment_max"), "segment_min": _segment("segment_min"), "in_top_k": in_top_k,
}

__all__ = ["KERNELS"]
