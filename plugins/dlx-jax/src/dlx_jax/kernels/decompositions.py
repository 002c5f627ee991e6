"""Linear-algebra kernels: the ops of :mod:`dlx.ops.defs.decompositions` (``jnp.linalg``,
``jax.scipy.linalg``). Half-precision inputs compute in float32; signs of factors are fixed as the
spec says (``qr``: non-negative diagonal of ``r``; ``svd`` / ``eigh``: each vector's entry of
largest magnitude positive); ``svd`` (a factorization and a dozen sign-fixing ops) is compiled as
one program per call signature when called eagerly (:func:`~dlx_jax._common.jit_eager_calls`)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from dlx_jax._common import HIGHEST, compiled_kernel, fl

_LAPACK = (jnp.dtype("float32"), jnp.dtype("float64"))


def _mat(x):
    x = fl(x)
    return (x, None) if x.dtype in _LAPACK else (x.astype(jnp.float32), x.dtype)


def _back(y, dt):
    return y if dt is None else y.astype(dt)


def _mT(x):
    return jnp.swapaxes(x, -1, -2)


def _col_signs(v):
    idx = jnp.argmax(jnp.abs(v), axis=-2)[..., None, :]
    s = jnp.sign(jnp.take_along_axis(v, idx, axis=-2))
    return jax.lax.stop_gradient(jnp.where(s == 0, jnp.ones_like(s), s))


def inv(x):
    a, dt = _mat(x)
    return _back(jnp.linalg.inv(a), dt)


def _vector_rhs(sa, sb):
    return len(sb) == 1 or tuple(sb) == tuple(sa[:-1])


def solve(a, b):
    a_, dt = _mat(a)
    b_ = fl(b).astype(a_.dtype)
    vec = _vector_rhs(a_.shape, b_.shape)
    bb = b_[..., None] if vec else b_
    batch = jnp.broadcast_shapes(a_.shape[:-2], bb.shape[:-2])
    x = jnp.linalg.solve(jnp.broadcast_to(a_, batch + a_.shape[-2:]), jnp.broadcast_to(bb, batch + bb.shape[-2:]))
    return _back(x[..., 0] if vec else x, dt)


def solve_triangular(a, b, lower=False):
    a_, dt = _mat(a)
    b_ = fl(b).astype(a_.dtype)
    vec = b_.ndim == 1
    bb = b_[..., None] if vec else b_
    batch = jnp.broadcast_shapes(a_.shape[:-2], bb.shape[:-2])
    import jax.scipy.linalg as jsl  # imported on first use: 7 ms of dlx's first op otherwise

    x = jsl.solve_triangular(jnp.broadcast_to(a_, batch + a_.shape[-2:]), jnp.broadcast_to(bb, batch + bb.shape[-2:]),
                             lower=bool(lower))
    return _back(x[..., 0] if vec else x, dt)


def det(x):
    a, dt = _mat(x)
    return _back(jnp.linalg.det(a), dt)


def slogdet(x):
    a, dt = _mat(x)
    s, ld = jnp.linalg.slogdet(a)
    return _back(s, dt), _back(ld, dt)


def logdet(x):
    a, dt = _mat(x)
    return _back(jnp.linalg.slogdet(a)[1], dt)


def matrix_power(x, n):
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.integer) and n >= 0:
        return jnp.linalg.matrix_power(x, n)
    if x.dtype == jnp.bool_ and n >= 0:
        return jnp.linalg.matrix_power(x.astype(jnp.int32), n)
    a, dt = _mat(x)
    return _back(jnp.linalg.matrix_power(a, n), dt)


def cholesky(x, upper=False):
    a, dt = _mat(x)
    low = jnp.linalg.cholesky((a + _mT(a)) / 2)
    return _back(_mT(low) if upper else low, dt)


def cholesky_inverse(x, upper=False):
    a, dt = _mat(x)
    low = _mT(jnp.triu(a)) if upper else jnp.tril(a)
    eye = jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    import jax.scipy.linalg as jsl

    inv_l = jsl.solve_triangular(low, eye, lower=True)
    return _back(jnp.matmul(_mT(inv_l), inv_l, precision=HIGHEST), dt)


def eigh(x):
    a, dt = _mat(x)
    w, v = jnp.linalg.eigh((a + _mT(a)) / 2)
    return _back(w, dt), _back(v * _col_signs(v), dt)


def _spec_rule_vjp(name: str):
    """The kernel with dlx's gradient rule of ``name`` as its VJP (for ops whose jax derivative is
    missing: ``jnp.linalg.eig`` has no eigenvector derivative)."""
    def wrap(kernel):
        fn = jax.custom_vjp(kernel)

        def fwd(x):
            out = kernel(x)
            return out, (out, x)

        def bwd(res, g):
            from dlx.ops import get_spec

            out, x = res
            return tuple(get_spec(name).grad(g, out, x))

        fn.defvjp(fwd, bwd)
        return fn
    return wrap


@_spec_rule_vjp("eig")
def eig(x):
    a, dt = _mat(x)
    w, v = jnp.linalg.eig(a)
    order = jnp.argsort(w.real, axis=-1, stable=True)
    w = jnp.take_along_axis(w, order, -1)
    v = jnp.take_along_axis(v, order[..., None, :], -1)
    idx = jnp.argmax(jnp.abs(v), axis=-2)[..., None, :]
    lead = jnp.take_along_axis(v, idx, -2)
    v = v * (jnp.conj(lead) / jnp.where(lead == 0, 1, jnp.abs(lead)))
    v = v / jnp.linalg.norm(v, axis=-2, keepdims=True)
    tol = 8 * a.shape[-1] * jnp.finfo(a.dtype).eps * jnp.max(jnp.abs(w), axis=-1, keepdims=True)
    real = jnp.abs(w.imag) <= tol
    return _back(jnp.where(real, w.real, jnp.nan), dt), _back(jnp.where(real[..., None, :], v.real, jnp.nan), dt)


def svd(x, full_matrices=True, compute_uv=True):
    a, dt = _mat(x)
    if not compute_uv:
        return _back(jnp.linalg.svd(a, compute_uv=False), dt)
    u, s, vh = jnp.linalg.svd(a, full_matrices=bool(full_matrices))
    k = s.shape[-1]
    sg = _col_signs(u[..., :k])
    u1, vh1 = u[..., :k] * sg, vh[..., :k, :] * _mT(sg)
    if u.shape[-1] > k:
        rest = u[..., k:]
        u1 = jnp.concatenate([u1, rest * _col_signs(rest)], axis=-1)
    if vh.shape[-2] > k:
        rest = _mT(vh[..., k:, :])
        vh1 = jnp.concatenate([vh1, _mT(rest * _col_signs(rest))], axis=-2)
    return _back(u1, dt), _back(s, dt), _back(vh1, dt)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode={mode!r}; expected 'reduced' or 'complete'")
    a, dt = _mat(x)
    q, r = jnp.linalg.qr(a, mode=mode)
    k = min(a.shape[-2:])
    d = jnp.diagonal(r[..., :k, :k], axis1=-2, axis2=-1)
    s = jax.lax.stop_gradient(jnp.where(d < 0, -jnp.ones_like(d), jnp.ones_like(d)))
    pad_q = q.shape[-1] - k
    pad_r = r.shape[-2] - k
    sq = jnp.concatenate([s, jnp.ones((*s.shape[:-1], pad_q), s.dtype)], -1) if pad_q else s
    sr = jnp.concatenate([s, jnp.ones((*s.shape[:-1], pad_r), s.dtype)], -1) if pad_r else s
    return _back(q * sq[..., None, :], dt), _back(r * sr[..., :, None], dt)


def _pinv(a, rcond):
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    rc = max(a.shape[-2:]) * jnp.finfo(a.dtype).eps if rcond is None else rcond
    cut = rc * jnp.max(s, axis=-1, keepdims=True)
    keep = s > cut
    inv_s = jnp.where(keep, 1 / jnp.where(keep, s, 1), 0)
    return jnp.matmul(_mT(vh) * inv_s[..., None, :], _mT(u), precision=HIGHEST)


def pinv(x, rcond=None):
    a, dt = _mat(x)
    return _back(_pinv(a, rcond), dt)


def lstsq(a, b, rcond=None):
    a_, dt = _mat(a)
    b_ = fl(b).astype(a_.dtype)
    if a_.ndim != 2 or b_.ndim not in (1, 2) or b_.shape[0] != a_.shape[0]:
        raise ValueError(f"lstsq: a of shape {a_.shape} and b of shape {b_.shape}; expected (M, N) and (M,) or (M, K)")
    return _back(jnp.matmul(_pinv(a_, rcond), b_, precision=HIGHEST), dt)


def matrix_rank(x, tol=None):
    a, _ = _mat(x)
    s = jnp.linalg.svd(a, compute_uv=False)
    if tol is None:
        cut = jnp.max(s, axis=-1, keepdims=True) * max(a.shape[-2:]) * jnp.finfo(a.dtype).eps
    else:
        cut = jnp.asarray(tol, a.dtype)[..., None] if jnp.ndim(tol) else tol
    return jnp.sum(s > cut, axis=-1).astype(jnp.int32)


def lu_factor(x):
    a, dt = _mat(x)
    lu, piv, _ = jax.lax.linalg.lu(a)
    return _back(lu, dt), piv.astype(jnp.int32)


#: op name -> kernel
KERNELS: dict = {
    "inv": inv, "solve": solve, "solve_triangular": solve_triangular, "det": det, "slogdet": slogdet,
    "logdet": logdet, "matrix_power": matrix_power, "cholesky": cholesky, "cholesky_inverse": cholesky_inverse,
    "eig": eig, "eigh": eigh, "svd": compiled_kernel("svd", svd), "qr": qr, "pinv": pinv, "lstsq": lstsq,
    "matrix_rank": matrix_rank,
    "lu_factor": lu_factor,
}

__all__ = ["KERNELS"]
