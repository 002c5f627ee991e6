"""Linear algebra of square and rectangular matrices: solves, inverses, determinants and
factorizations (Keras's ``keras.ops.linalg`` group, plus ``slogdet`` and ``logdet``).

Every op works on the last two axes (leading axes are a batch). Integer and bool inputs compute in
``floatx()``; float16 / bfloat16 compute in float32 and the result is cast back (LAPACK has no
half-precision routines). The references use NumPy's LAPACK bindings in the input dtype (float64
for the oracle) and never raise on singular or indefinite input: such a matrix gives NaN, so shape
inference on probe inputs works for every op.

**Signs.** Factorizations whose factors are unique only up to signs return them with signs fixed,
identically on every backend: ``qr``'s ``R`` has a non-negative diagonal; each singular vector pair
of ``svd`` and each eigenvector of ``eigh`` has its entry of largest magnitude positive.
Singular vectors that complete a basis (``full_matrices=True`` on a non-square matrix) and
``qr(mode="complete")``'s completing columns are arbitrary: the conformance suite compares the
subspace they span.
"""

from __future__ import annotations

import math

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import as_float
from dlx.ops.defs._factorization_grads import eig_grad, lu_factor_grad
from dlx.ops.spec import Case, op

G = "linalg"


# ------------------------------------------------------------------------------ tolerance
class Conditioned(T.Tolerance):
    """Normwise, scaled by the condition number of the matrix argument ``arg``:
    ``|out - r| <= k * n * u * kappa_2(x) * max|r|`` (+ the final rounding), ``n`` the matrix
    order. The class of backward-stable dense linear algebra (solves, inverses, factorizations):
    its forward error is bounded by a small multiple of ``n * u`` times the condition number."""

    def __init__(self, k: float = 4, arg: int = 0, cond: bool = True):
        self.k, self.arg, self.cond = k, arg, cond
        self.cls = f"C{k}"

    def _check(self, o, r, r32, finite, dtype, ctx, close):
        u = T.UNIT[dtype]
        a = np.asarray(ctx.args[self.arg], np.float64)
        n = max(a.shape[-2:]) if a.ndim >= 2 else max(a.size, 1)
        kappa = 1.0
        if self.cond and a.ndim >= 2 and a.size:
            s = np.linalg.svd(a, compute_uv=False)
            with np.errstate(divide="ignore", invalid="ignore"):
                kappa = float(np.max(s[..., 0] / s[..., -1]))
            kappa = kappa if math.isfinite(kappa) else 1.0 / u
        scale = float(np.max(np.abs(np.where(finite, r, 0.0)))) if r.size else 0.0
        scale = max(scale, T.TINY[dtype])
        bound = self.k * n * u * kappa * scale + np.where(finite, T._ulp(r32, dtype), 0.0)
        err = np.where(finite, np.abs(o - r), 0.0)
        ratio = err / bound
        metric = float(np.max(err) / (u * scale * kappa * n)) if err.size else 0.0
        return T._report(bool(np.all(ratio <= 1.0)), metric, close, o, r, finite, ratio, "conditioned kappa")


class Invariant(T.Tolerance):
    """``base`` applied to ``canon(value, ctx)`` of the output and of the exact value: for outputs
    defined only up to a transformation (a basis of a subspace), ``canon`` maps both to what is
    unique (the subspace's projector)."""

    def __init__(self, base: T.Tolerance, canon):
        self.base, self.canon = base, canon
        self.cls = base.cls

    def check(self, out, exact, ctx):
        out = np.asarray(out)
        if out.dtype.kind == "f":
            return self.base.check(np.asarray(self.canon(out.astype(np.float64), ctx)).astype(out.dtype),
                                   np.asarray(self.canon(np.asarray(exact, np.float64), ctx)), ctx)
        return self.base.check(out, exact, ctx)


# ------------------------------------------------------------------------------ helpers
_LAPACK = (np.dtype("float32"), np.dtype("float64"))


def _mat(x, op_name: str, square: bool = False):
    """``x`` as a float array for LAPACK, with the dtype the result is cast back to."""
    x = as_float(x)
    if x.ndim < 2:
        raise ValueError(f"{op_name}: x of shape {x.shape}; expected at least 2 dimensions (..., M, N)")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{op_name}: x of shape {x.shape}; expected square matrices (..., M, M)")
    out_dt = x.dtype
    return (x if out_dt in _LAPACK else x.astype(np.float32)), out_dt


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _sym(x):
    return (x + _mT(x)) / 2


def _or_nan(fn, *args, shape=None):
    """``fn(*args)``; a matrix LAPACK cannot factor gives NaN instead of an exception."""
    try:
        with np.errstate(all="ignore"):
            return fn(*args)
    except np.linalg.LinAlgError:
        return np.full(shape if shape is not None else np.shape(args[0]), np.nan, np.asarray(args[0]).dtype)


def _col_signs(v):
    """+-1 per column of ``v``: the sign of the column's entry of largest magnitude (first on ties)."""
    idx = np.argmax(np.abs(v), axis=-2)[..., None, :]
    s = np.sign(np.take_along_axis(v, idx, axis=-2))
    return np.where(s == 0, 1, s).astype(v.dtype)


def _k_mT(x):
    return K.swapaxes(x, -1, -2)


def _k_diag_embed(v, like):
    n = tensors.shape(v)[-1]
    return K.multiply(K.expand_dims(v, -1), K.eye(n, dtype=tensors.dtype(like)))


def _k_diag(x):
    n = tensors.shape(x)[-1]
    return K.sum(K.multiply(x, K.eye(n, dtype=tensors.dtype(x))), axis=-1)


def _spd(shape):
    def make(r, dt):
        n = shape[-1]
        b = r.standard_normal(shape)
        return (np.matmul(b, np.swapaxes(b, -1, -2)) / n + np.eye(n)).astype(dt),
    return make


def _general(shape, shift=True):
    def make(r, dt):
        n = shape[-1]
        a = r.standard_normal(shape) / math.sqrt(n)
        return (a + np.eye(n) * 1.5 if shift else a).astype(dt),
    return make


def _c(name, make, kwargs=None, **opts):
    return Case(name, lambda r, dt: (make(r, dt), dict(kwargs or {})), **opts)


_INT_SPD = lambda r, dt: (np.array([[4, 2, 0], [2, 5, 1], [0, 1, 3]], np.int32),)


# ------------------------------------------------------------------------------ inv, solve, det
def _inv_grad(g, out, x):
    y = _k_mT(out)
    return (K.negative(K.matmul(K.matmul(y, g), y)),)


@op(G, Conditioned(4), [
    _c("3x3", _general((3, 3))),
    _c("batched", _general((4, 5, 5))),
    _c("8x8", _general((8, 8))),
    _c("int", _INT_SPD, dtypes=("int32",), grad=False),
    _c("half", _general((3, 3)), dtypes=("float16",), grad=False),
], grad=_inv_grad, grad_tol=Conditioned(16))
def inv(x):
    """The inverse of each square matrix ``x`` (shape ``(..., M, M)``).

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The inverses, ``(..., M, M)`` in ``x``'s float dtype (NaN for a singular matrix).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    a, dt = _mat(x, "inv", square=True)
    return _or_nan(np.linalg.inv, a).astype(dt, copy=False)


def _vector_rhs(a_shape, b_shape) -> bool:
    """Whether ``b`` holds vectors (``(..., M)``) rather than matrices (``(..., M, N)``): a 1-D
    ``b``, or one whose shape is ``a``'s without its last axis."""
    return len(b_shape) == 1 or tuple(b_shape) == tuple(a_shape[:-1])


def _solve_check(a, b):
    sa, sb = tensors.shape(a), tensors.shape(b)
    if len(sa) < 2 or (sa[-1] is not None and sa[-2] is not None and sa[-1] != sa[-2]):
        raise ValueError(f"solve: a of shape {sa}; expected square matrices (..., M, M)")
    if len(sb) < 1:
        raise ValueError(f"solve: b of shape {sb}; expected (..., M) or (..., M, N)")
    m = sa[-1]
    rows = sb[-1] if _vector_rhs(sa, sb) else (sb[-2] if len(sb) >= 2 else sb[-1])
    if m is not None and rows is not None and rows != m:
        raise ValueError(f"solve: b of shape {sb} does not match a of shape {sa}; expected b's rows to be {m}")


def _solve_grad(g, out, a, b):
    vec = _vector_rhs(tensors.shape(a), tensors.shape(b))
    gg = K.expand_dims(g, -1) if vec else g
    x = K.expand_dims(out, -1) if vec else out
    gb = K.solve(_k_mT(a), gg)
    ga = K.negative(K.matmul(gb, _k_mT(x)))
    return ga, (K.squeeze(gb, -1) if vec else gb)


def _solve_case(sa, sb):
    def make(r, dt):
        (a,) = _general(sa)(r, dt)
        return a, r.standard_normal(sb).astype(dt)
    return make


@op(G, Conditioned(4), [
    _c("matrix", _solve_case((4, 4), (4, 3))),
    _c("vector", _solve_case((5, 5), (5,))),
    _c("batched", _solve_case((3, 4, 4), (3, 4, 2))),
    _c("batched_vector", _solve_case((3, 4, 4), (3, 4))),
    _c("int", lambda r, dt: (*_INT_SPD(r, dt), np.array([1, 2, 3], np.int32)), dtypes=("int32",), grad=False),
], grad=_solve_grad, grad_tol=Conditioned(16), validate=_solve_check)
def solve(a, b):
    """Solves ``a @ x = b`` for ``x``: ``a`` is ``(..., M, M)``, ``b`` is ``(..., M)`` (vectors: a
    1-D ``b``, or ``a``'s shape without its last axis) or ``(..., M, N)``; ``x`` has ``b``'s shape.

    Arguments:
        a: the coefficient matrices ``(..., M, M)``.
        b: the right-hand sides, vectors or matrices as above; batch axes broadcast against ``a``'s.

    Returns:
        The solutions, shaped like ``b`` (NaN for a singular ``a``).

    Raises:
        ValueError: when ``a`` is not square matrices or ``b``'s rows do not match ``M``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> np.round(ops.solve(a, np.array([3.0, 5.0])), 4)
    array([0.8, 1.4])
    """
    a_, dt = _mat(a, "solve", square=True)
    b_ = np.asarray(as_float(b)).astype(a_.dtype)
    vec = _vector_rhs(a_.shape, b_.shape)
    bb = b_[..., None] if vec else b_
    x = _or_nan(np.linalg.solve, a_, bb, shape=np.broadcast_shapes(a_.shape[:-2], bb.shape[:-2]) + bb.shape[-2:])
    return (x[..., 0] if vec else x).astype(dt, copy=False)


def _solve_tri_grad(g, out, a, b, lower=False):
    vec = tensors.ndim(b) == 1
    gg = K.expand_dims(g, -1) if vec else g
    x = K.expand_dims(out, -1) if vec else out
    gb = K.solve_triangular(_k_mT(a), gg, lower=not lower)
    ga = K.negative(K.matmul(gb, _k_mT(x)))
    ga = K.tril(ga) if lower else K.triu(ga)
    return ga, (K.squeeze(gb, -1) if vec else gb)


def _tri_case(sa, sb, lower):
    def make(r, dt):
        (a,) = _general(sa)(r, dt)
        return a, r.standard_normal(sb).astype(dt)
    return make


@op(G, Conditioned(4), [
    _c("upper", _tri_case((4, 4), (4, 3), False)),
    _c("lower", _tri_case((5, 5), (5, 2), True), {"lower": True}),
    _c("vector", _tri_case((4, 4), (4,), False), {"lower": True}),
    _c("batched", _tri_case((2, 4, 4), (2, 4, 3), False)),
], grad=_solve_tri_grad, grad_tol=Conditioned(16), tensors=("a", "b"))
def solve_triangular(a, b, lower=False):
    """Solves ``a @ x = b`` for a triangular ``a`` (``(..., M, M)``; only its lower triangle is
    read when ``lower``, else its upper one); ``b`` is ``(M,)`` or ``(..., M, N)``.

    Arguments:
        a: the triangular coefficient matrices ``(..., M, M)``; the other triangle is ignored.
        b: the right-hand sides, a vector ``(M,)`` or matrices ``(..., M, N)``.
        lower: ``True`` reads ``a``'s lower triangle, ``False`` its upper one.

    Returns:
        The solutions, shaped like ``b``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> a = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> ops.solve_triangular(a, np.array([4.0, 5.0]), lower=True)
    array([2., 3.])
    """
    a_, dt = _mat(a, "solve_triangular", square=True)
    t = np.tril(a_) if lower else np.triu(a_)
    b_ = np.asarray(as_float(b)).astype(a_.dtype)
    vec = b_.ndim == 1
    bb = b_[..., None] if vec else b_
    x = _or_nan(np.linalg.solve, t, bb, shape=np.broadcast_shapes(t.shape[:-2], bb.shape[:-2]) + bb.shape[-2:])
    return (x[..., 0] if vec else x).astype(dt, copy=False)


def _det_grad(g, out, x):
    return (K.multiply(K.expand_dims(K.expand_dims(K.multiply(g, out), -1), -1), _k_mT(K.inv(x))),)


@op(G, Conditioned(8), [
    _c("3x3", _general((3, 3))),
    _c("batched", _general((4, 5, 5))),
    _c("2x2", _general((2, 2), shift=False)),
    _c("int", _INT_SPD, dtypes=("int32",), grad=False),
], grad=_det_grad, grad_tol=Conditioned(16))
def det(x):
    """The determinant of each square matrix ``x`` (shape ``(..., M, M)``): shape ``(...)``.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The determinants, shape ``(...)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> print(np.round(ops.det(np.array([[1.0, 2.0], [3.0, 4.0]])), 4))
    -2.0
    """
    a, dt = _mat(x, "det", square=True)
    return np.asarray(np.linalg.det(a)).astype(dt, copy=False)


def _slogdet_grad(g, out, x):
    return (K.multiply(K.expand_dims(K.expand_dims(g[1], -1), -1), _k_mT(K.inv(x))),)


@op("numpy", Conditioned(8), [
    _c("3x3", _general((3, 3))),
    _c("negative", lambda r, dt: (np.array([[0.0, 2.0], [3.0, 1.0]]).astype(dt),)),
    _c("batched", _general((4, 5, 5))),
], grad=_slogdet_grad, grad_tol=Conditioned(16))
def slogdet(x):
    """``(sign, log|det x|)`` of each square matrix ``x``: the log-determinant without overflow.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A tuple ``(sign, logabsdet)`` of ``(...)`` tensors: ``det x = sign * exp(logabsdet)``
        (``sign`` 0 and ``logabsdet`` ``-inf`` for a singular matrix).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> sign, logabsdet = ops.slogdet(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> print(sign, np.round(logabsdet, 4))
    -1.0 0.6931
    """
    a, dt = _mat(x, "slogdet", square=True)
    s, ld = np.linalg.slogdet(a)
    return np.asarray(s).astype(dt, copy=False), np.asarray(ld).astype(dt, copy=False)


def _logdet_grad(g, out, x):
    return (K.multiply(K.expand_dims(K.expand_dims(g, -1), -1), _k_mT(K.inv(x))),)


@op("math", Conditioned(8), [
    _c("spd", _spd((4, 4))),
    _c("batched", _spd((3, 5, 5))),
], grad=_logdet_grad, grad_tol=Conditioned(16))
def logdet(x):
    """``log|det x|`` of each square matrix ``x`` (for the symmetric positive definite matrices it
    is meant for, the log of the determinant).

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The log-determinants, shape ``(...)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> print(np.round(ops.logdet(np.array([[2.0, 0.0], [0.0, 3.0]])), 4))
    1.7918
    """
    a, dt = _mat(x, "logdet", square=True)
    return np.asarray(np.linalg.slogdet(a)[1]).astype(dt, copy=False)


def _matrix_power_grad(g, out, x, n):
    if n == 0:
        return (K.zeros_like(x),)
    z = K.inv(x) if n < 0 else x
    p = abs(n)
    zt = _k_mT(z)
    powers = [None] * p  # powers[i] = zt ** i
    eye = K.eye(tensors.shape(x)[-1], dtype=tensors.dtype(x))
    powers[0] = K.broadcast_to(eye, tensors.shape(x))
    for i in range(1, p):
        powers[i] = K.matmul(powers[i - 1], zt)
    gz = None
    for i in range(p):
        term = K.matmul(K.matmul(powers[i], g), powers[p - 1 - i])
        gz = term if gz is None else K.add(gz, term)
    if n < 0:
        gz = K.negative(K.matmul(K.matmul(zt, gz), zt))
    return (gz,)


def _matrix_power_check(x, n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(f"matrix_power: n={n!r}; expected an int")


@op(G, Conditioned(8), [
    _c("cube", _general((4, 4)), {"n": 3}),
    _c("zero", _general((3, 3)), {"n": 0}),
    _c("one", _general((3, 3)), {"n": 1}),
    _c("inverse_square", _general((2, 3, 3)), {"n": -2}),
    _c("int", lambda r, dt: (np.array([[1, 2], [3, 4]], np.int32),), {"n": 3}, dtypes=("int32",), grad=False),
], grad=_matrix_power_grad, grad_tol=Conditioned(16), tensors=("x",), validate=_matrix_power_check)
def matrix_power(x, n):
    """``x`` (square, ``(..., M, M)``) raised to the integer power ``n`` (``n < 0``: of its
    inverse; ``n == 0``: the identity). Integer matrices keep their dtype for ``n >= 0``.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``.
        n: the power, a Python int (negative powers invert first).

    Returns:
        ``(..., M, M)`` tensor: ``x``'s dtype for integer ``x`` and ``n >= 0`` (bool becomes int32),
        else a float dtype.

    Raises:
        ValueError: when ``n`` is not an int or ``x`` is not square matrices.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.matrix_power(np.array([[1, 1], [0, 1]]), 3)
    array([[1, 3],
           [0, 1]])
    """
    x = np.asarray(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"matrix_power: x of shape {x.shape}; expected square matrices (..., M, M)")
    if x.dtype.kind in "biu" and n >= 0:
        if x.dtype.kind == "b":
            x = x.astype(np.int32)
        return np.linalg.matrix_power(x, int(n)).astype(x.dtype, copy=False)
    a, dt = _mat(x, "matrix_power", square=True)
    if n < 0:
        a = _or_nan(np.linalg.inv, a)
    return np.linalg.matrix_power(a, abs(int(n))).astype(dt, copy=False)


# ------------------------------------------------------------------------------ cholesky
def _chol_lower_grad(g_l, l_):
    """``d/dA`` of ``L = cholesky(A)`` for a cotangent ``g_l`` of ``L`` (symmetric)."""
    n = tensors.shape(l_)[-1]
    half = K.subtract(K.ones((n, n), dtype=tensors.dtype(l_)), K.multiply(K.eye(n, dtype=tensors.dtype(l_)), 0.5))
    p = K.multiply(K.tril(K.matmul(_k_mT(l_), g_l)), half)
    y = K.solve_triangular(_k_mT(l_), p, lower=False)                 # L^-T P
    s = _k_mT(K.solve_triangular(_k_mT(l_), _k_mT(y), lower=False))  # L^-T P L^-1
    return K.multiply(K.add(s, _k_mT(s)), 0.5)


def _cholesky_grad(g, out, x, upper=False):
    if upper:
        return (_chol_lower_grad(_k_mT(g), _k_mT(out)),)
    return (_chol_lower_grad(g, out),)


@op(G, Conditioned(4), [
    _c("3x3", _spd((3, 3))),
    _c("batched", _spd((4, 5, 5))),
    _c("upper", _spd((4, 4)), {"upper": True}),
    _c("int", _INT_SPD, dtypes=("int32",), grad=False),
], grad=_cholesky_grad, grad_tol=Conditioned(16), tensors=("x",))
def cholesky(x, upper=False):
    """The Cholesky factor of each symmetric positive definite matrix ``x``: lower triangular
    ``L`` with ``x = L @ L.T`` (``upper=True``: ``U = L.T``, ``x = U.T @ U``). Uses the symmetric
    part of ``x``; a matrix that is not positive definite gives NaN.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.
        upper: return the upper-triangular factor ``U = L.T`` instead of ``L``.

    Returns:
        The triangular factors, ``(..., M, M)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    a, dt = _mat(x, "cholesky", square=True)
    low = _or_nan(np.linalg.cholesky, _sym(a))
    return (_mT(low) if upper else low).astype(dt, copy=False)


def _cholesky_inverse_grad(g, out, x, upper=False):
    # out = (L L^T)^-1 with L = tril(x) (x.T's lower triangle when upper): dL = -(out (g + g^T) out) L
    l_ = _k_mT(K.triu(x)) if upper else K.tril(x)
    gl = K.negative(K.matmul(K.matmul(K.matmul(out, K.add(g, _k_mT(g))), out), l_))
    gl = K.tril(gl)
    return (_k_mT(gl) if upper else gl,)


def _chol_factor(shape):
    def make(r, dt):
        (a,) = _spd(shape)(r, "float64")
        return np.linalg.cholesky(a).astype(dt),
    return make


@op(G, Conditioned(8), [
    _c("lower", _chol_factor((4, 4))),
    _c("upper", lambda r, dt: (_mT(_chol_factor((3, 3))(r, dt)[0]).copy(),), {"upper": True}),
    _c("batched", _chol_factor((2, 5, 5))),
], grad=_cholesky_inverse_grad, grad_tol=Conditioned(32), tensors=("x",))
def cholesky_inverse(x, upper=False):
    """The inverse of ``A = L @ L.T`` from its Cholesky factor ``x`` (``L``: its lower triangle is
    read; ``upper=True``: ``x`` is ``U = L.T`` and its upper triangle is read).

    Arguments:
        x: Cholesky factors ``(..., M, M)`` (as :func:`cholesky` returns them).
        upper: ``x`` holds the upper factor ``U`` rather than the lower ``L``.

    Returns:
        The inverses of ``A``, ``(..., M, M)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> l = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> ops.cholesky_inverse(l)
    array([[ 0.5, -0.5],
           [-0.5,  1. ]])
    """
    a, dt = _mat(x, "cholesky_inverse", square=True)
    low = _mT(np.triu(a)) if upper else np.tril(a)
    n = a.shape[-1]
    inv_l = _or_nan(np.linalg.solve, low, np.broadcast_to(np.eye(n, dtype=a.dtype), low.shape))
    return np.matmul(_mT(inv_l), inv_l).astype(dt, copy=False)


# ------------------------------------------------------------------------------ eigh
def _eigh_grad(g, out, x):
    w, v = out
    gw, gv = g
    n = tensors.shape(w)[-1]
    diff = K.subtract(K.expand_dims(w, -2), K.expand_dims(w, -1))  # w_j - w_i
    eye = K.eye(n, dtype=tensors.dtype(w))
    f = K.divide(K.subtract(1.0, eye), K.add(diff, eye))          # 1 / (w_j - w_i) off the diagonal
    inner = K.add(_k_diag_embed(gw, w), K.multiply(f, K.matmul(_k_mT(v), gv)))
    ga = K.matmul(K.matmul(v, inner), _k_mT(v))
    return (K.multiply(K.add(ga, _k_mT(ga)), 0.5),)


def _eigh_case(shape):
    def make(r, dt):
        b = r.standard_normal(shape)
        return (b + np.swapaxes(b, -1, -2)).astype(dt),
    return make


@op(G, Conditioned(8), [
    _c("4x4", _eigh_case((4, 4))),
    _c("batched", _eigh_case((3, 5, 5))),
    _c("spd", _spd((6, 6))),
], grad=_eigh_grad, grad_tol=Conditioned(32))
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors (columns) of each symmetric matrix ``x``:
    ``(w, v)`` with ``x @ v = v * w``. Uses the symmetric part of ``x``; each eigenvector's entry
    of largest magnitude is positive.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A tuple ``(w, v)``: eigenvalues ``(..., M)`` in ascending order and orthonormal
        eigenvectors ``(..., M, M)``, column ``i`` belonging to ``w[..., i]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, v = ops.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> np.round(w, 4)
    array([1., 3.])
    """
    a, dt = _mat(x, "eigh", square=True)
    w, v = np.linalg.eigh(_sym(a))
    return w.astype(dt, copy=False), (v * _col_signs(v)).astype(dt, copy=False)


# ------------------------------------------------------------------------------ eig
def _eig_case(shape, complex_pair=False):
    def make(r, dt):
        n = shape[-1]
        basis = r.standard_normal(shape) / math.sqrt(n) + 2 * np.eye(n)
        d = np.arange(1, n + 1, dtype=np.float64) * np.where(np.arange(n) % 2, -1.0, 1.0)
        m = np.matmul(basis * d[..., None, :], np.linalg.inv(basis))
        if complex_pair:  # a rotation block: eigenvalues 1 +- 2i
            m[..., :2, :2] = [[1.0, -2.0], [2.0, 1.0]]
            m[..., :2, 2:] = 0
        return m.astype(dt),
    return make


@op(G, Conditioned(16), [
    _c("4x4", _eig_case((4, 4))),
    _c("batched", _eig_case((2, 3, 3))),
    _c("symmetric", _eigh_case((5, 5))),
    _c("complex_pair", _eig_case((4, 4), complex_pair=True), grad=False),
], grad=eig_grad, grad_tol=Conditioned(64))
def eig(x):
    """Eigenvalues and right eigenvectors (columns) of each square matrix ``x``: ``(w, v)`` with
    ``x @ v = v * w``, sorted by eigenvalue, each eigenvector of unit norm with its entry of largest
    magnitude positive. dlx has no complex dtype: eigenvalues that are not real (imaginary part
    above ``8 * M * eps * max|w|``) and their eigenvectors are NaN -- use ``eigh`` for symmetric
    matrices.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A tuple ``(w, v)``: eigenvalues ``(..., M)`` sorted by real part and eigenvectors
        ``(..., M, M)``, column ``i`` belonging to ``w[..., i]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, v = ops.eig(np.array([[2.0, 0.0], [0.0, 3.0]]))
    >>> w
    array([2., 3.])
    """
    a, dt = _mat(x, "eig", square=True)
    cplx = np.complex128 if a.dtype == np.float64 else np.complex64
    w, v = np.linalg.eig(a)
    w, v = w.astype(cplx), v.astype(cplx)
    order = np.argsort(w.real, axis=-1, kind="stable")
    w = np.take_along_axis(w, order, -1)
    v = np.take_along_axis(v, order[..., None, :], -1)
    idx = np.argmax(np.abs(v), axis=-2)[..., None, :]
    lead = np.take_along_axis(v, idx, -2)
    v = v * (np.conj(lead) / np.where(lead == 0, 1, np.abs(lead)))
    v = v / np.linalg.norm(v, axis=-2, keepdims=True)
    n = a.shape[-1]
    real = np.abs(w.imag) <= 8 * n * np.finfo(a.dtype).eps * np.max(np.abs(w), axis=-1, keepdims=True)
    w_out = np.where(real, w.real, np.nan)
    v_out = np.where(real[..., None, :], v.real, np.nan)
    return w_out.astype(dt, copy=False), v_out.astype(dt, copy=False)


# ------------------------------------------------------------------------------ svd
def _svd_canonical(u, s, vh):
    k = s.shape[-1]
    sg = _col_signs(u[..., :k])
    u = u.copy()
    vh = vh.copy()
    u[..., :k] *= sg
    vh[..., :k, :] *= _mT(sg)
    if u.shape[-1] > k:
        u[..., k:] *= _col_signs(u[..., k:])
    if vh.shape[-2] > k:
        vh[..., k:, :] *= _mT(_col_signs(_mT(vh[..., k:, :])))
    return u, s, vh


def _basis_canon(k_of, cols: bool):
    """Canonical form of a basis whose vectors beyond the first ``k`` only span a subspace: the
    first ``k`` vectors as they are, then the projector onto the rest."""
    def canon(v, ctx):
        k = k_of(ctx)
        w = v if cols else np.swapaxes(v, -1, -2)
        if w.shape[-1] <= k:
            return v
        rest = w[..., k:]
        proj = np.matmul(rest, np.swapaxes(rest, -1, -2))
        return np.concatenate([w[..., :k].reshape(-1), proj.reshape(-1)])
    return canon


def _min_dim(ctx):
    return min(np.shape(ctx.args[0])[-2:])


def _svd_canon(v, ctx):
    index = getattr(ctx, "index", None)
    if index == 0:
        return _basis_canon(_min_dim, True)(v, ctx)
    if index == 2:
        return _basis_canon(_min_dim, False)(v, ctx)
    return v


def _svd_grad(g, out, x, full_matrices=True, compute_uv=True):
    m, n = tensors.shape(x)[-2:]
    if not compute_uv:
        u, _, vh = K.svd(x, full_matrices=False)
        return (K.matmul(K.multiply(u, K.expand_dims(g, -2)), vh),)
    if full_matrices and m != n:
        raise ValueError("svd: the gradient of full_matrices=True for a non-square x is not defined (the "
                         "completing singular vectors are arbitrary); pass full_matrices=False")
    u, s, vh = out
    gu, gs, gvh = g
    k = tensors.shape(s)[-1]
    dt = tensors.dtype(s)
    v, gv = _k_mT(vh), _k_mT(gvh)
    eye = K.eye(k, dtype=dt)
    s2 = K.square(s)
    diff = K.subtract(K.expand_dims(s2, -2), K.expand_dims(s2, -1))  # s_j^2 - s_i^2
    f = K.divide(K.subtract(1.0, eye), K.add(diff, eye))
    j = K.matmul(_k_mT(u), gu)
    l_ = K.matmul(_k_mT(v), gv)
    row, col = K.expand_dims(s, -1), K.expand_dims(s, -2)
    inner = K.add(K.add(K.multiply(K.multiply(f, K.subtract(j, _k_mT(j))), col), _k_diag_embed(gs, s)),
                  K.multiply(row, K.multiply(f, K.subtract(l_, _k_mT(l_)))))
    ga = K.matmul(K.matmul(u, inner), vh)
    inv_s = K.expand_dims(K.divide(1.0, s), -2)
    if m > k:  # (I - U U^T) gU S^-1 V^T
        pu = K.subtract(gu, K.matmul(u, j))
        ga = K.add(ga, K.matmul(K.multiply(pu, inv_s), vh))
    if n > k:  # U S^-1 gV^T (I - V V^T)
        pv = K.subtract(gv, K.matmul(v, l_))
        ga = K.add(ga, K.matmul(K.multiply(u, inv_s), _k_mT(pv)))
    return (ga,)


def _rect(shape):
    def make(r, dt):
        return r.standard_normal(shape).astype(dt),
    return make


@op(G, Invariant(Conditioned(8), _svd_canon), [
    _c("square", _rect((4, 4))),
    _c("tall_reduced", _rect((6, 4)), {"full_matrices": False}),
    _c("wide_reduced", _rect((3, 5)), {"full_matrices": False}),
    _c("tall_full", _rect((5, 3)), grad=False),
    _c("wide_full", _rect((2, 4)), grad=False),
    _c("batched", _rect((3, 4, 3)), {"full_matrices": False}),
    _c("values_only", _rect((5, 4)), {"compute_uv": False}),
    _c("half_values", _rect((4, 3)), {"compute_uv": False}, dtypes=("float16",), grad=False),
], grad=_svd_grad, grad_tol=Conditioned(64), tensors=("x",))
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``x = u @ diag(s) @ vh`` of each matrix ``x`` (``(..., M, N)``,
    ``K = min(M, N)``): ``(u, s, vh)`` with ``u`` ``(..., M, M)`` and ``vh`` ``(..., N, N)``
    (``full_matrices=False``: ``(..., M, K)`` and ``(..., K, N)``), ``s`` descending ``(..., K)``;
    ``compute_uv=False`` returns ``s`` alone. Signs are fixed (see the module docstring).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        full_matrices: ``True`` gives square ``u`` and ``vh`` (completed to full bases);
            ``False`` the thin factors.
        compute_uv: ``False`` computes the singular values only.

    Returns:
        The tuple ``(u, s, vh)`` with the shapes above, or ``s`` alone when ``compute_uv`` is false.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> u, s, vh = ops.svd(np.array([[3.0, 0.0], [0.0, -2.0]]))
    >>> s
    array([3., 2.])
    """
    a, dt = _mat(x, "svd")
    if not compute_uv:
        return np.linalg.svd(a, compute_uv=False).astype(dt, copy=False)
    u, s, vh = _svd_canonical(*np.linalg.svd(a, full_matrices=bool(full_matrices)))
    return u.astype(dt, copy=False), s.astype(dt, copy=False), vh.astype(dt, copy=False)


# ------------------------------------------------------------------------------ qr
def _copyltu(m_):
    return K.add(K.tril(m_), _k_mT(K.tril(m_, -1)))


def _qr_square_tall_grad(gq, gr, q, r):
    m_ = K.subtract(K.matmul(r, _k_mT(gr)), K.matmul(_k_mT(gq), q))
    b = K.add(gq, K.matmul(q, _copyltu(m_)))
    return _k_mT(K.solve_triangular(r, _k_mT(b), lower=False))  # b R^-T


def _qr_grad(g, out, x, mode="reduced"):
    m, n = tensors.shape(x)[-2:]
    q, r = out
    gq, gr = g
    if m >= n:
        if mode == "complete" and m > n:
            raise ValueError("qr: the gradient of mode='complete' for a tall x is not defined (the "
                             "completing columns of q are arbitrary); pass mode='reduced'")
        return (_qr_square_tall_grad(gq, gr, q, r),)
    # wide: x = [X | Y], R = [U | V] with X = Q U square
    yr = x[..., :, m:]
    ur, gu, gvv = r[..., :, :m], gr[..., :, :m], gr[..., :, m:]
    gy = K.matmul(q, gvv)
    gx = _qr_square_tall_grad(K.add(gq, K.matmul(yr, _k_mT(gvv))), gu, q, ur)
    return (K.concatenate([gx, gy], axis=-1),)


def _qr_canon(v, ctx):
    if getattr(ctx, "index", None) == 0:
        return _basis_canon(_min_dim, True)(v, ctx)
    return v


@op(G, Invariant(Conditioned(8), _qr_canon), [
    _c("square", _rect((4, 4))),
    _c("tall", _rect((6, 3))),
    _c("wide", _rect((3, 5))),
    _c("batched", _rect((2, 5, 4))),
    _c("complete_tall", _rect((5, 3)), {"mode": "complete"}, grad=False),
    _c("complete_wide", _rect((3, 4)), {"mode": "complete"}),
], grad=_qr_grad, grad_tol=Conditioned(32), tensors=("x",))
def qr(x, mode="reduced"):
    """QR decomposition ``x = q @ r`` of each matrix ``x`` (``(..., M, N)``, ``K = min(M, N)``):
    ``q`` has orthonormal columns, ``r`` is upper triangular with a non-negative diagonal.
    ``mode="reduced"``: ``q`` ``(..., M, K)``, ``r`` ``(..., K, N)``; ``"complete"``: ``q``
    ``(..., M, M)``, ``r`` ``(..., M, N)``.

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        mode: ``"reduced"`` or ``"complete"``, as above.

    Returns:
        A tuple ``(q, r)`` with the shapes above.

    Raises:
        ValueError: for any other ``mode``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> q, r = ops.qr(np.array([[3.0, 1.0], [4.0, 2.0]]))
    >>> np.round(np.abs(r), 4)
    array([[5. , 2.2],
           [0. , 0.4]])
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode={mode!r}; expected 'reduced' or 'complete'")
    a, dt = _mat(x, "qr")
    q, r = np.linalg.qr(a, mode=mode)
    k = min(a.shape[-2:])
    d = np.diagonal(r[..., :k, :k], axis1=-2, axis2=-1)
    s = np.where(d < 0, -1, 1).astype(r.dtype)
    q, r = q.copy(), r.copy()
    q[..., :k] *= s[..., None, :]
    r[..., :k, :] *= s[..., :, None]
    return q.astype(dt, copy=False), r.astype(dt, copy=False)


# ------------------------------------------------------------------------------ pinv, lstsq, rank
def _default_rcond(a, rcond):
    return max(a.shape[-2:]) * np.finfo(a.dtype).eps if rcond is None else rcond


def _pinv_np(a, rcond):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    cut = _default_rcond(a, rcond) * np.max(s, axis=-1, keepdims=True) if s.size else s
    with np.errstate(divide="ignore"):
        inv_s = np.where(s > cut, 1 / np.where(s > cut, s, 1), 0).astype(a.dtype)
    return np.matmul(_mT(vh) * inv_s[..., None, :], _mT(u))


def _pinv_vjp(g, p, a):
    """``d/dA`` of ``P = pinv(A)`` (constant rank) for a cotangent ``g`` of ``P``."""
    pt = _k_mT(p)
    gt = _k_mT(g)
    m, n = tensors.shape(a)[-2:]
    dt = tensors.dtype(a)
    i_ap = K.subtract(K.eye(m, dtype=dt), K.matmul(a, p))
    i_pa = K.subtract(K.eye(n, dtype=dt), K.matmul(p, a))
    t1 = K.negative(K.matmul(K.matmul(pt, g), pt))
    t2 = K.matmul(K.matmul(i_ap, gt), K.matmul(p, pt))
    t3 = K.matmul(K.matmul(pt, p), K.matmul(gt, i_pa))
    return K.add(K.add(t1, t2), t3)


@op(G, Conditioned(8), [
    _c("square", _general((4, 4))),
    _c("tall", _rect((6, 3))),
    _c("wide", _rect((3, 5))),
    _c("batched", _rect((2, 4, 3))),
    _c("rank_deficient", lambda r, dt: (np.outer(r.integers(-4, 5, 4), r.integers(1, 5, 3)).astype(dt),),
       grad=False),
], grad=lambda g, out, x, rcond=None: (_pinv_vjp(g, out, x),), grad_tol=Conditioned(32), tensors=("x",))
def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse of each matrix ``x`` (``(..., M, N)`` -> ``(..., N, M)``):
    singular values at most ``rcond * max(s)`` count as zero (default ``rcond``:
    ``max(M, N) * eps`` of the dtype).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        rcond: the relative cutoff for small singular values; ``None`` means ``max(M, N) * eps``.

    Returns:
        The pseudo-inverses, ``(..., N, M)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.pinv(np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])), 4)
    array([[1. , 0. , 0. ],
           [0. , 0.5, 0. ]])
    """
    a, dt = _mat(x, "pinv")
    return _pinv_np(a, rcond).astype(dt, copy=False)


def _lstsq_check(a, b, rcond=None):
    sa, sb = tensors.shape(a), tensors.shape(b)
    if len(sa) != 2:
        raise ValueError(f"lstsq: a of shape {sa}; expected a matrix (M, N)")
    if len(sb) not in (1, 2):
        raise ValueError(f"lstsq: b of shape {sb}; expected (M,) or (M, K)")
    if sa[0] is not None and sb[0] is not None and sa[0] != sb[0]:
        raise ValueError(f"lstsq: b of shape {sb} does not match a of shape {sa}; expected {sa[0]} rows")


def _lstsq_grad(g, out, a, b, rcond=None):
    p = K.pinv(a, rcond=rcond)
    vec = tensors.ndim(b) == 1
    bb = K.expand_dims(b, -1) if vec else b
    gg = K.expand_dims(g, -1) if vec else g
    gb = K.matmul(_k_mT(p), gg)
    ga = _pinv_vjp(K.matmul(gg, _k_mT(bb)), p, a)
    return ga, (K.squeeze(gb, -1) if vec else gb)


def _lstsq_case(sa, sb):
    def make(r, dt):
        return r.standard_normal(sa).astype(dt), r.standard_normal(sb).astype(dt)
    return make


@op(G, Conditioned(8), [
    _c("overdetermined", _lstsq_case((6, 3), (6, 2))),
    _c("vector", _lstsq_case((5, 3), (5,))),
    _c("underdetermined", _lstsq_case((3, 5), (3, 2))),
    _c("square", _lstsq_case((4, 4), (4, 1))),
], grad=_lstsq_grad, grad_tol=Conditioned(32), tensors=("a", "b"), validate=_lstsq_check)
def lstsq(a, b, rcond=None):
    """The least-squares solution ``x`` of ``a @ x = b`` of smallest norm (``a`` ``(M, N)``, ``b``
    ``(M,)`` or ``(M, K)``): ``pinv(a, rcond) @ b``; singular values of ``a`` at most
    ``rcond * max(s)`` count as zero (default ``max(M, N) * eps``).

    Arguments:
        a: the coefficient matrix ``(M, N)`` (no batch axes).
        b: the right-hand side, ``(M,)`` or ``(M, K)``.
        rcond: the relative cutoff for small singular values; ``None`` means ``max(M, N) * eps``.

    Returns:
        The solution, ``(N,)`` or ``(N, K)``.

    Raises:
        ValueError: when ``a`` is not a matrix, ``b`` is not 1-D or 2-D, or their rows differ.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> a = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> np.round(ops.lstsq(a, np.array([1.0, 2.0, 3.0])), 4)
    array([1., 1.])
    """
    a_, dt = _mat(a, "lstsq")
    b_ = np.asarray(as_float(b)).astype(a_.dtype)
    if a_.ndim != 2 or b_.ndim not in (1, 2) or b_.shape[0] != a_.shape[0]:
        raise ValueError(f"lstsq: a of shape {a_.shape} and b of shape {b_.shape}; expected (M, N) and (M,) or (M, K)")
    return np.matmul(_pinv_np(a_, rcond), b_).astype(dt, copy=False)


@op(G, T.E0, [
    _c("full", _rect((4, 4)), grad=False),
    _c("low_rank", lambda r, dt: ((r.integers(-3, 4, (6, 2)) @ r.integers(-3, 4, (2, 5))).astype(dt),), grad=False),
    _c("batched", lambda r, dt: (np.stack([np.eye(4), np.diag([1.0, 1, 0, 0]), np.zeros((4, 4))]).astype(dt),),
       grad=False),
    _c("tol", lambda r, dt: (np.diag([3.0, 1.0, 1e-3]).astype(dt),), {"tol": 0.01}, grad=False),
    _c("int", lambda r, dt: (np.array([[1, 2], [2, 4]], np.int32),), dtypes=("int32",), grad=False),
], tensors=("x",))
def matrix_rank(x, tol=None):
    """The rank of each matrix ``x`` (``(..., M, N)`` -> int32 ``(...)``): the number of singular
    values above ``tol`` (default ``max(s) * max(M, N) * eps`` of the dtype).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        tol: the absolute threshold singular values must exceed (a number, or one per matrix);
            ``None`` means ``max(s) * max(M, N) * eps``.

    Returns:
        An int32 tensor of ranks, shape ``(...)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> print(ops.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]])))
    1
    """
    a, _ = _mat(x, "matrix_rank")
    s = np.linalg.svd(a, compute_uv=False)
    if tol is None:
        cut = np.max(s, axis=-1, keepdims=True) * max(a.shape[-2:]) * np.finfo(a.dtype).eps if s.size else s
    else:
        cut = np.asarray(tol, a.dtype)[..., None] if np.ndim(tol) else tol
    return np.sum(s > cut, axis=-1).astype(np.int32)


# ------------------------------------------------------------------------------ lu_factor
@op(G, Conditioned(8), [
    _c("square", _rect((5, 5))),
    _c("batched", _rect((3, 4, 4))),
    _c("tall", _rect((5, 3))),
    _c("wide", _rect((3, 5))),
    _c("singular", lambda r, dt: (np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 2.0], [1.0, 2.0, 3.0]]).astype(dt),),
       grad=False),
], grad=lu_factor_grad, grad_tol=Conditioned(32))
def lu_factor(x):
    """LU decomposition with partial pivoting of each matrix ``x`` (``(..., M, N)``,
    ``K = min(M, N)``), in LAPACK's packed form: ``(lu, piv)`` with ``lu`` ``(..., M, N)`` holding
    ``U`` and the unit-diagonal ``L`` below it, ``piv`` int32 ``(..., K)``: row ``i`` was swapped
    with row ``piv[i]`` (0-based).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The tuple ``(lu, piv)`` described above.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> lu, pivots = ops.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> np.round(lu, 4)
    array([[3.    , 4.    ],
           [0.3333, 0.6667]])
    >>> pivots
    array([1, 1], dtype=int32)
    """
    a, dt = _mat(x, "lu_factor")
    shape = a.shape
    m, n = shape[-2:]
    k = min(m, n)
    lu = a.reshape(-1, m, n).copy()
    b = np.arange(lu.shape[0])
    piv = np.zeros((lu.shape[0], k), np.int32)
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        piv[:, j] = p
        row = lu[b, j].copy()
        lu[b, j] = lu[b, p]
        lu[b, p] = row
        pivot = lu[:, j, j][:, None]
        col = lu[:, j + 1:, j]
        with np.errstate(all="ignore"):
            lu[:, j + 1:, j] = np.where(pivot == 0, col, col / np.where(pivot == 0, 1, pivot))
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j][:, :, None] * lu[:, j, None, j + 1:]
    return lu.reshape(shape).astype(dt, copy=False), piv.reshape((*shape[:-2], k))
