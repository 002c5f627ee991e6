"""Contraction kernels: the ops of :mod:`dlx.ops.defs.linalg`."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from dlx_jax._common import HIGHEST, Array, arr, fl, float_promote, floatx, np_dtype, promote, promote2


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


# ------------------------------------------------------------------------------ numpy-group products
def dot(x1, x2):
    return jnp.dot(*promote2(x1, x2), precision=HIGHEST)


def inner(x1, x2):
    return jnp.inner(*promote2(x1, x2), precision=HIGHEST)


def vdot(x1, x2):
    return jnp.vdot(*promote2(x1, x2), precision=HIGHEST)


def kron(x1, x2):
    return jnp.kron(*promote2(x1, x2))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return jnp.cross(*promote2(x1, x2), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def diag(x, k=0):
    x = arr(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"diag: x of rank {x.ndim}; expected a 1-D or 2-D array")
    return jnp.diag(x, k)


def diagflat(x, k=0):
    return jnp.diagflat(arr(x), k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return jnp.diagonal(arr(x), offset, axis1, axis2)


_TRACE_DTYPE = {"bool": jnp.int32, "int8": jnp.int32, "int16": jnp.int32, "uint8": jnp.uint32, "uint16": jnp.uint32}


def trace(x, offset=0, axis1=0, axis2=1):
    x = arr(x)
    dt = _TRACE_DTYPE.get(x.dtype.name, x.dtype)
    return jnp.trace(x, offset, axis1, axis2, dtype=dt)


def tri(N, M=None, k=0, dtype=None):
    return jnp.tri(N, M, k, dtype=np_dtype(dtype) if dtype is not None else floatx())


def vander(x, N=None, increasing=False):
    x = arr(x)
    if x.ndim != 1:
        raise ValueError(f"vander: x of rank {x.ndim}; expected a 1-D array")
    return jnp.vander(x, N, increasing)


def cdist(x, y):
    a, b = float_promote(x, y)
    diff = a[..., :, None, :] - b[..., None, :, :]
    return _l2norm_jit(diff, (diff.ndim - 1,), False)


#: op name -> kernel (``dense`` runs the spec's decomposition: XLA fuses it)
KERNELS: dict = {
    "matmul": matmul, "einsum": einsum, "tensordot": tensordot, "outer": outer, "norm": norm,
    "dot": dot, "inner": inner, "vdot": vdot, "kron": kron, "cross": cross, "diag": diag, "diagflat": diagflat,
    "diagonal": diagonal, "trace": trace, "tri": tri, "vander": vander, "cdist": cdist,
}

__all__ = ["KERNELS"]
