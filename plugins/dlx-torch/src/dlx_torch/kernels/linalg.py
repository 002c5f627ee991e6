"""Contraction kernels: the ops of :mod:`dlx.ops.defs.linalg`."""

from __future__ import annotations

from typing import Any

import torch

from dlx_torch._tensors import DEVICE, F, T, Tensor, axes, floatx, pair_tensors, promote_all, tdtype, unsigned_safe

_T = Tensor


# ------------------------------------------------------------------------------ contractions
def matmul(x1, x2):
    if type(x1) is _T and type(x2) is _T and x1.dtype is x2.dtype:
        return torch.matmul(x1, x2)
    a, b = pair_tensors(x1, x2)
    return torch.matmul(a, b)


# Output widths below this hit a slow path of the CPU GEMM when the (in, out) kernel is passed as
# its transposed view: 2-5x slower than on an (out, in) copy for 32+ rows (1,024 x 784 -> 10:
# 1.1 ms against 0.5 ms, one thread), while a copy of so narrow a kernel costs next to nothing.
# Measured with torch 2.13's CPU wheel; wider outputs take the view at the copy's speed.
_NARROW_OUT = 12
_NARROW_MIN_ROWS = 32


def _kernel_oi(x, kernel):
    """``kernel`` (in, out) as ``F.linear``'s (out, in) weight: its transposed view, or a
    contiguous copy where the view would take the GEMM's slow path (see ``_NARROW_OUT``)."""
    w = kernel.t()
    out = w.shape[0]
    if 1 < out < _NARROW_OUT and x.device.type == "cpu" and x.numel() >= _NARROW_MIN_ROWS * w.shape[1]:
        return w.contiguous()
    return w


def dense(x, kernel, bias=None):
    """One GEMM with the bias in its accumulator (``F.linear`` on the kernel's transposed view, a
    copy only for the narrow kernels of ``_kernel_oi``; no separate pass to add the bias)."""
    if (type(x) is _T and type(kernel) is _T and (bias is None or type(bias) is _T) and x.dtype is kernel.dtype
            and (bias is None or bias.dtype is x.dtype) and x.is_floating_point() and x.dim() >= 1
            and kernel.dim() == 2):
        return torch.nn.functional.linear(x, _kernel_oi(x, kernel), bias)
    if bias is None:
        return matmul(x, kernel)
    a, b, c = promote_all((x, kernel, bias))
    return torch.matmul(a, b) + c


def einsum(subscripts, *operands, **kwargs):
    # optimize (the only keyword, checked by the spec) picks a contraction order: torch.einsum
    # picks its own (opt_einsum when installed); the result is the same
    return torch.einsum(subscripts, *promote_all(operands))


def tensordot(x1, x2, axes=2):
    a, b = pair_tensors(x1, x2)
    if not isinstance(axes, int):
        p, q = axes
        axes = ([p] if isinstance(p, int) else [int(i) for i in p], [q] if isinstance(q, int) else [int(i) for i in q])
    return torch.tensordot(a, b, dims=axes)


def outer(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.outer(a.reshape(-1), b.reshape(-1))


def norm(x, ord=None, axis=None, keepdims=False):
    if ord not in (None, 2, "fro", "euclidean"):
        raise ValueError(f"norm: ord={ord!r}; only the 2-norm (ord=None) is supported")
    x = F(x)
    dims = axes(axis, x.ndim)
    if x.numel() == 0:
        return torch.linalg.vector_norm(x, 2, dims, keepdims)
    # scale by max|x| (a constant for the gradient) so that huge / tiny inputs neither overflow nor underflow
    m = torch.amax(torch.abs(x.detach()), dims, keepdim=True)
    m = torch.where(m == 0, torch.ones_like(m), m)
    out = m * torch.sqrt(torch.sum(torch.square(x / m), dims, keepdim=True))
    if not keepdims:
        out = out.reshape([n for i, n in enumerate(x.shape) if i not in dims])
    return out


# ------------------------------------------------------------------------------ numpy-group products
def dot(x1, x2):
    a, b = pair_tensors(x1, x2)
    if a.dim() == 0 or b.dim() == 0:
        return a * b
    return torch.tensordot(a, b, dims=([a.dim() - 1], [b.dim() - 2 if b.dim() >= 2 else 0]))


def inner(x1, x2):
    a, b = pair_tensors(x1, x2)
    if a.dim() == 0 or b.dim() == 0:
        return a * b
    return torch.tensordot(a, b, dims=([a.dim() - 1], [b.dim() - 1]))


def vdot(x1, x2):
    a, b = pair_tensors(x1, x2)
    if not a.is_floating_point():
        return torch.sum(a.reshape(-1) * b.reshape(-1), dtype=a.dtype)
    return torch.dot(a.reshape(-1), b.reshape(-1))


def kron(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.kron(a, b)


def diag(x, k=0):
    x = T(x)
    if x.dim() not in (1, 2):
        raise ValueError(f"diag: x of rank {x.dim()}; expected a 1-D or 2-D array")
    return torch.diag(x, k)


def diagflat(x, k=0):
    return torch.diagflat(T(x), k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(T(x), offset, axis1, axis2)


_TRACE_DTYPE = {torch.bool: torch.int32, torch.int8: torch.int32, torch.int16: torch.int32,
                torch.uint8: torch.int32}


def trace(x, offset=0, axis1=0, axis2=1):
    x = T(x)
    dt = _TRACE_DTYPE.get(x.dtype, x.dtype)
    d = torch.diagonal(x, offset, axis1, axis2)
    if x.dtype == torch.uint8:  # uint32 sums (torch has no uint32 sum): exact in int64, then narrowed
        return torch.sum(d, dim=-1, dtype=torch.int64).to(torch.uint32)
    return torch.sum(d, dim=-1, dtype=dt)


def tri(N, M=None, k=0, dtype=None):
    dt = tdtype(dtype) if dtype is not None else floatx()
    ones = torch.ones((N, N if M is None else M), dtype=dt, device=DEVICE.torch)
    return torch.tril(ones, k)


def vander(x, N=None, increasing=False):
    x = T(x)
    if x.dim() != 1:
        raise ValueError(f"vander: x of rank {x.dim()}; expected a 1-D array")
    v = torch.linalg.vander(x, N=N).to(x.dtype)  # increasing powers
    return v if increasing else torch.flip(v, (-1,))


def cdist(x, y):
    a, b = pair_tensors(x, y)
    if not a.is_floating_point():
        a, b = a.to(floatx()), b.to(floatx())
    diff = a[..., :, None, :] - b[..., None, :, :]
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


#: op name -> kernel (integer dtypes torch lacks for uint16/32/64 retried on int64: unsigned_safe)
KERNELS: dict[str, Any] = {
    "matmul": unsigned_safe(matmul), "dense": unsigned_safe(dense), "einsum": unsigned_safe(einsum),
    "tensordot": unsigned_safe(tensordot), "outer": unsigned_safe(outer), "norm": norm,
    "dot": unsigned_safe(dot), "inner": unsigned_safe(inner), "vdot": unsigned_safe(vdot), "kron": unsigned_safe(kron),
    "diag": diag, "diagflat": diagflat, "diagonal": diagonal, "trace": trace,
    "tri": tri, "vander": vander, "cdist": cdist,
}
