"""Scatter kernels: the ops of :mod:`dlx.ops.defs.indexing` (``scatter`` runs its decomposition
into ``scatter_add``)."""

from __future__ import annotations

import torch

from dlx.ops.defs.indexing import _check_reduction
from dlx_torch._tensors import T, unsigned_safe

_REDUCE = {"max": "amax", "min": "amin", "mul": "prod"}


def scatter_update(inputs, indices, updates, reduction=None):
    _check_reduction(reduction)
    x = T(inputs)
    idx = T(indices).to(torch.int64)
    u = T(updates).to(x.dtype)
    key = tuple(idx[..., i] for i in range(idx.shape[-1]))
    if reduction is None:
        return torch.index_put(x, key, u)
    if reduction == "add":
        return torch.index_put(x, key, u, accumulate=True)
    # max / min / mul: scatter_reduce over the flattened indexed leading axes
    k = idx.shape[-1]
    lead, rest = x.shape[:k], x.shape[k:]
    flat = torch.zeros((), dtype=torch.int64, device=x.device)
    for i in range(k):
        flat = flat * lead[i] + key[i]
    x2 = x.reshape(-1, *rest)
    u2 = u.reshape(-1, *rest)
    pos = flat.reshape(-1, *([1] * len(rest))).expand_as(u2)
    return x2.scatter_reduce(0, pos, u2, _REDUCE[reduction], include_self=True).reshape(x.shape)


#: op name -> kernel
KERNELS: dict = {"scatter_update": unsigned_safe(scatter_update)}
