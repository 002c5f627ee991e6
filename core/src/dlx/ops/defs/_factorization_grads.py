"""Gradient rules of ``eig`` and ``lu_factor`` (:mod:`dlx.ops.defs.decompositions`), written in dlx
ops so the same rule runs on the NumPy reference backend and inside a backend's custom gradient.

``eig``: for ``A = V diag(w) V^-1`` with real eigenvalues and unit-norm eigenvectors (the sign
and order conventions are locally constant), a perturbation ``dA`` gives ``C = V^-1 dA V``,
``dw = diag(C)`` and ``dV = V E - V diag(diag(V^T V E))`` with ``E = F * C``,
``F_ij = 1 / (w_j - w_i)`` off the diagonal (the second term keeps the columns at unit norm).
Transposed: ``gA = V^-T (diag(gw) + F * (V^T gV - V^T V diag(d))) V^T``, ``d = diag(V^T gV)``.

``lu_factor``: with ``P^T A = L U`` and ``X = L^-1 P^T dA U^-1`` (square part), ``dL = L
tril_-1(X)`` and ``dU = triu(X) U``, so ``gX = tril_-1(L^T gL) + triu(gU U^T)`` and the square
block's gradient is ``L^-T gX U^-T``. The rows of a tall matrix below the square block
(``A2 = L2 U``) and the columns of a wide one beyond it (``A2 = L U2``) add their own terms, and
``P`` (rebuilt from the pivots) puts the rows back. The pivots are integers: no gradient.
"""

from __future__ import annotations

from dlx.ops import op_functions as K
from dlx.ops import tensors


def _mT(x):
    return K.swapaxes(x, -1, -2)


def _diag_embed(v, dtype):
    return K.multiply(K.expand_dims(v, -1), K.eye(tensors.shape(v)[-1], dtype=dtype))


def _diag(x):
    return K.sum(K.multiply(x, K.eye(tensors.shape(x)[-1], dtype=tensors.dtype(x))), axis=-1)


def eig_grad(g, out, x):
    w, v = out
    gw, gv = g
    dt = tensors.dtype(w)
    n = tensors.shape(w)[-1]
    eye = K.eye(n, dtype=dt)
    diff = K.subtract(K.expand_dims(w, -2), K.expand_dims(w, -1))  # w_j - w_i
    f = K.divide(K.subtract(1.0, eye), K.add(diff, eye))
    vt_gv = K.matmul(_mT(v), gv)
    unit_norm = K.matmul(K.matmul(_mT(v), v), _diag_embed(_diag(vt_gv), dt))
    gc = K.add(_diag_embed(gw, dt), K.multiply(f, K.subtract(vt_gv, unit_norm)))
    return (K.solve(_mT(v), K.matmul(gc, _mT(v))),)


def _row_permutation(piv, m: int):
    """``perm`` with ``(P^T A)[i] = A[perm[i]]`` for LAPACK's sequential row swaps ``piv``."""
    idx = K.arange(m, dtype="int32")
    perm = K.add(K.zeros_like(piv[..., :1]), idx)
    for i in range(tensors.shape(piv)[-1]):
        j = piv[..., i:i + 1]
        at_i, at_j = perm[..., i:i + 1], K.take_along_axis(perm, j, axis=-1)
        perm = K.where(K.equal(idx, i), at_j, K.where(K.equal(idx, j), at_i, perm))
    return perm


def _left_inv_t(l_unit, y):
    """``L^-T y`` for a unit lower-triangular ``L``."""
    return K.solve_triangular(_mT(l_unit), y, lower=False)


def _right_inv_t(y, u):
    """``y U^-T`` for an upper-triangular ``U``."""
    return _mT(K.solve_triangular(u, _mT(y), lower=False))


def lu_factor_grad(g, out, x):
    lu, piv = out
    g_lu = g[0]
    m, n = tensors.shape(lu)[-2:]
    k = min(m, n)
    dt = tensors.dtype(lu)
    l1 = K.add(K.tril(lu[..., :k, :k], -1), K.eye(k, dtype=dt))
    u1 = K.triu(lu[..., :k, :k])
    g_top = g_lu[..., :k, :k]
    g_l, g_u = K.tril(g_top, -1), K.triu(g_top)
    extra = None
    if m > n:  # tall: A2 = L2 U
        extra = _right_inv_t(g_lu[..., k:, :], u1)
        g_u = K.subtract(g_u, K.matmul(_mT(lu[..., k:, :]), extra))
    elif n > m:  # wide: A2 = L U2
        u2 = lu[..., :, k:]
        extra = _left_inv_t(l1, g_lu[..., :, k:])
        g_l = K.subtract(g_l, K.matmul(extra, _mT(u2)))
    gx = K.add(K.tril(K.matmul(_mT(l1), g_l), -1), K.triu(K.matmul(g_u, _mT(u1))))
    g_b = _right_inv_t(_left_inv_t(l1, gx), u1)
    if extra is not None:
        g_b = K.concatenate([g_b, extra], axis=-2 if m > n else -1)
    # g_b is the gradient with respect to P^T A: row i belongs to row perm[i] of A
    inverse = K.argsort(_row_permutation(piv, m), axis=-1)
    return (K.matmul(K.one_hot(inverse, m, dtype=dt), g_b),)
