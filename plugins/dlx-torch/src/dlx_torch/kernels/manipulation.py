"""Stacking, splitting and rearranging kernels: the ops of :mod:`dlx.ops.defs.manipulation`
(the others run their spec's decomposition into this backend's kernels)."""

from __future__ import annotations

import torch

from dlx_torch._tensors import T, pair_tensors, promote_all, unsigned_safe


def _stack(fn):
    def kernel(xs):
        return fn(promote_all(xs))
    kernel.__name__ = fn.__name__
    return kernel


def copy(x):
    return T(x).clone()


def diff(a, n=1, axis=-1):
    if n < 0:
        raise ValueError(f"diff: n={n} must be >= 0")
    x = T(a)
    return x.clone() if n == 0 else torch.diff(x, n=n, dim=axis)


def rot90(array, k=1, axes=(0, 1)):
    x = T(array)
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % max(x.ndim, 1) == axes[1] % max(x.ndim, 1):
        raise ValueError(f"rot90: axes={axes} must be two different axes")
    return torch.rot90(x, k, list(axes))


def append(x1, x2, axis=None):
    a, b = pair_tensors(x1, x2)
    if axis is None:
        return torch.cat([a.reshape(-1), b.reshape(-1)])
    return torch.cat([a, b], axis)


#: op name -> kernel
KERNELS: dict = {
    "hstack": unsigned_safe(_stack(torch.hstack)), "vstack": unsigned_safe(_stack(torch.vstack)),
    "dstack": unsigned_safe(_stack(torch.dstack)), "column_stack": unsigned_safe(_stack(torch.column_stack)),
    "copy": copy, "diff": unsigned_safe(diff), "rot90": unsigned_safe(rot90), "append": unsigned_safe(append),
}
