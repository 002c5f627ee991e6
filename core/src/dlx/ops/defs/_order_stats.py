"""Pieces of the order-statistics specs in :mod:`dlx.ops.defs.statistics` that are not op
references: the quantile gradient rule, the correlate gradient rule, scale functions and case
builders (kept here so the module of references stays small)."""

from __future__ import annotations

import functools
import math

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops.defs._common import axis_tuple
from dlx.ops.spec import Case


def _valid(x):
    return K.cast(K.logical_not(K.isnan(x)), tensors.dtype(x))


# ----------------------------------------------------------------------- quantile gradient
def quantile_grad(nan_aware: bool, q_scale: float = 1.0, fixed_q=None):
    """The VJP of a quantile-family op as a gradient rule: the output is a weighted sum of at most
    two order statistics of each slice, so ``dx`` puts ``g`` times those weights on the entries of
    rank ``floor(pos)`` and ``ceil(pos)`` (``pos = q (n - 1)``, ``n`` the slice's non-NaN count
    for the NaN-ignoring ops). ``q`` gets no gradient. ``fixed_q`` is median's 0.5."""

    def rule(g, out, x, *rest, **kw):
        if fixed_q is None:
            q = rest[0] if rest else kw["q"]
            rest = rest[1:]
        else:
            q = fixed_q
        names = ("axis", "method", "keepdims") if fixed_q is None else ("axis", "keepdims")
        params = dict(zip(names, rest))
        params.update(kw)
        params.pop("q", None)
        axis, method = params.get("axis"), params.get("method", "linear")
        dx = _quantile_vjp(g, x, q, axis, method, nan_aware, q_scale)
        return (dx,) if fixed_q is not None else (dx, None)

    return rule


def _quantile_vjp(g, x, q, axis, method, nan_aware, q_scale):
    shape = tensors.shape(x)
    nd = len(shape)
    if isinstance(axis, list):
        axis = tuple(axis)
    axes = axis_tuple(axis, nd)
    keep = [i for i in range(nd) if i not in axes]
    perm = keep + list(axes)
    kshape = tuple(shape[i] for i in keep)
    n = math.prod(shape[a] for a in axes)
    dt = tensors.dtype(x)
    xf = K.reshape(K.transpose(x, perm), (*kshape, n))
    rank = K.cast(K.argsort(K.argsort(xf, axis=-1), axis=-1), dt)
    count = K.sum(_valid(xf), axis=-1, keepdims=True) if nan_aware else float(n)
    qshape = () if isinstance(q, (int, float)) else tensors.shape(q)
    qt = q if isinstance(q, (int, float)) else K.reshape(K.cast(q, dt), (*qshape, *([1] * (len(kshape) + 1))))
    pos = (qt / q_scale) * (count - 1.0)
    if method == "nearest":
        lo = hi = K.round(pos)
    else:
        lo, hi = K.floor(pos), K.ceil(pos)
    frac = pos - lo
    one = K.ones_like(frac) if not isinstance(frac, float) else 1.0
    w_lo, w_hi = {"linear": (one - frac, frac), "lower": (one, 0.0 * frac), "higher": (0.0 * frac, one),
                  "midpoint": (0.5 * one, 0.5 * one), "nearest": (one, 0.0 * frac)}[method]
    zero = K.zeros_like(rank)
    weights = K.where(K.equal(rank, lo), w_lo + zero, zero) + K.where(K.equal(rank, hi), w_hi + zero, zero)
    gr = K.reshape(g, (*qshape, *kshape, 1))
    dxf = gr * weights
    if qshape:
        dxf = K.sum(dxf, axis=tuple(range(len(qshape))))
    dxt = K.reshape(dxf, (*kshape, *(shape[a] for a in axes)))
    inv = [perm.index(i) for i in range(nd)]
    return K.transpose(dxt, inv)


def maxabs_scale(ctx):
    """S for order statistics: the largest finite magnitude of the input (interpolating between
    two sorted neighbours rounds at most a few times on that scale)."""
    x = np.asarray(ctx.args[0], np.float64)
    finite = x[np.isfinite(x)]
    s = float(np.max(np.abs(finite))) if finite.size else 1.0
    return np.full(np.shape(ctx.exact), max(s, np.max(np.abs(np.nan_to_num(ctx.exact, nan=0.0,
                                                                             posinf=0.0, neginf=0.0)),
                                                       initial=0.0)))


def quantile_cases(nan=False, q_scale=1.0, with_q=True):
    """Cases of the quantile family (``q`` in [0, 1] times ``q_scale``; dyadic so that ``q /
    100`` and ``q (n - 1)`` are exact in float32 as well)."""

    def data(r, shape, frac=0.2):
        x = r.standard_normal(shape)
        if nan:
            x[r.random(shape) < frac] = np.nan
        return x

    def qv(v):
        return float(v * q_scale)

    def mk(shape, q=0.375, frac=0.2, **kw):
        def make(r, dt):
            args = (data(r, shape, frac).astype(dt),)
            if with_q:
                args += (np.asarray(q, np.float64).astype(dt) * q_scale if isinstance(q, list) else qv(q),)
            return args, dict(kw)
        return make

    cases = [Case("all", mk((9, 7))), Case("axis0", mk((17, 6), 0.75, axis=0)),
             Case("axis_neg_keepdims", mk((4, 5, 6), 0.25, axis=-1, keepdims=True)),
             Case("axes", mk((4, 5, 6), 0.625, axis=(0, 2)))]
    if with_q:
        cases += [Case("q_array", mk((9, 8), [0.0, 0.125, 0.5, 1.0], axis=1), grad=False)]
        for m in ("lower", "higher", "midpoint", "nearest"):
            cases.append(Case(f"method_{m}", mk((6, 9), [0.0, 0.125, 0.5, 0.8125, 1.0], axis=1, method=m),
                              grad=False))
            cases.append(Case(f"method_{m}_grad", mk((6, 10), 0.375, axis=1, method=m)))
    cases.append(Case("int", lambda r, dt: ((r.integers(-20, 20, (5, 8)).astype(np.int32),
                                             *((qv(0.5),) if with_q else ())), {"axis": 1}),
                      dtypes=("int32",), grad=False))
    if nan:
        def allnan(r, dt):
            x = data(r, (5, 8))
            x[1] = np.nan
            return (x.astype(dt), *((qv(0.5),) if with_q else ())), {"axis": 1}
        cases.append(Case("all_nan_slice", allnan, grad=False))
    else:
        def withnan(r, dt):
            x = data(r, (5, 8))
            x[2, 3] = np.nan
            return (x.astype(dt), *((qv(0.5),) if with_q else ())), {"axis": 1}
        cases.append(Case("nan_propagates", withnan, grad=False))
    return cases


# ----------------------------------------------------------------------- correlate
@functools.cache
def correlate_offset(n1: int, n2: int, mode: str) -> int:
    """Where ``mode``'s output starts inside the ``'full'`` correlation (found on probe data, so
    it is NumPy's rule by construction)."""
    if mode == "full":
        return 0
    r = np.random.default_rng(0)
    a, b = r.standard_normal(n1), r.standard_normal(n2)
    full, part = np.correlate(a, b, "full"), np.correlate(a, b, mode)
    for off in range(len(full) - len(part) + 1):
        if np.allclose(full[off:off + len(part)], part):
            return off
    raise AssertionError("unreachable: every mode is a window of 'full'")


def correlate_grad(g, out, x1, x2, mode="valid"):
    """``c = correlate(x1, x2, 'full')`` is ``c[k] = sum_j x1[j + k - (m - 1)] x2[j]``, so
    ``dx1 = correlate(gf, flip(x2), 'valid')`` and ``dx2 = flip(correlate(gf, x1, 'valid'))``
    with ``gf`` the cotangent padded to the full length."""
    n1, n2 = tensors.shape(x1)[0], tensors.shape(x2)[0]
    full = n1 + n2 - 1
    off = correlate_offset(n1, n2, mode)
    length = tensors.shape(g)[0]
    gf = K.pad(g, ((off, full - off - length),))
    dx1 = K.correlate(gf, K.flip(x2, 0), "valid")
    dx2 = K.flip(K.correlate(gf, x1, "valid"), 0)
    return (dx1, dx2)


# ----------------------------------------------------------------------- corrcoef
def corrcoef_grad(g, out, x):
    """``C = S / sqrt(d d^T)`` with ``S = Xc Xc^T / (n - 1)``, ``Xc`` the centred rows and ``d =
    diag(S)``; the clip to [-1, 1] is treated as the identity (it only absorbs rounding). A 1-D
    ``x`` gives the constant 1: no gradient."""
    if tensors.ndim(x) < 2:
        return (K.zeros_like(x),)
    rows, n = tensors.shape(x)
    xc = x - K.mean(x, axis=1, keepdims=True)
    s = K.matmul(xc, K.transpose(xc)) / (n - 1.0)
    eye = K.eye(rows, dtype=tensors.dtype(x))
    d = K.sum(s * eye, axis=1)
    root = K.sqrt(d)
    c = s / (root[:, None] * root[None, :])
    gs = g / (root[:, None] * root[None, :])
    gc = g * c
    gd = -0.5 * (K.sum(gc, axis=1) + K.sum(gc, axis=0)) / d
    gs = gs + eye * gd[None, :]
    gxc = K.matmul(gs + K.transpose(gs), xc) / (n - 1.0)
    return (gxc - K.mean(gxc, axis=1, keepdims=True),)


def quantile_family(impl) -> dict:
    """The kernels of the six order statistics (quantile, percentile, median and their nan-aware
    forms) from one backend function ``impl(name, x, q, axis, method, keepdims, nan_aware, q_scale)``,
    with the specs' exact signatures: a backend writes the order statistic once."""

    def quantile(x, q, axis=None, method="linear", keepdims=False):
        return impl("quantile", x, q, axis, method, keepdims, False, 1.0)

    def percentile(x, q, axis=None, method="linear", keepdims=False):
        return impl("percentile", x, q, axis, method, keepdims, False, 100.0)

    def median(x, axis=None, keepdims=False):
        return impl("median", x, 0.5, axis, "linear", keepdims, False, 1.0)

    def nanquantile(x, q, axis=None, method="linear", keepdims=False):
        return impl("nanquantile", x, q, axis, method, keepdims, True, 1.0)

    def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
        return impl("nanpercentile", x, q, axis, method, keepdims, True, 100.0)

    def nanmedian(x, axis=None, keepdims=False):
        return impl("nanmedian", x, 0.5, axis, "linear", keepdims, True, 1.0)

    return {"quantile": quantile, "percentile": percentile, "median": median, "nanquantile": nanquantile,
            "nanpercentile": nanpercentile, "nanmedian": nanmedian}
