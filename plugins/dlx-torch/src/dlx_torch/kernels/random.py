"""Stateless random kernels: Threefry-2x32 counter-mode bits (bit-identical to the spec's
``threefry2x32_numpy``) written with torch integer ops, and the distributions on top of them.
Eager CPU draws (a concrete seed) take their words from the spec's blocked NumPy generator.

The generator works on **int32** tensors holding the uint32 bit patterns: torch's int32 add and
left shift wrap modulo 2**32 (two's complement), xor/or are bitwise, and a logical right shift is
an arithmetic shift followed by a mask. Half the memory traffic of an int64-with-masking scheme,
and the final ``.view(torch.uint32)`` is a free reinterpretation. Every step is an in-place,
vectorized op over all counters (about 130 passes); under ``torch.compile`` they fuse into one loop.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from dlx import dtypes
from dlx.ops.defs import random as spec
from dlx_torch import _internals, _replay
from dlx_torch._tensors import DEVICE, T, Tensor, tdtype

_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = 0x1BD11BDA
_M32 = 0xFFFFFFFF


def _s32(v: int) -> int:
    """A uint32 value as the int32 with the same bits."""
    v &= _M32
    return v - (1 << 32) if v >= 1 << 31 else v


def _seed_ints(seed: Any) -> tuple[int, int]:
    if isinstance(seed, Tensor):
        s = seed.detach().to("cpu")
        if tuple(s.shape) != (2,):
            raise ValueError(f"seed must be a (2,) uint32 tensor (see dlx.random.make_seed), "
                             f"got shape {tuple(s.shape)}")
        s = s.to(torch.int64) if s.dtype is not torch.uint32 else s.view(torch.int32).to(torch.int64)
        return int(s[0]) & _M32, int(s[1]) & _M32
    a = np.asarray(seed)
    if a.shape != (2,):
        raise ValueError(f"seed must be a (2,) uint32 tensor (see dlx.random.make_seed), got shape {a.shape}")
    a = a.astype(np.int64) if a.dtype.kind in "iub" else a.astype(np.uint32).astype(np.int64)
    return int(a[0]) & _M32, int(a[1]) & _M32


def _seed_tensors(seed: Any) -> tuple[Any, Any]:
    """(k0, k1) as Python ints, or as int32 0-d tensors when the seed is a traced tensor (under
    torch.compile, or while a replay records: the replay must recompute them from the seed)."""
    if isinstance(seed, Tensor) and (torch.compiler.is_compiling() or seed.requires_grad or _replay.recording()):
        s = seed.view(torch.int32) if seed.dtype is torch.uint32 else seed.to(torch.int64).to(torch.int32)
        return s[0], s[1]
    return _seed_ints(seed)


def threefry_words(seed: Any, n: int, device: torch.device | None = None) -> Tensor:
    """``n`` Threefry-2x32 output words (``y0 ^ y1`` for counters ``(0, i)``) as an int32 tensor."""
    return _generate(seed, n, device)


def _generate(seed: Any, n: int, device: torch.device | None = None, transform=None,
              dtype: torch.dtype = torch.int32) -> Tensor:
    """``threefry_words(seed, n)``, or ``transform(words)`` with ``transform`` elementwise and its
    result of ``dtype``. On the CPU with a concrete seed, the words come block by block from the
    spec's NumPy generator (``counter_blocks``: a fifth fewer passes than int32 torch ops, which
    need a mask for each logical right shift, at a third of the per-call cost; a large draw's
    blocks on a few threads) and are transformed block by block into the output, on the calling
    thread; the bits are the same either way."""
    if n >= 2**32:
        raise ValueError(f"random_bits: {n} elements requested; at most 2**32 - 1 are supported")
    device = DEVICE.torch if device is None else device
    k0, k1 = _seed_tensors(seed)
    if _numpy_draw(k0, device):
        key = np.array([k0, k1], np.uint32)
        if transform is None:
            return torch.from_numpy(spec.counter_bits(key, n).view(np.int32))
        out = torch.empty(n, dtype=dtype)
        with _plain_dispatch():
            for start, words in spec.counter_blocks(key, n):
                out[start:start + len(words)] = transform(torch.from_numpy(words.view(np.int32)))
        return out
    if isinstance(k0, int):
        k2 = k0 ^ k1 ^ _PARITY
        ks = (_s32(k0), _s32(k1), _s32(k2))
        inject = [(ks[(i + 1) % 3], _s32((ks[(i + 2) % 3] & _M32) + i + 1)) for i in range(5)]
    else:
        k2 = torch.bitwise_xor(torch.bitwise_xor(k0, k1), _s32(_PARITY))
        ks = (k0, k1, k2)
        inject = [(ks[(i + 1) % 3], ks[(i + 2) % 3] + (i + 1)) for i in range(5)]
    with _plain_dispatch():
        if n < 2**31:
            x1 = torch.arange(n, dtype=torch.int32, device=device)
        else:
            x1 = torch.arange(n, dtype=torch.int64, device=device).to(torch.int32)
        x1 = x1.add_(ks[1])
        x0 = x1 + ks[0]  # x0 = k0 (counter high word 0) + x1: the first round's first mix
        words = _rounds(x0, x1, torch.empty_like(x1), inject).bitwise_xor_(x1)
        return words if transform is None else transform(words)


def _numpy_draw(k0: Any, device: torch.device) -> bool:
    """Whether a draw takes the NumPy generator: a concrete seed (``k0`` an int), the CPU, and no
    ``torch.compile`` trace or replay recording (they must see the torch ops)."""
    return (isinstance(k0, int) and device.type == "cpu" and not torch.compiler.is_compiling()
            and not _replay.recording())


def _rounds(x0: Tensor, x1: Tensor, hi: Tensor, inject) -> Tensor:
    """The 20 rounds and 5 key injections, in place, on ``x0 = k0 + x1`` and ``x1 = ctr + k1``
    (the first round's add already done); returns ``x0``."""
    first = True
    for i in range(5):
        for r in _ROT[i % 2]:
            if not first:
                x0.add_(x1)
            first = False
            # rotate left by r: the arithmetic right shift masked to r bits is the logical one
            torch.bitwise_right_shift(x1, 32 - r, out=hi).bitwise_and_((1 << r) - 1)
            x1.bitwise_left_shift_(r).bitwise_or_(hi).bitwise_xor_(x0)
        a, b = inject[i]
        x0.add_(a)
        x1.add_(b)
    return x0


def _plain_dispatch():
    """The bits never carry gradients: inside ``torch.func`` transforms, skip the functorch layer
    for these ~130 integer ops (a private torch guard; a no-op where unavailable or compiling)."""
    return _internals.no_functorch_dispatch()


def random_bits(seed, shape):
    shape = tuple(int(d) for d in shape)
    return threefry_words(seed, math.prod(shape)).view(torch.uint32).reshape(shape)


def _unit_float32(words: Tensor) -> Tensor:
    """[0, 1) float32 from the words: bitcast((w >> 9) | 0x3F800000) - 1."""
    m = torch.bitwise_right_shift(words, 9).bitwise_and_(0x7FFFFF).bitwise_or_(0x3F800000)
    return m.view(torch.float32) - 1.0


def _float_dtype(dtype: Any) -> torch.dtype:
    d = dtypes.standardize(dtype or dtypes.floatx())
    if d not in dtypes.FLOATS:
        raise ValueError(f"dtype={dtype!r} must be a float dtype")
    return tdtype(d)


#: output dtypes NumPy holds natively: CPU draws of these take the spec's blocked NumPy transform
_NUMPY_FLOATS = {torch.float16: "float16", torch.float32: "float32", torch.float64: "float64"}


def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    dt = _float_dtype(dtype)
    shape = tuple(int(d) for d in shape)
    k0, k1 = _seed_tensors(seed)
    if dt in _NUMPY_FLOATS and _numpy_draw(k0, DEVICE.torch):
        key = np.array([k0, k1], np.uint32)
        samples = spec.counter_uniform(key, math.prod(shape), float(minval), float(maxval), _NUMPY_FLOATS[dt])
        return torch.from_numpy(samples).reshape(shape)
    if (minval, maxval) == (0.0, 1.0):
        def transform(w):
            return _unit_float32(w).to(dt)
    else:
        lo, span = float(minval), float(maxval) - float(minval)

        def transform(w):
            # minval + f * (maxval - minval), rounded once: float32 arithmetic would cancel near 0
            return _unit_float32(w).to(torch.float64).mul_(span).add_(lo).clamp_min_(lo).to(dt)
    return _generate(seed, math.prod(shape), transform=transform, dtype=dt).reshape(shape)


_SQRT2 = math.sqrt(2.0)
_LO = float(np.nextafter(np.float32(-1.0), np.float32(0.0)))
_ERF_LO = math.erf(-_SQRT2)


def _gaussian(seed, shape, dtype, mean, stddev, to_erf_arg):
    """``erfinv(to_erf_arg(u)) * sqrt(2) * stddev + mean`` of the unit floats ``u`` of the bits,
    erfinv in the output dtype (the reference's float64 for float64)."""
    dt = _float_dtype(dtype)
    shape = tuple(int(d) for d in shape)

    def transform(w):
        z = torch.erfinv(to_erf_arg(_unit_float32(w)).to(dt)) * _SQRT2
        return z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z
    return _generate(seed, math.prod(shape), transform=transform, dtype=dt).reshape(shape)


def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    return _gaussian(seed, shape, dtype, mean, stddev, lambda u: torch.clamp_min(u * 2.0 - 1.0, _LO))


def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    return _gaussian(seed, shape, dtype, mean, stddev, lambda u: u * (-2.0 * _ERF_LO) + _ERF_LO)


def random_randint(seed, shape, minval, maxval, dtype="int32"):
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    shape = tuple(int(d) for d in shape)
    dt = tdtype(dtype)

    def transform(w):
        u = w.to(torch.int64).bitwise_and_(_M32)  # the uint32 value
        return torch.remainder(u, span).add_(int(minval)).to(dt)
    return _generate(seed, math.prod(shape), transform=transform, dtype=dt).reshape(shape)


def _keep_threshold(rate: float) -> int:
    """``uniform < float32(1 - rate)`` as an integer test on the 23 mantissa bits (exact)."""
    t32 = float(np.float32(1.0 - rate))
    return math.ceil(t32 * 2**23)


def random_dropout(seed, inputs, rate, noise_shape=None):
    x = T(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    shape = tuple(x.shape) if noise_shape is None else tuple(
        int(x.shape[i]) if d is None else int(d) for i, d in enumerate(noise_shape))
    words = threefry_words(seed, math.prod(shape), x.device).reshape(shape)
    keep = torch.bitwise_right_shift(words, 9).bitwise_and_(0x7FFFFF) < _keep_threshold(rate)
    return torch.where(keep, x / (1.0 - rate), x.new_zeros(()))


def random_shuffle(seed, x, axis=0):
    x = T(x)
    n = x.shape[axis]
    key = threefry_words(seed, n, x.device).to(torch.int64).bitwise_and_(_M32)
    perm = torch.argsort(key, stable=True)
    return torch.index_select(x, axis, perm)


def random_categorical(seed, logits, num_samples, dtype="int32"):
    lg = T(logits)
    if not lg.is_floating_point():
        lg = lg.to(tdtype(dtypes.floatx()))
    b, c = lg.shape
    u = _unit_float32(threefry_words(seed, b * num_samples * c, lg.device)).reshape(b, num_samples, c).to(lg.dtype)
    u = torch.clamp_min(u, 1e-12 if lg.dtype is not torch.float16 else 1e-4)
    gumbel = -torch.log(-torch.log(u))
    return torch.argmax(lg.unsqueeze(1) + gumbel, -1).to(tdtype(dtype))


def bitcast_uint32_to_float32(x):
    x = T(x)
    if x.dtype not in (torch.uint32, torch.int32):
        x = x.to(torch.int64).to(torch.int32)
    return x.view(torch.float32)


#: op name -> kernel
KERNELS: dict[str, Any] = {
    "random_bits": random_bits, "random_uniform": random_uniform, "random_normal": random_normal,
    "random_truncated_normal": random_truncated_normal, "random_randint": random_randint,
    "random_dropout": random_dropout, "random_shuffle": random_shuffle, "random_categorical": random_categorical,
    "bitcast_uint32_to_float32": bitcast_uint32_to_float32,
}
