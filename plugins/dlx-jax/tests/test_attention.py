"""The JAX ``dot_product_attention`` kernel takes ``jax.nn.dot_product_attention`` (XLA's fused
formulation, ~3x faster on CPU) for rank-4 float32 inputs: its values against a float64 NumPy
attention, with a bias, a mask that hides a whole row, and a causal mask over more keys than
queries."""

from __future__ import annotations

import jax
import numpy as np

import dlx
from dlx import ops


def _reference(q, k, v, bias, mask, causal, scale):
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale + (0.0 if bias is None else bias)
    keep = np.ones(logits.shape, bool) if mask is None else np.broadcast_to(mask, logits.shape).copy()
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e9)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", weights, v)


def test_fused_attention_matches_a_float64_reference():
    rng = np.random.default_rng(0)
    q = rng.standard_normal((2, 3, 2, 8)).astype(np.float32)
    k = rng.standard_normal((2, 5, 2, 8)).astype(np.float32)
    v = rng.standard_normal((2, 5, 2, 8)).astype(np.float32)
    bias = rng.standard_normal((2, 2, 3, 5)).astype(np.float32)
    mask = rng.random((2, 1, 3, 5)) < 0.6
    mask[..., 0] = True
    mask[1, 0, 2] = False  # a whole row hidden: the values are averaged uniformly
    with dlx.backend.use("jax"):
        for kw in ({}, {"bias": bias}, {"mask": mask}, {"is_causal": True}, {"mask": mask, "is_causal": True}):
            got = ops.dot_product_attention(q, k, v, scale=0.3, **kw)
            assert isinstance(got, jax.Array) and got.dtype == np.float32
            want = _reference(q, k, v, kw.get("bias"), kw.get("mask"), kw.get("is_causal", False), 0.3)
            np.testing.assert_allclose(np.asarray(got), want, rtol=2e-5, atol=2e-6, err_msg=str(sorted(kw)))
        np.testing.assert_allclose(np.asarray(ops.dot_product_attention(q, k, v, mask=mask))[1, 2],
                                   v[1].astype(np.float64).mean(0), rtol=1e-5)
