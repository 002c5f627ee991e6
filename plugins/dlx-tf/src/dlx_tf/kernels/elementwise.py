"""Elementwise kernels: the ops of :mod:`dlx.ops.defs.elementwise`."""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes
from dlx_tf._core import (
    FLOAT_TF,
    INT_TF,
    NAME,
    TF,
    fl,
    float_pair,
    pair,
    promote,
    tensor,
    tf,
    to_bool,
)

_raw = tf.raw_ops
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


# ----------------------------------------------------------------------------------- unary
def abs(x):
    """``|x|``."""
    return _raw.Abs(x=tensor(x))


def negative(x):
    return _raw.Neg(x=tensor(x))


def sign(x):
    return _raw.Sign(x=tensor(x))


def square(x):
    return _raw.Square(x=tensor(x))


def floor(x):
    return _raw.Floor(x=fl(x))


def ceil(x):
    return _raw.Ceil(x=fl(x))


def trunc(x):
    x = tensor(x)
    if not x.dtype.is_floating:
        return x  # ints and bools keep their dtype (as Keras)
    return tf.where(x < 0, _raw.Ceil(x=x), _raw.Floor(x=x))


def round(x, decimals=0):
    """Round half to even (NumPy's ``round``: scale, ``rint``, unscale)."""
    x = tensor(x)
    if x.dtype not in FLOAT_TF:
        if decimals >= 0:
            return x
        f = 10.0 ** (-decimals)
        y = _raw.Rint(x=tf.cast(x, tf.float64) / f) * f
        return tf.cast(y, x.dtype)
    if decimals == 0:
        return _raw.Rint(x=x)
    if decimals > 0:
        f = tf.constant(10.0**decimals, x.dtype)
        return _raw.Rint(x=x * f) / f
    f = tf.constant(10.0 ** (-decimals), x.dtype)
    return _raw.Rint(x=x / f) * f


def isnan(x):
    x = tensor(x)
    return _raw.IsNan(x=x) if x.dtype in FLOAT_TF else tf.zeros_like(x, tf.bool)


def isinf(x):
    x = tensor(x)
    return _raw.IsInf(x=x) if x.dtype in FLOAT_TF else tf.zeros_like(x, tf.bool)


def isfinite(x):
    x = tensor(x)
    return _raw.IsFinite(x=x) if x.dtype in FLOAT_TF else tf.ones_like(x, tf.bool)


def logical_not(x):
    return tf.logical_not(to_bool(x))


def bitwise_invert(x):
    x = tensor(x)
    return tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x)


def sqrt(x):
    return _raw.Sqrt(x=fl(x))


def rsqrt(x):
    """``1 / sqrt(x)``: TF's ``Rsqrt`` is 3 ULP (PARITY.md); this is within 1."""
    x = fl(x)
    return _raw.RealDiv(x=tf.constant(1, x.dtype), y=_raw.Sqrt(x=x))


def reciprocal(x):
    """``1 / x`` (TF's ``Reciprocal`` is 3 ULP, PARITY.md)."""
    x = fl(x)
    return _raw.RealDiv(x=tf.constant(1, x.dtype), y=x)


def exp(x):
    return _raw.Exp(x=fl(x))


def exp2(x):
    x = fl(x)
    return _raw.Pow(x=tf.constant(2, x.dtype), y=x)


def expm1(x):
    return _raw.Expm1(x=fl(x))


def log(x):
    return _raw.Log(x=fl(x))


def log2(x):
    x = fl(x)
    return _raw.Log(x=x) / tf.constant(_LN2, x.dtype)


def log10(x):
    x = fl(x)
    return _raw.Log(x=x) / tf.constant(_LN10, x.dtype)


def log1p(x):
    return _raw.Log1p(x=fl(x))


def sin(x):
    return _raw.Sin(x=fl(x))


def cos(x):
    return _raw.Cos(x=fl(x))


def tan(x):
    return _raw.Tan(x=fl(x))


def arcsin(x):
    return _raw.Asin(x=fl(x))


def arccos(x):
    return _raw.Acos(x=fl(x))


def arctan(x):
    return _raw.Atan(x=fl(x))


def sinh(x):
    return _raw.Sinh(x=fl(x))


def cosh(x):
    return _raw.Cosh(x=fl(x))


def tanh(x):
    return _raw.Tanh(x=fl(x))


def arcsinh(x):
    return _raw.Asinh(x=fl(x))


def arccosh(x):
    return _raw.Acosh(x=fl(x))


def arctanh(x):
    return _raw.Atanh(x=fl(x))


def erf(x):
    x = fl(x)
    y = _raw.Erf(x=x)
    if x.dtype == tf.float64:  # TF's float64 Erf returns NaN at +-inf
        return tf.where(_raw.IsInf(x=x), _raw.Sign(x=x), y)
    return y


_GILES_SMALL = (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                -0.00417768164, 0.246640727, 1.50140941)
_GILES_LARGE = (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                0.00943887047, 1.00167406, 2.83297682)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erfinv64(x):
    """erfinv in float64: Giles' single-precision seed refined by three Newton steps, on ``erf``
    for ``|x| <= 0.5`` and on ``erfc`` (with the exact ``1 - |x|``) above, where Newton on erf is
    ill-conditioned. TF's own ``Erfinv`` is off by up to 1e4 ULP and returns 0 for tiny inputs."""
    one = tf.constant(1.0, tf.float64)
    w = -_raw.Log(x=(one - x) * (one + x))
    small = w < tf.constant(5.0, tf.float64)
    ws = w - tf.constant(2.5, tf.float64)
    wl = _raw.Sqrt(x=tf.where(small, tf.constant(5.0, tf.float64), w)) - tf.constant(3.0, tf.float64)
    p1 = tf.constant(2.81022636e-08, tf.float64)
    for c in _GILES_SMALL:
        p1 = tf.constant(c, tf.float64) + p1 * ws
    p2 = tf.constant(-0.000200214257, tf.float64)
    for c in _GILES_LARGE:
        p2 = tf.constant(c, tf.float64) + p2 * wl
    a = _raw.Abs(x=x)
    y = tf.where(small, p1, p2) * a  # solve for |x|, restore the sign at the end
    zero = tf.zeros((), tf.float64)
    k = tf.constant(_TWO_OVER_SQRT_PI, tf.float64)
    tail = a > tf.constant(0.5, tf.float64)
    c = one - a  # exact for a >= 0.5
    for _ in range(3):
        fin = _raw.IsFinite(x=y)
        yf = tf.where(fin, y, zero)
        resid = tf.where(tail, c - _raw.Erfc(x=yf), _raw.Erf(x=yf) - a)
        y = tf.where(fin, y - resid / (k * _raw.Exp(x=-yf * yf)), y)
    y = tf.where(tf.equal(a, one), tf.constant(np.inf, tf.float64), y)
    y = tf.where(x < zero, -y, tf.where(tf.equal(x, zero), x, y))
    return tf.where(a > one, tf.constant(np.nan, tf.float64), y)


@tf.custom_gradient
def _erfinv(x):
    y = tf.cast(_erfinv64(tf.cast(x, tf.float64)), x.dtype)

    def grad(g):
        return g * tf.constant(math.sqrt(math.pi) / 2, x.dtype) * _raw.Exp(x=y * y)
    return y, grad


def erfinv(x):
    return _erfinv(fl(x))


# ----------------------------------------------------------------------------------- binary
def add(x1, x2):
    a, b = pair(x1, x2)
    if a.dtype == tf.bool:
        return tf.logical_or(a, b)
    return _raw.AddV2(x=a, y=b)


def subtract(x1, x2):
    a, b = pair(x1, x2)
    return _raw.Sub(x=a, y=b)


def multiply(x1, x2):
    a, b = pair(x1, x2)
    if a.dtype == tf.bool:
        return tf.logical_and(a, b)
    return _raw.Mul(x=a, y=b)


def divide(x1, x2):
    a, b = float_pair(x1, x2)
    return _raw.RealDiv(x=a, y=b)


def floor_divide(x1, x2):
    """Floor division; floats follow NumPy's ``divmod`` algorithm exactly."""
    a, b = pair(x1, x2)
    if a.dtype not in FLOAT_TF:
        return _raw.FloorDiv(x=a, y=b)
    zero = tf.zeros((), a.dtype)
    mod_ = _raw.TruncateMod(x=a, y=b)
    div = (a - mod_) / b
    adjust = tf.logical_and(tf.not_equal(mod_, zero), tf.not_equal(b < zero, mod_ < zero))
    div = tf.where(adjust, div - tf.ones((), a.dtype), div)
    fdiv = _raw.Floor(x=div)
    fdiv = tf.where(div - fdiv > tf.constant(0.5, a.dtype), fdiv + tf.ones((), a.dtype), fdiv)
    fdiv = tf.where(tf.equal(div, zero), zero * (a / b), fdiv)
    return tf.where(tf.equal(b, zero), a / b, fdiv)


def mod(x1, x2):
    a, b = pair(x1, x2)
    return _raw.FloorMod(x=a, y=b)


def power(x1, x2):
    a, b = pair(x1, x2)
    if a.dtype in INT_TF:
        return _raw.Pow(x=a, y=_raw.Maximum(x=b, y=tf.zeros((), b.dtype)))
    return _raw.Pow(x=a, y=b)


def maximum(x1, x2):
    a, b = pair(x1, x2)
    return _raw.Maximum(x=a, y=b)


def minimum(x1, x2):
    a, b = pair(x1, x2)
    return _raw.Minimum(x=a, y=b)


def arctan2(x1, x2):
    a, b = float_pair(x1, x2)
    return _raw.Atan2(y=a, x=b)


def logaddexp(x1, x2):
    """``max + log1p(exp(-|x1 - x2|))``; NaN differences (equal infinities) give ``x1 + x2``."""
    a, b = float_pair(x1, x2)
    d = a - b
    out = _raw.Maximum(x=a, y=b) + _raw.Log1p(x=_raw.Exp(x=-_raw.Abs(x=d)))
    return tf.where(_raw.IsNan(x=d), a + b, out)


def _cmp(raw):
    def kernel(x1, x2):
        a, b = pair(x1, x2)
        return raw(x=a, y=b)
    return kernel


equal = _cmp(_raw.Equal)
not_equal = _cmp(_raw.NotEqual)
less = _cmp(_raw.Less)
less_equal = _cmp(_raw.LessEqual)
greater = _cmp(_raw.Greater)
greater_equal = _cmp(_raw.GreaterEqual)


def logical_and(x1, x2):
    return tf.logical_and(to_bool(x1), to_bool(x2))


def logical_or(x1, x2):
    return tf.logical_or(to_bool(x1), to_bool(x2))


def logical_xor(x1, x2):
    return tf.math.logical_xor(to_bool(x1), to_bool(x2))


def _bitwise(fn, bool_fn):
    def kernel(x, y):
        a, b = pair(x, y)
        return bool_fn(a, b) if a.dtype == tf.bool else fn(a, b)
    return kernel


bitwise_and = _bitwise(tf.bitwise.bitwise_and, tf.logical_and)
bitwise_or = _bitwise(tf.bitwise.bitwise_or, tf.logical_or)
bitwise_xor = _bitwise(tf.bitwise.bitwise_xor, tf.math.logical_xor)


def left_shift(x, y):
    a, b = pair(x, y)
    return tf.bitwise.left_shift(a, b)


def right_shift(x, y):
    a, b = pair(x, y)
    return tf.bitwise.right_shift(a, b)


def clip(x, x_min, x_max):
    x, lo, hi = promote(x, x_min, x_max)
    return _raw.Minimum(x=_raw.Maximum(x=x, y=lo), y=hi)


def where(condition, x1=None, x2=None):
    if x1 is None or x2 is None:
        if x1 is not None or x2 is not None:
            raise ValueError("where: x1 and x2 must both be given or both be None")
        # the indices of the nonzero entries, one int32 vector per axis (their length depends on the data)
        c = to_bool(condition)
        idx = tf.cast(tf.where(c), tf.int32)
        return tuple(idx[:, i] for i in range(c.shape.rank))
    a, b = pair(x1, x2)
    return tf.where(to_bool(condition), a, b)


_HALF = (tf.float16, tf.bfloat16)


def _round_once(y: tf.Tensor, dt: tf.DType) -> tf.Tensor:
    """float64 ``y`` rounded once to ``dt`` (to nearest, ties to even), as NumPy's cast.

    TF's and XLA's casts from float64 to float16 / bfloat16 go through float32 on CPUs with
    hardware half conversions: two roundings. Rounding to float32 *to odd* first (docs/parity.md,
    "Half-precision casts") makes the second rounding the only one."""
    if dt not in _HALF:
        return tf.cast(y, dt)
    r = tf.cast(y, tf.float32)
    back = tf.cast(r, tf.float64)
    inexact = tf.not_equal(back, y)  # NaN too: its bits only gain a payload bit
    bits = tf.bitcast(r, tf.int32)
    # rounded away from zero (overflow to inf included): one step back toward it (sign and
    # magnitude: the magnitude shrinks); then the last bit set
    bits = bits - tf.cast(tf.logical_and(inexact, tf.abs(back) > tf.abs(y)), tf.int32)
    bits = tf.bitwise.bitwise_or(bits, tf.cast(inexact, tf.int32))
    return tf.cast(tf.bitcast(bits, tf.float32), dt)


def _half_from_float64(x: tf.Tensor, dt: tf.DType) -> tf.Tensor:
    """``_round_once`` with the gradient of a cast (the bitcasts have none)."""

    @tf.custom_gradient
    def rounded(y):
        return _round_once(y, dt), lambda g: tf.cast(g, tf.float64)
    return rounded(x)


def cast(x, dtype):
    x, dt = tensor(x), TF[dtypes.standardize(dtype)]
    if x.dtype == tf.float64 and dt in _HALF:
        return _half_from_float64(x, dt)
    return tf.cast(x, dt)


def stop_gradient(variable):
    return tf.stop_gradient(tensor(variable))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = tensor(x)
    if x.dtype not in FLOAT_TF:
        return x
    big = float(np.finfo(dtypes.to_numpy_dtype(NAME[x.dtype])).max)
    pos = tf.constant(big if posinf is None else posinf, x.dtype)
    neg = tf.constant(-big if neginf is None else neginf, x.dtype)
    inf = tf.constant(np.inf, x.dtype)
    out = tf.where(tf.equal(x, inf), pos, tf.where(tf.equal(x, -inf), neg, x))
    return tf.where(_raw.IsNan(x=x), tf.constant(nan, x.dtype), out)


#: op name -> kernel
KERNELS: dict = {
    "abs": abs, "negative": negative, "sign": sign, "square": square, "floor": floor, "ceil": ceil, "trunc": trunc,
    "round": round, "isnan": isnan, "isinf": isinf, "isfinite": isfinite, "logical_not": logical_not,
    "bitwise_invert": bitwise_invert, "sqrt": sqrt, "rsqrt": rsqrt, "reciprocal": reciprocal, "exp": exp,
    "exp2": exp2, "expm1": expm1, "log": log, "log2": log2, "log10": log10, "log1p": log1p, "sin": sin, "cos": cos,
    "tan": tan, "arcsin": arcsin, "arccos": arccos, "arctan": arctan, "sinh": sinh, "cosh": cosh, "tanh": tanh,
    "arcsinh": arcsinh, "arccosh": arccosh, "arctanh": arctanh, "erf": erf, "erfinv": erfinv, "add": add,
    "subtract": subtract, "multiply": multiply, "divide": divide, "floor_divide": floor_divide, "mod": mod,
    "power": power, "maximum": maximum, "minimum": minimum, "arctan2": arctan2, "logaddexp": logaddexp,
    "equal": equal, "not_equal": not_equal, "less": less, "less_equal": less_equal, "greater": greater,
    "greater_equal": greater_equal, "logical_and": logical_and, "logical_or": logical_or,
    "logical_xor": logical_xor, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
    "left_shift": left_shift, "right_shift": right_shift, "clip": clip, "where": where, "cast": cast,
    "stop_gradient": stop_gradient, "nan_to_num": nan_to_num,
}

__all__ = ["KERNELS"]
