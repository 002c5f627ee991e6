"""Graph builders of the random ops (:mod:`dlx.ops.defs.random`): Threefry-2x32 in graph integer ops.

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
    i64,
    logical_right_shift,
    out,
    reshape,
    select,
    shape,
    shift_left_const,
    shift_right_const,
)
from dlx_openvino._graph import as_output as _o

# ------------------------------------------------------------------------------ random
_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = 0x1BD11BDA


def _u32(v):
    return const(v, "uint32")


def threefry_bits(seed, shp) -> object:
    """Threefry-2x32 (20 rounds) in counter mode. The words are int32 bit patterns (wrapping
    adds, xors; rotations as a wrapping multiply plus ``shift_right_const``: OpenVINO's shift ops
    are slow reference kernels); the result is reinterpreted as uint32."""
    shp = tuple(int(s) for s in shp)
    n = int(np.prod(shp))
    if n >= 2 ** 31:
        raise ValueError(f"random_bits: shape {shp} has {n} elements; at most 2**31 - 1 are supported by the "
                         "OpenVINO backend")
    i32 = "int32"
    seed = _o(seed)
    if shape(seed) != (2,):
        raise ValueError(f"seed must be a (2,) uint32 tensor (see dlx.random.make_seed), got shape {shape(seed)}")
    seed = cast(cast(seed, "uint32"), i32)
    k0 = out(O.gather(seed, i64(0), i64(0)))
    k1 = out(O.gather(seed, i64(1), i64(0)))
    k2 = out(O.bitwise_xor(out(O.bitwise_xor(k0, k1)), const(_PARITY, i32)))
    ks = (k0, k1, k2)
    idx = out(O.range(const(0, i32), const(n, i32), const(1, i32), "i32"))
    x0 = out(O.broadcast(k0, i64([n])))
    x1 = out(O.add(idx, k1))
    for i in range(5):
        for r in _ROT[i % 2]:
            x0 = out(O.add(x0, x1))
            x1 = out(O.bitwise_xor(out(O.bitwise_or(shift_left_const(x1, r), shift_right_const(x1, 32 - r))), x0))
        x0 = out(O.add(x0, ks[(i + 1) % 3]))
        x1 = out(O.add(out(O.add(x1, ks[(i + 2) % 3])), const(i + 1, i32)))
    return reshape(cast(out(O.bitwise_xor(x0, x1)), "uint32"), shp)


def random_bits(seed, shape):
    return threefry_bits(seed, shape)


def _unit(bits, dtype="float32"):
    """[0, 1) floats: ``(bits >> 9) * 2**-23``, exactly ``bitcast((bits >> 9) | 0x3F800000) - 1``."""
    m = cast(logical_right_shift(bits, 9), "int32")
    f = out(O.multiply(cast(m, "float32"), const(2.0 ** -23, "float32")))
    return cast(f, dtype)


def _fdt(dtype):
    d = dtypes.standardize(dtype or dtypes.floatx())
    if d not in dtypes.FLOATS:
        raise ValueError(f"dtype={dtype!r} must be a float dtype")
    return d


def _split12(c: float) -> tuple[float, float]:
    """``c`` (a float32 value) as two halves of at most 12 significant bits each."""
    if c == 0 or not math.isfinite(c):
        return c, 0.0
    m, e = math.frexp(c)
    hi = math.ldexp(round(m * 2 ** 12), e - 12)
    return hi, c - hi


def _two_sum(a, b):
    """Knuth's TwoSum: ``s = fl(a + b)`` and its exact error (no multiplications, so no FMA
    contraction can change it)."""
    s = out(O.add(a, b))
    bb = out(O.subtract(s, a))
    err = out(O.add(out(O.subtract(a, out(O.subtract(s, bb)))), out(O.subtract(b, bb))))
    return s, err


def _affine_exact(m, span: float, offset: float):
    """``round_f32(m * 2**-23 * span + offset)`` for integer ``m < 2**23`` with the product and
    sum evaluated as in float64 (the spec's reference): exact partial products of 12-bit halves
    summed with TwoSum (a plain float32 ``f * span + offset`` cancels catastrophically near 0)."""
    f32 = "float32"
    mh = cast(logical_right_shift(m, 11), f32) if dt(m).startswith("uint") else \
        cast(out(O.bitwise_right_shift(m, const(11, dt(m)))), f32)
    ml = cast(out(O.bitwise_and(m, const(0x7FF, dt(m)))), f32)
    f_hi = out(O.multiply(mh, const(2.0 ** -12, f32)))
    f_lo = out(O.multiply(ml, const(2.0 ** -23, f32)))
    sh = float(np.float32(span))
    sl = float(np.float32(span - sh))
    oh = float(np.float32(offset))
    ol = float(np.float32(offset - oh))
    s1, s2 = _split12(sh)
    terms = [out(O.multiply(f_hi, const(s1, f32))), out(O.multiply(f_hi, const(s2, f32))),
             out(O.multiply(f_lo, const(s1, f32))), out(O.multiply(f_lo, const(s2, f32)))]
    acc = const(oh, f32)
    err = None
    for t in terms:
        acc, e = _two_sum(acc, t)
        err = e if err is None else out(O.add(err, e))
    f = out(O.add(f_hi, f_lo))
    small = out(O.add(err, out(O.add(out(O.multiply(f, const(sl, f32))), const(ol, f32)))))
    return out(O.add(acc, small))


def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    d = _fdt(dtype)
    bits = threefry_bits(seed, shape)
    if (minval, maxval) == (0.0, 1.0):
        return _unit(bits, d)
    y = _affine_exact(cast(logical_right_shift(bits, 9), "int32"), float(maxval) - float(minval), float(minval))
    return cast(G.maximum(const(minval, "float32"), y), d)


_SQRT2 = math.sqrt(2.0)
_LO = float(np.nextafter(np.float32(-1.0), np.float32(0.0)))


def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    d = _fdt(dtype)
    u = _unit(threefry_bits(seed, shape))
    u = out(O.maximum(const(_LO, "float32"), out(O.subtract(out(O.multiply(u, const(2, "float32"))),
                                                            const(1, "float32")))))
    z = out(O.multiply(cast(G.erfinv(u), d), const(_SQRT2, d)))
    if (mean, stddev) == (0.0, 1.0):
        return z
    return out(O.add(out(O.multiply(z, const(stddev, d))), const(mean, d)))


_ERF_LO = math.erf(-_SQRT2)


def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    d = _fdt(dtype)
    u = _unit(threefry_bits(seed, shape))
    v = out(O.add(G.no_contract(out(O.multiply(u, const(-2.0 * _ERF_LO, "float32")))), const(_ERF_LO, "float32")))
    z = out(O.multiply(cast(G.erfinv(v), d), const(_SQRT2, d)))
    if (mean, stddev) == (0.0, 1.0):
        return z
    return out(O.add(out(O.multiply(z, const(stddev, d))), const(mean, d)))


def _u32_mod(bits, span):
    """``bits mod span`` for uint32 ``bits`` and ``0 < span < 2**31``, exactly, in int32 ops
    (OpenVINO's uint32 FloorMod is signed): split into 16-bit halves and fold the low half in by
    modular doubling, each step free of overflow."""
    i32 = "int32"
    hi = cast(logical_right_shift(bits, 16), i32)
    lo = cast(out(O.bitwise_and(bits, _u32(0xFFFF))), i32)
    sp = const(span, i32)
    zero = const(0, i32)
    x = out(O.floor_mod(hi, sp))
    if span <= 2 ** 15:
        return out(O.floor_mod(out(O.add(out(O.multiply(x, const(65536, i32))), lo)), sp))
    for i in range(15, -1, -1):
        y = out(O.subtract(x, out(O.subtract(sp, x))))  # 2x - span without overflow
        x = select(out(O.less(y, zero)), out(O.add(y, sp)), y)
        bit = out(O.bitwise_and(shift_right_const(lo, i), const(1, i32)))
        x = out(O.add(x, bit))
        x = select(out(O.greater_equal(x, sp)), out(O.subtract(x, sp)), x)
    return x


def random_randint(seed, shape, minval, maxval, dtype="int32"):
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    if span >= 2 ** 31:
        raise ValueError(f"randint: maxval - minval = {span} must be below 2**31 on the OpenVINO backend")
    r = _u32_mod(threefry_bits(seed, shape), span)
    return cast(out(O.add(r, const(int(minval), "int32"))), dtype)


def random_dropout(seed, inputs, rate, noise_shape=None):
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    x = as_float(inputs) if not G.is_out(inputs) else inputs
    xs = shape(x)
    shp = xs if noise_shape is None else tuple(xs[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = out(O.less(_unit(threefry_bits(seed, shp)), const(1.0 - rate, "float32")))
    d = dt(x)
    return select(keep, out(O.divide(x, const(1.0 - rate, d))), const(0, d))


def _stable_argsort_u32(bits):
    """Stable ascending argsort of uint32 values: LSD radix over the 16-bit halves with stable
    TopK passes (a uint32 TopK would compare as signed)."""
    n = shape(bits)[0]
    lo = cast(out(O.bitwise_and(bits, _u32(0xFFFF))), "int32")
    hi = cast(logical_right_shift(bits, 16), "int32")
    p1 = out(O.topk(lo, i64(n), 0, "min", "value", "i32", True).output(1))
    hi1 = out(O.gather(hi, p1, i64(0)))
    p2 = out(O.topk(hi1, i64(n), 0, "min", "value", "i32", True).output(1))
    return out(O.gather(p1, p2, i64(0)))


def random_shuffle(seed, x, axis=0):
    x = _o(x)
    a = int(axis) % len(shape(x))
    perm = _stable_argsort_u32(threefry_bits(seed, (shape(x)[a],)))
    return out(O.gather(x, perm, i64(a)))


def random_categorical(seed, logits, num_samples, dtype="int32"):
    lg = as_float(logits)
    d = dt(lg)
    b, c = shape(lg)
    u = _unit(threefry_bits(seed, (b, num_samples, c)), d)
    u = out(O.maximum(u, const(1e-12 if d != "float16" else 1e-4, d)))
    gumbel = out(O.negative(out(O.log(out(O.negative(out(O.log(u))))))))
    z = out(O.add(out(O.unsqueeze(lg, i64([1]))), gumbel))
    idx = out(O.topk(z, i64(1), 2, "max", "value", "i32", True).output(1))
    return cast(reshape(idx, [b, num_samples]), dtype)


_POW2 = np.array([2.0 ** (e - 127) if 0 < e < 255 else (2.0 ** -126 if e == 0 else 1.0) for e in range(256)])


def bitcast_uint32_to_float32(x):
    """Reinterprets uint32 bits as float32 arithmetically (OpenVINO has no bitcast): sign,
    exponent (a 256-entry power-of-two table) and mantissa are taken apart with integer ops."""
    b = cast(_o(x), "uint32")
    mant = cast(out(O.bitwise_and(b, _u32(0x7FFFFF))), "int32")
    expo = cast(out(O.bitwise_and(logical_right_shift(b, 23), _u32(0xFF))), "int32")
    neg = out(O.not_equal(logical_right_shift(b, 31), _u32(0)))
    f32 = "float32"
    frac = out(O.multiply(cast(mant, f32), const(2.0 ** -23, f32)))
    normal = out(O.not_equal(expo, const(0, "int32")))
    sig = select(normal, out(O.add(const(1, f32), frac)), frac)
    scale = out(O.gather(const(_POW2, f32), expo, i64(0)))
    mag = out(O.multiply(sig, scale))
    special = out(O.equal(expo, const(255, "int32")))
    inf_nan = select(out(O.equal(mant, const(0, "int32"))), const(np.inf, f32), const(np.nan, f32))
    mag = select(special, inf_nan, mag)
    return select(neg, out(O.negative(mag)), mag)


#: op name -> graph builder
KERNELS: dict = {
    "random_bits": random_bits, "random_uniform": random_uniform, "random_normal": random_normal,
    "random_truncated_normal": random_truncated_normal, "random_randint": random_randint,
    "random_dropout": random_dropout, "random_shuffle": random_shuffle, "random_categorical": random_categorical,
    "bitcast_uint32_to_float32": bitcast_uint32_to_float32,
}

__all__ = ["KERNELS"]
