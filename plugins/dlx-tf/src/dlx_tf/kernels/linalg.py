"""Contraction kernels: the ops of :mod:`dlx.ops.defs.linalg`."""

from __future__ import annotations

from dlx import dtypes
from dlx_tf._core import FLOAT_TF, NAME, TF, axes, pair, promote, tensor, tf

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


# ------------------------------------------------------------------------------ numpy-group products
_tnp = tf.experimental.numpy


def dot(x1, x2):
    a, b = pair(x1, x2)
    ra, rb = a.shape.rank, b.shape.rank
    if ra == 0 or rb == 0:
        return a * b
    return tf.tensordot(a, b, [[ra - 1], [rb - 2 if rb >= 2 else 0]])


def inner(x1, x2):
    a, b = pair(x1, x2)
    ra, rb = a.shape.rank, b.shape.rank
    if ra == 0 or rb == 0:
        return a * b
    return tf.tensordot(a, b, [[ra - 1], [rb - 1]])


def vdot(x1, x2):
    a, b = pair(x1, x2)
    return tf.tensordot(tf.reshape(a, [-1]), tf.reshape(b, [-1]), 1)


def kron(x1, x2):
    a, b = pair(x1, x2)
    n = max(a.shape.rank, b.shape.rank)
    a = tf.reshape(a, [1] * (n - a.shape.rank) + a.shape.as_list())
    b = tf.reshape(b, [1] * (n - b.shape.rank) + b.shape.as_list())
    sa, sb = a.shape.as_list(), b.shape.as_list()
    ea = tf.reshape(a, [d for s in sa for d in (s, 1)])  # a[i0, 1, i1, 1, ...]
    eb = tf.reshape(b, [d for s in sb for d in (1, s)])
    return tf.reshape(ea * eb, [p * q for p, q in zip(sa, sb)])


def diag(x, k=0):
    x = tensor(x)
    if x.shape.rank not in (1, 2):
        raise ValueError(f"diag: x of rank {x.shape.rank}; expected a 1-D or 2-D array")
    if x.shape.rank == 1:
        return tf.linalg.diag(x, k=k)
    return tf.linalg.diag_part(x, k=k) if _diag_len(x.shape, k) > 0 else tf.zeros([0], x.dtype)


def _diag_len(shape, k):
    return max(0, min(shape[0] - max(0, -k), shape[1] - max(0, k)))


def diagflat(x, k=0):
    return tf.linalg.diag(tf.reshape(tensor(x), [-1]), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = tensor(x)
    r = x.shape.rank
    a1, a2 = axis1 % r, axis2 % r
    moved = _tnp.moveaxis(x, [a1, a2], [-2, -1])
    if _diag_len(moved.shape[-2:], offset) == 0:
        return tf.zeros([*moved.shape[:-2], 0], x.dtype)
    return tf.linalg.diag_part(moved, k=offset)


_TRACE_DTYPE = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}


def trace(x, offset=0, axis1=0, axis2=1):
    x = tensor(x)
    dt = _TRACE_DTYPE.get(NAME[x.dtype])
    if dt is not None:
        x = tf.cast(x, TF[dt])
    return tf.reduce_sum(diagonal(x, offset, axis1, axis2), -1)


def tri(N, M=None, k=0, dtype=None):
    m = N if M is None else M
    rows = tf.range(N)[:, None]
    cols = tf.range(m)[None, :]
    return tf.cast(cols - rows <= k, TF[dtype or dtypes.floatx()])


def vander(x, N=None, increasing=False):
    x = tensor(x)
    if x.shape.rank != 1:
        raise ValueError(f"vander: x of rank {x.shape.rank}; expected a 1-D array")
    n = x.shape[0] if N is None else N
    cols = [tf.ones_like(x)]
    for _ in range(1, n):
        cols.append(cols[-1] * x)
    if not increasing:
        cols = cols[::-1]
    return tf.stack(cols[:n], axis=-1) if n else tf.zeros([x.shape[0], 0], x.dtype)


def cdist(x, y):
    a, b = pair(x, y)
    if a.dtype not in FLOAT_TF:
        a, b = tf.cast(a, TF[dtypes.floatx()]), tf.cast(b, TF[dtypes.floatx()])
    diff = a[..., :, None, :] - b[..., None, :, :]
    return _raw.Sqrt(x=tf.reduce_sum(diff * diff, -1))


#: op name -> kernel (``dense`` runs the spec's decomposition)
KERNELS: dict = {
    "matmul": matmul, "einsum": einsum, "tensordot": tensordot, "outer": outer, "norm": norm,
    "dot": dot, "inner": inner, "vdot": vdot, "kron": kron, "diag": diag, "diagflat": diagflat,
    "diagonal": diagonal, "trace": trace, "tri": tri, "vander": vander, "cdist": cdist,
}

__all__ = ["KERNELS"]
