"""Contraction kernels: the ops of :mod:`dlx.ops.defs.linalg`."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from dlx_jax._common import HIGHEST, Array, fl, promote, promote2


# ------------------------------------------------------------------------------ contractions
def matmul(x1, x2):
    if type(x1) is Array and type(x2) is Array and x1.dtype == x2.dtype:
        return jnp.matmul(x1, x2, precision=HIGHEST)
    return jnp.matmul(*promote(x1, x2), precision=HIGHEST)


def einsum(subscripts, *operands, **kwargs):
    # optimize (the only keyword, checked by the spec) picks the contraction order, not the result
    return jnp.einsum(subscripts, *promote(*operands), precision=HIGHEST, **kwargs)


def tensordot(x1, x2, axes=2):
    a, b = promote2(x1, x2)
    if not isinstance(axes, int):
        axes = tuple(tuple(v) if isinstance(v, (list, tuple)) else v for v in axes)
    return jnp.tensordot(a, b, axes, precision=HIGHEST)


def outer(x1, x2):
    return jnp.outer(*promote2(x1, x2))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2))
def _l2norm(x, axis, keepdims):
    return jnp.linalg.vector_norm(x, ord=2, axis=axis, keepdims=keepdims)


@_l2norm.defjvp
def _l2norm_jvp(axis, keepdims, primals, tangents):
    # d||x|| = <x, dx> / ||x||, taken as 0 where the norm is 0 (the spec's gradient rule)
    (x,), (dx,) = primals, tangents
    out = _l2norm(x, axis, keepdims)
    o = out if keepdims or axis is None else jnp.expand_dims(out, axis)
    safe = jnp.where(o == 0, jnp.ones_like(o), o)
    return out, jnp.sum(x * dx / safe, axis=axis, keepdims=keepdims)


_l2norm_jit = jax.jit(_l2norm, static_argnums=(1, 2))


def norm(x, ord=None, axis=None, keepdims=False):
    if ord not in (None, 2, "fro", "euclidean"):
        raise ValueError(f"norm: ord={ord!r}; only the 2-norm (ord=None) is supported")
    x = fl(x)
    axis = tuple(a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)) if axis is not None else None
    return _l2norm_jit(x, axis, keepdims)


#: op name -> kernel (``dense`` runs the spec's decomposition: XLA fuses it)
KERNELS: dict = {
    "matmul": matmul, "einsum": einsum, "tensordot": tensordot, "outer": outer, "norm": norm,
}

__all__ = ["KERNELS"]
