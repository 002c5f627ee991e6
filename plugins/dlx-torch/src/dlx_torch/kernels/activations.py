"""Kernels of the ops in :mod:`dlx.ops.defs.activations` (shrinkage, hard / sparse activations,
glu, sparsemax, normalize, psnr)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as tnf

from dlx.ops.defs.activations import _glu_check, _normalize_check, _psnr_check
from dlx_torch._tensors import F, T, axes, pair_tensors


def hard_tanh(x):
    return tnf.hardtanh(F(x))


def hard_shrink(x, threshold=0.5):
    x = F(x)
    return torch.where(x.abs() > threshold, x, x.new_zeros(()))


def soft_shrink(x, threshold=0.5):
    x = F(x)
    t = torch.tensor(threshold, dtype=x.dtype, device=x.device)
    return torch.where(x > t, x - t, torch.where(x < -t, x + t, x.new_zeros(())))


def threshold(x, threshold, default_value):
    # not tnf.threshold: it keeps NaN, where Keras's (and the spec's) comparison gives the value
    x = F(x)
    return torch.where(x > threshold, x, x.new_full((), default_value))


def sparse_plus(x):
    x = F(x)
    y = x + 1
    return torch.where(x <= -1, x.new_zeros(()), torch.where(x < 1, y * y / 4, x))


def sparse_sigmoid(x):
    x = F(x)
    return torch.where(x <= -1, x.new_zeros(()), torch.where(x >= 1, x.new_ones(()), (x + 1) * 0.5))


def squareplus(x, b=4):
    x = F(x)
    if b < 0:
        raise ValueError(f"squareplus: b={b!r}; expected b >= 0")
    s = torch.hypot(x, x.new_full((), math.sqrt(b)))
    den = torch.where(x >= 0, x.new_ones(()), 2 * (s - x))
    return torch.where(x >= 0, (x + s) / 2, b / den)


def tanh_shrink(x):
    return tnf.tanhshrink(F(x))


def swish(x):
    return tnf.silu(F(x))


def hard_swish(x):
    return tnf.hardswish(F(x))


def glu(x, axis=-1):
    x = F(x)
    _glu_check(x, axis)
    return tnf.glu(x, dim=axis)


def sparsemax(x, axis=-1):
    x = F(x)
    z = x.movedim(axis, -1)
    zs = torch.sort(z, dim=-1, descending=True).values
    cs = torch.cumsum(zs, dim=-1)
    k = torch.arange(1, z.shape[-1] + 1, dtype=x.dtype, device=x.device)
    support = 1 + k * zs > cs
    kz = support.sum(dim=-1, keepdim=True).to(x.dtype)
    tau = (torch.where(support, zs, zs.new_zeros(())).sum(dim=-1, keepdim=True) - 1) / kz
    return torch.clamp_min(z - tau, 0).movedim(-1, axis)


def normalize(x, axis=-1, order=2, epsilon=None):
    x = F(x)
    if x.ndim == 0:
        x = x.reshape(1)
    _normalize_check(order, axis, x.ndim)
    eps = 1e-7 if epsilon is None else epsilon
    ax = axes(axis, x.ndim)
    if order == 2:
        n = torch.sqrt(torch.sum(x * x, dim=ax, keepdim=True))
    else:
        n = torch.sum(x.abs() ** order, dim=ax, keepdim=True) ** (1 / order)
    return x / torch.clamp_min(n, eps)


def psnr(x1, x2, max_val):
    x1, x2 = pair_tensors(x1, x2)
    if not x1.is_floating_point():
        x1, x2 = F(x1), F(x2)
    _psnr_check(x1, x2)
    d = x1 - x2
    mse = torch.mean(d * d)
    mv = T(max_val).to(x1.dtype)
    return 20 * torch.log10(mv) - 10 * torch.log10(mse)


KERNELS = {
    "hard_tanh": hard_tanh, "hard_shrink": hard_shrink, "soft_shrink": soft_shrink, "threshold": threshold,
    "sparse_plus": sparse_plus, "sparse_sigmoid": sparse_sigmoid, "squareplus": squareplus,
    "tanh_shrink": tanh_shrink, "swish": swish, "hard_swish": hard_swish, "glu": glu,
    "sparsemax": sparsemax, "normalize": normalize, "psnr": psnr,
}
