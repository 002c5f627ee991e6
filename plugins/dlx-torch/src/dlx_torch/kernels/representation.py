"""Kernels of :mod:`dlx.ops.defs.representation`: ``torch.nextafter``, ``Tensor.view(dtype)``,
``torch.polar``, ``torch.view_as_complex`` / ``torch.view_as_real``."""

from __future__ import annotations

import torch

from dlx import dtypes
from dlx.ops.defs import representation as _spec
from dlx_torch._tensors import NAMES, T, floatx, pair_tensors, tdtype


def nextafter(x1, x2):
    a, b = pair_tensors(x1, x2)
    if not a.is_floating_point():
        a, b = a.to(floatx()), b.to(floatx())
    return torch.nextafter(a, b)


def view(x, dtype=None):
    x = T(x)
    if dtype is None:
        return x
    target = tdtype(dtype)
    src, dst = x.element_size(), torch.empty((), dtype=target).element_size()
    if src != dst:
        if x.ndim == 0:
            raise ValueError(f"view: a 0-d tensor of {NAMES[x.dtype]} cannot be viewed as dtype={dtype!r}")
        if (x.shape[-1] * src) % dst:
            raise ValueError(f"view: the last axis of a {NAMES[x.dtype]} tensor of shape {tuple(x.shape)} "
                             f"holds {x.shape[-1] * src} bytes, not a multiple of dtype={dtype!r}'s {dst}")
    x = x.contiguous()
    if target is torch.bool:
        return x.view(torch.uint8) != 0
    return x.view(target)


def polar(abs_, angle):
    a, t = T(abs_), T(angle)
    cdt = dtypes.complex_for(dtypes.result_type(NAMES[a.dtype], NAMES[t.dtype]))
    part = tdtype(dtypes.real_part_dtype(cdt))
    a, t = torch.broadcast_tensors(a.to(part), t.to(part))
    return torch.polar(a, t)


def view_as_complex(x):
    x = T(x)
    _spec._check_pairs(x)
    x = x.to(torch.float32)
    if x.numel() == 0:  # an empty tensor's strides do not satisfy view_as_complex
        return torch.complex(x[..., 0], x[..., 1])
    return torch.view_as_complex(x.contiguous())


def view_as_real(x):
    x = T(x)
    if x.is_complex():
        return torch.view_as_real(x.resolve_conj())
    if not x.is_floating_point():
        x = x.to(floatx())
    return torch.stack([x, torch.zeros_like(x)], dim=-1)


KERNELS = {"nextafter": nextafter, "view": view, "polar": polar, "view_as_complex": view_as_complex,
           "view_as_real": view_as_real}
