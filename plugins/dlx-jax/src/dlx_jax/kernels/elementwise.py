"""Elementwise kernels (``jax.numpy`` / ``lax``): the ops of :mod:`dlx.ops.defs.elementwise`."""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from dlx_jax._common import (
    BOOL,
    FLOAT_DTYPES,
    PY_SCALARS,
    Array,
    arr,
    binary,
    float_binary,
    float_unary,
    np_dtype,
    promote,
    promote2,
    unary,
    widest,
)

# ------------------------------------------------------------------------------ unary, any dtype
_UNARY = {
    "abs": jnp.abs, "negative": jnp.negative, "sign": jnp.sign, "square": jnp.square,
    "isnan": jnp.isnan, "isinf": jnp.isinf, "isfinite": jnp.isfinite,
    "logical_not": jnp.logical_not, "bitwise_invert": jnp.invert,
}

# ------------------------------------------------------------------------------ unary, float
# Where XLA's own lowering misses the spec's accuracy class, the kernel is a short jitted
# formulation (one dispatch, fused) built from XLA's accurate primitives; each says why.
_F64 = np.dtype(np.float64)
_LN2 = math.log(2.0)
_T = 20.0  # |x| above which exp(-|x|) is negligible next to exp(|x|) in float64 (and float32)


@jax.jit
def _sinh(x):
    # XLA's sinh loses up to ~500 ULP for large |x| (exp(x + log(1/2))); expm1 below _T, and
    # exp(|x|/2)**2 / 2 above it, stay within a few ULP
    a = jnp.abs(x)
    small = a < _T
    em = jnp.expm1(jnp.where(small, a, 0))
    e = jnp.exp(jnp.where(small, _T, a) * 0.5)
    return jnp.copysign(jnp.where(small, 0.5 * (em + em / (em + 1)), (0.5 * e) * e), x)


@jax.jit
def _cosh(x):
    # see _sinh
    a = jnp.abs(x)
    small = a < _T
    ea = jnp.exp(jnp.where(small, a, 0))
    e = jnp.exp(jnp.where(small, _T, a) * 0.5)
    return jnp.where(small, 0.5 * ea + 0.5 / ea, (0.5 * e) * e)


@jax.jit
def _arctanh(x):
    # XLA's float64 atanh is ~130 ULP off; atanh|x| = log1p(2|x| / (1 - |x|)) / 2 is within 3
    a = jnp.abs(x)
    return jnp.copysign(0.5 * jnp.log1p(2 * a / (1 - a)), x)


@jax.jit
def _exp2(x):
    # XLA's exp2 is exp(x * ln 2) (up to ~700 ULP for large |x|): split x = n + f exactly and
    # scale exp(f * ln 2) by 2**n
    n = jnp.round(x)
    n = jnp.where(jnp.isfinite(n), n, jnp.where(jnp.isnan(x), 0, jnp.sign(x) * 2000.0))
    n = jnp.clip(n, -2000, 2000)
    out = jnp.ldexp(jnp.exp((x - n) * _LN2), n.astype(np.int32))
    return jnp.where(jnp.isnan(x), x, out)


@jax.custom_jvp
def _expm1_impl(x):
    return jnp.expm1(x)


@_expm1_impl.defjvp
def _expm1_jvp(primals, tangents):
    # jax's rule uses expm1(x) + 1, which cancels for x << 0; the derivative is exp(x)
    (x,), (dx,) = primals, tangents
    return jnp.expm1(x), dx * jnp.exp(x)


_expm1 = jax.jit(_expm1_impl)

_GILES_SMALL = (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                -0.00417768164, 0.246640727, 1.50140941)
_GILES_LARGE = (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                0.00943887047, 1.00167406, 2.83297682)
_TWO_OVER_SQRTPI = 2 / math.sqrt(math.pi)


def _erfinv64(x):
    """The spec's erfinv in float64: Giles' seed, then Newton steps on erf(y) = |x| (|x| <= 1/2)
    or on erfc(y) = 1 - |x| (exact for |x| > 1/2), where erf(y) - |x| would cancel."""
    a = jnp.abs(x)
    w = -jnp.log((1.0 - a) * (1.0 + a))
    small = w < 5.0
    ws = w - 2.5
    wl = jnp.sqrt(jnp.where(small, 5.0, w)) - 3.0
    p1 = 2.81022636e-08
    for c in _GILES_SMALL:
        p1 = c + p1 * ws
    p2 = -0.000200214257
    for c in _GILES_LARGE:
        p2 = c + p2 * wl
    y = jnp.where(small, p1, p2) * a
    tail = a > 0.5
    t = 1.0 - a
    for _ in range(4):
        fin = jnp.isfinite(y)
        yy = jnp.where(fin, y, 0.0)
        resid = jnp.where(tail, t - lax.erfc(yy), lax.erf(yy) - a)
        y = jnp.where(fin, y - resid / (_TWO_OVER_SQRTPI * jnp.exp(-y * y)), y)
    y = jnp.where(a == 1, jnp.inf, y)
    return jnp.where(a > 1, jnp.nan, jnp.copysign(y, x))


@jax.custom_jvp
def _erfinv_impl(x):
    return _erfinv64(widest(x)).astype(x.dtype)


@_erfinv_impl.defjvp
def _erfinv_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    y = _erfinv64(widest(x))
    return y.astype(x.dtype), (widest(dx) * (math.sqrt(math.pi) / 2) * jnp.exp(y * y)).astype(x.dtype)


# XLA's erf_inv is 10-60 ULP off near +-1 in float32 and ~30 ULP in float64: evaluate the spec's
# algorithm in float64 (then round), with the derivative from the float64 value; jitted, so that
# it is one dispatch
erfinv64 = jax.jit(_erfinv64)
_erfinv = jax.jit(_erfinv_impl)


def _rsqrt(x):
    # float64: lax.rsqrt is 2 ULP on CPU; 1 / sqrt(x) is what the spec computes
    return lax.rsqrt(x) if x.dtype != _F64 else 1.0 / jnp.sqrt(x)


_FLOAT_UNARY = {
    "floor": jnp.floor, "ceil": jnp.ceil,
    "sqrt": jnp.sqrt, "rsqrt": _rsqrt, "reciprocal": jnp.reciprocal,
    "exp": jnp.exp, "exp2": _exp2, "expm1": _expm1, "log": jnp.log, "log2": jnp.log2,
    "log10": jnp.log10, "log1p": jnp.log1p, "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan,
    "arcsin": jnp.arcsin, "arccos": jnp.arccos, "arctan": jnp.arctan, "sinh": _sinh,
    "cosh": _cosh, "tanh": jnp.tanh, "arcsinh": jnp.arcsinh, "arccosh": jnp.arccosh,
    "arctanh": _arctanh, "erf": lax.erf, "erfinv": _erfinv,
}


def trunc(x):
    x = arr(x)
    return jnp.trunc(x) if x.dtype in FLOAT_DTYPES else x  # ints and bools keep their dtype (as Keras)


def round_(x, decimals=0):
    x = arr(x)
    if x.dtype not in FLOAT_DTYPES and decimals >= 0:
        return x  # integers are already rounded (NumPy returns them unchanged)
    return jnp.round(x, decimals)


def _nonzero(condition, x1, x2):
    if x1 is not None or x2 is not None:
        raise ValueError("where: x1 and x2 must both be given or both be None")
    c = arr(condition)
    if isinstance(c, jax.core.Tracer):
        raise ValueError("where(condition) with x1=x2=None returns indices whose number depends on the data: "
                         "it runs eagerly, not inside a compiled function")
    return tuple(i.astype(np.int32) for i in jnp.nonzero(c))


def stop_gradient(variable):
    return lax.stop_gradient(arr(variable))


_HALF = (np.dtype(jnp.float16), np.dtype(jnp.bfloat16))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _half_from_float64_impl(x, dt):
    # XLA's float64 -> float16 / bfloat16 converts go through float32 on CPUs: two roundings.
    # Rounding to float32 *to odd* first (docs/parity.md, "Half-precision casts") makes the
    # second rounding the only one.
    r = x.astype(np.float32)
    back = r.astype(np.float64)
    inexact = back != x  # NaN too: its bits only gain a payload bit
    bits = lax.bitcast_convert_type(r, np.int32)
    # rounded away from zero (overflow to inf included): one step back toward it, then the last bit set
    bits = (bits - (inexact & (jnp.abs(back) > jnp.abs(x))).astype(np.int32)) | inexact.astype(np.int32)
    return lax.bitcast_convert_type(bits, np.float32).astype(dt)


@_half_from_float64_impl.defjvp
def _half_from_float64_jvp(dt, primals, tangents):
    (x,), (dx,) = primals, tangents
    return _half_from_float64_impl(x, dt), dx.astype(dt)


_half_from_float64 = jax.jit(_half_from_float64_impl, static_argnums=1)


def cast(x, dtype):
    x, dt = arr(x), np_dtype(dtype)
    if x.dtype == _F64 and dt in _HALF:
        return _half_from_float64(x, dt)
    return x.astype(dt)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(arr(x), nan=nan, posinf=posinf, neginf=neginf)


# ------------------------------------------------------------------------------ binary
def _int_power(a, b):
    if a.dtype in FLOAT_DTYPES:
        return jnp.power(a, b)
    return jnp.power(a, jnp.maximum(b, 0) if not isinstance(b, int) else max(b, 0))


def power(x1, x2):
    if type(x1) is Array and type(x2) is Array and x1.dtype == x2.dtype and x1.dtype in FLOAT_DTYPES:
        return jnp.power(x1, x2)
    a, b = promote(x1, x2)
    if type(a) in PY_SCALARS:  # a weak scalar base: the exponent's dtype decides
        a = jnp.asarray(a, b.dtype)
    return _int_power(a, b)


_BINARY = {
    "add": jnp.add, "subtract": jnp.subtract, "multiply": jnp.multiply,
    "floor_divide": jnp.floor_divide, "mod": jnp.remainder,
    "maximum": jnp.maximum, "minimum": jnp.minimum,
    "equal": jnp.equal, "not_equal": jnp.not_equal, "less": jnp.less, "less_equal": jnp.less_equal,
    "greater": jnp.greater, "greater_equal": jnp.greater_equal,
}
_FLOAT_BINARY = {"divide": jnp.divide, "arctan2": jnp.arctan2, "logaddexp": jnp.logaddexp}
_BITWISE = {"bitwise_and": jnp.bitwise_and, "bitwise_or": jnp.bitwise_or, "bitwise_xor": jnp.bitwise_xor,
            "left_shift": jnp.left_shift, "right_shift": jnp.right_shift}


def _logical(fn):
    def kernel(x1, x2):
        return fn(arr(x1), arr(x2))
    return kernel


def clip(x, x_min, x_max):
    x, lo, hi = promote(x, x_min, x_max)
    return jnp.minimum(jnp.maximum(x, lo), hi)


def where(condition, x1=None, x2=None):
    if x1 is None or x2 is None:
        return _nonzero(condition, x1, x2)
    c = arr(condition)
    if c.dtype != BOOL:
        c = c.astype(BOOL)
    a, b = promote2(x1, x2)
    return jnp.where(c, a, b)


_LOGICAL = {"logical_and": jnp.logical_and, "logical_or": jnp.logical_or, "logical_xor": jnp.logical_xor}

#: op name -> kernel
KERNELS: dict = {
    **{name: unary(fn) for name, fn in _UNARY.items()},
    **{name: float_unary(fn) for name, fn in _FLOAT_UNARY.items()},
    **{name: binary(fn) for name, fn in _BINARY.items()},
    **{name: float_binary(fn) for name, fn in _FLOAT_BINARY.items()},
    **{name: binary(fn, ("x", "y")) for name, fn in _BITWISE.items()},
    **{name: _logical(fn) for name, fn in _LOGICAL.items()},
    "round": round_, "trunc": trunc, "stop_gradient": stop_gradient, "cast": cast, "nan_to_num": nan_to_num,
    "power": power, "clip": clip, "where": where,
}

__all__ = ["KERNELS", "erfinv64"]
