"""Random kernels: ``random_bits`` is ``jax.random.bits`` on a Threefry-2x32 key (bit-identical
to the spec's counter-mode generator when ``jax_threefry_partitionable`` is on); the
distributions are the spec's transforms of those bits, written in ``jnp`` so that they run as a
few XLA ops (and fuse under ``jax.jit``).

``random_gamma``, ``random_beta`` and ``random_binomial`` run their spec's decompositions (dozens of
ops each), compiled as one program per call signature when called eagerly
(:func:`~dlx_jax._common.jit_eager_calls`)."""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from dlx import dtypes
from dlx.ops.defs import random as spec
from dlx_jax._common import FLOAT32, UINT32, arr, compiled_kernel, jit_eager_calls, np_dtype, widest
from dlx_jax.kernels.elementwise import erfinv64

_SQRT2 = math.sqrt(2.0)
_LO = np.nextafter(np.float32(-1.0), np.float32(0.0))
_ERF_LO = math.erf(-_SQRT2)
_TN_SCALE = np.float32(-2.0 * _ERF_LO)
_TN_SHIFT = np.float32(_ERF_LO)


def _checked_seed(s):
    """``s`` (a NumPy or JAX array) as the ``(2,)`` uint32 key data it must be."""
    if s.shape != (2,):
        raise ValueError(f"seed must be a (2,) uint32 tensor (see dlx.random.make_seed), got shape {s.shape}")
    return s if s.dtype == UINT32 else s.astype(UINT32)


def key(seed) -> jax.Array:
    """A typed Threefry-2x32 key from a ``(2,)`` uint32 seed (a dlx seed is the raw key data)."""
    return jax.random.wrap_key_data(_checked_seed(arr(seed)), impl="threefry2x32")


def _shape(shape):
    return (int(shape),) if isinstance(shape, int) else tuple(int(d) for d in shape)


def random_bits(seed, shape):
    # the partitionable layout is the spec's counter mode; scoped, so the user's setting is untouched
    with jax.threefry_partitionable(True):
        return jax.random.bits(key(seed), _shape(shape), UINT32)


def _unit_float(bits):
    """[0, 1) float32 from uint32 bits: the float32 mantissa trick."""
    return lax.bitcast_convert_type((bits >> 9) | 0x3F800000, FLOAT32) - 1.0


def bitcast_uint32_to_float32(x):
    x = arr(x)
    return lax.bitcast_convert_type(x if x.dtype == UINT32 else x.astype(UINT32), FLOAT32)


def _fdt(dtype):
    d = dtypes.standardize(dtype or dtypes.floatx())
    if d not in dtypes.FLOATS:
        raise ValueError(f"dtype={dtype!r} must be a float dtype")
    return np_dtype(d)


#: eager draws of at most this many elements take their bits from the spec's NumPy generator
#: (``counter_blocks``: no program to compile or dispatch); larger ones from :func:`_counter_words`
_NUMPY_MAX = 1 << 16
#: counters per :func:`_counter_words` program: every larger draw runs this one program (compiled
#: once per process) chunk by chunk, the last chunk's surplus words discarded
_CHUNK = 1 << 18
#: the transform runs on slices of this many words, so that its temporaries stay in cache
_SLICE = 1 << 16


@functools.partial(jax.jit, static_argnums=2)
def _counter_words(seed, start, size):
    """``random_bits`` words of counters ``start .. start + size - 1`` (counter mode: word ``i`` is
    ``y0 ^ y1`` of Threefry-2x32 on ``(0, i)``, as :func:`random_bits` with the partitionable
    layout); ``start`` is traced, so one program serves every chunk of every draw."""
    # imported when first traced: ``jax.extend`` loads Pallas (15 ms of dlx's first op otherwise)
    from jax.extend.random import threefry2x32_p

    lo = lax.iota(UINT32, size) + start
    y0, y1 = threefry2x32_p.bind(seed[0], seed[1], jnp.zeros_like(lo), lo)
    return y0 ^ y1


def _eager_blocks(seed, n):
    """``(start, words)`` blocks of ``random_bits(seed, (n,))`` on the host, at most
    :data:`_SLICE` words each (read-only; a block may be overwritten by the next). Large draws
    dispatch the next chunk before reading the current one, so XLA computes it while the caller
    transforms this one."""
    if n <= _NUMPY_MAX:
        yield from spec.counter_blocks(np.asarray(seed), n)
        return
    if n >= 2**32:
        raise ValueError(f"random_bits: {n} elements requested; at most 2**32 - 1 are supported")
    pending = _counter_words(seed, np.uint32(0), _CHUNK)
    for start in range(0, n, _CHUNK):
        words = np.asarray(pending)[:min(_CHUNK, n - start)]
        if start + _CHUNK < n:
            pending = _counter_words(seed, np.uint32(start + _CHUNK), _CHUNK)
        for b in range(0, len(words), _SLICE):
            yield start + b, words[b:b + _SLICE]


def _host_samples(transform, seed, shape, *params):
    """Eager draws (e.g. weight initialisation): the spec's NumPy ``transform`` (elementwise)
    applied block by block to the bits of :func:`_eager_blocks`, so the samples are the NumPy
    reference backend's bit for bit, no program is compiled per shape, and no full-size
    temporaries are made. ``None`` inside a trace (``jax.jit``, ``grad``...), where the jnp
    kernels below fuse instead."""
    s = seed if isinstance(seed, np.ndarray) else arr(seed)
    if isinstance(s, jax.core.Tracer):
        return None
    s = _checked_seed(s)
    shape = _shape(shape)
    n = math.prod(shape)
    out = None
    for start, words in _eager_blocks(s, n):
        samples = transform(words, *params)
        if out is None:
            out = np.empty(n, samples.dtype)
        out[start:start + len(samples)] = samples
    if out is None:  # no elements
        out = transform(np.zeros(0, np.uint32), *params)
    return jax.device_put(out.reshape(shape))  # a transfer (jnp.asarray compiles one)


def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    host = _host_samples(spec.uniform_from_bits, seed, shape, minval, maxval, dtype)
    if host is not None:
        return host
    dt = _fdt(dtype)
    f = _unit_float(random_bits(seed, shape))
    if (minval, maxval) == (0.0, 1.0):
        return f.astype(dt)
    # scaled in float64 and rounded once, as the spec does (float32 arithmetic loses the low
    # bits of results near 0 when minval < 0 < maxval)
    return jnp.maximum(minval, widest(f) * (maxval - minval) + minval).astype(dt)


def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    host = _host_samples(spec.normal_from_bits, seed, shape, mean, stddev, dtype)
    if host is not None:
        return host
    dt = _fdt(dtype)
    u = jnp.maximum(_LO, _unit_float(random_bits(seed, shape)) * 2.0 - 1.0)
    # the transform runs in float64 and is rounded once (XLA's float32 erf_inv is up to 60 ULP
    # off near +-1, where the tails come from)
    z = erfinv64(widest(u)) * _SQRT2
    return (z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z).astype(dt)


def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    host = _host_samples(spec.truncated_normal_from_bits, seed, shape, mean, stddev, dtype)
    if host is not None:
        return host
    dt = _fdt(dtype)
    v = _unit_float(random_bits(seed, shape)) * _TN_SCALE + _TN_SHIFT
    z = erfinv64(widest(v)) * _SQRT2  # see random_normal
    return (z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z).astype(dt)


def random_randint(seed, shape, minval, maxval, dtype="int32"):
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    # in uint32 (the bits' dtype): without x64, jax would truncate an int64 cast to int32 and
    # wrap the upper half of the bits negative; the sum wraps back into range in the output dtype
    r = random_bits(seed, shape) % jnp.uint32(span) if span < 2**32 else random_bits(seed, shape)
    return r.astype(np_dtype(dtype)) + jnp.asarray(int(minval)).astype(np_dtype(dtype))


def random_dropout(seed, inputs, rate, noise_shape=None):
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    x = arr(inputs)
    shape = x.shape if noise_shape is None else tuple(
        x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = _unit_float(random_bits(seed, shape)) < np.float32(1.0 - rate)
    return jnp.where(keep, x / (1.0 - rate), jnp.zeros((), x.dtype))


def random_shuffle(seed, x, axis=0):
    x = arr(x)
    perm = jnp.argsort(random_bits(seed, (x.shape[axis],)), stable=True)  # uint32 keys, as the reference's
    return jnp.take(x, perm, axis=axis)


def random_categorical(seed, logits, num_samples, dtype="int32"):
    lg = arr(logits)
    b, c = lg.shape
    u = _unit_float(random_bits(seed, (b, num_samples, c))).astype(lg.dtype)
    u = jnp.maximum(u, 1e-12 if lg.dtype != np.float16 else 1e-4)
    gumbel = -jnp.log(-jnp.log(u))
    return jnp.argmax(lg[:, None, :] + gumbel, axis=-1).astype(np_dtype(dtype))


random_gamma = compiled_kernel("random_gamma", traced=("alpha",))
random_beta = compiled_kernel("random_beta", traced=("alpha", "beta"))
_binomial_in_levels = jit_eager_calls(spec.binomial_in_levels, ("seed",), traced=("counts", "probabilities"))


def random_binomial(seed, shape, counts, probabilities, dtype=None):
    # the number of halving levels is static: read from concrete counts here, outside the program
    return _binomial_in_levels(seed, shape, counts, probabilities, dtype, spec.binomial_levels(counts))


#: op name -> kernel
KERNELS: dict = {
    "random_bits": random_bits, "bitcast_uint32_to_float32": bitcast_uint32_to_float32,
    "random_uniform": random_uniform, "random_normal": random_normal,
    "random_truncated_normal": random_truncated_normal, "random_randint": random_randint,
    "random_dropout": random_dropout, "random_shuffle": random_shuffle,
    "random_categorical": random_categorical, "random_gamma": random_gamma, "random_beta": random_beta,
    "random_binomial": random_binomial,
}

__all__ = ["KERNELS", "key"]
