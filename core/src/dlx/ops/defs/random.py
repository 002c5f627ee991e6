"""Portable stateless random numbers.

**Bits.** ``random_bits(seed, shape)`` is Threefry-2x32 (20 rounds, the generator JAX uses) in
counter mode: with key ``(k0, k1) = seed`` (a ``(2,)`` uint32 tensor) and the row-major flat
index ``i`` of each output element, ``(y0, y1) = threefry2x32((k0, k1), (0, i))`` and the output
is ``y0 ^ y1``. This is exactly ``jax.random.bits`` with ``jax_threefry_partitionable`` (JAX's
default since 0.5), so the JAX backend runs it natively; every other backend must produce the
same bits (the ``E0`` tier checks it).

**Distributions** are fixed transforms of those bits, written as decompositions into ops, so
every backend gets them and the same seed gives the same samples everywhere (up to the
elementwise tolerance of the transcendental functions involved):

* ``uniform``: ``f = bitcast_f32((bits >> 9) | 0x3F800000) - 1`` in ``[0, 1)``, then
  ``minval + f * (maxval - minval)``; float64 requests get the float32 grid cast up.
* ``normal``: ``sqrt(2) * erfinv(u)`` with ``u`` uniform in ``(-1, 1)``.
* ``truncated_normal`` (cut at two standard deviations): ``sqrt(2) * erfinv(v)``, ``v`` uniform
  in ``(erf(-sqrt 2), erf(sqrt 2))``.
* ``randint``: ``minval + bits mod (maxval - minval)`` (bias below span / 2**32).
* ``dropout``: keep where ``uniform < 1 - rate``, scale kept values by ``1 / (1 - rate)``.
* ``shuffle``: a stable argsort of fresh bits along the axis.
* ``categorical``: Gumbel-max: ``argmax(logits - log(-log(u)))``.
"""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import nd
from dlx.ops.spec import Case, op

G = "random"
_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = 0x1BD11BDA


def threefry2x32_numpy(k0, k1, x0, x1):
    """Threefry-2x32 (20 rounds) on uint32 NumPy arrays."""
    k0, k1 = np.uint32(k0), np.uint32(k1)
    ks = (k0, k1, np.uint32(k0 ^ k1 ^ np.uint32(_PARITY)))
    x0 = (x0 + ks[0]).astype(np.uint32)
    x1 = (x1 + ks[1]).astype(np.uint32)
    with np.errstate(over="ignore"):
        for i in range(5):
            for r in _ROT[i % 2]:
                x0 = x0 + x1
                x1 = (x1 << np.uint32(r)) | (x1 >> np.uint32(32 - r))
                x1 = x1 ^ x0
            x0 = x0 + ks[(i + 1) % 3]
            x1 = x1 + ks[(i + 2) % 3] + np.uint32(i + 1)
    return x0, x1


def _seed_pair(seed):
    s = np.asarray(seed)
    if s.shape != (2,):
        raise ValueError(f"seed must be a (2,) uint32 tensor (see dlx.random.make_seed), got shape {s.shape}")
    s = s.astype(np.uint32)
    return s[0], s[1]


def _bits_np(seed, shape):
    k0, k1 = _seed_pair(seed)
    n = int(np.prod(shape))
    idx = np.arange(n, dtype=np.uint64)
    hi = (idx >> np.uint64(32)).astype(np.uint32)
    lo = (idx & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    y0, y1 = threefry2x32_numpy(k0, k1, hi, lo)
    return (y0 ^ y1).reshape(shape)


def threefry_bits_decomposition(seed, shape):
    """``random_bits`` written in uint32 ops (for backends without a native generator)."""
    seed = K.cast(seed, "uint32")
    k0, k1 = seed[0], seed[1]
    k2 = K.bitwise_xor(K.bitwise_xor(k0, k1), K.cast(_PARITY, "uint32"))
    ks = (k0, k1, k2)
    n = int(np.prod(shape))
    if n >= 2**32:
        raise ValueError(f"random_bits: shape {shape} has {n} elements; at most 2**32 - 1 are supported")
    x1 = K.arange(0, n, dtype="uint32")
    x0 = K.zeros((n,), "uint32")
    x0 = x0 + ks[0]
    x1 = x1 + ks[1]
    for i in range(5):
        for r in _ROT[i % 2]:
            x0 = x0 + x1
            x1 = K.bitwise_or(K.left_shift(x1, K.cast(r, "uint32")), K.right_shift(x1, K.cast(32 - r, "uint32")))
            x1 = K.bitwise_xor(x1, x0)
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + ks[(i + 2) % 3] + K.cast(i + 1, "uint32")
    return K.reshape(K.bitwise_xor(x0, x1), shape)


@op(G, T.E0, [
    Case("vector", lambda r, dt: ((np.array([0, 42], np.uint32), (1000,)), {}), dtypes=("uint32",), grad=False),
    Case("matrix", lambda r, dt: ((np.array([123456789, 987654321], np.uint32), (7, 13)), {}), dtypes=("uint32",), grad=False),
    Case("scalar", lambda r, dt: ((np.array([1, 2], np.uint32), ()), {}), dtypes=("uint32",), grad=False),
], tensors=("seed",), decomposition=threefry_bits_decomposition)
def random_bits(seed, shape):
    """Threefry-2x32 random bits of ``shape`` (uint32) from a ``(2,)`` uint32 ``seed``."""
    return _bits_np(seed, tuple(shape))


def _unit_float(bits, dtype):
    """[0, 1) floats from uint32 bits via the float32 mantissa trick."""
    f = K.right_shift(bits, K.cast(9, "uint32"))
    f = K.bitwise_or(f, K.cast(0x3F800000, "uint32"))
    return K.cast(K.bitcast_uint32_to_float32(f) - 1.0, dtype)


def _unit_float_np(bits):
    f = ((bits >> np.uint32(9)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)
    return f.astype(np.float64)


@op(G, T.E0, [Case("basic", lambda r, dt: ((np.array([0x3F800000, 0x40490FDB, 0, 0x7F800000], np.uint32),), {}), dtypes=("uint32",), grad=False)])
def bitcast_uint32_to_float32(x):
    """Reinterprets uint32 bits as float32."""
    return np.asarray(x).astype(np.uint32).view(np.float32)


def _fdt(dtype):
    d = dtypes.standardize(dtype or dtypes.floatx())
    if d not in dtypes.FLOATS:
        raise ValueError(f"dtype={dtype!r} must be a float dtype")
    return d


def uniform_decomposition(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    dt = _fdt(dtype)
    f = _unit_float(K.random_bits(seed, shape), dt)
    return K.maximum(K.cast(minval, dt), f * (maxval - minval) + minval) if (minval, maxval) != (0.0, 1.0) else f


def _sample_cases(prefix="", **kw):
    return [Case(f"{prefix}basic", lambda r, dt: ((np.array([7, 11], np.uint32), (64, 33)), {"dtype": dt, **kw}), grad=False),
            Case(f"{prefix}seed2", lambda r, dt: ((np.array([2**32 - 1, 5], np.uint32), (1000,)), {"dtype": dt, **kw}), grad=False)]


def _affine_scale(lo_key, hi_key, default_lo, default_hi):
    """S for ``a + f * b`` samplers: the magnitude of the terms before they cancel near zero."""
    def scale(ctx):
        a = ctx.args + (None,) * 6
        lo = ctx.kwargs.get(lo_key, a[2] if a[2] is not None else default_lo)
        hi = ctx.kwargs.get(hi_key, a[3] if a[3] is not None else default_hi)
        return np.abs(ctx.exact) + abs(lo) + abs(hi)
    return scale


# uniform: minval + f * (maxval - minval) rounds twice in the output dtype (and may be fused into
# an FMA): near zero it cancels, so the bound is relative to the terms, not the result.
@op(G, T.Kr(_affine_scale("minval", "maxval", 0.0, 1.0), lambda a, k: 1),
    _sample_cases() + _sample_cases("range_", minval=-2.0, maxval=3.0)[:1], tensors=("seed",),
    decomposition=uniform_decomposition)
def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    """Uniform samples in ``[minval, maxval)``."""
    dt = nd(_fdt(dtype))
    f = _unit_float_np(_bits_np(seed, tuple(shape)))
    if (minval, maxval) == (0.0, 1.0):
        return f.astype(dt)
    return np.maximum(minval, f * (maxval - minval) + minval).astype(dt)


_SQRT2 = math.sqrt(2.0)
_LO = float(np.nextafter(np.float32(-1.0), np.float32(0.0)))


def normal_decomposition(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    dt = _fdt(dtype)
    u = _unit_float(K.random_bits(seed, shape), "float32")
    u = K.maximum(K.cast(_LO, "float32"), u * 2.0 - 1.0)  # exact in float32
    z = K.erfinv(K.cast(u, dt)) * _SQRT2  # erfinv in the output dtype
    return z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z


def _erfinv64(x):
    from dlx.ops.defs.elementwise import _erfinv_ref

    return _erfinv_ref(np.asarray(x, np.float64))


@op(G, T.Ulp(16), _sample_cases(), tensors=("seed",), decomposition=normal_decomposition)
def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples (inverse-CDF transform of uniform bits)."""
    dt = nd(_fdt(dtype))
    u = np.maximum(np.float32(_LO), (_unit_float_np(_bits_np(seed, tuple(shape))) * 2.0 - 1.0).astype(np.float32))
    z = _erfinv64(u.astype(np.float64)) * _SQRT2
    return (z * stddev + mean).astype(dt)


_ERF_LO = math.erf(-_SQRT2)


def truncated_normal_decomposition(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    dt = _fdt(dtype)
    u = _unit_float(K.random_bits(seed, shape), "float32")
    v = u * (-2.0 * _ERF_LO) + _ERF_LO
    z = K.erfinv(K.cast(v, dt)) * _SQRT2
    return z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z


def _truncnorm_scale(ctx):
    a = ctx.args + (None,) * 6
    mean = ctx.kwargs.get("mean", a[2] if a[2] is not None else 0.0)
    stddev = ctx.kwargs.get("stddev", a[3] if a[3] is not None else 1.0)
    # v = u * c1 + c2 cancels near 0 (|c2| ~ 0.95); erfinv' ~ sqrt(pi)/2 there, times sqrt(2)
    return np.abs(ctx.exact) + 2.0 * abs(stddev) + abs(mean)


@op(G, T.Kr(_truncnorm_scale, lambda a, k: 1), _sample_cases(), tensors=("seed",),
    decomposition=truncated_normal_decomposition)
def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples cut at two standard deviations."""
    dt = nd(_fdt(dtype))
    u = _unit_float_np(_bits_np(seed, tuple(shape))).astype(np.float32)
    v = (u * np.float32(-2.0 * _ERF_LO) + np.float32(_ERF_LO)).astype(np.float32)
    z = _erfinv64(v.astype(np.float64)) * _SQRT2
    return (z * stddev + mean).astype(dt)


def randint_decomposition(seed, shape, minval, maxval, dtype="int32"):
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    b = K.random_bits(seed, shape)
    r = K.mod(b, K.cast(span, "uint32"))
    return K.cast(K.cast(r, "int64") + int(minval), dtype) if dtypes.standardize(dtype) != "uint32" else r + int(minval)


@op(G, T.E0, [Case("basic", lambda r, dt: ((np.array([3, 4], np.uint32), (50,), -5, 17), {}), dtypes=("int32",), grad=False),
              Case("wide", lambda r, dt: ((np.array([9, 9], np.uint32), (8, 8), 0, 2**31 - 1), {}), dtypes=("int32",), grad=False)],
    tensors=("seed",), decomposition=randint_decomposition)
def random_randint(seed, shape, minval, maxval, dtype="int32"):
    """Integers in ``[minval, maxval)``."""
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    b = _bits_np(seed, tuple(shape)).astype(np.int64)
    return (b % span + int(minval)).astype(nd(dtype))


def dropout_decomposition(seed, inputs, rate, noise_shape=None):
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    shape = tuple(tensors.shape(inputs)) if noise_shape is None else tuple(
        tensors.shape(inputs)[i] if d is None else d for i, d in enumerate(noise_shape))
    u = _unit_float(K.random_bits(seed, shape), "float32")
    keep = K.less(u, 1.0 - rate)
    return K.where(keep, inputs / (1.0 - rate), K.zeros_like(inputs))


def _dropout_grad(g, out, seed, inputs, rate, noise_shape=None):
    return None, K.where(K.not_equal(out, 0), g / (1.0 - rate), K.zeros_like(g))


@op(G, T.Ulp(2), [Case("basic", lambda r, dt: ((np.array([1, 2], np.uint32), r.standard_normal((20, 30)).astype(dt), 0.3), {})),
                  Case("noise_shape", lambda r, dt: ((np.array([5, 6], np.uint32), r.standard_normal((4, 6, 5)).astype(dt), 0.5), {"noise_shape": (None, 1, 5)}))],
    tensors=("seed", "inputs"), decomposition=dropout_decomposition, grad=_dropout_grad)
def random_dropout(seed, inputs, rate, noise_shape=None):
    """Zeroes entries with probability ``rate`` and scales the rest by ``1 / (1 - rate)``."""
    x = np.asarray(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    shape = x.shape if noise_shape is None else tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    u = _unit_float_np(_bits_np(seed, shape)).astype(np.float32)
    keep = u < np.float32(1.0 - rate)
    return np.where(keep, x / x.dtype.type(1.0 - rate), np.zeros((), x.dtype)).astype(x.dtype)


def shuffle_decomposition(seed, x, axis=0):
    n = tensors.shape(x)[axis]
    perm = K.argsort(K.random_bits(seed, (n,)))  # unsigned keys: no int64 needed
    return K.take(x, perm, axis=axis)


@op(G, T.E0, [Case("rows", lambda r, dt: ((np.array([8, 1], np.uint32), r.standard_normal((10, 3)).astype(dt)), {}), grad=False),
              Case("axis1", lambda r, dt: ((np.array([8, 2], np.uint32), r.standard_normal((3, 10)).astype(dt), 1), {}), grad=False)],
    tensors=("seed", "x"), decomposition=shuffle_decomposition)
def random_shuffle(seed, x, axis=0):
    """A random permutation of ``x`` along ``axis``."""
    x = np.asarray(x)
    perm = np.argsort(_bits_np(seed, (x.shape[axis],)).astype(np.int64), kind="stable")
    return np.take(x, perm, axis=axis)


def categorical_decomposition(seed, logits, num_samples, dtype="int32"):
    b, c = tensors.shape(logits)
    u = _unit_float(K.random_bits(seed, (b, num_samples, c)), tensors.dtype(logits))
    u = K.maximum(u, 1e-12 if tensors.dtype(logits) != "float16" else 1e-4)
    gumbel = -K.log(-K.log(u))
    return K.cast(K.argmax(K.expand_dims(logits, 1) + gumbel, axis=-1), dtype)


@op(G, T.E0, [Case("basic", lambda r, dt: ((np.array([4, 4], np.uint32), (r.standard_normal((3, 6)) * 2).astype(dt), 5), {}), grad=False)],
    tensors=("seed", "logits"), decomposition=categorical_decomposition)
def random_categorical(seed, logits, num_samples, dtype="int32"):
    """``num_samples`` class indices per row of ``logits`` (Gumbel-max)."""
    lg = np.asarray(logits)
    b, c = lg.shape
    u = _unit_float_np(_bits_np(seed, (b, num_samples, c))).astype(lg.dtype)
    u = np.maximum(u, lg.dtype.type(1e-12))
    with np.errstate(all="ignore"):
        gumbel = -np.log(-np.log(u))
    return np.argmax(lg[:, None, :] + gumbel, axis=-1).astype(nd(dtype))
