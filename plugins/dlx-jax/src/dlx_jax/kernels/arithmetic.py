"""Elementwise math kernels: the ops of :mod:`dlx.ops.defs.arithmetic` (Keras's aliases such as
``absolute`` and ``amax`` run their spec's decomposition into the op they name)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from dlx.ops.defs.arithmetic import _saturate_bounds, saturate_range
from dlx_jax._common import FLOAT_DTYPES, arr, float_binary, float_promote, float_unary, np_dtype, promote, unary
from dlx_jax.kernels.elementwise import cast


def divide_no_nan(x1, x2):
    a, b = float_promote(x1, x2)
    a, b = jnp.asarray(a), jnp.asarray(b)
    zero = b == 0
    q = a / jnp.where(zero, jnp.ones((), b.dtype), b)
    return jnp.where(zero, jnp.zeros((), q.dtype), q)


def _bool_of_float(fn):
    def kernel(x):
        x = arr(x)
        return fn(x) if x.dtype in FLOAT_DTYPES else jnp.zeros(x.shape, bool)
    kernel.__name__ = fn.__name__
    return kernel


def signbit(x):
    return jnp.signbit(arr(x))


def _int_pair(name, fn):
    def kernel(x1, x2):
        a, b = promote(x1, x2)
        a, b = jnp.asarray(a), jnp.asarray(b)
        if a.dtype.kind not in "iu":
            raise TypeError(f"{name}: arguments must be integers, got {a.dtype}")
        return fn(a, b)
    kernel.__name__ = name
    return kernel


def ldexp(x1, x2):
    x2 = arr(x2)
    if x2.dtype.kind not in "iub":
        raise TypeError(f"ldexp: the exponent x2 must be an integer, got dtype {x2.dtype}")
    a = arr(x1)
    if a.dtype not in FLOAT_DTYPES:
        a = float_unary(lambda v: v)(a)
    return jnp.ldexp(a, x2.astype(np.int32))


def _close(x1, x2, rtol, atol, equal_nan):
    a, b = float_promote(x1, x2)
    return jnp.isclose(jnp.asarray(a), jnp.asarray(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _close(x1, x2, rtol, atol, equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return jnp.all(_close(x1, x2, rtol, atol, equal_nan))


def saturate_cast(x, dtype):
    x = arr(x)
    lo, hi = _saturate_bounds(str(x.dtype) if x.dtype != jnp.bfloat16 else "bfloat16", dtype)
    y = cast(jnp.clip(x, lo, hi), dtype)  # float64 -> half: rounded once
    if x.dtype in FLOAT_DTYPES and np_dtype(dtype).kind in "iub":  # beyond the float bounds: the range's ends
        tlo, thi = saturate_range(dtype)
        y = jnp.where(x > hi, thi, jnp.where(x < lo, tlo, y))
    return y


def cbrt(x):
    # XLA's cbrt is wrong for float32 subnormals, and XLA flushes them in arithmetic: read the
    # significand m from the bits (x = m * 2**-149 = 2m * 2**-150), so cbrt(x) = cbrt(2m) * 2**-50
    x = float_unary(lambda v: v)(x)
    if x.dtype not in (np.dtype(np.float32), np.dtype(np.float16), jnp.bfloat16):
        return jnp.cbrt(x)
    y = x.astype(np.float32)
    mag = lax.bitcast_convert_type(y, np.int32) & np.int32(0x7FFFFFFF)
    sub = (mag < np.int32(0x00800000)) & (mag != 0)
    from_bits = jnp.cbrt(2 * mag.astype(np.float32)) * np.float32(2.0**-50)
    r = jnp.where(sub, jnp.where(jnp.signbit(y), -from_bits, from_bits), jnp.cbrt(y))
    return r.astype(x.dtype)


def logaddexp2(x1, x2):
    a, b = float_promote(x1, x2)
    a, b = jnp.asarray(a), jnp.asarray(b)
    # equal arguments: exactly a + 1 (jnp's formula leaves a rounding error where the result is 0)
    return jnp.where(a == b, a + 1, jnp.logaddexp2(a, b))



def fmod(x1, x2):
    a, b = promote(x1, x2)
    return jnp.fmod(jnp.asarray(a), jnp.asarray(b))


def heaviside(x1, x2):
    a, b = float_promote(x1, x2)
    return jnp.heaviside(jnp.asarray(a), jnp.asarray(b))


#: op name -> kernel
KERNELS: dict = {
    "divide_no_nan": divide_no_nan,
    "cbrt": cbrt, "deg2rad": float_unary(jnp.deg2rad), "rad2deg": float_unary(jnp.rad2deg),
    "sinc": float_unary(jnp.sinc), "i0": float_unary(jnp.i0), "erfc": float_unary(lax.erfc),
    "signbit": signbit, "isposinf": _bool_of_float(jnp.isposinf), "isneginf": _bool_of_float(jnp.isneginf),
    "fmax": lambda x1, x2: jnp.fmax(*map(jnp.asarray, promote(x1, x2))),
    "fmin": lambda x1, x2: jnp.fmin(*map(jnp.asarray, promote(x1, x2))),
    "fmod": fmod, "hypot": float_binary(jnp.hypot), "heaviside": heaviside,
    "gcd": _int_pair("gcd", jnp.gcd), "lcm": _int_pair("lcm", jnp.lcm), "ldexp": ldexp,
    "logaddexp2": logaddexp2,
    "isclose": isclose, "allclose": allclose, "saturate_cast": saturate_cast,
    "bitwise_not": unary(jnp.invert),
}
