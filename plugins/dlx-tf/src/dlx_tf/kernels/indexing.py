"""Scatter kernels: the ops of :mod:`dlx.ops.defs.indexing` (``scatter`` runs its decomposition
into ``scatter_add``)."""

from __future__ import annotations

import math

from dlx.ops.defs.indexing import _check_reduction
from dlx_tf._core import tensor, tf

_SCATTER = {None: tf.tensor_scatter_nd_update, "add": tf.tensor_scatter_nd_add, "max": tf.tensor_scatter_nd_max,
            "min": tf.tensor_scatter_nd_min}


def scatter_update(inputs, indices, updates, reduction=None):
    _check_reduction(reduction)
    x = tensor(inputs)
    idx = tf.cast(tensor(indices), tf.int64)
    u = tf.cast(tensor(updates), x.dtype)
    if reduction != "mul":
        return _SCATTER[reduction](x, idx, u)
    # products of the updates per target (segments of the flattened leading index), then one multiply
    k = idx.shape[-1]
    lead = x.shape[:k]
    flat = tf.zeros(tf.shape(idx)[:-1], tf.int64)
    for i in range(k):
        flat = flat * lead[i] + idx[..., i]
    n = math.prod(lead)
    prods = tf.math.unsorted_segment_prod(tf.reshape(u, [-1, *x.shape[k:]]), tf.reshape(flat, [-1]), n)
    return x * tf.reshape(prods, x.shape)


#: op name -> kernel
KERNELS: dict = {"scatter_update": scatter_update}
