"""Scatter ops of Keras's core group: ``scatter`` (values added into zeros) and
``scatter_update`` (values written, or reduced, into a tensor at index tuples)."""

from __future__ import annotations

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import nd
from dlx.ops.spec import Case, op

G = "core"
REDUCTIONS = (None, "add", "max", "min", "mul")


def _idx(indices):
    idx = np.asarray(indices).astype(np.int64)
    if idx.ndim == 0:
        raise ValueError(f"scatter: indices must have at least one dimension, got {indices!r}")
    return tuple(idx[..., i] for i in range(idx.shape[-1]))


def _scatter_grad(g, out, indices, values, shape):
    return None, K.gather_nd(g, indices)


@op(G, T.E0, [
    Case("points", lambda r, dt: ((np.array([[0, 1], [2, 3], [0, 1]], np.int32), r.standard_normal(3).astype(dt), (3, 4)), {})),
    Case("rows", lambda r, dt: ((np.array([[1], [3]], np.int32), r.standard_normal((2, 5)).astype(dt), (4, 5)), {})),
    Case("int", lambda r, dt: ((np.array([[0], [2], [0]], np.int32), np.array([1, 2, 3], np.int32), (4,)), {}),
         dtypes=("int32",), grad=False),
], grad=_scatter_grad, tensors=("indices", "values"),
    decomposition=lambda indices, values, shape: K.scatter_add(K.zeros(tuple(shape), tensors.dtype(values)), indices, values))
def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (the last axis of
    ``indices`` indexes the leading axes; repeated indices accumulate); ``values``' dtype.

    Arguments:
        indices: an integer tensor of rank at least 1 whose last axis holds index tuples into
            the leading axes of the result.
        values: the values to add, of shape ``indices.shape[:-1] + shape[indices.shape[-1]:]``.
        shape: the result's shape (a sequence of ints).

    Returns:
        A tensor of ``shape`` in ``values``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.scatter(np.array([[0, 1], [1, 0]]), np.array([5.0, 7.0]), (2, 2))
    array([[0., 5.],
           [7., 0.]])
    """
    v = np.asarray(values)
    out = np.zeros(tuple(int(s) for s in shape), v.dtype)
    np.add.at(out, _idx(indices), v)
    return out


def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"scatter_update: reduction={reduction!r} is invalid; expected None, 'add', 'max', 'min' or 'mul'")


def _scatter_update_decomposition(inputs, indices, updates, reduction=None):
    _check_reduction(reduction)
    u = K.cast(updates, tensors.dtype(inputs))
    if reduction == "add":
        return K.scatter_add(inputs, indices, u)
    if reduction is not None:  # max / min / mul: one update at a time (exact for repeated indices)
        fn = {"max": K.maximum, "min": K.minimum, "mul": K.multiply}[reduction]
        ishape = tensors.shape(indices)
        flat_idx = K.reshape(indices, (-1, ishape[-1]))
        flat_u = K.reshape(u, (-1, *tensors.shape(inputs)[ishape[-1]:]))
        out = inputs
        for i in range(tensors.shape(flat_idx)[0]):
            idx_i = K.slice(flat_idx, (i, 0), (1, ishape[-1]))
            u_i = K.slice(flat_u, (i, *([0] * (len(tensors.shape(flat_u)) - 1))), (1, *tensors.shape(flat_u)[1:]))
            hit = K.greater(K.scatter_add(K.zeros_like(inputs, "int32"), idx_i, K.ones_like(u_i, "int32")), 0)
            spread = K.scatter_add(K.zeros_like(inputs), idx_i, u_i)
            out = K.where(hit, fn(out, spread), out)
        return out
    hit = K.scatter_add(K.zeros_like(inputs, "int32"), indices, K.ones_like(u, "int32"))
    return K.where(K.greater(hit, 0), K.scatter_add(K.zeros_like(inputs), indices, u), inputs)


def _scatter_update_grad(g, out, inputs, indices, updates, reduction=None):
    if reduction == "add":
        return g, None, K.gather_nd(g, indices)
    if reduction is None:
        hit = K.scatter_add(K.zeros_like(g), indices, K.ones_like(K.gather_nd(g, indices)))
        return K.where(K.greater(hit, 0), K.zeros_like(g), g), None, K.gather_nd(g, indices)
    # max / min / mul: through the positions the result took from each side
    picked = K.gather_nd(out, indices)
    if reduction == "mul":
        gi = g * out / inputs
        return gi, None, K.gather_nd(g * out, indices) / updates
    from_update = K.cast(K.equal(picked, updates), tensors.dtype(g))
    kept = K.cast(K.equal(out, inputs), tensors.dtype(g))
    return g * kept, None, K.gather_nd(g, indices) * from_update


def _su_case(name, reduction, dtypes=("float32", "float64"), grad=True):
    def make(r, dt):
        if dt == "int32":
            x = r.integers(-9, 9, (5, 3)).astype(np.int32)
            u = r.integers(-9, 9, (2, 3)).astype(np.int32)
        else:
            x, u = r.standard_normal((5, 3)).astype(dt), r.standard_normal((2, 3)).astype(dt)
            if reduction == "mul":
                x, u = x + np.sign(x) * 0.5, u + np.sign(u) * 0.5
        return (x, np.array([[1], [3]], np.int32), u), {"reduction": reduction}
    return Case(name, make, dtypes=dtypes, grad=grad)


@op(G, T.E0, [
    _su_case("set", None), _su_case("add", "add"), _su_case("max", "max"), _su_case("min", "min"),
    # JAX differentiates a multiplying scatter only when told the indices are unique
    _su_case("mul", "mul", grad=False),
    Case("points", lambda r, dt: ((r.standard_normal((4, 4)).astype(dt), np.array([[0, 1], [2, 3]], np.int32),
                                   r.standard_normal(2).astype(dt)), {})),
    Case("duplicates_add", lambda r, dt: ((r.standard_normal((4,)).astype(dt), np.array([[1], [1], [2]], np.int32),
                                           r.standard_normal(3).astype(dt)), {"reduction": "add"}), grad=False),
    _su_case("int", None, dtypes=("int32",), grad=False),
    Case("cast_updates", lambda r, dt: ((np.zeros(4, np.int32), np.array([[0], [2]], np.int32), np.array([1.7, -2.2], np.float32)), {}),
         dtypes=("int32",), grad=False),
], grad=_scatter_update_grad, tensors=("inputs", "indices", "updates"), decomposition=_scatter_update_decomposition)
def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written at ``indices`` (the last axis of ``indices`` indexes the
    leading axes), in ``inputs``' dtype. ``reduction``: None replaces (indices should be unique:
    which of several updates to one place wins is the backend's), "add", "max", "min" or "mul"
    combine every update with the value there.

    Arguments:
        inputs: the tensor to update (it is not modified).
        indices: an integer tensor of rank at least 1 whose last axis holds index tuples into
            ``inputs``'s leading axes.
        updates: the new values, of shape
            ``indices.shape[:-1] + inputs.shape[indices.shape[-1]:]``; cast to ``inputs``'s dtype.
        reduction: ``None`` (replace), ``"add"``, ``"max"``, ``"min"`` or ``"mul"``.

    Returns:
        A new tensor of ``inputs``'s shape and dtype.

    Raises:
        ValueError: for another ``reduction``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.scatter_update(np.zeros(4), np.array([[0], [2]]), np.array([1.0, 3.0]))
    array([1., 0., 3., 0.])
    """
    _check_reduction(reduction)
    x = np.asarray(inputs)
    with np.errstate(all="ignore"):
        u = np.asarray(updates).astype(x.dtype)
    out = x.copy()
    key = _idx(indices)
    if reduction is None:
        out[key] = u
    else:
        {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}[reduction].at(out, key, u)
    return out.astype(nd(x.dtype), copy=False)
