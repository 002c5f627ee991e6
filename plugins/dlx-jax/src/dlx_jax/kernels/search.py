"""Search, set and segment kernels: the ops of :mod:`dlx.ops.defs.search` (``jax.numpy``,
``jax.ops.segment_*``). Ops whose output shape depends on the data raise an error naming the op
under ``jax.jit`` (``unique`` takes ``size=``, ``segment_*`` ``num_segments=``)."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from dlx.ops.defs.search import data_dependent_error
from dlx_jax._common import BOOL, FLOAT_DTYPES, INT32, arr

_TRACING_ERRORS = (jax.errors.ConcretizationTypeError, jax.errors.TracerIntegerConversionError,
                   jax.errors.TracerArrayConversionError, jax.errors.TracerBoolConversionError)


def searchsorted(sorted_sequence, values, side="left"):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side={side!r} is invalid; expected 'left' or 'right'")
    s = arr(sorted_sequence)
    if s.ndim != 1:
        raise ValueError(f"searchsorted: sorted_sequence has shape {s.shape}; expected a 1-D tensor")
    v = arr(values)
    if v.dtype != s.dtype:
        dt = jnp.promote_types(s.dtype, v.dtype)
        s, v = s.astype(dt), v.astype(dt)
    return jnp.searchsorted(s, v, side=side).astype(INT32)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    x = arr(x)
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise ValueError(f"unique: size={size!r} is invalid; expected a non-negative int")
    try:
        values, index, inverse, counts = jnp.unique(
            x, return_index=True, return_inverse=True, return_counts=True, axis=axis, size=size,
            fill_value=fill_value, equal_nan=True)
    except _TRACING_ERRORS:
        raise data_dependent_error("unique", "jax.jit", "pass size=N for a static length") from None
    inverse = inverse.reshape(x.shape if axis is None else (x.shape[axis],))
    if not sorted:  # first-occurrence order; padding (count 0) stays last
        n = values.shape[0 if axis is None else axis]
        key = jnp.where(counts > 0, index, np.iinfo(np.int32).max)
        order = jnp.argsort(key, stable=True)
        rank = jnp.zeros(n, order.dtype).at[order].set(jnp.arange(n, dtype=order.dtype))
        values = jnp.take(values, order, axis=0 if axis is None else axis)
        index, counts, inverse = index[order], counts[order], rank[inverse]
    extra = [a.astype(INT32) for a, want in ((index, return_index), (inverse, return_inverse),
                                             (counts, return_counts)) if want]
    return (values, *extra) if extra else values


def nonzero(x):
    x = arr(x)
    if x.ndim == 0:
        raise ValueError("nonzero: x is 0-d; expected a tensor of rank >= 1")
    try:
        out = jnp.nonzero(x)
    except _TRACING_ERRORS:
        raise data_dependent_error("nonzero", "jax.jit", None) from None
    return tuple(i.astype(INT32) for i in out)


def argpartition(x, kth, axis=-1):
    x = arr(x)
    if x.dtype == BOOL:
        raise TypeError("argpartition: x has dtype bool; expected a numeric dtype")
    n = x.shape[axis] if x.ndim else 1
    for k in np.atleast_1d(np.asarray(kth)):
        if not -n <= int(k) < n:
            raise ValueError(f"argpartition: kth={kth!r} is out of range for an axis of length {n}")
    return jnp.argsort(x, axis=axis, stable=True).astype(INT32)


def unravel_index(indices, shape):
    if any(d is None for d in shape):
        raise ValueError(f"unravel_index: shape={shape!r} holds None; expected known dimensions")
    py = isinstance(indices, (int, list, tuple))
    idx = jnp.asarray(np.asarray(indices, np.int32)) if py else arr(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"unravel_index: indices has dtype {idx.dtype}; expected an integer dtype")
    total = int(np.prod(shape))
    if not isinstance(idx, jax.core.Tracer) and idx.size and (int(idx.min()) < 0 or int(idx.max()) >= total):
        raise ValueError(f"unravel_index: indices hold values outside [0, {total}) for shape {tuple(shape)}")
    coords = []
    rest = idx.astype(np.int64)
    for d in reversed(tuple(shape)):
        coords.append((rest % d).astype(idx.dtype))
        rest = rest // d
    return tuple(reversed(coords))


# ------------------------------------------------------------------------------ segments
def _segment(name, fn):
    def kernel(data, segment_ids, num_segments=None, sorted=False):
        data, ids = arr(data), arr(segment_ids)
        if ids.dtype.kind not in "iu":
            raise TypeError(f"{name}: segment_ids has dtype {ids.dtype}; expected an integer dtype")
        if ids.ndim != 1 or data.ndim < 1 or ids.shape[0] != data.shape[0]:
            rows = data.shape[0] if data.ndim else 0
            raise ValueError(f"{name}: segment_ids has shape {ids.shape}; expected ({rows},), one id per row of data")
        if data.dtype == BOOL and name in ("segment_sum", "segment_prod"):
            raise TypeError(f"{name}: data has dtype bool; expected a numeric dtype")
        concrete = not isinstance(ids, jax.core.Tracer)
        if num_segments is None:
            if not concrete:
                raise data_dependent_error(name, "jax.jit", "pass num_segments=N")
            num_segments = int(jnp.max(ids)) + 1 if ids.size else 0
        if sorted and concrete and ids.size > 1 and bool(jnp.any(jnp.diff(ids) < 0)):
            raise ValueError(f"{name}: sorted=True but segment_ids are not sorted")
        # the sortedness hint is not forwarded: XLA may give wrong sums for ids that break it
        # under jit, where it cannot be checked
        if data.dtype == BOOL:
            out = fn(data.astype(INT32), ids, int(num_segments))
            return out > 0 if name == "segment_max" else out != 0
        return fn(data, ids, int(num_segments))
    kernel.__name__ = name
    return kernel


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _segment_prod(data, ids, n):
    """``jax.ops.segment_prod`` with a VJP for repeated ids (JAX's own needs unique ids)."""
    return jax.ops.segment_prod(data, ids, n)


def _segment_prod_fwd(data, ids, n):
    out = jax.ops.segment_prod(data, ids, n)
    return out, (data, ids, out)


def _segment_prod_bwd(n, res, g):
    data, ids, out = res
    valid = (ids >= 0) & (ids < n)
    picked = jnp.take(g * out, jnp.where(valid, ids, 0), axis=0)
    mask = valid.reshape(valid.shape + (1,) * (data.ndim - 1))
    return jnp.where(mask, picked / data, jnp.zeros((), data.dtype)), None


_segment_prod.defvjp(_segment_prod_fwd, _segment_prod_bwd)


def _segment_prod_any(data, ids, n):
    return _segment_prod(data, ids, n) if data.dtype in FLOAT_DTYPES else jax.ops.segment_prod(data, ids, n)


def in_top_k(targets, predictions, k):
    t, p = arr(targets), arr(predictions)
    if p.ndim != 2 or t.shape != p.shape[:1]:
        raise ValueError(f"in_top_k: targets {t.shape} and predictions {p.shape}; expected (batch,) and "
                         f"(batch, classes)")
    at = jnp.take_along_axis(p, t.astype(INT32)[:, None], axis=1)
    if p.dtype in FLOAT_DTYPES:
        at = jnp.where(jnp.isnan(at), -jnp.inf, at)
    return 1 + jnp.sum(p > at, axis=1) <= k


#: op name -> kernel
KERNELS: dict = {
    "searchsorted": searchsorted, "unique": unique, "nonzero": nonzero, "argpartition": argpartition,
    "unravel_index": unravel_index,
    "segment_sum": _segment("segment_sum", jax.ops.segment_sum),
    "segment_prod": _segment("segment_prod", _segment_prod_any),
    "segment_max": _segment("segment_max", jax.ops.segment_max),
    "segment_min": _segment("segment_min", jax.ops.segment_min),
    "in_top_k": in_top_k,
}

__all__ = ["KERNELS"]
