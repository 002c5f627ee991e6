"""Stacking, splitting and rearranging kernels: the ops of :mod:`dlx.ops.defs.manipulation`
(the others run their spec's decomposition into this backend's kernels)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from dlx_jax._common import Array, arr, promote


def _stack(fn):
    def kernel(xs):
        return fn([jnp.asarray(x) for x in promote(*xs)])
    kernel.__name__ = fn.__name__
    return kernel


def copy(x):
    x = arr(x)
    if type(x) is Array and x.is_fully_addressable:
        # a concrete array: a buffer copy on its own sharding (jnp.array(copy=True) compiles one per
        # shape); an array spread over several processes is copied by the compiled path
        return jax.device_put(x, x.sharding, may_alias=False)
    return jnp.array(x, copy=True)


def diff(a, n=1, axis=-1):
    if n < 0:
        raise ValueError(f"diff: n={n} must be >= 0")
    return jnp.diff(arr(a), n=n, axis=axis)


def rot90(array, k=1, axes=(0, 1)):
    x = arr(array)
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % max(x.ndim, 1) == axes[1] % max(x.ndim, 1):
        raise ValueError(f"rot90: axes={axes} must be two different axes")
    return jnp.rot90(x, k, axes)


def append(x1, x2, axis=None):
    a, b = promote(x1, x2)
    return jnp.append(jnp.asarray(a), jnp.asarray(b), axis=axis)


#: op name -> kernel
KERNELS: dict = {
    "hstack": _stack(jnp.hstack), "vstack": _stack(jnp.vstack), "dstack": _stack(jnp.dstack),
    "column_stack": _stack(jnp.column_stack), "copy": copy, "diff": diff, "rot90": rot90, "append": append,
}
