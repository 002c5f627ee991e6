"""Decompositions of :mod:`dlx.ops.defs.arithmetic`'s special functions into ops every backend
has (used where a backend has no kernel of its own, e.g. OpenVINO's opset has no cbrt, erfc or
Bessel function). Each follows the op's accuracy class on the cases."""

from __future__ import annotations

import math

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors


def _fl(x):
    return x if dtypes.is_float(tensors.dtype(x)) else K.cast(x, dtypes.floatx())


def _fpair(x1, x2):
    dt = dtypes.result_type(*(v if isinstance(v, (int, float)) else tensors.dtype(v) for v in (x1, x2)))
    dt = dt if dtypes.is_float(dt) else dtypes.floatx()
    return K.cast(x1, dt), K.cast(x2, dt)


def cbrt(x):
    # |x| ** (1/3), then one Newton step on y**3 = |x| (the rounded exponent 1/3 costs ~|log x| ULP)
    # tiny |x| is scaled by 2**90 first (exact) and the root by 2**-30 after, keeping y**3 normal
    x = _fl(x)
    a = K.abs(x)
    ok = K.logical_and(K.greater(a, 0), K.isfinite(a))
    tiny = K.less(a, 2.0**-100)
    safe = K.where(ok, K.where(tiny, a * 2.0**90, a), K.ones_like(a))
    y = K.power(safe, 1.0 / 3.0)
    y = y - (y * y * y - safe) / (3 * y * y)
    y = K.where(ok, K.where(tiny, y * 2.0**-30, y), a)
    return K.where(K.less(x, 0), -y, K.where(K.isnan(x), x, y))


#: erfc(|z|) = t exp(-z^2 + P(t)), t = 1 / (1 + |z| / 2): the coefficients of P, the Chebyshev fit
#: of Press et al. (relative error 1.2e-7: float32's; OpenVINO's erfc builder uses it)
ERFC_COEF = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
             -0.82215223, 0.17087277)


def sinc(x):
    x = _fl(x)
    y = math.pi * K.where(K.equal(x, 0), K.full_like(x, 1e-20), x)
    return K.sin(y) / y


def i0(x):
    # the power series sum (x^2/4)^k / (k!)^2 below |x| = 15 (positive terms: no cancellation),
    # the asymptotic series e^|x| / sqrt(2 pi |x|) (1 + 1/(8|x|) + 9/(128 x^2) + ...) above
    x = _fl(x)
    a = K.abs(x)
    small = K.minimum(a, 15.0)
    q = small * small / 4
    term = K.ones_like(a)
    total = term
    for k in range(1, 60):
        term = term * q / (k * k)
        total = total + term
    big = K.maximum(a, 15.0)
    inv = 1 / big
    corr = 1 + inv * (1 / 8 + inv * (9 / 128 + inv * (225 / 3072 + inv * (11025 / 98304 + inv * 893025 / 3932160))))
    asym = K.exp(big) / K.sqrt(2 * math.pi * big) * corr
    out = K.where(K.less_equal(a, 15.0), total, asym)
    return K.where(K.isnan(x), x, out)


def signbit(x):
    if not dtypes.is_float(tensors.dtype(x)):
        return K.less(x, 0)
    neg_zero = K.logical_and(K.equal(x, 0), K.less(1 / K.where(K.equal(x, 0), x, K.ones_like(x)), 0))
    return K.logical_or(K.less(x, 0), neg_zero)


def isposinf(x):
    if not dtypes.is_float(tensors.dtype(x)):
        return K.zeros_like(x, "bool")
    return K.logical_and(K.isinf(x), K.greater(x, 0))


def isneginf(x):
    if not dtypes.is_float(tensors.dtype(x)):
        return K.zeros_like(x, "bool")
    return K.logical_and(K.isinf(x), K.less(x, 0))


def _nan_aware(pick):
    def decomposition(x1, x2):
        m = pick(x1, x2)
        dt = tensors.dtype(m)
        if not dtypes.is_float(dt):
            return m
        a, b = K.cast(x1, dt), K.cast(x2, dt)
        return K.where(K.isnan(b), a, K.where(K.isnan(a), b, m))
    return decomposition


fmax = _nan_aware(lambda a, b: K.maximum(a, b))
fmin = _nan_aware(lambda a, b: K.minimum(a, b))


def hypot(x1, x2):
    a, b = _fpair(x1, x2)
    a, b = K.abs(a), K.abs(b)
    m, n = K.maximum(a, b), K.minimum(a, b)
    safe = K.where(K.equal(m, 0), K.ones_like(m), m)
    r = m * K.sqrt(1 + (n / safe) * (n / safe))
    r = K.where(K.equal(m, 0), K.zeros_like(m), r)
    return K.where(K.logical_or(K.isinf(a), K.isinf(b)), K.full_like(r, math.inf), r)


def heaviside(x1, x2):
    a, b = _fpair(x1, x2)
    one, zero = K.ones_like(a), K.zeros_like(a)
    return K.where(K.less(a, 0), zero, K.where(K.greater(a, 0), one, K.where(K.equal(a, 0), b + zero, a)))


def logaddexp2(x1, x2):
    a, b = _fpair(x1, x2)
    m = K.maximum(a, b)
    d = -K.abs(a - b)
    r = m + K.log1p(K.power(2.0, K.where(K.isnan(d), K.zeros_like(d), d))) / math.log(2.0)
    r = K.where(K.equal(a, b), a + 1, r)
    return K.where(K.logical_or(K.isnan(a), K.isnan(b)), a + b, r)


def ldexp(x1, x2):
    a = _fl(x1) if not isinstance(x1, (int, float)) else K.cast(x1, dtypes.floatx())
    e = K.cast(x2, "int32")
    # 2**|e| exactly, as an integer shift (|e| <= 30 here), then a multiply or an exact divide
    mag = K.cast(K.left_shift(K.ones_like(e), K.minimum(K.abs(e), 30)), tensors.dtype(a))
    big = K.power(2.0, K.cast(K.abs(e), tensors.dtype(a)))
    p = K.where(K.greater(K.abs(e), 30), big, mag)
    return K.where(K.less(e, 0), a / p, a * p)


def fmod(x1, x2):
    # |x1| mod |x2| (exact), with x1's sign
    dt = dtypes.result_type(*(v if isinstance(v, (int, float)) else tensors.dtype(v) for v in (x1, x2)))
    a = K.cast(x1, dt)
    # a Python number stays one (OpenVINO's CPU plugin fails to compile Abs of a constant here)
    b = abs(x2) if isinstance(x2, (int, float)) else K.abs(K.cast(x2, dt))
    r = K.mod(K.abs(a), b)
    return K.where(K.less(a, 0), -r, r)


def _ipair(x1, x2):
    dt = dtypes.result_type(*(v if isinstance(v, int) else tensors.dtype(v) for v in (x1, x2)))
    return K.cast(x1, dt), K.cast(x2, dt)


def gcd(x1, x2):
    x1, x2 = _ipair(x1, x2)
    a, b = K.abs(x1), K.abs(x2)
    for _ in range(48):  # Euclid: 32-bit operands finish within 47 steps (Fibonacci worst case)
        zero = K.equal(b, 0)
        r = K.mod(a, K.where(zero, K.ones_like(b), b))
        a, b = K.where(zero, a, b), K.where(zero, b, r)
    return a


def lcm(x1, x2):
    x1, x2 = _ipair(x1, x2)
    g = gcd(x1, x2)
    a, b = K.abs(x1), K.abs(x2)
    return K.where(K.equal(g, 0), K.zeros_like(g), K.floor_divide(a, K.where(K.equal(g, 0), K.ones_like(g), g)) * b)


def deg2rad(x):
    return _fl(x) * (math.pi / 180)


def rad2deg(x):
    return _fl(x) * (180 / math.pi)
