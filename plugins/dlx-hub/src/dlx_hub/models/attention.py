"""Shared attention pieces (dlx.ops only, so they run on every backend).

Heads stay in the ``(batch, seq, heads, head_dim)`` layout of :func:`dlx.ops.dot_product_attention`
(Keras's), so splitting and merging heads are reshapes (no transposed copies) and the attention
itself is the backend's fused kernel (``scaled_dot_product_attention`` on torch)."""

from __future__ import annotations

import numpy as np

from dlx import ops

# an additive bias this negative underflows exp() to exactly 0 in float32, and a row that is all
# masked stays finite (uniform) instead of NaN
MASK_BIAS = -1e9


def split_heads(x, num_heads: int, head_dim: int):
    """(batch, seq, heads * head_dim) -> (batch, seq, heads, head_dim)."""
    b, s = ops.tensors.shape(x)[0], ops.tensors.shape(x)[1]
    return ops.reshape(x, (b, s, num_heads, head_dim))


def merge_heads(x):
    """(batch, seq, heads, head_dim) -> (batch, seq, heads * head_dim)."""
    b, s, h, d = ops.tensors.shape(x)
    return ops.reshape(x, (b, s, h * d))


def attend(q, k, v, bias):
    """Softmax attention of (batch, seq, heads, head_dim) tensors; ``bias`` is additive and
    broadcasts to (batch, heads, q_len, k_len)."""
    return ops.dot_product_attention(q, k, v, bias=bias, scale=1.0 / float(np.sqrt(ops.tensors.shape(q)[-1])))


def padding_bias(padding_mask):
    """(batch, k_len) 0/1 mask -> additive (batch, 1, 1, k_len) float32 bias (a tensor)."""
    b, s = ops.tensors.shape(padding_mask)
    keep = ops.cast(padding_mask, "float32")
    return ops.reshape((1.0 - keep) * MASK_BIAS, (b, 1, 1, s))
