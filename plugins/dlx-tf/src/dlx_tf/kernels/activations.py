"""Kernels of the ops in :mod:`dlx.ops.defs.activations` (shrinkage, hard / sparse activations,
glu, sparsemax, normalize, psnr)."""

from __future__ import annotations

import math

from dlx.ops.defs.activations import _glu_check, _normalize_check, _psnr_check
from dlx_tf._core import axes, fl, float_pair, static_shape, tensor, tf


def _c(v, like):
    return tf.constant(v, like.dtype)


def hard_tanh(x):
    x = fl(x)
    return tf.clip_by_value(x, _c(-1, x), _c(1, x))


def hard_shrink(x, threshold=0.5):
    x = fl(x)
    return tf.where(tf.abs(x) > _c(threshold, x), x, _c(0, x))


def soft_shrink(x, threshold=0.5):
    x = fl(x)
    t = _c(threshold, x)
    return tf.where(x > t, x - t, tf.where(x < -t, x + t, _c(0, x)))


def threshold(x, threshold, default_value):
    x = fl(x)
    return tf.where(x > _c(threshold, x), x, _c(default_value, x))


def sparse_plus(x):
    x = fl(x)
    y = x + _c(1, x)
    return tf.where(x <= _c(-1, x), _c(0, x), tf.where(x < _c(1, x), y * y / _c(4, x), x))


def sparse_sigmoid(x):
    x = fl(x)
    mid = (x + _c(1, x)) * _c(0.5, x)
    return tf.where(x <= _c(-1, x), _c(0, x), tf.where(x >= _c(1, x), _c(1, x), mid))


def squareplus(x, b=4):
    x = fl(x)
    if b < 0:
        raise ValueError(f"squareplus: b={b!r}; expected b >= 0")
    # hypot(x, sqrt b) scaled by the larger magnitude (TF has no hypot): no overflow of x**2
    sb = _c(math.sqrt(b), x)
    m = tf.maximum(tf.abs(x), sb)
    m = tf.where(m > 0, m, _c(1, x))
    s = m * tf.sqrt(tf.square(x / m) + tf.square(sb / m))
    s = tf.where(tf.math.is_inf(x), tf.abs(x), s)
    pos = x >= _c(0, x)
    den = tf.where(pos, _c(1, x), _c(2, x) * (s - x))
    return tf.where(pos, (x + s) / _c(2, x), _c(b, x) / den)


def tanh_shrink(x):
    x = fl(x)
    return x - tf.tanh(x)


def swish(x):
    return tf.nn.silu(fl(x))


def hard_swish(x):
    x = fl(x)
    return x * tf.nn.relu6(x + _c(3, x)) / _c(6, x)


def glu(x, axis=-1):
    x = fl(x)
    _glu_check(x, axis)
    a, b = tf.split(x, 2, axis=axis)
    return a * tf.sigmoid(b)


def sparsemax(x, axis=-1):
    x = fl(x)
    nd = x.shape.rank
    ax = axis % nd
    perm = [*[i for i in range(nd) if i != ax], ax]
    inv = [perm.index(i) for i in range(nd)]
    z = tf.transpose(x, perm)
    zs = tf.sort(z, axis=-1, direction="DESCENDING")
    cs = tf.cumsum(zs, axis=-1)
    n = static_shape(z)[-1]
    k = tf.range(1, n + 1, dtype=x.dtype)
    support = _c(1, x) + k * zs > cs
    kz = tf.reduce_sum(tf.cast(support, x.dtype), axis=-1, keepdims=True)
    tau = (tf.reduce_sum(tf.where(support, zs, _c(0, x)), axis=-1, keepdims=True) - _c(1, x)) / kz
    return tf.transpose(tf.maximum(z - tau, _c(0, x)), inv)


def normalize(x, axis=-1, order=2, epsilon=None):
    x = fl(x)
    if x.shape.rank == 0:
        x = tf.reshape(x, [1])
    nd = x.shape.rank
    _normalize_check(order, axis, nd)
    eps = 1e-7 if epsilon is None else epsilon
    ax = axes(axis, nd)
    if order == 2:
        n = tf.sqrt(tf.reduce_sum(x * x, axis=ax, keepdims=True))
    else:
        n = tf.reduce_sum(tf.abs(x) ** order, axis=ax, keepdims=True) ** _c(1 / order, x)
    return x / tf.maximum(n, _c(eps, x))


def psnr(x1, x2, max_val):
    x1, x2 = float_pair(x1, x2)
    _psnr_check(x1, x2)
    d = x1 - x2
    mse = tf.reduce_mean(d * d)
    mv = tf.cast(tensor(max_val), x1.dtype)
    ln10 = _c(math.log(10.0), x1)
    return (_c(20, x1) * tf.math.log(mv) - _c(10, x1) * tf.math.log(mse)) / ln10


KERNELS = {
    "hard_tanh": hard_tanh, "hard_shrink": hard_shrink, "soft_shrink": soft_shrink, "threshold": threshold,
    "sparse_plus": sparse_plus, "sparse_sigmoid": sparse_sigmoid, "squareplus": squareplus,
    "tanh_shrink": tanh_shrink, "swish": swish, "hard_swish": hard_swish, "glu": glu,
    "sparsemax": sparsemax, "normalize": normalize, "psnr": psnr,
}
