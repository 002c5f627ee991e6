"""Stateless random kernels: native Threefry-2x32 in TF integer ops (bit-identical to the spec's
``random_bits``) and the spec's distribution transforms on top of it. Eager draws of static
shapes (weight initialisation) take their bits, and uniform samples, from the spec's blocked
NumPy generator."""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes
from dlx.ops.defs import random as spec
from dlx_tf._core import TF, adopt_host, fl, static_shape, tensor, tf
from dlx_tf.kernels.elementwise import _erfinv64, _round_once

_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = 0x1BD11BDA
_bw = tf.bitwise


def _threefry(seed: tf.Tensor, n: tf.Tensor, wide: bool) -> tf.Tensor:
    """``y0 ^ y1`` of ``threefry2x32(seed, (hi(i), lo(i)))`` for ``i = 0 .. n - 1`` (uint32).

    ``wide=False`` needs ``n < 2**31`` (the counter's high word is 0)."""
    u32 = tf.uint32
    if wide:
        idx = tf.range(n, dtype=tf.int64)
        x0 = tf.cast(_bw.right_shift(idx, tf.constant(32, tf.int64)), u32) + seed[0]
        x1 = tf.cast(_bw.bitwise_and(idx, tf.constant(0xFFFFFFFF, tf.int64)), u32)
    else:
        x1 = tf.bitcast(tf.range(n, dtype=tf.int32), u32)
        x0 = tf.fill(tf.reshape(n, [1]), seed[0])
    return _rounds(seed, x0, x1)


def _rounds(seed: tf.Tensor, x0: tf.Tensor, x1: tf.Tensor) -> tf.Tensor:
    """The 20 rounds on counter words ``x0 = hi + k0`` and ``x1 = lo`` (uint32); ``y0 ^ y1``."""
    u32 = tf.uint32
    k0, k1 = seed[0], seed[1]
    k2 = _bw.bitwise_xor(_bw.bitwise_xor(k0, k1), tf.constant(_PARITY, u32))
    ks = (k0, k1, k2)
    x1 = x1 + k1
    for i in range(5):
        for r in _ROT[i % 2]:
            x0 = x0 + x1
            x1 = _bw.bitwise_or(_bw.left_shift(x1, tf.constant(r, u32)), _bw.right_shift(x1, tf.constant(32 - r, u32)))
            x1 = _bw.bitwise_xor(x1, x0)
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + (ks[(i + 2) % 3] + tf.constant(i + 1, u32))
    return _bw.bitwise_xor(x0, x1)


# XLA-compiled generators: the 20-round network fuses into one loop. The element count is a
# compile-time constant argument, so XLA compiles (and caches) one kernel per count, and the same
# function serves static and dynamic shapes (tf.function, nested in jit_compile).
_THREEFRY_32 = tf.function(lambda seed, n: _threefry(seed, n, False), jit_compile=True, autograph=False)
_THREEFRY_64 = tf.function(lambda seed, n: _threefry(seed, n, True), jit_compile=True, autograph=False)


def _static_eager(shape) -> bool:
    """Whether ``shape`` is static, under ``2**32`` elements, and ops run eagerly: then the spec's
    blocked NumPy generator serves (no XLA program to compile, about a second per process for
    the compiled generator, and faster than it on the CPU)."""
    return (not isinstance(shape, tf.Tensor) and tf.executing_eagerly()
            and math.prod(int(d) for d in shape) < 2**32)


def _seed(seed) -> tf.Tensor:
    s = tensor(seed)
    if static_shape(s) != (2,):
        raise ValueError(f"seed must be a (2,) uint32 tensor (see dlx.random.make_seed), got shape {static_shape(s)}")
    return s if s.dtype == tf.uint32 else tf.cast(s, tf.uint32)


def _bits(seed, shape) -> tf.Tensor:
    """uint32 bits of ``shape``: a sequence of ints, or a 1-D int tensor (dynamic shapes)."""
    if isinstance(shape, tf.Tensor):
        n = tf.reduce_prod(tf.cast(shape, tf.int64))
        return tf.reshape(_THREEFRY_64(_seed(seed), n), shape)
    shape = [int(d) for d in shape]
    n = math.prod(shape)
    if _static_eager(shape):
        return tf.reshape(adopt_host(spec.counter_bits(_seed(seed).numpy(), n)), shape)
    if n == 0:
        return tf.zeros(shape, tf.uint32)
    if n < 2**31:
        return tf.reshape(_THREEFRY_32(_seed(seed), tf.constant(n, tf.int32)), shape)
    return tf.reshape(_THREEFRY_64(_seed(seed), tf.constant(n, tf.int64)), shape)


def _shape_of(x, dims=None):
    """``x``'s shape as ints when static, else as a 1-D tensor; ``dims`` overrides entries that
    are not ``None`` (a noise shape)."""
    xs = static_shape(x)
    dims = [None] * len(xs) if dims is None else list(dims)
    if all(d is not None or s is not None for s, d in zip(xs, dims, strict=True)):
        return [s if d is None else int(d) for s, d in zip(xs, dims, strict=True)]
    dyn = tf.shape(x)
    return tf.stack([dyn[i] if d is None else tf.constant(int(d), tf.int32) for i, d in enumerate(dims)])


def random_bits(seed, shape):
    return _bits(seed, shape)


def _unit(bits: tf.Tensor) -> tf.Tensor:
    """float32 in [0, 1) from the top 23 bits (the mantissa trick)."""
    f = _bw.bitwise_or(_bw.right_shift(bits, tf.constant(9, tf.uint32)), tf.constant(0x3F800000, tf.uint32))
    return tf.bitcast(f, tf.float32) - tf.constant(1.0, tf.float32)


def bitcast_uint32_to_float32(x):
    return tf.bitcast(tensor(x, "uint32"), tf.float32)


def _fdt(dtype) -> str:
    d = dtypes.standardize(dtype or dtypes.floatx())
    if d not in dtypes.FLOATS:
        raise ValueError(f"dtype={dtype!r} must be a float dtype")
    return d


def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    name = _fdt(dtype)
    dt = TF[name]
    if _static_eager(shape) and name in ("float16", "float32", "float64"):  # NumPy's own dtypes
        shape = [int(d) for d in shape]
        samples = spec.counter_uniform(_seed(seed).numpy(), math.prod(shape), float(minval), float(maxval), name)
        return tf.reshape(adopt_host(samples), shape)
    f = _unit(_bits(seed, shape))
    if (minval, maxval) == (0.0, 1.0):
        return tf.cast(f, dt)
    # the affine map in float64 then one rounding, exactly as the spec's reference
    f = tf.cast(f, tf.float64)
    lo = tf.constant(minval, tf.float64)
    y = tf.maximum(lo, f * tf.constant(maxval - minval, tf.float64) + lo)
    return _round_once(y, dt)


_SQRT2 = math.sqrt(2.0)
_LO = float(np.nextafter(np.float32(-1.0), np.float32(0.0)))
_ERF_LO = math.erf(-_SQRT2)


def _gaussian(u: tf.Tensor, mean, stddev, dt: tf.DType) -> tf.Tensor:
    """``sqrt(2) * erfinv(u) * stddev + mean`` evaluated in float64, rounded once to ``dt``."""
    z = _erfinv64(tf.cast(u, tf.float64)) * tf.constant(_SQRT2, tf.float64)
    if (mean, stddev) != (0.0, 1.0):
        z = z * tf.constant(stddev, tf.float64) + tf.constant(mean, tf.float64)
    return _round_once(z, dt)


def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    dt = TF[_fdt(dtype)]
    u = _unit(_bits(seed, shape))
    u = tf.maximum(tf.constant(_LO, tf.float32), u * tf.constant(2.0, tf.float32) - tf.constant(1.0, tf.float32))
    return _gaussian(u, mean, stddev, dt)


def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    dt = TF[_fdt(dtype)]
    u = _unit(_bits(seed, shape))
    v = u * tf.constant(-2.0 * _ERF_LO, tf.float32) + tf.constant(_ERF_LO, tf.float32)
    return _gaussian(v, mean, stddev, dt)


def random_randint(seed, shape, minval, maxval, dtype="int32"):
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    b = tf.cast(_bits(seed, shape), tf.int64)
    r = tf.math.floormod(b, tf.constant(span, tf.int64)) + tf.constant(int(minval), tf.int64)
    return tf.cast(r, TF[dtypes.standardize(dtype)])


def random_dropout(seed, inputs, rate, noise_shape=None):
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    x = fl(inputs)
    keep = _unit(_bits(seed, _shape_of(x, noise_shape))) < tf.constant(1.0 - rate, tf.float32)
    return tf.where(keep, x / tf.constant(1.0 - rate, x.dtype), tf.zeros((), x.dtype))


def random_shuffle(seed, x, axis=0):
    x = tensor(x)
    n = _shape_of(x)
    n = [n[axis]] if isinstance(n, list) else n[axis:axis + 1] if axis != -1 else n[-1:]
    perm = tf.argsort(tf.cast(_bits(seed, n), tf.int64), stable=True)
    return tf.gather(x, perm, axis=axis)


def random_categorical(seed, logits, num_samples, dtype="int32"):
    lg = fl(logits)
    bc = _shape_of(lg)
    shape = [bc[0], int(num_samples), bc[1]] if isinstance(bc, list) else tf.stack([bc[0], int(num_samples), bc[1]])
    u = tf.cast(_unit(_bits(seed, shape)), lg.dtype)
    u = tf.maximum(u, tf.constant(1e-12 if lg.dtype != tf.float16 else 1e-4, lg.dtype))
    gumbel = -tf.math.log(-tf.math.log(u))
    idx = tf.argmax(lg[:, None, :] + gumbel, axis=-1, output_type=tf.int32)
    return tf.cast(idx, TF[dtypes.standardize(dtype)])


#: op name -> kernel
KERNELS: dict = {
    "random_bits": random_bits, "bitcast_uint32_to_float32": bitcast_uint32_to_float32,
    "random_uniform": random_uniform, "random_normal": random_normal,
    "random_truncated_normal": random_truncated_normal, "random_randint": random_randint,
    "random_dropout": random_dropout, "random_shuffle": random_shuffle, "random_categorical": random_categorical,
}

__all__ = ["KERNELS"]
