"""Elementwise math kernels: the ops of :mod:`dlx.ops.defs.arithmetic` (Keras's aliases such as
``absolute`` and ``amax`` run their spec's decomposition into the op they name; ``gcd`` and
``lcm`` have no TensorFlow function and run the reference)."""

from __future__ import annotations

import math

from dlx import dtypes
from dlx.ops.defs.arithmetic import _saturate_bounds, saturate_range
from dlx_tf._core import FLOAT_TF, NAME, TF, fl, float_pair, pair, tensor, tf
from dlx_tf.kernels.elementwise import cast

_LN2 = math.log(2.0)
_BITS = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32, tf.float64: tf.int64}


def _c(v, like):
    return tf.constant(v, like.dtype)


def divide_no_nan(x1, x2):
    a, b = float_pair(x1, x2)
    return tf.math.divide_no_nan(a, b)


def cbrt(x):
    # no native cube root: |x| ** (1/3) in float64 (relative error ~1e-16), with x's sign
    x = fl(x)
    a = tf.abs(tf.cast(x, tf.float64))
    y = tf.pow(a, 1.0 / 3.0)
    ok = (a > 0) & tf.math.is_finite(a)
    y = tf.where(ok, y - (y * y * y - a) / (3 * y * y + tf.cast(~ok, tf.float64)), y)  # one Newton step
    y = tf.cast(y, x.dtype)
    return tf.where(tf.math.is_nan(x), x, tf.where(x < 0, -y, tf.where(x > 0, y, x)))


def deg2rad(x):
    x = fl(x)
    return x * _c(math.pi / 180, x)


def rad2deg(x):
    x = fl(x)
    return x * _c(180 / math.pi, x)


def sinc(x):
    x = fl(x)
    y = _c(math.pi, x) * tf.where(tf.equal(x, 0), _c(1e-20, x), x)
    return tf.sin(y) / y


def i0(x):
    return tf.math.bessel_i0(fl(x))


def erfc(x):
    return tf.math.erfc(fl(x))


def signbit(x):
    x = tensor(x)
    if x.dtype in _BITS:
        return tf.bitcast(x, _BITS[x.dtype]) < 0
    if x.dtype == tf.bool or x.dtype.is_unsigned:
        return tf.zeros_like(x, tf.bool)
    return x < 0


def _inf_test(sign):
    def kernel(x):
        x = tensor(x)
        if x.dtype not in FLOAT_TF:
            return tf.zeros_like(x, tf.bool)
        return tf.equal(x, _c(sign * math.inf, x))
    return kernel


def _nan_ext(fn):
    def kernel(x1, x2):
        a, b = pair(x1, x2)
        if a.dtype not in FLOAT_TF:
            return fn(a, b)
        return tf.where(tf.math.is_nan(b), a, tf.where(tf.math.is_nan(a), b, fn(a, b)))
    return kernel


@tf.custom_gradient
def _fmod_float(a, b):
    def grad(g):
        gb = -g * tf.math.sign(a / b) * tf.floor(tf.abs(a / b))
        return _unbroadcast(g, a), _unbroadcast(gb, b)
    return tf.truncatemod(a, b), grad


def _unbroadcast(g, x):
    """``g`` summed over the axes ``x`` was broadcast along, in ``x``'s shape."""
    axes, _ = tf.raw_ops.BroadcastGradientArgs(s0=tf.shape(x), s1=tf.shape(g))
    return tf.reshape(tf.reduce_sum(g, axes), tf.shape(x))


def fmod(x1, x2):
    # TruncateMod has no registered gradient: d/dx1 = 1, d/dx2 = -trunc(x1 / x2)
    a, b = pair(x1, x2)
    return _fmod_float(a, b) if a.dtype in FLOAT_TF else tf.truncatemod(a, b)


def hypot(x1, x2):
    a, b = float_pair(x1, x2)
    a, b = tf.abs(a), tf.abs(b)
    m, n = tf.maximum(a, b), tf.minimum(a, b)
    safe = tf.where(tf.equal(m, 0), tf.ones_like(m), m)
    r = m * tf.sqrt(1 + tf.square(n / safe))
    r = tf.where(tf.equal(m, 0), tf.zeros_like(m), r)
    r = tf.where(tf.math.is_nan(a) | tf.math.is_nan(b), a + b, r)
    return tf.where(tf.math.is_inf(a) | tf.math.is_inf(b), _c(math.inf, r) + tf.zeros_like(r), r)


def heaviside(x1, x2):
    a, b = float_pair(x1, x2)
    one, zero = tf.ones_like(a), tf.zeros_like(a)
    return tf.where(a < 0, zero, tf.where(a > 0, one, tf.where(tf.equal(a, 0), b + zero, a)))


def ldexp(x1, x2):
    e = tensor(x2)
    if e.dtype in FLOAT_TF:
        raise TypeError(f"ldexp: the exponent x2 must be an integer, got dtype {NAME[e.dtype]}")
    a = fl(x1)
    scaled = tf.cast(a, tf.float64) * tf.pow(tf.constant(2.0, tf.float64), tf.cast(e, tf.float64))
    return tf.cast(scaled, a.dtype)



def logaddexp2(x1, x2):
    a, b = float_pair(x1, x2)
    m = tf.maximum(a, b)
    d = -tf.abs(a - b)
    r = m + tf.math.log1p(tf.pow(_c(2.0, d), d)) / _c(_LN2, d)
    r = tf.where(tf.equal(a, b), a + _c(1.0, a), r)
    return tf.where(tf.math.is_nan(a) | tf.math.is_nan(b), a + b, r)


def _close(x1, x2, rtol, atol, equal_nan):
    a, b = float_pair(x1, x2)
    close = tf.abs(a - b) <= _c(atol, a) + _c(rtol, a) * tf.abs(b)
    close = close & tf.math.is_finite(a) & tf.math.is_finite(b)
    close = close | (tf.math.is_inf(a) & tf.equal(a, b))
    if equal_nan:
        close = close | (tf.math.is_nan(a) & tf.math.is_nan(b))
    return close


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _close(x1, x2, rtol, atol, equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return tf.reduce_all(_close(x1, x2, rtol, atol, equal_nan))



def saturate_cast(x, dtype):
    x = tensor(x)
    lo, hi = _saturate_bounds(NAME[x.dtype], dtype)
    target = TF[dtypes.standardize(dtype)]
    y = cast(tf.clip_by_value(x, tf.constant(lo), tf.constant(hi)), target)  # float64 -> half: rounded once
    if x.dtype in FLOAT_TF and target not in FLOAT_TF:  # beyond the float bounds: the range's ends
        tlo, thi = saturate_range(dtype)
        y = tf.where(x > tf.constant(hi), tf.constant(thi), tf.where(x < tf.constant(lo), tf.constant(tlo), y))
    return y


def bitwise_not(x):
    x = tensor(x)
    return tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x)


#: op name -> kernel
KERNELS: dict = {
    "divide_no_nan": divide_no_nan, "cbrt": cbrt, "deg2rad": deg2rad, "rad2deg": rad2deg, "sinc": sinc, "i0": i0,
    "erfc": erfc, "signbit": signbit, "isposinf": _inf_test(1), "isneginf": _inf_test(-1),
    "fmax": _nan_ext(tf.maximum), "fmin": _nan_ext(tf.minimum), "fmod": fmod, "hypot": hypot, "heaviside": heaviside,
    "ldexp": ldexp, "logaddexp2": logaddexp2, "isclose": isclose, "allclose": allclose,
    "saturate_cast": saturate_cast, "bitwise_not": bitwise_not,
}
