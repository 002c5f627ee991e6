"""Scatter kernels: the ops of :mod:`dlx.ops.defs.indexing` (``scatter`` runs its decomposition
into ``scatter_add``)."""

from __future__ import annotations

import numpy as np

from dlx.ops.defs.indexing import _check_reduction
from dlx_jax._common import arr


def scatter_update(inputs, indices, updates, reduction=None):
    _check_reduction(reduction)
    x = arr(inputs)
    idx = arr(indices).astype(np.int32)
    u = arr(updates).astype(x.dtype)
    at = x.at[tuple(idx[..., i] for i in range(idx.shape[-1]))]
    if reduction is None:
        return at.set(u)
    return {"add": at.add, "max": at.max, "min": at.min, "mul": at.multiply}[reduction](u)


#: op name -> kernel
KERNELS: dict = {"scatter_update": scatter_update}
