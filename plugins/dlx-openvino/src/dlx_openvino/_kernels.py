"""Graph builders: one per dlx op, with the op spec's exact parameter names.

A builder receives tensor parameters as ``openvino.Output`` edges (graph Parameters in eager
calls, traced values under ``compile``), Python scalars (weak constants) or ``None``, and static
parameters as Python values. It returns an Output, or a list / tuple of Outputs. The backend
turns builders into kernels (see :mod:`dlx_openvino.backend`).
"""

from __future__ import annotations

import builtins
import itertools
import math

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx_openvino import _graph as G
from dlx_openvino._graph import (
    as_float,
    cast,
    const,
    dt,
    fpromote,
    i64,
    norm_axes,
    out,
    promote,
    reshape,
    select,
    shape,
    transpose,
)

B: dict = {}


def builder(name=None):
    def deco(fn):
        B[name or fn.__name__.rstrip("_")] = fn
        return fn
    return deco


def _o(v, dtype=None):
    """A value as an Output (scalars become constants of their weak dtype or ``dtype``)."""
    if G.is_out(v):
        return v
    return const(v, dtype or G.result_type(v))


# ------------------------------------------------------------------------------ unary exact
@builder()
def abs(x):
    x = _o(x)
    if dt(x) in ("bool",) or dt(x).startswith("uint"):
        return x
    return out(O.abs(x))


@builder()
def negative(x):
    return out(O.negative(_o(x)))


@builder()
def sign(x):
    x = _o(x)
    if dt(x) == "bool":
        return x
    return out(O.sign(x))


@builder()
def square(x):
    x = _o(x)
    return out(O.multiply(x, x))


def _rounding(fn):
    def build(x):
        x = as_float(x)
        return out(fn(x))
    return build


B["floor"] = _rounding(O.floor)
B["ceil"] = _rounding(O.ceiling)


@builder()
def trunc(x):
    x = as_float(x)
    return select(out(O.less(x, const(0, dt(x)))), out(O.ceiling(x)), out(O.floor(x)))


@builder()
def round(x, decimals=0):
    x = _o(x)
    d = dt(x)
    if d not in dtypes.FLOATS:
        if decimals >= 0:
            return x
        f = 10 ** (-decimals)
        xf = cast(x, "float64")
        y = out(O.multiply(out(O.round(out(O.divide(xf, const(f, "float64"))), "half_to_even")), const(f, "float64")))
        return cast(y, d)
    if decimals == 0:
        return out(O.round(x, "half_to_even"))
    if decimals > 0:
        f = const(10.0 ** decimals, d)
        return out(O.divide(out(O.round(out(O.multiply(x, f)), "half_to_even")), f))
    f = const(10.0 ** (-decimals), d)
    return out(O.multiply(out(O.round(out(O.divide(x, f)), "half_to_even")), f))


def _all_like(x, value):
    return G.full(value, shape(x), "bool")


@builder()
def isnan(x):
    x = _o(x)
    return G.isnan(x) if dt(x) in dtypes.FLOATS else _all_like(x, False)


@builder()
def isinf(x):
    x = _o(x)
    return out(O.is_inf(x)) if dt(x) in dtypes.FLOATS else _all_like(x, False)


@builder()
def isfinite(x):
    x = _o(x)
    if dt(x) not in dtypes.FLOATS:
        return _all_like(x, True)
    # IsFinite reports subnormals as not finite: NOT (IsNaN OR IsInf) instead
    return out(O.logical_not(out(O.logical_or(G.isnan(x), out(O.is_inf(x))))))


@builder()
def logical_not(x):
    return out(O.logical_not(cast(_o(x), "bool")))


@builder()
def bitwise_invert(x):
    return out(O.bitwise_not(_o(x)))


# ------------------------------------------------------------------------------ unary float
@builder()
def sqrt(x):
    return out(O.sqrt(as_float(x)))


@builder()
def rsqrt(x):
    x = as_float(x)
    return out(O.divide(const(1, dt(x)), out(O.sqrt(x))))


@builder()
def reciprocal(x):
    x = as_float(x)
    return out(O.divide(const(1, dt(x)), x))


def _native(fn):
    def build(x):
        return out(fn(as_float(x)))
    return build


for _n, _f in [("log", O.log), ("sin", O.sin), ("cos", O.cos), ("tan", O.tan), ("arcsin", O.asin),
               ("arccos", O.acos), ("arctan", O.atan), ("sinh", O.sinh), ("cosh", O.cosh), ("tanh", O.tanh),
               ("arcsinh", O.asinh), ("arccosh", O.acosh), ("arctanh", O.atanh)]:
    B[_n] = _native(_f)


@builder()
def exp(x):
    return G.exp(as_float(x))


@builder()
def exp2(x):
    x = as_float(x)
    return out(O.power(const(2, dt(x)), x))


@builder()
def expm1(x):
    return G.expm1(as_float(x))


@builder()
def log1p(x):
    return G.log1p(as_float(x))


@builder()
def log2(x):
    x = as_float(x)
    return out(O.divide(out(O.log(x)), const(math.log(2.0), dt(x))))


@builder()
def log10(x):
    x = as_float(x)
    return out(O.divide(out(O.log(x)), const(math.log(10.0), dt(x))))


@builder()
def erf(x):
    return G.erf(as_float(x))


@builder()
def erfinv(x):
    return G.erfinv(as_float(x))


# ------------------------------------------------------------------------------ binary
@builder()
def add(x1, x2):
    _, a, b = promote(x1, x2)
    return out(O.add(a, b))


@builder()
def subtract(x1, x2):
    _, a, b = promote(x1, x2)
    return out(O.subtract(a, b))


@builder()
def multiply(x1, x2):
    _, a, b = promote(x1, x2)
    return out(O.multiply(a, b))


@builder()
def divide(x1, x2):
    _, a, b = fpromote(x1, x2)
    return out(O.divide(a, b))


def _fmod_abs(a, b):
    """Exact ``fmod(|a|, |b|)``: binary long division, each step an exact (Sterbenz) subtraction
    of ``|b| * 2**k`` (OpenVINO's Mod / FloorMod on floats are not exact)."""
    d = dt(a)
    r = out(O.abs(a))
    bb = out(O.abs(b))
    for k in range(63, -1, -1):
        t = out(O.multiply(bb, const(2.0 ** k, d)))
        r = select(out(O.greater_equal(r, t)), out(O.subtract(r, t)), r)
    return r


def _float_divmod(a, b):
    """NumPy's ``npy_divmod`` (floor quotient and modulo with the divisor's sign)."""
    d = dt(a)
    zero = const(0, d)
    m = select(out(O.less(a, zero)), out(O.negative(_fmod_abs(a, b))), _fmod_abs(a, b))
    div = out(O.divide(out(O.subtract(a, m)), b))
    fix = out(O.logical_and(out(O.not_equal(m, zero)),
                            out(O.not_equal(out(O.less(b, zero)), out(O.less(m, zero))))))
    m = select(fix, out(O.add(m, b)), m)
    div = select(fix, out(O.subtract(div, const(1, d))), div)
    m = select(out(O.equal(m, zero)), select(out(O.less(b, zero)), const(-0.0, d), zero), m)
    bad = out(O.logical_or(out(O.logical_or(out(O.equal(b, zero)), out(O.is_inf(a)))),
                           out(O.logical_or(G.isnan(a), G.isnan(b)))))
    m = select(bad, const(np.nan, d), m)
    fl = out(O.floor(div))
    fl = select(out(O.greater(out(O.subtract(div, fl)), const(0.5, d))), out(O.add(fl, const(1, d))), fl)
    q = out(O.divide(a, b))
    fl = select(out(O.equal(div, zero)), out(O.multiply(zero, q)), fl)
    nan = out(O.logical_or(G.isnan(q), out(O.is_inf(b))))
    fl = select(nan, q, fl)
    return fl, m


@builder()
def floor_divide(x1, x2):
    d, a, b = promote(x1, x2)
    if d in dtypes.FLOATS:
        return _float_divmod(a, b)[0]
    m = out(O.floor_mod(a, b))
    return out(O.divide(out(O.subtract(a, m)), b))


@builder()
def mod(x1, x2):
    d, a, b = promote(x1, x2)
    if d in dtypes.FLOATS:
        return _float_divmod(a, b)[1]
    return out(O.floor_mod(a, b))


@builder()
def power(x1, x2):
    d, a, b = promote(x1, x2)
    if d not in dtypes.FLOATS:
        b = out(O.maximum(b, const(0, d)))
    return out(O.power(a, b))


@builder()
def maximum(x1, x2):
    _, a, b = promote(x1, x2)
    return G.maximum(a, b)


@builder()
def minimum(x1, x2):
    _, a, b = promote(x1, x2)
    return G.minimum(a, b)


@builder()
def arctan2(x1, x2):
    d, y, x = fpromote(x1, x2)
    zero = const(0, d)
    ay, ax = out(O.abs(y)), out(O.abs(x))
    big = out(O.greater(ay, ax))
    num = select(big, ax, ay)
    den = select(big, ay, ax)
    both_inf = out(O.logical_and(out(O.is_inf(ay)), out(O.is_inf(ax))))
    ratio = out(O.divide(num, den))
    ratio = select(out(O.equal(den, zero)), zero, ratio)
    ratio = select(both_inf, const(1, d), ratio)
    a = out(O.atan(ratio))
    hi, lo = np.float32(math.pi / 2), math.pi / 2 - float(np.float32(math.pi / 2))
    a = select(big, out(O.add(out(O.subtract(const(hi, d), a)), const(lo, d))), a)
    one = const(1, d)
    x_neg = out(O.logical_or(out(O.less(x, zero)),
                             out(O.logical_and(out(O.equal(x, zero)), out(O.less(out(O.divide(one, x)), zero))))))
    phi, plo = np.float32(math.pi), math.pi - float(np.float32(math.pi))
    a = select(x_neg, out(O.add(out(O.subtract(const(phi, d), a)), const(plo, d))), a)
    y_neg = out(O.logical_or(out(O.less(y, zero)),
                             out(O.logical_and(out(O.equal(y, zero)), out(O.less(out(O.divide(one, y)), zero))))))
    a = select(y_neg, out(O.negative(a)), a)
    nan = out(O.logical_or(G.isnan(x), G.isnan(y)))
    return select(nan, out(O.add(x, y)), a)


@builder()
def logaddexp(x1, x2):
    _, a, b = fpromote(x1, x2)
    d = out(O.subtract(a, b))
    m = out(O.maximum(a, b))
    y = G.exp(out(O.negative(out(O.abs(d)))))
    r = out(O.add(m, G.log1p(y)))
    return select(G.isnan(d), out(O.add(a, b)), r)


def _cmp(fn):
    def build(x1, x2):
        _, a, b = promote(x1, x2)
        return out(fn(a, b))
    return build


for _n, _f in [("equal", O.equal), ("not_equal", O.not_equal), ("less", O.less), ("less_equal", O.less_equal)]:
    B[_n] = _cmp(_f)


def _ordered(fn):
    """Greater / GreaterEqual answer True for NaN operands on the CPU: mask NaNs out."""
    def build(x1, x2):
        d, a, b = promote(x1, x2)
        r = out(fn(a, b))
        if d in dtypes.FLOATS:
            r = out(O.logical_and(r, out(O.logical_not(out(O.logical_or(G.isnan(a), G.isnan(b)))))))
        return r
    return build


B["greater"] = _ordered(O.greater)
B["greater_equal"] = _ordered(O.greater_equal)


def _logical(fn):
    def build(x1, x2):
        return out(fn(cast(_o(x1), "bool"), cast(_o(x2), "bool")))
    return build


B["logical_and"] = _logical(O.logical_and)
B["logical_or"] = _logical(O.logical_or)
B["logical_xor"] = _logical(O.logical_xor)


def _bitwise(fn):
    def build(x, y):
        _, a, b = promote(x, y)
        return out(fn(a, b))
    return build


B["bitwise_and"] = _bitwise(O.bitwise_and)
B["bitwise_or"] = _bitwise(O.bitwise_or)
B["bitwise_xor"] = _bitwise(O.bitwise_xor)


@builder()
def left_shift(x, y):
    _, a, b = promote(x, y)
    return out(O.bitwise_left_shift(a, b))


def shift_left_const(a, r: int):
    """``a << r`` for a 32-bit integer ``a`` and a constant ``r``: a wrapping multiply by ``2**r``
    (OpenVINO's CPU shift ops run a slow reference path: ~1 ms per op on 64K elements)."""
    if r == 0:
        return a
    return out(O.multiply(a, const(1 << r, dt(a))))


def shift_right_const(a, s: int):
    """Logical ``a >> s`` for 32-bit ``a`` (int32 / uint32 bit patterns) and a constant ``s``,
    without the slow shift ops: the bits that survive, masked in place, are an exact float32
    value (at most 24 significant bits per piece), so a multiply by ``2**-s`` moves them down
    exactly; an integer mask then clears the sign extension."""
    d = dt(a)
    if s == 0:
        return a
    if s >= 32:
        return out(O.multiply(a, const(0, d)))
    i32, f32 = "int32", "float32"
    ai = cast(a, i32)

    def piece(mask: int, keep_bits: int):
        v = out(O.bitwise_and(ai, const(np.array(mask & 0xFFFFFFFF, np.uint32).view(np.int32), i32)))
        if s < 31:  # an exact division (the CPU divides through float32: exact for <= 24 bits)
            v = out(O.divide(v, const(1 << s, i32)))
        else:
            v = cast(out(O.multiply(cast(v, f32), const(2.0 ** -s, f32))), i32)
        return out(O.bitwise_and(v, const((1 << keep_bits) - 1, i32)))

    if 32 - s <= 24:
        r = piece(~((1 << s) - 1), 32 - s)
    else:  # two pieces: the top 16 bits, and bits [s, 16)
        r = out(O.bitwise_or(piece(0xFFFF0000, 32 - s), piece(0xFFFF & ~((1 << s) - 1), 16 - s)))
    return cast(r, d)


def logical_right_shift(a, b):
    """``a >> b`` for unsigned ``a``: OpenVINO shifts uint32 arithmetically, so the bits shifted
    in from the top are masked off (``b`` in ``[0, 31]``)."""
    d = dt(a)
    if not d.startswith("uint"):
        return out(O.bitwise_right_shift(a, b if G.is_out(b) else const(int(b), d)))
    bits = 8 * np.dtype(d).itemsize
    if not G.is_out(b) and bits == 32:
        return shift_right_const(a, int(b))
    s = out(O.bitwise_right_shift(a, b if G.is_out(b) else const(int(b), d)))
    ones = const(np.iinfo(np.dtype(d)).max, d)
    if not G.is_out(b):
        bv = int(b)
        return out(O.bitwise_and(s, const((1 << (bits - bv)) - 1 if bv else np.iinfo(np.dtype(d)).max, d)))
    hi = out(O.bitwise_left_shift(out(O.bitwise_left_shift(ones, out(O.subtract(const(bits - 1, d), b)))), const(1, d)))
    return out(O.bitwise_and(s, out(O.bitwise_not(hi))))


@builder()
def right_shift(x, y):
    _, a, b = promote(x, y)
    return logical_right_shift(a, b)


@builder()
def clip(x, x_min, x_max):
    d = G.result_type(x, x_min, x_max)
    x, lo, hi = cast(_o(x), d), cast(x_min, d), cast(x_max, d)
    return G.minimum(G.maximum(x, lo), hi)


@builder()
def where(condition, x1, x2):
    _, a, b = promote(x1, x2)
    return select(cast(_o(condition), "bool"), a, b)


@builder()
def cast_(x, dtype):
    return cast(_o(x), dtype)




@builder()
def stop_gradient(x):
    return _o(x)


@builder()
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _o(x)
    d = dt(x)
    if d not in dtypes.FLOATS:
        return x
    info = np.finfo(dtypes.to_numpy_dtype(d))
    pinf = info.max if posinf is None else posinf
    ninf = info.min if neginf is None else neginf
    y = select(G.isnan(x), const(nan, d), x)
    y = select(out(O.is_inf(x, {"detect_negative": False})), const(pinf, d), y)
    return select(out(O.is_inf(x, {"detect_positive": False})), const(ninf, d), y)


# ------------------------------------------------------------------------------ reductions
def _reduce_shape(x, axes, keepdims):
    shp = shape(x)
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shp))
    return tuple(s for i, s in enumerate(shp) if i not in axes)


@builder()
def sum(x, axis=None, keepdims=False):
    x = _o(x)
    if dt(x) == "bool":
        x = cast(x, "int32")
    axes = norm_axes(axis, len(shape(x)))
    if dt(x) in dtypes.FLOATS:
        return G.tree_sum(x, axes, keepdims)
    if dt(x) in ("int8", "int16", "uint8", "uint16"):
        x = cast(x, "int32")
    return out(O.reduce_sum(x, i64(list(axes)), keepdims)) if axes else x


def _count(x, axes):
    n = 1
    for a in axes:
        n *= shape(x)[a]
    return n


def _mean(x, axes, keepdims):
    s = G.tree_sum(x, axes, keepdims)
    return out(O.divide(s, const(_count(x, axes), dt(x))))


@builder()
def mean(x, axis=None, keepdims=False):
    x = as_float(x)
    return _mean(x, norm_axes(axis, len(shape(x))), keepdims)


def _var(x, axes, keepdims):
    m = _mean(x, axes, True)
    d = out(O.subtract(x, m))
    return _mean(out(O.multiply(d, d)), axes, keepdims)


@builder()
def var(x, axis=None, keepdims=False):
    x = as_float(x)
    return _var(x, norm_axes(axis, len(shape(x))), keepdims)


@builder()
def std(x, axis=None, keepdims=False):
    x = as_float(x)
    return out(O.sqrt(_var(x, norm_axes(axis, len(shape(x))), keepdims)))


def _extreme(fn):
    def build(x, axis=None, keepdims=False):
        x = _o(x)
        axes = norm_axes(axis, len(shape(x)))
        if not axes:
            return x
        r = out(fn(x, i64(list(axes)), keepdims))
        if dt(x) in dtypes.FLOATS:  # ReduceMax / ReduceMin skip NaNs; NumPy propagates them
            anynan = out(O.reduce_logical_or(G.isnan(x), i64(list(axes)), keepdims))
            r = select(anynan, const(np.nan, dt(x)), r)
        return r
    return build


B["max"] = _extreme(O.reduce_max)
B["min"] = _extreme(O.reduce_min)


@builder()
def prod(x, axis=None, keepdims=False):
    x = _o(x)
    d = dt(x)
    if d == "bool" or d in ("int8", "int16", "uint8", "uint16"):
        x = cast(x, "int32")
    axes = norm_axes(axis, len(shape(x)))
    return out(O.reduce_prod(x, i64(list(axes)), keepdims)) if axes else x


def _arg(mode):
    def build(x, axis=None, keepdims=False):
        x = _o(x)
        shp = shape(x)
        if axis is None:
            flat = reshape(x, [int(np.prod(shp))])
            idx = out(O.topk(flat, i64(1), 0, mode, "value", "i32", True).output(1))
            return reshape(idx, [1] * len(shp) if keepdims else [])
        a = int(axis) % len(shp)
        idx = out(O.topk(x, i64(1), a, mode, "value", "i32", True).output(1))
        return idx if keepdims else reshape(idx, [s for i, s in enumerate(shp) if i != a])
    return build


B["argmax"] = _arg("max")
B["argmin"] = _arg("min")


@builder()
def logsumexp(x, axis=None, keepdims=False):
    x = as_float(x)
    d = dt(x)
    axes = norm_axes(axis, len(shape(x)))
    m = out(O.reduce_max(x, i64(list(axes)), True))
    m = select(out(O.is_finite(m)), m, const(0, d))
    s = G.tree_sum(G.exp(out(O.subtract(x, m))), axes, True)
    r = out(O.add(out(O.log(s)), m))
    return r if keepdims else reshape(r, _reduce_shape(x, axes, False))


def _boolred(fn):
    def build(x, axis=None, keepdims=False):
        x = cast(_o(x), "bool")
        axes = norm_axes(axis, len(shape(x)))
        return out(fn(x, i64(list(axes)), keepdims)) if axes else x
    return build


B["any"] = _boolred(O.reduce_logical_or)
B["all"] = _boolred(O.reduce_logical_and)


def _scan_dtype(x):
    d = dt(x)
    if d == "bool" or d in ("int8", "int16", "uint8", "uint16"):
        return cast(x, "int32")
    return x


@builder()
def cumsum(x, axis=None):
    x = _scan_dtype(_o(x))
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    return G.scan_sum(x, int(axis) % len(shape(x)))


@builder()
def cumprod(x, axis=None):
    """Hillis-Steele scan: log2(n) multiplications by a shifted copy (there is no CumProd)."""
    x = _scan_dtype(_o(x))
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    shp = shape(x)
    a = int(axis) % len(shp)
    n = shp[a]
    d = dt(x)
    s = 1
    while s < n:
        head = G.full(1, [*shp[:a], s, *shp[a + 1:]], d)
        body = out(O.slice(x, i64([0]), i64([n - s]), i64([1]), i64([a])))
        x = out(O.multiply(x, out(O.concat([head, body], a))))
        s *= 2
    return x


# ------------------------------------------------------------------------------ linalg
def _int_matmul(a, b):
    """Exact integer matmul (OpenVINO's CPU MatMul runs integers in float32)."""
    a_vec, b_vec = len(shape(a)) == 1, len(shape(b)) == 1
    if a_vec:
        a = out(O.unsqueeze(a, i64([0])))
    if b_vec:
        b = out(O.unsqueeze(b, i64([1])))
    prod_ = out(O.multiply(out(O.unsqueeze(a, i64([-1]))), out(O.unsqueeze(b, i64([-3])))))
    r = out(O.reduce_sum(prod_, i64([-2]), False))
    if a_vec:
        r = out(O.squeeze(r, i64([-2])))
    if b_vec:
        r = out(O.squeeze(r, i64([-1])))
    return r


@builder()
def matmul(x1, x2):
    d, a, b = promote(x1, x2)
    if d not in dtypes.FLOATS:
        return _int_matmul(a, b)
    return out(O.matmul(a, b, False, False))


def _implicit_output(subs):
    letters = subs.replace(",", "").replace(".", "")
    return "".join(sorted(c for c in set(letters) if letters.count(c) == 1))


@builder()
def einsum(subscripts, *operands):
    d = G.result_type(*operands)
    arrs = [cast(_o(v), d) for v in operands]
    eq = subscripts.replace(" ", "")
    if "->" not in eq:
        eq = eq + "->" + _implicit_output(eq)
    if d not in dtypes.FLOATS:
        fl = [cast(a, "float64") for a in arrs]
        return cast(out(O.einsum(fl, eq)), d)
    return out(O.einsum(arrs, eq))


def _td_axes(n1, axes):
    if isinstance(axes, int):
        return list(range(n1 - axes, n1)), list(range(axes))
    a, b = axes
    return ([a] if isinstance(a, int) else list(a)), ([b] if isinstance(b, int) else list(b))


@builder()
def tensordot(x1, x2, axes=2):
    _, a, b = promote(x1, x2)
    n1, n2 = len(shape(a)), len(shape(b))
    ia, ib = _td_axes(n1, axes)
    ia = [i % n1 for i in ia]
    ib = [i % n2 for i in ib]
    letters = "abcdefghijklmnopqrstuvwxyz"
    t1 = list(letters[:n1])
    t2 = [None] * n2
    for i, j in zip(ia, ib):
        t2[j] = t1[i]
    free = iter(letters[n1:])
    t2 = [c if c is not None else next(free) for c in t2]
    o = [c for i, c in enumerate(t1) if i not in ia] + [c for j, c in enumerate(t2) if j not in ib]
    if not ia:
        ra = reshape(a, [*shape(a), *([1] * n2)])
        return out(O.multiply(ra, b))
    return B["einsum"](f"{''.join(t1)},{''.join(t2)}->{''.join(o)}", a, b)


@builder()
def outer(x1, x2):
    _, a, b = promote(x1, x2)
    a = reshape(a, [int(np.prod(shape(a))), 1])
    b = reshape(b, [1, int(np.prod(shape(b)))])
    return out(O.multiply(a, b))


@builder()
def norm(x, ord=None, axis=None, keepdims=False):
    if ord not in (None, 2, "fro", "euclidean"):
        raise ValueError(f"norm: ord={ord!r}; only the 2-norm (ord=None) is supported")
    x = as_float(x)
    d = dt(x)
    axes = norm_axes(axis, len(shape(x)))
    m = out(O.reduce_max(out(O.abs(x)), i64(list(axes)), True))
    m = select(out(O.equal(m, const(0, d))), const(1, d), m)
    q = out(O.divide(x, m))
    r = out(O.multiply(m, out(O.sqrt(G.tree_sum(out(O.multiply(q, q)), axes, True)))))
    return r if keepdims else reshape(r, _reduce_shape(x, axes, False))


# ------------------------------------------------------------------------------ shape
def _np_shape(fn, x, *args, **kwargs):
    return np.shape(fn(G.dummy(shape(x)), *args, **kwargs))


@builder()
def reshape_(x, newshape):
    x = _o(x)
    return reshape(x, _np_shape(np.reshape, x, newshape))




@builder()
def transpose_(x, axes=None):
    x = _o(x)
    n = len(shape(x))
    perm = list(range(n))[::-1] if axes is None else [int(a) % n for a in axes]
    return transpose(x, perm)




@builder()
def expand_dims(x, axis):
    x = _o(x)
    return reshape(x, _np_shape(np.expand_dims, x, axis))


@builder()
def squeeze(x, axis=None):
    x = _o(x)
    shp = shape(x)
    if axis is not None:
        for a in norm_axes(axis, len(shp)):
            if shp[a] != 1:
                raise ValueError(f"squeeze: axis={axis} has length {shp[a]}, expected 1")
    return reshape(x, _np_shape(np.squeeze, x, axis))


@builder()
def concatenate(xs, axis=0):
    d = G.result_type(*xs)
    arrs = [cast(_o(v), d) for v in xs]
    n = len(shape(arrs[0]))
    return out(O.concat(arrs, int(axis) % n))


@builder()
def stack(x, axis=0):
    d = G.result_type(*x)
    arrs = [cast(_o(v), d) for v in x]
    n = len(shape(arrs[0])) + 1
    a = int(axis) % n
    return out(O.concat([out(O.unsqueeze(v, i64([a]))) for v in arrs], a))


@builder()
def split(x, indices_or_sections, axis=0):
    x = _o(x)
    shp = shape(x)
    a = int(axis) % len(shp)
    n = shp[a]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if n % k:
            raise ValueError("array split does not result in an equal division")
        lengths = [n // k] * k
    else:
        bounds = [0] + [builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections] + [n]
        lengths = [builtins.max(e - s, 0) for s, e in itertools.pairwise(bounds)]
        starts = bounds[:-1]
        return [out(O.slice(x, i64([s]), i64([s + length]), i64([1]), i64([a]))) for s, length in zip(starts, lengths)]
    node = O.variadic_split(x, i64(a), i64(lengths))
    return [node.output(i) for i in range(len(lengths))]


def _norm_index(idx, n):
    idx = cast(idx, "int64") if dt(idx) not in ("int32", "int64") else idx
    return select(out(O.less(idx, const(0, dt(idx)))), out(O.add(idx, const(n, dt(idx)))), idx)


@builder()
def take(x, indices, axis=None):
    x = _o(x)
    idx = _o(indices)
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    a = int(axis) % len(shape(x))
    return out(O.gather(x, _norm_index(idx, shape(x)[a]), i64(a)))


@builder()
def take_along_axis(x, indices, axis=None):
    x = _o(x)
    idx = _o(indices)
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        idx = reshape(idx, [int(np.prod(shape(idx)))])
        axis = 0
    xs, ts = shape(x), shape(idx)
    a = int(axis) % len(xs)
    full_ = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(xs, ts))]
    xb = out(O.broadcast(x, i64([s if i != a else xs[a] for i, s in enumerate(full_)])))
    ib = out(O.broadcast(_norm_index(idx, xs[a]), i64(full_)))
    return out(O.gather_elements(xb, ib, a))


@builder()
def take_along_axis_grad(g, x, indices, axis):
    g, x, idx = _o(g), _o(x), _o(indices)
    xs, ts = shape(x), shape(idx)
    a = int(axis) % len(xs)
    full_ = [builtins.max(s, t) if i != a else t for i, (s, t) in enumerate(zip(xs, ts))]
    ib = out(O.broadcast(_norm_index(idx, xs[a]), i64(full_)))
    base_shape = [s if i != a else xs[a] for i, s in enumerate(full_)]
    zeros = G.full(0, base_shape, dt(g))
    gx = out(O.scatter_elements_update(zeros, ib, out(O.broadcast(g, i64(full_))), i64(a), "sum", True))
    axes = [i for i, (s, t) in enumerate(zip(xs, base_shape)) if s == 1 and t != 1]
    return out(O.reduce_sum(gx, i64(axes), True)) if axes else gx


@builder()
def slice_(inputs, start_indices, shape):
    x = _o(inputs)
    start = [int(s) for s in start_indices]
    stop = [s + int(n) for s, n in zip(start, shape)]
    return out(O.slice(x, i64(start), i64(stop), i64([1] * len(start)), i64(list(range(len(start))))))




@builder()
def slice_update(inputs, start_indices, updates):
    _, x, u = promote(inputs, updates)
    start = [int(s) for s in start_indices]
    stop = [s + n for s, n in zip(start, shape(u))]
    return out(O.slice_scatter(x, u, i64(start), i64(stop), i64([1] * len(start)), i64(list(range(len(start))))))


@builder()
def scatter_add(x, indices, updates):
    _, x, u = promote(x, updates)
    idx = cast(_o(indices), "int64")
    return out(O.scatter_nd_update(x, idx, u, "sum"))


@builder()
def gather_nd(x, indices):
    return out(O.gather_nd(_o(x), cast(_o(indices), "int64")))


def _pad_pairs(pad_width, nd):
    pw = np.broadcast_to(np.asarray(pad_width, np.int64).reshape(-1, 2) if np.size(pad_width) != 1 else
                         np.full((1, 2), int(np.asarray(pad_width).ravel()[0])), (nd, 2))
    return [tuple(int(v) for v in p) for p in pw]


@builder()
def pad(x, pad_width, mode="constant", constant_values=None):
    x = _o(x)
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError(f"pad: mode={mode!r}; expected 'constant', 'reflect' or 'symmetric'")
    pw = _pad_pairs(pad_width, len(shape(x)))
    begin, end = i64([p[0] for p in pw]), i64([p[1] for p in pw])
    if mode == "constant":
        value = const(0 if constant_values is None else constant_values, dt(x))
        return out(O.pad(x, begin, end, "constant", value))
    if constant_values is not None:
        raise ValueError(f"pad: constant_values is only allowed with mode='constant', got mode={mode!r}")
    return out(O.pad(x, begin, end, mode))


@builder()
def tile(x, repeats):
    x = _o(x)
    reps = [int(repeats)] if isinstance(repeats, (int, np.integer)) else [int(r) for r in repeats]
    shp = shape(x)
    n = builtins.max(len(shp), len(reps))
    reps = [1] * (n - len(reps)) + reps
    x = reshape(x, [1] * (n - len(shp)) + list(shp))
    return out(O.tile(x, i64(reps)))


@builder()
def repeat(x, repeats, axis=None):
    x = _o(x)
    if axis is None:
        x = reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    a = int(axis) % len(shape(x))
    idx = np.repeat(np.arange(shape(x)[a]), repeats)
    return out(O.gather(x, i64(idx), i64(a)))


@builder()
def broadcast_to(x, shape):
    return out(O.broadcast(_o(x), i64([int(s) for s in shape])))


def _norm_key(key):
    if isinstance(key, list):
        key = tuple(key)
    return key if isinstance(key, tuple) else (key,)


def _basic_key(key):
    return builtins.all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, builtins.slice)) for p in key)


_LOW = -(2 ** 62)


@builder()
def get_item(x, key):
    x = _o(x)
    shp = shape(x)
    key = _norm_key(key)
    out_shape = G.dummy(shp)[key].shape
    if not _basic_key(key):  # integer arrays / boolean masks: a gather of the flat positions
        flat = np.arange(int(np.prod(shp)), dtype=np.int64).reshape(shp)[key]
        return reshape(out(O.gather(reshape(x, [int(np.prod(shp))]), i64(flat.ravel()), i64(0))), out_shape)
    # expand the Ellipsis, then one Slice over every indexed axis and a final Reshape
    n_real = builtins.sum(1 for p in key if p is not None and p is not Ellipsis)
    parts = []
    for p in key:
        if p is Ellipsis:
            parts.extend([builtins.slice(None)] * (len(shp) - n_real))
        elif p is not None:
            parts.append(p)
    parts.extend([builtins.slice(None)] * (len(shp) - len(parts)))
    starts, stops, steps, axes = [], [], [], []
    for ax, p in enumerate(parts):
        n = shp[ax]
        if isinstance(p, builtins.slice):
            if p == builtins.slice(None):
                continue
            s, e, st = p.indices(n)
            if st < 0 and e < 0:
                e = _LOW
        else:
            s = int(p) % n if n else 0
            e, st = s + 1, 1
        starts.append(s)
        stops.append(e)
        steps.append(st)
        axes.append(ax)
    y = out(O.slice(x, i64(starts), i64(stops), i64(steps), i64(axes))) if axes else x
    return reshape(y, out_shape)


@builder()
def get_item_grad(g, x, key):
    g, x = _o(g), _o(x)
    shp = shape(x)
    n = int(np.prod(shp))
    key = _norm_key(key)
    pos = np.arange(n, dtype=np.int64).reshape(shp)[key]
    gb = reshape(out(O.broadcast(g, i64(list(pos.shape)))), [pos.size])
    zeros = G.full(0, [n], dt(g))
    flat = out(O.scatter_elements_update(zeros, i64(pos.ravel()), gb, i64(0), "sum", True))
    return reshape(flat, shp)


@builder()
def flip(x, axis=None):
    x = _o(x)
    axes = list(norm_axes(axis, len(shape(x))))
    if not axes:
        return x
    k = len(axes)
    return out(O.slice(x, i64([-1] * k), i64([_LOW] * k), i64([-1] * k), i64(axes)))


@builder()
def roll(x, shift, axis=None):
    x = _o(x)
    if axis is None:
        shp = shape(x)
        flat = reshape(x, [int(np.prod(shp))])
        return reshape(out(O.roll(flat, i64([int(shift)]), i64([0]))), shp)
    shifts = [int(shift)] if isinstance(shift, (int, np.integer)) else [int(s) for s in shift]
    axes = [int(axis)] if isinstance(axis, (int, np.integer)) else [int(a) for a in axis]
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    if len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    return out(O.roll(x, i64(shifts), i64(axes)))


def _perm_of(fn, nd, *args):
    probe = G.dummy(tuple(range(2, nd + 2)))
    return [s - 2 for s in fn(probe, *args).shape]


@builder()
def swapaxes(x, axis1, axis2):
    x = _o(x)
    return transpose(x, _perm_of(np.swapaxes, len(shape(x)), axis1, axis2))


@builder()
def moveaxis(x, source, destination):
    x = _o(x)
    return transpose(x, _perm_of(np.moveaxis, len(shape(x)), source, destination))


@builder()
def ravel(x):
    x = _o(x)
    return reshape(x, [int(np.prod(shape(x)))])


def _like(value):
    def build(x, dtype=None):
        x = _o(x)
        return G.full(value, shape(x), dtype or dt(x))
    return build


B["zeros_like"] = _like(0)
B["ones_like"] = _like(1)


@builder()
def full_like(x, fill_value, dtype=None):
    x = _o(x)
    return G.full(fill_value, shape(x), dtype or dt(x))


def _shape_arg(shape):
    return [int(shape)] if isinstance(shape, (int, np.integer)) else [int(s) for s in shape]


@builder()
def zeros(shape, dtype=None):
    return G.full(0, _shape_arg(shape), dtype or dtypes.floatx())


@builder()
def ones(shape, dtype=None):
    return G.full(1, _shape_arg(shape), dtype or dtypes.floatx())


@builder()
def full(shape, fill_value, dtype=None):
    d = dtype if dtype is not None else dtypes.result_type(fill_value)
    if isinstance(fill_value, (bool, int, float)):
        return G.full(fill_value, _shape_arg(shape), d)
    fv = cast(_o(fill_value), d)
    return out(O.broadcast(fv, i64(_shape_arg(shape))))


@builder()
def eye(N, M=None, k=0, dtype=None):
    d = dtype or dtypes.floatx()
    m = N if M is None else M
    return out(O.eye(i64(int(N)), i64(int(m)), i64(int(k)), G._DLX2OV[dtypes.standardize(d)]))


@builder()
def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        dtype = dtypes.result_type(start, *(v for v in (stop, step) if v is not None))
    if stop is None:
        start, stop = 0, start
    d = dtypes.standardize(dtype)
    n = builtins.max(math.ceil((stop - start) / step), 0)
    npd = dtypes.to_numpy_dtype(d)
    if d in dtypes.FLOATS:  # NumPy fills start + i * delta with delta = (start + step) - start
        delta = float(np.asarray(start + step, npd)) - float(np.asarray(start, npd))
        i = out(O.range(const(0, d), const(n, d), const(1, d), G._DLX2OV[d]))
        return out(O.add(out(O.multiply(i, const(delta, d))), const(start, d)))
    stop_ = const(start + n * step, d) if n else const(start, d)
    return out(O.range(const(start, d), stop_, const(step, d), G._DLX2OV[d]))


@builder()
def linspace(start, stop, num=50, endpoint=True, dtype=None):
    d = dtype or dtypes.floatx()
    # all arguments are static: the values are a graph Constant computed in float64 (as NumPy)
    return const(np.linspace(start, stop, num, endpoint=endpoint, dtype=np.float64), d)


def _topk_all(x, axis, mode):
    n = shape(x)[axis]
    return O.topk(x, i64(n), axis, mode, "value", "i32", True)


@builder()
def sort(x, axis=-1):
    x = _o(x)
    a = int(axis) % len(shape(x))
    return out(_topk_all(x, a, "min").output(0))


@builder()
def argsort(x, axis=-1):
    x = _o(x)
    a = int(axis) % len(shape(x))
    return out(_topk_all(x, a, "min").output(1))


@builder()
def top_k(x, k, sorted=True):
    x = _o(x)
    node = O.topk(x, i64(int(k)), len(shape(x)) - 1, "max", "value", "i32", True)
    return out(node.output(0)), out(node.output(1))


@builder()
def one_hot(x, num_classes, axis=-1, dtype=None):
    x = cast(_o(x), "int32")
    d = dtype or dtypes.floatx()
    nd = len(shape(x)) + 1
    a = int(axis) % nd
    valid = out(O.logical_and(out(O.greater_equal(x, const(0, "int32"))), out(O.less(x, const(num_classes, "int32")))))
    safe = select(valid, x, const(num_classes, "int32"))
    return out(O.one_hot(safe, i64(int(num_classes)), const(1, d), const(0, d), a))


def _tri(x, k, lower):
    x = _o(x)
    shp = shape(x)
    n, m = shp[-2], shp[-1]
    i = reshape(out(O.range(const(0, "int32"), const(n, "int32"), const(1, "int32"), "i32")), [n, 1])
    j = reshape(out(O.range(const(0, "int32"), const(m, "int32"), const(1, "int32"), "i32")), [1, m])
    diff = out(O.subtract(j, i))
    mask = out(O.less_equal(diff, const(int(k), "int32"))) if lower else \
        out(O.greater_equal(diff, const(int(k), "int32")))
    return select(mask, x, const(0, dt(x)))


@builder()
def tril(x, k=0):
    return _tri(x, k, True)


@builder()
def triu(x, k=0):
    return _tri(x, k, False)
