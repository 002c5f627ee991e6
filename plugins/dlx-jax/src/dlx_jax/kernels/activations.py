"""Kernels of the ops in :mod:`dlx.ops.defs.activations` (shrinkage, hard / sparse activations,
glu, sparsemax, normalize, psnr); ``sparsemax`` (a sort, a cumulative sum and a few reductions)
is compiled as one program per call signature when called eagerly
(:func:`~dlx_jax._common.jit_eager_calls`)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from dlx.ops.defs.activations import _glu_check, _normalize_check, _psnr_check
from dlx_jax._common import axis_tuple, compiled_kernel, fl, float_promote


def hard_tanh(x):
    return jax.nn.hard_tanh(fl(x))


def hard_shrink(x, threshold=0.5):
    x = fl(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros((), x.dtype))


def soft_shrink(x, threshold=0.5):
    x = fl(x)
    t = jnp.asarray(threshold, x.dtype)
    return jnp.where(x > t, x - t, jnp.where(x < -t, x + t, jnp.zeros((), x.dtype)))


def threshold(x, threshold, default_value):
    x = fl(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


def sparse_plus(x):
    x = fl(x)
    y = x + 1
    return jnp.where(x <= -1, jnp.zeros((), x.dtype), jnp.where(x < 1, y * y / 4, x))


def sparse_sigmoid(x):
    x = fl(x)
    return jnp.where(x <= -1, jnp.zeros((), x.dtype), jnp.where(x >= 1, jnp.ones((), x.dtype), (x + 1) * 0.5))


def squareplus(x, b=4):
    x = fl(x)
    if b < 0:
        raise ValueError(f"squareplus: b={b!r}; expected b >= 0")
    s = jnp.hypot(x, jnp.asarray(math.sqrt(b), x.dtype))
    # the x < 0 branch's denominator is never 0 there; keep the untaken branch finite for autodiff
    den = jnp.where(x >= 0, jnp.ones((), x.dtype), 2 * (s - x))
    return jnp.where(x >= 0, (x + s) / 2, jnp.asarray(b, x.dtype) / den)


def tanh_shrink(x):
    x = fl(x)
    return x - jnp.tanh(x)


def swish(x):
    return jax.nn.silu(fl(x))


def hard_swish(x):
    return jax.nn.hard_swish(fl(x))


def glu(x, axis=-1):
    x = fl(x)
    _glu_check(x, axis)
    return jax.nn.glu(x, axis=axis)


def sparsemax(x, axis=-1):
    x = fl(x)
    z = jnp.moveaxis(x, axis, -1)
    zs = -jnp.sort(-z, axis=-1)
    cs = jnp.cumsum(zs, axis=-1)
    k = jnp.arange(1, z.shape[-1] + 1, dtype=x.dtype)
    support = 1 + k * zs > cs
    kz = jnp.sum(support, axis=-1, keepdims=True)
    # tau from a (pairwise) sum over the support, not the sequential cumsum
    tau = (jnp.sum(jnp.where(support, zs, 0), axis=-1, keepdims=True) - 1) / kz.astype(x.dtype)
    return jnp.moveaxis(jnp.maximum(z - tau, 0), -1, axis)


def normalize(x, axis=-1, order=2, epsilon=None):
    x = fl(x)
    if x.ndim == 0:
        x = x[None]
    _normalize_check(order, axis, x.ndim)
    eps = 1e-7 if epsilon is None else epsilon
    ax = axis_tuple(axis, x.ndim)
    if order == 2:
        n = jnp.sqrt(jnp.sum(x * x, axis=ax, keepdims=True))
    else:
        n = jnp.sum(jnp.abs(x) ** order, axis=ax, keepdims=True) ** (1 / order)
    return x / jnp.maximum(n, jnp.asarray(eps, x.dtype))


def psnr(x1, x2, max_val):
    x1, x2 = float_promote(x1, x2)
    _psnr_check(x1, x2)
    d = x1 - x2
    mse = jnp.mean(d * d)
    mv = jnp.asarray(max_val, x1.dtype)
    return 20 * jnp.log10(mv) - 10 * jnp.log10(mse)


KERNELS = {
    "hard_tanh": hard_tanh, "hard_shrink": hard_shrink, "soft_shrink": soft_shrink, "threshold": threshold,
    "sparse_plus": sparse_plus, "sparse_sigmoid": sparse_sigmoid, "squareplus": squareplus,
    "tanh_shrink": tanh_shrink, "swish": swish, "hard_swish": hard_swish, "glu": glu,
    "sparsemax": compiled_kernel("sparsemax", sparsemax), "normalize": normalize, "psnr": psnr,
}
