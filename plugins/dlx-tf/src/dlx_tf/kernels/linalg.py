"""Contraction kernels: the ops of :mod:`dlx.ops.defs.linalg`."""

from __future__ import annotations

from dlx_tf._core import FLOAT_TF, TF, axes, pair, promote, tensor, tf

_raw = tf.raw_ops


# ------------------------------------------------------------------------------ contractions
def matmul(x1, x2):
    a, b = pair(x1, x2)
    ra, rb = a.shape.rank, b.shape.rank
    if ra >= 2 and rb >= 2:
        return tf.linalg.matmul(a, b)
    if ra == 1 and rb == 1:
        return tf.reshape(tf.linalg.matmul(a[None, :], b[:, None]), [])
    if ra == 1:
        return tf.squeeze(tf.linalg.matmul(a[None, :], b), -2)
    return tf.squeeze(tf.linalg.matmul(a, b[:, None]), -1)


def einsum(subscripts, *operands, **kwargs):
    # optimize (the only keyword, checked by the spec) picks the contraction order, not the result
    opt = kwargs.get("optimize", "greedy")
    return tf.einsum(subscripts, *promote(*operands), optimize="greedy" if opt is True or opt is False else opt)


def tensordot(x1, x2, axes=2):
    a, b = pair(x1, x2)
    if not isinstance(axes, int):
        axes = [[axes[0]] if isinstance(axes[0], int) else list(axes[0]),
                [axes[1]] if isinstance(axes[1], int) else list(axes[1])]
    return tf.tensordot(a, b, axes)


def outer(x1, x2):
    a, b = pair(x1, x2)
    return tf.reshape(a, [-1, 1]) * tf.reshape(b, [1, -1])


def norm(x, ord=None, axis=None, keepdims=False):
    """The 2-norm, scaled by ``max|x|`` like the spec (no overflow / underflow of squares)."""
    if ord not in (None, 2, "fro", "euclidean"):
        raise ValueError(f"norm: ord={ord!r}; only the 2-norm (ord=None) is supported")
    x = tensor(x)
    if x.dtype not in FLOAT_TF:
        x = tf.cast(x, TF["float32"])
    ax = None if axis is None else axes(axis, x.shape.rank)
    m = tf.stop_gradient(tf.reduce_max(tf.abs(x), ax, keepdims=True))
    m = tf.where(tf.equal(m, 0), tf.ones((), x.dtype), m)
    y = x / m
    out = m * _raw.Sqrt(x=tf.reduce_sum(y * y, ax, keepdims=True))
    if not keepdims:
        out = tf.reshape(out, []) if ax is None else tf.squeeze(out, ax)
    return out


#: op name -> kernel (``dense`` runs the spec's decomposition)
KERNELS: dict = {
    "matmul": matmul, "einsum": einsum, "tensordot": tensordot, "outer": outer, "norm": norm,
}

__all__ = ["KERNELS"]
