"""Graph builders of the contraction ops (:mod:`dlx.ops.defs.linalg`); ``dense`` runs the spec's
decomposition.

A builder receives tensor parameters as ``openvino.Output`` edges (or Python scalars, kept weak, or
``None``) and static parameters as Python values, and returns an Output or a list / tuple of them
(see :mod:`dlx_openvino.kernels`)."""

from __future__ import annotations

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx_openvino import _graph as G
from dlx_openvino._graph import (
    as_float,
    cast,
    const,
    dt,
    i64,
    norm_axes,
    out,
    promote,
    reduce_shape,
    reshape,
    select,
    shape,
)
from dlx_openvino._graph import as_output as _o


# ------------------------------------------------------------------------------ linalg
def _int_matmul(a, b):
    """Exact integer matmul (OpenVINO's CPU MatMul runs integers in float32)."""
    a_vec, b_vec = len(shape(a)) == 1, len(shape(b)) == 1
    if a_vec:
        a = out(O.unsqueeze(a, i64([0])))
    if b_vec:
        b = out(O.unsqueeze(b, i64([1])))
    prod_ = out(O.multiply(out(O.unsqueeze(a, i64([-1]))), out(O.unsqueeze(b, i64([-3])))))
    r = out(O.reduce_sum(prod_, i64([-2]), False))
    if a_vec:
        r = out(O.squeeze(r, i64([-2])))
    if b_vec:
        r = out(O.squeeze(r, i64([-1])))
    return r


def matmul(x1, x2):
    d, a, b = promote(x1, x2)
    if d not in dtypes.FLOATS:
        return _int_matmul(a, b)
    return out(O.matmul(a, b, False, False))


def _implicit_output(subs):
    letters = subs.replace(",", "").replace(".", "")
    return "".join(sorted(c for c in set(letters) if letters.count(c) == 1))


def einsum(subscripts, *operands, **kwargs):
    # optimize (the only keyword, checked by the spec) picks a contraction order: OpenVINO's
    # Einsum picks its own; the result is the same
    d = G.result_type(*operands)
    arrs = [cast(_o(v), d) for v in operands]
    eq = subscripts.replace(" ", "")
    if "->" not in eq:
        eq = eq + "->" + _implicit_output(eq)
    if d not in dtypes.FLOATS:
        fl = [cast(a, "float64") for a in arrs]
        return cast(out(O.einsum(fl, eq)), d)
    return out(O.einsum(arrs, eq))


def _td_axes(n1, axes):
    if isinstance(axes, int):
        return list(range(n1 - axes, n1)), list(range(axes))
    a, b = axes
    return ([a] if isinstance(a, int) else list(a)), ([b] if isinstance(b, int) else list(b))


def tensordot(x1, x2, axes=2):
    _, a, b = promote(x1, x2)
    n1, n2 = len(shape(a)), len(shape(b))
    ia, ib = _td_axes(n1, axes)
    ia = [i % n1 for i in ia]
    ib = [i % n2 for i in ib]
    letters = "abcdefghijklmnopqrstuvwxyz"
    t1 = list(letters[:n1])
    t2 = [None] * n2
    for i, j in zip(ia, ib):
        t2[j] = t1[i]
    free = iter(letters[n1:])
    t2 = [c if c is not None else next(free) for c in t2]
    o = [c for i, c in enumerate(t1) if i not in ia] + [c for j, c in enumerate(t2) if j not in ib]
    if not ia:
        ra = reshape(a, [*shape(a), *([1] * n2)])
        return out(O.multiply(ra, b))
    return einsum(f"{''.join(t1)},{''.join(t2)}->{''.join(o)}", a, b)


def outer(x1, x2):
    _, a, b = promote(x1, x2)
    a = reshape(a, [int(np.prod(shape(a))), 1])
    b = reshape(b, [1, int(np.prod(shape(b)))])
    return out(O.multiply(a, b))


def norm(x, ord=None, axis=None, keepdims=False):
    if ord not in (None, 2, "fro", "euclidean"):
        raise ValueError(f"norm: ord={ord!r}; only the 2-norm (ord=None) is supported")
    x = as_float(x)
    d = dt(x)
    axes = norm_axes(axis, len(shape(x)))
    m = out(O.reduce_max(out(O.abs(x)), i64(list(axes)), True))
    m = select(out(O.equal(m, const(0, d))), const(1, d), m)
    q = out(O.divide(x, m))
    r = out(O.multiply(m, out(O.sqrt(G.tree_sum(out(O.multiply(q, q)), axes, True)))))
    return r if keepdims else reshape(r, reduce_shape(x, axes, False))


def dot(x1, x2):
    _, a, b = promote(x1, x2)
    n1, n2 = len(shape(a)), len(shape(b))
    if n1 == 0 or n2 == 0:
        return out(O.multiply(a, b))
    return tensordot(a, b, ([n1 - 1], [n2 - 2 if n2 >= 2 else 0]))


def inner(x1, x2):
    _, a, b = promote(x1, x2)
    n1, n2 = len(shape(a)), len(shape(b))
    if n1 == 0 or n2 == 0:
        return out(O.multiply(a, b))
    return tensordot(a, b, ([n1 - 1], [n2 - 1]))


def vdot(x1, x2):
    _, a, b = promote(x1, x2)
    a = reshape(a, [int(np.prod(shape(a)))])
    b = reshape(b, [int(np.prod(shape(b)))])
    return tensordot(a, b, 1)


#: op name -> graph builder
KERNELS: dict = {
    "matmul": matmul, "einsum": einsum, "tensordot": tensordot, "outer": outer, "norm": norm,
    "dot": dot, "inner": inner, "vdot": vdot,
}


__all__ = ["KERNELS"]
