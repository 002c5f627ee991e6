"""Linear-algebra kernels: the ops of :mod:`dlx.ops.defs.decompositions` (``tf.linalg``).
Half-precision inputs compute in float32; signs of factors are fixed as the spec says (``qr``:
non-negative diagonal of ``r``; ``svd`` / ``eigh``: each vector's entry of largest magnitude
positive). ``lu_factor`` eliminates column by column with partial pivoting in tf ops
(``tf.linalg.lu`` takes square matrices only, returns a permutation rather than LAPACK's pivots
and has no gradient); its gradient is dlx's rule of the op."""

from __future__ import annotations

from dlx_tf._core import fl, tensor, tf

_LAPACK = (tf.float32, tf.float64)


def _mat(x):
    x = fl(x)
    return (x, None) if x.dtype in _LAPACK else (tf.cast(x, tf.float32), x.dtype)


def _back(y, dt):
    return y if dt is None else tf.cast(y, dt)


def _mT(x):
    return tf.linalg.matrix_transpose(x)


def _col_signs(v):
    idx = tf.argmax(tf.abs(v), axis=-2)[..., None, :]
    s = tf.sign(tf.experimental.numpy.take_along_axis(v, idx, axis=-2))
    return tf.stop_gradient(tf.where(tf.equal(s, 0), tf.ones_like(s), s))


def _broadcast_batch(a, b):
    batch = tf.broadcast_static_shape(a.shape[:-2], b.shape[:-2])
    if batch.is_fully_defined():
        return (tf.broadcast_to(a, batch.concatenate(a.shape[-2:])),
                tf.broadcast_to(b, batch.concatenate(b.shape[-2:])))
    dyn = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
    return (tf.broadcast_to(a, tf.concat([dyn, tf.shape(a)[-2:]], 0)),
            tf.broadcast_to(b, tf.concat([dyn, tf.shape(b)[-2:]], 0)))


def inv(x):
    a, dt = _mat(x)
    return _back(tf.linalg.inv(a), dt)


def _vector_rhs(sa, sb):
    return len(sb) == 1 or tuple(sb) == tuple(sa[:-1])


def solve(a, b):
    a_, dt = _mat(a)
    b_ = tf.cast(fl(b), a_.dtype)
    vec = _vector_rhs(a_.shape.as_list(), b_.shape.as_list())
    bb = b_[..., None] if vec else b_
    x = tf.linalg.solve(*_broadcast_batch(a_, bb))
    return _back(x[..., 0] if vec else x, dt)


def solve_triangular(a, b, lower=False):
    a_, dt = _mat(a)
    b_ = tf.cast(fl(b), a_.dtype)
    vec = b_.shape.rank == 1
    bb = b_[..., None] if vec else b_
    t = tf.linalg.band_part(a_, -1, 0) if lower else tf.linalg.band_part(a_, 0, -1)
    x = tf.linalg.triangular_solve(*_broadcast_batch(t, bb), lower=bool(lower))
    return _back(x[..., 0] if vec else x, dt)


def det(x):
    a, dt = _mat(x)
    return _back(tf.linalg.det(a), dt)


def slogdet(x):
    a, dt = _mat(x)
    s, ld = tf.linalg.slogdet(a)
    return _back(s, dt), _back(ld, dt)


def logdet(x):
    a, dt = _mat(x)
    return _back(tf.linalg.slogdet(a)[1], dt)


def matrix_power(x, n):
    x = tensor(x)
    if x.dtype == tf.bool and n >= 0:
        x = tf.cast(x, tf.int32)
    dt = None
    if x.dtype.is_floating or n < 0:
        x, dt = _mat(x)
        if n < 0:
            x = tf.linalg.inv(x)
    p = abs(n)
    result = tf.broadcast_to(tf.eye(tf.shape(x)[-1], dtype=x.dtype), tf.shape(x))
    base = x
    first = True
    while p:  # binary powering
        if p & 1:
            result = base if first else tf.linalg.matmul(result, base)
            first = False
        p >>= 1
        if p:
            base = tf.linalg.matmul(base, base)
    return _back(result, dt)


def cholesky(x, upper=False):
    a, dt = _mat(x)
    low = tf.linalg.cholesky((a + _mT(a)) / 2)
    return _back(_mT(low) if upper else low, dt)


def cholesky_inverse(x, upper=False):
    a, dt = _mat(x)
    low = _mT(tf.linalg.band_part(a, 0, -1)) if upper else tf.linalg.band_part(a, -1, 0)
    eye = tf.broadcast_to(tf.eye(tf.shape(a)[-1], dtype=a.dtype), tf.shape(a))
    inv_l = tf.linalg.triangular_solve(low, eye, lower=True)
    return _back(tf.linalg.matmul(inv_l, inv_l, transpose_a=True), dt)


def eigh(x):
    a, dt = _mat(x)
    w, v = tf.linalg.eigh((a + _mT(a)) / 2)
    return _back(w, dt), _back(v * _col_signs(v), dt)


def eig(x):
    a, dt = _mat(x)
    w, v = tf.linalg.eig(a)
    order = tf.argsort(tf.math.real(w), axis=-1, stable=True)
    w = tf.gather(w, order, axis=-1, batch_dims=order.shape.rank - 1)
    v = tf.experimental.numpy.take_along_axis(v, order[..., None, :], axis=-1)
    idx = tf.argmax(tf.abs(v), axis=-2)[..., None, :]
    lead = tf.experimental.numpy.take_along_axis(v, idx, axis=-2)
    mag = tf.abs(lead)
    unit = tf.math.conj(lead) / tf.cast(tf.where(tf.equal(mag, 0), tf.ones_like(mag), mag), lead.dtype)
    v = v * unit
    v = v / tf.cast(tf.norm(v, axis=-2, keepdims=True), v.dtype)
    tol = 8 * a.shape[-1] * _eps(a) * tf.reduce_max(tf.abs(w), axis=-1, keepdims=True)
    real = tf.abs(tf.math.imag(w)) <= tol
    nan = tf.constant(float("nan"), a.dtype)
    return (_back(tf.where(real, tf.math.real(w), nan), dt),
            _back(tf.where(real[..., None, :], tf.math.real(v), nan), dt))


def svd(x, full_matrices=True, compute_uv=True):
    a, dt = _mat(x)
    if not compute_uv:
        return _back(tf.linalg.svd(a, compute_uv=False), dt)
    s, u, v = tf.linalg.svd(a, full_matrices=bool(full_matrices))
    k = s.shape[-1]
    sg = _col_signs(u[..., :k])
    u1, v1 = u[..., :k] * sg, v[..., :k] * sg
    if u.shape[-1] > k:
        rest = u[..., k:]
        u1 = tf.concat([u1, rest * _col_signs(rest)], axis=-1)
    if v.shape[-1] > k:
        rest = v[..., k:]
        v1 = tf.concat([v1, rest * _col_signs(rest)], axis=-1)
    return _back(u1, dt), _back(s, dt), _back(_mT(v1), dt)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode={mode!r}; expected 'reduced' or 'complete'")
    a, dt = _mat(x)
    q, r = tf.linalg.qr(a, full_matrices=mode == "complete")
    k = min(a.shape[-2:])
    d = tf.linalg.diag_part(r[..., :k, :k])
    s = tf.stop_gradient(tf.where(d < 0, -tf.ones_like(d), tf.ones_like(d)))
    ones = tf.ones_like(s[..., :1])
    sq = tf.concat([s] + [ones] * (q.shape[-1] - k), -1)
    sr = tf.concat([s] + [ones] * (r.shape[-2] - k), -1)
    return _back(q * sq[..., None, :], dt), _back(r * sr[..., :, None], dt)


def _eps(a):
    return 2.0**-23 if a.dtype == tf.float32 else 2.0**-52


def _pinv(a, rcond):
    s, u, v = tf.linalg.svd(a, full_matrices=False)
    rc = max(a.shape[-2:]) * _eps(a) if rcond is None else rcond
    cut = rc * tf.reduce_max(s, axis=-1, keepdims=True)
    keep = s > cut
    inv_s = tf.where(keep, 1 / tf.where(keep, s, tf.ones_like(s)), tf.zeros_like(s))
    return tf.linalg.matmul(v * inv_s[..., None, :], u, transpose_b=True)


def pinv(x, rcond=None):
    a, dt = _mat(x)
    return _back(_pinv(a, rcond), dt)


def lstsq(a, b, rcond=None):
    a_, dt = _mat(a)
    b_ = tf.cast(fl(b), a_.dtype)
    if a_.shape.rank != 2 or b_.shape.rank not in (1, 2) or a_.shape[0] != b_.shape[0]:
        raise ValueError(f"lstsq: a of shape {a_.shape} and b of shape {b_.shape}; expected (M, N) and (M,) or (M, K)")
    p = _pinv(a_, rcond)
    x = tf.linalg.matvec(p, b_) if b_.shape.rank == 1 else tf.linalg.matmul(p, b_)
    return _back(x, dt)


def matrix_rank(x, tol=None):
    a, _ = _mat(x)
    s = tf.linalg.svd(a, compute_uv=False)
    if tol is None:
        cut = tf.reduce_max(s, axis=-1, keepdims=True) * (max(a.shape[-2:]) * _eps(a))
    else:
        cut = tf.cast(tensor(tol), a.dtype)
        cut = cut[..., None] if cut.shape.rank else cut
    return tf.reduce_sum(tf.cast(s > cut, tf.int32), axis=-1)


def _lu_packed(a):
    """LAPACK's ``getrf`` in tf ops: ``(lu, piv)`` for ``a`` of shape ``(..., M, N)``."""
    shape = tf.shape(a)
    m, n = a.shape[-2], a.shape[-1]
    lu = tf.reshape(a, [-1, m, n])
    rows = tf.range(m)[None, :]
    cols = tf.range(n)[None, None, :]
    pivots = []
    for j in range(min(m, n)):
        below = tf.abs(lu[:, j:, j])
        p = j + tf.argmax(below, axis=1, output_type=tf.int32)  # first of equal magnitudes, as LAPACK
        pivots.append(p)
        order = tf.where(rows == j, p[:, None], tf.where(rows == p[:, None], j, rows))
        lu = tf.gather(lu, order, batch_dims=1, axis=1)
        pivot = lu[:, j, j][:, None]
        safe = tf.where(pivot == 0, tf.ones_like(pivot), pivot)
        low = tf.where((rows > j) & (pivot != 0), lu[:, :, j] / safe, tf.where(rows > j, lu[:, :, j], 0))
        update = low[:, :, None] * lu[:, j, None, :]
        lu = tf.where((rows[..., None] > j) & (cols > j), lu - update, lu)
        lu = tf.where((rows[..., None] > j) & (cols == j), low[:, :, None], lu)
    piv = tf.stack(pivots, axis=-1) if pivots else tf.zeros([tf.shape(lu)[0], 0], tf.int32)
    return tf.reshape(lu, shape), tf.reshape(piv, tf.concat([shape[:-2], [min(m, n)]], 0))


@tf.custom_gradient
def _lu_with_rule(a):
    lu, piv = _lu_packed(a)

    def grad(g_lu, g_piv=None):
        from dlx.ops import get_spec

        return get_spec("lu_factor").grad((g_lu, g_piv), (lu, piv), a)[0]
    return (lu, piv), grad


def lu_factor(x):
    a, dt = _mat(x)
    if a.shape.rank is None or a.shape.rank < 2 or None in a.shape[-2:]:
        raise ValueError(f"lu_factor: x of shape {a.shape}; expected (..., M, N) with known M and N")
    lu, piv = _lu_with_rule(a)
    return _back(lu, dt), piv


#: op name -> kernel
KERNELS: dict = {
    "inv": inv, "solve": solve, "solve_triangular": solve_triangular, "det": det, "slogdet": slogdet,
    "logdet": logdet, "matrix_power": matrix_power, "cholesky": cholesky, "cholesky_inverse": cholesky_inverse,
    "eig": eig, "eigh": eigh, "svd": svd, "qr": qr, "pinv": pinv, "lstsq": lstsq, "matrix_rank": matrix_rank,
    "lu_factor": lu_factor,
}

__all__ = ["KERNELS"]
