"""Graph builders of the elementwise ops (:mod:`dlx.ops.defs.elementwise`).

A builder receives tensor parameters as ``openvino.Output`` edges (or Python scalars, kept weak, or
``None``) and static parameters as Python values, and returns an Output or a list / tuple of them
(see :mod:`dlx_openvino.kernels`)."""

from __future__ import annotations

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
    logical_right_shift,
    out,
    promote,
    select,
    shape,
)
from dlx_openvino._graph import as_output as _o


# ------------------------------------------------------------------------------ unary exact
def abs(x):
    x = _o(x)
    if dt(x) in ("bool",) or dt(x).startswith("uint"):
        return x
    return out(O.abs(x))


def negative(x):
    return out(O.negative(_o(x)))


def sign(x):
    x = _o(x)
    if dt(x) == "bool":
        return x
    return out(O.sign(x))


def square(x):
    x = _o(x)
    return out(O.multiply(x, x))


def _rounding(fn):
    def build(x):
        x = as_float(x)
        return out(fn(x))
    return build


floor = _rounding(O.floor)
ceil = _rounding(O.ceiling)


def trunc(x):
    x = _o(x)
    if dt(x) not in dtypes.FLOATS:
        return x  # ints and bools keep their dtype (as Keras)
    return select(out(O.less(x, const(0, dt(x)))), out(O.ceiling(x)), out(O.floor(x)))


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


def isnan(x):
    x = _o(x)
    return G.isnan(x) if dt(x) in dtypes.FLOATS else _all_like(x, False)


def isinf(x):
    x = _o(x)
    return out(O.is_inf(x)) if dt(x) in dtypes.FLOATS else _all_like(x, False)


def isfinite(x):
    x = _o(x)
    if dt(x) not in dtypes.FLOATS:
        return _all_like(x, True)
    # IsFinite reports subnormals as not finite: NOT (IsNaN OR IsInf) instead
    return out(O.logical_not(out(O.logical_or(G.isnan(x), out(O.is_inf(x))))))


def logical_not(x):
    return out(O.logical_not(cast(_o(x), "bool")))


def bitwise_invert(x):
    return out(O.bitwise_not(_o(x)))


# ------------------------------------------------------------------------------ unary float
def sqrt(x):
    return out(O.sqrt(as_float(x)))


def rsqrt(x):
    x = as_float(x)
    return out(O.divide(const(1, dt(x)), out(O.sqrt(x))))


def reciprocal(x):
    x = as_float(x)
    return out(O.divide(const(1, dt(x)), x))


def _native(fn):
    def build(x):
        return out(fn(as_float(x)))
    return build


_NATIVE = {"log": O.log, "sin": O.sin, "cos": O.cos, "tan": O.tan, "arcsin": O.asin, "arccos": O.acos,
           "arctan": O.atan, "sinh": O.sinh, "cosh": O.cosh, "tanh": O.tanh, "arcsinh": O.asinh,
           "arccosh": O.acosh, "arctanh": O.atanh}


def exp(x):
    return G.exp(as_float(x))


def exp2(x):
    x = as_float(x)
    return out(O.power(const(2, dt(x)), x))


def expm1(x):
    return G.expm1(as_float(x))


def log1p(x):
    return G.log1p(as_float(x))


def log2(x):
    x = as_float(x)
    return out(O.divide(out(O.log(x)), const(math.log(2.0), dt(x))))


def log10(x):
    x = as_float(x)
    return out(O.divide(out(O.log(x)), const(math.log(10.0), dt(x))))


def erf(x):
    return G.erf(as_float(x))


def erfinv(x):
    return G.erfinv(as_float(x))


# ------------------------------------------------------------------------------ binary
def add(x1, x2):
    _, a, b = promote(x1, x2)
    return G.sink_transposes(lambda a, b: out(O.add(a, b)), a, b)


def subtract(x1, x2):
    _, a, b = promote(x1, x2)
    return G.sink_transposes(lambda a, b: out(O.subtract(a, b)), a, b)


def multiply(x1, x2):
    _, a, b = promote(x1, x2)
    return G.sink_transposes(lambda a, b: out(O.multiply(a, b)), a, b)


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


def floor_divide(x1, x2):
    d, a, b = promote(x1, x2)
    if d in dtypes.FLOATS:
        return _float_divmod(a, b)[0]
    m = out(O.floor_mod(a, b))
    return out(O.divide(out(O.subtract(a, m)), b))


def mod(x1, x2):
    d, a, b = promote(x1, x2)
    if d in dtypes.FLOATS:
        return _float_divmod(a, b)[1]
    return out(O.floor_mod(a, b))


def power(x1, x2):
    d, a, b = promote(x1, x2)
    if d not in dtypes.FLOATS:
        b = out(O.maximum(b, const(0, d)))
    return out(O.power(a, b))


def maximum(x1, x2):
    _, a, b = promote(x1, x2)
    return G.maximum(a, b)


def minimum(x1, x2):
    _, a, b = promote(x1, x2)
    return G.minimum(a, b)


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


_COMPARE = {"equal": O.equal, "not_equal": O.not_equal, "less": O.less, "less_equal": O.less_equal}


def _ordered(fn):
    """Greater / GreaterEqual answer True for NaN operands on the CPU: mask NaNs out."""
    def build(x1, x2):
        d, a, b = promote(x1, x2)
        r = out(fn(a, b))
        if d in dtypes.FLOATS:
            r = out(O.logical_and(r, out(O.logical_not(out(O.logical_or(G.isnan(a), G.isnan(b)))))))
        return r
    return build


greater = _ordered(O.greater)
greater_equal = _ordered(O.greater_equal)


def _logical(fn):
    def build(x1, x2):
        return out(fn(cast(_o(x1), "bool"), cast(_o(x2), "bool")))
    return build


logical_and = _logical(O.logical_and)
logical_or = _logical(O.logical_or)
logical_xor = _logical(O.logical_xor)


def _bitwise(fn):
    def build(x, y):
        _, a, b = promote(x, y)
        return out(fn(a, b))
    return build


bitwise_and = _bitwise(O.bitwise_and)
bitwise_or = _bitwise(O.bitwise_or)
bitwise_xor = _bitwise(O.bitwise_xor)


def left_shift(x, y):
    _, a, b = promote(x, y)
    return out(O.bitwise_left_shift(a, b))


def right_shift(x, y):
    _, a, b = promote(x, y)
    return logical_right_shift(a, b)


def clip(x, x_min, x_max):
    d = G.result_type(x, x_min, x_max)
    x, lo, hi = cast(_o(x), d), cast(x_min, d), cast(x_max, d)
    return G.minimum(G.maximum(x, lo), hi)


def where(condition, x1=None, x2=None):
    if x1 is None or x2 is None:
        if x1 is not None or x2 is not None:
            raise ValueError("where: x1 and x2 must both be given or both be None")
        # NonZero: a [rank, count] matrix of indices (count depends on the data), one row per axis
        c = _o(condition)
        idx = out(O.non_zero(c, "i32"))
        return tuple(out(O.squeeze(out(O.gather(idx, i64([i]), i64(0))), i64([0]))) for i in range(len(shape(c))))
    _, a, b = promote(x1, x2)
    return select(cast(_o(condition), "bool"), a, b)


def cast_(x, dtype):
    return cast(_o(x), dtype)




def stop_gradient(variable):
    return _o(variable)


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


#: op name -> graph builder
KERNELS: dict = {
    **{name: _native(fn) for name, fn in _NATIVE.items()}, **{name: _cmp(fn) for name, fn in _COMPARE.items()},
    "abs": abs, "negative": negative, "sign": sign, "square": square, "floor": floor, "ceil": ceil, "trunc": trunc,
    "round": round, "isnan": isnan, "isinf": isinf, "isfinite": isfinite, "logical_not": logical_not,
    "bitwise_invert": bitwise_invert, "sqrt": sqrt, "rsqrt": rsqrt, "reciprocal": reciprocal, "exp": exp,
    "exp2": exp2, "expm1": expm1, "log1p": log1p, "log2": log2, "log10": log10, "erf": erf, "erfinv": erfinv,
    "add": add, "subtract": subtract, "multiply": multiply, "divide": divide, "floor_divide": floor_divide,
    "mod": mod, "power": power, "maximum": maximum, "minimum": minimum, "arctan2": arctan2, "logaddexp": logaddexp,
    "greater": greater, "greater_equal": greater_equal, "logical_and": logical_and, "logical_or": logical_or,
    "logical_xor": logical_xor, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
    "left_shift": left_shift, "right_shift": right_shift, "clip": clip, "where": where, "cast": cast_,
    "stop_gradient": stop_gradient, "nan_to_num": nan_to_num,
}

__all__ = ["KERNELS"]
