"""Linear-algebra kernels: the ops of :mod:`dlx.ops.defs.decompositions` (``torch.linalg``).
Half-precision inputs compute in float32; signs of factors are fixed as the spec says (``qr``:
non-negative diagonal of ``r``; ``svd`` / ``eigh``: each vector's entry of largest magnitude
positive). Singular or indefinite matrices give NaN like the spec (the ``*_ex`` variants, which
do not raise)."""

from __future__ import annotations

from typing import Any

import torch

from dlx_torch._tensors import F, T

_LAPACK = (torch.float32, torch.float64)


def _mat(x):
    x = F(x)
    return (x, None) if x.dtype in _LAPACK else (x.to(torch.float32), x.dtype)


def _back(y, dt):
    return y if dt is None else y.to(dt)


def _mT(x):
    return x.transpose(-1, -2)


def _col_signs(v):
    with torch.no_grad():
        idx = torch.argmax(torch.abs(v), dim=-2, keepdim=True)
        s = torch.sign(torch.take_along_dim(v, idx, dim=-2))
        return torch.where(s == 0, torch.ones_like(s), s)


def _nan_where(y, info):
    """NaN in the matrices whose factorization failed (``info != 0``)."""
    bad = (info != 0).reshape(*info.shape, *([1] * (y.dim() - info.dim())))
    return torch.where(bad, torch.full_like(y, float("nan")), y)


def inv(x):
    a, dt = _mat(x)
    y, info = torch.linalg.inv_ex(a)
    return _back(_nan_where(y, info), dt)


def _vector_rhs(sa, sb):
    return len(sb) == 1 or tuple(sb) == tuple(sa[:-1])


def solve(a, b):
    a_, dt = _mat(a)
    b_ = F(b).to(a_.dtype)
    vec = _vector_rhs(a_.shape, b_.shape)
    bb = b_[..., None] if vec else b_
    batch = torch.broadcast_shapes(a_.shape[:-2], bb.shape[:-2])
    x, info = torch.linalg.solve_ex(a_.expand(*batch, *a_.shape[-2:]), bb.expand(*batch, *bb.shape[-2:]))
    x = _nan_where(x, info)
    return _back(x[..., 0] if vec else x, dt)


def solve_triangular(a, b, lower=False):
    a_, dt = _mat(a)
    b_ = F(b).to(a_.dtype)
    vec = b_.dim() == 1
    bb = b_[..., None] if vec else b_
    batch = torch.broadcast_shapes(a_.shape[:-2], bb.shape[:-2])
    t = torch.tril(a_) if lower else torch.triu(a_)
    x = torch.linalg.solve_triangular(t.expand(*batch, *a_.shape[-2:]), bb.expand(*batch, *bb.shape[-2:]),
                                      upper=not lower)
    return _back(x[..., 0] if vec else x, dt)


def det(x):
    a, dt = _mat(x)
    return _back(torch.linalg.det(a), dt)


def slogdet(x):
    a, dt = _mat(x)
    s, ld = torch.linalg.slogdet(a)
    return _back(s, dt), _back(ld, dt)


def logdet(x):
    a, dt = _mat(x)
    return _back(torch.linalg.slogdet(a)[1], dt)


def matrix_power(x, n):
    x = T(x)
    if x.dtype == torch.bool and n >= 0:
        x = x.to(torch.int32)
    if not x.is_floating_point() and n >= 0:
        return torch.linalg.matrix_power(x, n)
    a, dt = _mat(x)
    return _back(torch.linalg.matrix_power(a, n), dt)


def cholesky(x, upper=False):
    a, dt = _mat(x)
    low, info = torch.linalg.cholesky_ex((a + _mT(a)) / 2)
    low = _nan_where(low, info)
    return _back(_mT(low) if upper else low, dt)


def cholesky_inverse(x, upper=False):
    a, dt = _mat(x)
    low = _mT(torch.triu(a)) if upper else torch.tril(a)
    eye = torch.eye(a.shape[-1], dtype=a.dtype, device=a.device).expand(a.shape)
    inv_l = torch.linalg.solve_triangular(low, eye, upper=False)
    return _back(torch.matmul(_mT(inv_l), inv_l), dt)


def eigh(x):
    a, dt = _mat(x)
    w, v = torch.linalg.eigh((a + _mT(a)) / 2)
    return _back(w, dt), _back(v * _col_signs(v), dt)


def eig(x):
    a, dt = _mat(x)
    w, v = torch.linalg.eig(a)
    order = torch.argsort(w.real, dim=-1, stable=True)
    w = torch.take_along_dim(w, order, -1)
    v = torch.take_along_dim(v, order[..., None, :], -1)
    idx = torch.argmax(torch.abs(v), dim=-2, keepdim=True)
    lead = torch.take_along_dim(v, idx, -2)
    mag = torch.abs(lead)
    v = v * (torch.conj(lead) / torch.where(mag == 0, torch.ones_like(mag), mag))
    v = v / torch.linalg.vector_norm(v, dim=-2, keepdim=True)
    tol = 8 * a.shape[-1] * torch.finfo(a.dtype).eps * torch.amax(torch.abs(w), dim=-1, keepdim=True)
    real = torch.abs(w.imag) <= tol
    nan = torch.tensor(float("nan"), dtype=a.dtype, device=a.device)
    return _back(torch.where(real, w.real, nan), dt), _back(torch.where(real[..., None, :], v.real, nan), dt)


def svd(x, full_matrices=True, compute_uv=True):
    a, dt = _mat(x)
    if not compute_uv:
        return _back(torch.linalg.svdvals(a), dt)
    u, s, vh = torch.linalg.svd(a, full_matrices=bool(full_matrices))
    k = s.shape[-1]
    sg = _col_signs(u[..., :k])
    u1, vh1 = u[..., :k] * sg, vh[..., :k, :] * _mT(sg)
    if u.shape[-1] > k:
        rest = u[..., k:]
        u1 = torch.cat([u1, rest * _col_signs(rest)], dim=-1)
    if vh.shape[-2] > k:
        rest = _mT(vh[..., k:, :])
        vh1 = torch.cat([vh1, _mT(rest * _col_signs(rest))], dim=-2)
    return _back(u1, dt), _back(s, dt), _back(vh1, dt)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode={mode!r}; expected 'reduced' or 'complete'")
    a, dt = _mat(x)
    q, r = torch.linalg.qr(a, mode=mode)
    k = min(a.shape[-2:])
    with torch.no_grad():
        d = torch.diagonal(r[..., :k, :k], dim1=-2, dim2=-1)
        s = torch.where(d < 0, -torch.ones_like(d), torch.ones_like(d))
        sq = torch.cat([s, s.new_ones((*s.shape[:-1], q.shape[-1] - k))], -1)
        sr = torch.cat([s, s.new_ones((*s.shape[:-1], r.shape[-2] - k))], -1)
    return _back(q * sq[..., None, :], dt), _back(r * sr[..., :, None], dt)


def _pinv(a, rcond):
    u, s, vh = torch.linalg.svd(a, full_matrices=False)
    rc = max(a.shape[-2:]) * torch.finfo(a.dtype).eps if rcond is None else rcond
    cut = rc * torch.amax(s, dim=-1, keepdim=True)
    keep = s > cut
    inv_s = torch.where(keep, 1 / torch.where(keep, s, torch.ones_like(s)), torch.zeros_like(s))
    return torch.matmul(_mT(vh) * inv_s[..., None, :], _mT(u))


def pinv(x, rcond=None):
    a, dt = _mat(x)
    return _back(_pinv(a, rcond), dt)


def lstsq(a, b, rcond=None):
    a_, dt = _mat(a)
    b_ = F(b).to(a_.dtype)
    if a_.dim() != 2 or b_.dim() not in (1, 2) or b_.shape[0] != a_.shape[0]:
        raise ValueError(f"lstsq: a of shape {tuple(a_.shape)} and b of shape {tuple(b_.shape)}; expected (M, N) "
                         f"and (M,) or (M, K)")
    return _back(torch.matmul(_pinv(a_, rcond), b_), dt)


def matrix_rank(x, tol=None):
    a, _ = _mat(x)
    s = torch.linalg.svdvals(a)
    if tol is None:
        cut = torch.amax(s, dim=-1, keepdim=True) * max(a.shape[-2:]) * torch.finfo(a.dtype).eps
    else:
        cut = torch.as_tensor(tol, dtype=a.dtype, device=a.device)
        cut = cut[..., None] if cut.dim() else cut
    return torch.sum(s > cut, dim=-1).to(torch.int32)


def lu_factor(x):
    a, dt = _mat(x)
    lu, piv, _ = torch.linalg.lu_factor_ex(a)
    return _back(lu, dt), (piv - 1).to(torch.int32)


#: op name -> kernel
KERNELS: dict[str, Any] = {
    "inv": inv, "solve": solve, "solve_triangular": solve_triangular, "det": det, "slogdet": slogdet,
    "logdet": logdet, "matrix_power": matrix_power, "cholesky": cholesky, "cholesky_inverse": cholesky_inverse,
    "eig": eig, "eigh": eigh, "svd": svd, "qr": qr, "pinv": pinv, "lstsq": lstsq, "matrix_rank": matrix_rank,
    "lu_factor": lu_factor,
}

__all__ = ["KERNELS"]
