"""Kernels of :mod:`dlx.ops.defs.ctc`. ``ctc_loss`` runs the forward (alpha) recursion in one
``lax.scan``; ``ctc_decode`` has no JAX function: its greedy strategy runs the spec's
decomposition (compilable), its beam search the host reference."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from dlx.ops.defs.ctc import NEG
from dlx_jax._common import arr, fl


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    out = fl(output)
    if out.dtype == jnp.float16 or out.dtype == jnp.bfloat16:
        out = out.astype(jnp.float32)
    b, tm, c = out.shape
    lm = target.shape[1]
    s_len = 2 * lm + 1
    logp = jax.nn.log_softmax(out, axis=-1)
    tgt = jnp.clip(arr(target).astype(jnp.int32), 0, c - 1)
    ext = jnp.full((b, s_len), mask_index, jnp.int32).at[:, 1::2].set(tgt)
    prev2 = jnp.pad(ext[:, :-2], ((0, 0), (2, 0)), constant_values=mask_index)
    skip = (ext != mask_index) & (ext != prev2)
    em = jnp.take_along_axis(logp, jnp.broadcast_to(ext[:, None, :], (b, tm, s_len)), axis=2)  # (b, t, s)
    neg = jnp.asarray(NEG, out.dtype)
    alpha0 = jnp.where(jnp.arange(s_len) < 2, em[:, 0, :], neg)
    ol = arr(output_length).astype(jnp.int32)[:, None]

    def step(alpha, xs):
        t, e = xs
        a1 = jnp.pad(alpha[:, :-1], ((0, 0), (1, 0)), constant_values=NEG)
        a2 = jnp.where(skip, jnp.pad(alpha[:, :-2], ((0, 0), (2, 0)), constant_values=NEG), neg)
        new = jnp.logaddexp(jnp.logaddexp(alpha, a1), a2) + e
        return jnp.where(t < ol, new, alpha), None

    alpha, _ = lax.scan(step, alpha0, (jnp.arange(1, tm), jnp.moveaxis(em[:, 1:, :], 1, 0)))
    tl = arr(target_length).astype(jnp.int32)[:, None]
    last = jnp.take_along_axis(alpha, 2 * tl, axis=1)
    before = jnp.take_along_axis(alpha, jnp.maximum(2 * tl - 1, 0), axis=1)
    before = jnp.where(tl > 0, before, neg)
    return -jnp.logaddexp(last, before)[:, 0]


KERNELS = {"ctc_loss": ctc_loss}
