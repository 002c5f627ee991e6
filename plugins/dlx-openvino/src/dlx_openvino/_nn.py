"""Graph builders for the neural-network and random ops (see :mod:`dlx_openvino._kernels`)."""

from __future__ import annotations

import math

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx.ops.conv_rules import data_format as _format
from dlx.ops.conv_rules import deconv_length as _deconv_length
from dlx.ops.conv_rules import groups as _groups
from dlx.ops.conv_rules import padding as _padding
from dlx.ops.conv_rules import same_pads as _same_pads
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx_openvino import _graph as G
from dlx_openvino._graph import as_float, cast, const, dt, fpromote, i64, norm_axes, out, reshape, select, shape
from dlx_openvino._kernels import B, _o, builder, logical_right_shift, shift_left_const, shift_right_const

# ------------------------------------------------------------------------------ activations


def _act(fn):
    def build(x):
        return fn(as_float(x))
    return build


def _sigmoid(x):
    """``1 / (1 + e)`` for x >= 0, ``e / (1 + e)`` otherwise, ``e = exp(-|x|)`` (as the spec)."""
    d = dt(x)
    one = const(1, d)
    e = out(O.exp(out(O.negative(out(O.abs(x))))))
    den = out(O.add(one, e))
    r = select(out(O.greater_equal(x, const(0, d))), out(O.divide(one, den)), out(O.divide(e, den)))
    return G.keep_nan(x, r)


def _relu(x):
    return G.maximum(x, const(0, dt(x)))


def _clip(x, lo, hi):
    d = dt(x)
    return G.minimum(G.maximum(x, const(lo, d)), const(hi, d))


B["relu"] = _act(_relu)
B["relu6"] = _act(lambda x: _clip(x, 0, 6))
B["sigmoid"] = _act(_sigmoid)
B["softplus"] = _act(G.softplus)
B["softsign"] = _act(lambda x: out(O.divide(x, out(O.add(const(1, dt(x)), out(O.abs(x)))))))
B["silu"] = _act(lambda x: out(O.multiply(x, _sigmoid(x))))
B["log_sigmoid"] = _act(lambda x: out(O.negative(G.softplus(out(O.negative(x))))))
B["hard_sigmoid"] = _act(lambda x: out(O.divide(_clip(out(O.add(x, const(3, dt(x)))), 0, 6), const(6, dt(x)))))
B["hard_silu"] = _act(lambda x: out(O.divide(out(O.multiply(x, _clip(out(O.add(x, const(3, dt(x)))), 0, 6))),
                                              const(6, dt(x)))))
B["mish"] = _act(lambda x: out(O.multiply(x, out(O.tanh(G.softplus(x))))))


@builder()
def elu(x, alpha=1.0):
    x = as_float(x)
    d = dt(x)
    neg = out(O.multiply(const(alpha, d), G.expm1(x)))
    return select(out(O.greater(x, const(0, d))), x, neg)


_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@builder()
def selu(x):
    x = as_float(x)
    d = dt(x)
    neg = out(O.multiply(const(_SELU_A, d), G.expm1(x)))
    return out(O.multiply(const(_SELU_S, d), select(out(O.greater(x, const(0, d))), x, neg)))


@builder()
def celu(x, alpha=1.0):
    x = as_float(x)
    d = dt(x)
    e = out(O.multiply(const(alpha, d), G.expm1(out(O.divide(x, const(alpha, d))))))
    return out(O.add(G.maximum(x, const(0, d)), G.minimum(const(0, d), e)))


@builder()
def leaky_relu(x, negative_slope=0.2):
    x = as_float(x)
    d = dt(x)
    return select(out(O.greater(x, const(0, d))), x, out(O.multiply(x, const(negative_slope, d))))


@builder()
def gelu(x, approximate=True):
    x = as_float(x)
    d = dt(x)
    if approximate:
        x3 = out(O.multiply(out(O.multiply(x, x)), x))
        z = out(O.multiply(const(math.sqrt(2 / math.pi), d), out(O.add(x, out(O.multiply(const(0.044715, d), x3))))))
        return out(O.multiply(x, _sigmoid(out(O.multiply(const(2, d), z)))))
    e = G.erf(out(O.divide(x, const(math.sqrt(2), d))))
    return out(O.multiply(out(O.multiply(const(0.5, d), x)), out(O.add(const(1, d), e))))


# ------------------------------------------------------------------------------ softmax
def _sum_axis(x, axis, keepdims=True):
    return G.tree_sum(x, norm_axes(axis, len(shape(x))), keepdims)


@builder()
def softmax(x, axis=-1):
    x = as_float(x)
    a = norm_axes(axis, len(shape(x)))
    m = out(O.reduce_max(x, i64(list(a)), True))
    e = G.exp(out(O.subtract(x, m)))
    return out(O.divide(e, G.tree_sum(e, a, True)))


def _log_softmax(x, axis):
    a = norm_axes(axis, len(shape(x)))
    d = dt(x)
    m = out(O.reduce_max(x, i64(list(a)), True))
    m = select(out(O.is_finite(m)), m, const(0, d))
    xm = out(O.subtract(x, m))
    lse = out(O.log(G.tree_sum(G.exp(xm), a, True)))
    return out(O.subtract(xm, lse))


@builder()
def log_softmax(x, axis=-1):
    return _log_softmax(as_float(x), axis)


# ------------------------------------------------------------------------------ conv & pool
def _to_first(x, fmt):
    """(N, *sp, C) -> (N, C, *sp) for channels-last inputs (OpenVINO's layout is NC...)."""
    if fmt == "channels_first":
        return x
    n = len(shape(x))
    return G.transpose(x, [0, n - 1, *range(1, n - 1)])


def _from_first(y, fmt):
    if fmt == "channels_first":
        return y
    n = len(shape(y))
    return G.transpose(y, [0, *range(2, n), 1])


def _conv(x, kernel, strides, padding, fmt, dilation_rate):
    """``x`` channels-first; ``kernel`` ``(*k, cin / groups, cout)``."""
    xs, ks = shape(x), shape(kernel)
    n_sp = len(xs) - 2
    st = _tuple(strides, n_sp, "strides")
    dl = _tuple(dilation_rate, n_sp, "dilation_rate")
    groups = _groups(xs[1], ks)
    cin_g, cout = ks[-2], ks[-1]
    pb, pe = [], []
    for i in range(n_sp):
        lo, hi = _same_pads(xs[2 + i], ks[i], st[i], dl[i]) if padding == "same" else (0, 0)
        pb.append(lo)
        pe.append(hi)
        if (xs[2 + i] + lo + hi - ((ks[i] - 1) * dl[i] + 1)) // st[i] + 1 <= 0:
            raise ValueError(f"the window {ks[:n_sp]} (dilation {dl}) does not fit the input's spatial shape "
                             f"{xs[2:]} with padding={padding!r}")
    if groups == 1:
        w = G.transpose(kernel, [n_sp + 1, n_sp, *range(n_sp)])  # (cout, cin, *k)
        return out(O.convolution(x, w, list(st), pb, pe, list(dl)))
    w = reshape(kernel, [*ks[:n_sp], cin_g, groups, cout // groups])
    w = G.transpose(w, [n_sp + 1, n_sp + 2, n_sp, *range(n_sp)])  # (groups, cout/g, cin/g, *k)
    return out(O.group_convolution(x, w, list(st), pb, pe, list(dl)))


@builder()
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    fmt = _format(data_format)
    padding = _padding(padding)
    _, x, k = fpromote(inputs, kernel)
    y = _conv(_to_first(x, fmt), k, strides, padding, fmt, dilation_rate)
    return _from_first(y, fmt)


@builder()
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    fmt = _format(data_format)
    padding = _padding(padding)
    _, x, k = fpromote(inputs, kernel)
    ks = shape(k)
    w = reshape(k, [*ks[:-2], 1, ks[-2] * ks[-1]])
    return _from_first(_conv(_to_first(x, fmt), w, strides, padding, fmt, dilation_rate), fmt)


@builder()
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    fmt = _format(data_format)
    padding = _padding(padding)
    _, x, k = fpromote(inputs, kernel)
    x = _to_first(x, fmt)
    xs, ks = shape(x), shape(k)
    n_sp = len(xs) - 2
    st = _tuple(strides, n_sp, "strides")
    dl = _tuple(dilation_rate, n_sp, "dilation_rate")
    op_ = (None,) * n_sp if output_padding is None else _tuple(output_padding, n_sp, "output_padding")
    pb, pe, opad = [], [], []
    for i in range(n_sp):
        eff = (ks[i] - 1) * dl[i] + 1
        length = _deconv_length(xs[2 + i], ks[i], st[i], padding, op_[i], dl[i])
        lo = 0 if padding == "valid" else _same_pads(length, ks[i], st[i], dl[i])[0]
        full = (xs[2 + i] - 1) * st[i] + eff
        rest = full - lo - length
        pb.append(lo)
        pe.append(max(rest, 0))
        opad.append(max(-rest, 0))
    w = G.transpose(k, [n_sp + 1, n_sp, *range(n_sp)])  # (*k, out, in) -> (in, out, *k)
    y = out(O.convolution_backprop_data(x, w, list(st), None, pb, pe, list(dl), None, opad))
    return _from_first(y, fmt)


def _pool_args(x, pool_size, strides, padding):
    xs = shape(x)
    n_sp = len(xs) - 2
    ps = _tuple(pool_size, n_sp, "pool_size")
    st = ps if strides is None else _tuple(strides, n_sp, "strides")
    pb, pe = [], []
    for i in range(n_sp):
        lo, hi = _same_pads(xs[2 + i], ps[i], st[i], 1) if padding == "same" else (0, 0)
        pb.append(lo)
        pe.append(hi)
    return ps, st, pb, pe


@builder()
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    fmt = _format(data_format)
    padding = _padding(padding)
    x = _to_first(_o(inputs), fmt)
    ps, st, pb, pe = _pool_args(x, pool_size, strides, padding)
    y = out(O.max_pool(x, list(st), [1] * len(ps), pb, pe, list(ps), "floor", "explicit").output(0))
    return _from_first(y, fmt)


@builder()
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    fmt = _format(data_format)
    padding = _padding(padding)
    x = _to_first(as_float(inputs), fmt)
    ps, st, pb, pe = _pool_args(x, pool_size, strides, padding)
    y = out(O.avg_pool(x, list(st), pb, pe, list(ps), True, "floor", "explicit", [1] * len(ps)))
    return _from_first(y, fmt)


# ------------------------------------------------------------------------------ normalization
@builder()
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = as_float(x)
    d = dt(x)
    nd = len(shape(x))
    shp = [1] * nd
    shp[axis] = shape(x)[axis]

    def r(v):
        return reshape(cast(_o(v, d), d), shp)

    y = out(O.divide(out(O.subtract(x, r(mean))), out(O.sqrt(out(O.add(r(variance), const(epsilon, d)))))))
    if scale is not None:
        y = out(O.multiply(y, r(scale)))
    if offset is not None:
        y = out(O.add(y, r(offset)))
    return y


@builder()
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    x = as_float(x)
    d = dt(x)
    eps = 1e-3 if epsilon is None else epsilon
    ax = norm_axes(axis, len(shape(x)))
    n = 1
    for a in ax:
        n *= shape(x)[a]
    mu = out(O.divide(G.tree_sum(x, ax, True), const(n, d)))
    xc = out(O.subtract(x, mu))
    var = out(O.divide(G.tree_sum(out(O.multiply(xc, xc)), ax, True), const(n, d)))
    y = out(O.divide(xc, out(O.sqrt(out(O.add(var, const(eps, d)))))))
    if gamma is not None:
        y = out(O.multiply(y, cast(_o(gamma, d), d)))
    if beta is not None:
        y = out(O.add(y, cast(_o(beta, d), d)))
    return y


@builder()
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = as_float(x)
    d = dt(x)
    eps = 1e-6 if epsilon is None else epsilon
    ax = norm_axes(axis, len(shape(x)))
    n = 1
    for a in ax:
        n *= shape(x)[a]
    ms = out(O.divide(G.tree_sum(out(O.multiply(x, x)), ax, True), const(n, d)))
    y = out(O.divide(x, out(O.sqrt(out(O.add(ms, const(eps, d)))))))
    if scale is not None:
        y = out(O.multiply(y, cast(_o(scale, d), d)))
    return y


@builder()
def moments(x, axes, keepdims=False, synchronized=False):
    x = as_float(x)
    d = dt(x)
    ax = norm_axes(axes, len(shape(x)))
    n = 1
    for a in ax:
        n *= shape(x)[a]
    m = out(O.divide(G.tree_sum(x, ax, True), const(n, d)))
    dd = out(O.subtract(x, m))
    v = out(O.divide(G.tree_sum(out(O.multiply(dd, dd)), ax, keepdims), const(n, d)))
    if not keepdims:
        m = reshape(m, [s for i, s in enumerate(shape(x)) if i not in ax])
    return m, v


# ------------------------------------------------------------------------------ losses
_EPS = 1e-7


@builder()
def binary_crossentropy(target, output, from_logits=False):
    d, t, o = fpromote(target, output)
    zero, one = const(0, d), const(1, d)
    if from_logits:
        y = out(O.exp(out(O.negative(out(O.abs(o))))))
        r = out(O.add(out(O.subtract(out(O.maximum(o, zero)), out(O.multiply(o, t)))), G.log1p_small(y)))
        return G.keep_nan(o, r)
    o = G.minimum(G.maximum(o, const(_EPS, d)), const(1 - _EPS, d))
    a = out(O.multiply(t, out(O.log(o))))
    b = out(O.multiply(out(O.subtract(one, t)), G.log1p(out(O.negative(o)))))
    return out(O.negative(out(O.add(a, b))))


@builder()
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    d, t, o = fpromote(target, output)
    ax = norm_axes(axis, len(shape(o)))
    if from_logits:
        return out(O.negative(G.tree_sum(out(O.multiply(t, _log_softmax(o, axis))), ax, False)))
    o = out(O.divide(o, G.tree_sum(o, ax, True)))
    o = G.minimum(G.maximum(o, const(_EPS, d)), const(1 - _EPS, d))
    return out(O.negative(G.tree_sum(out(O.multiply(t, out(O.log(o)))), ax, False)))


@builder()
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    o = as_float(output)
    n_cls = shape(o)[axis]
    oh = B["one_hot"](_o(target), n_cls, axis, dt(o))
    return B["categorical_crossentropy"](oh, o, from_logits, axis)


# ------------------------------------------------------------------------------ attention
@builder()
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False):
    d, q, k, v = G.promote(query, key, value)
    h = shape(q)[-1]
    s = 1.0 / math.sqrt(h) if scale is None else scale
    qt = G.transpose(q, [0, 2, 1, 3])  # (b, n, t, h)
    kt = G.transpose(k, [0, 2, 1, 3])
    vt = G.transpose(v, [0, 2, 1, 3])
    logits = out(O.multiply(out(O.matmul(qt, kt, False, True)), const(s, d)))
    if bias is not None:
        logits = out(O.add(logits, cast(_o(bias, d), d)))
    big = const(-1e9 if d != "float16" else -3e4, d)
    if mask is not None:
        logits = select(cast(_o(mask), "bool"), logits, big)
    if is_causal:
        t, sl = shape(logits)[-2], shape(logits)[-1]
        causal = B["tril"](G.full(True, [t, sl], "bool"))
        logits = select(causal, logits, big)
    w = B["softmax"](logits, -1)
    return G.transpose(out(O.matmul(w, vt, False, False)), [0, 2, 1, 3])


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


@builder()
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


@builder()
def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    d = _fdt(dtype)
    bits = threefry_bits(seed, shape)
    if (minval, maxval) == (0.0, 1.0):
        return _unit(bits, d)
    y = _affine_exact(cast(logical_right_shift(bits, 9), "int32"), float(maxval) - float(minval), float(minval))
    return cast(G.maximum(const(minval, "float32"), y), d)


_SQRT2 = math.sqrt(2.0)
_LO = float(np.nextafter(np.float32(-1.0), np.float32(0.0)))


@builder()
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


@builder()
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


@builder()
def random_randint(seed, shape, minval, maxval, dtype="int32"):
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    if span >= 2 ** 31:
        raise ValueError(f"randint: maxval - minval = {span} must be below 2**31 on the OpenVINO backend")
    r = _u32_mod(threefry_bits(seed, shape), span)
    return cast(out(O.add(r, const(int(minval), "int32"))), dtype)


@builder()
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


@builder()
def random_shuffle(seed, x, axis=0):
    x = _o(x)
    a = int(axis) % len(shape(x))
    perm = _stable_argsort_u32(threefry_bits(seed, (shape(x)[a],)))
    return out(O.gather(x, perm, i64(a)))


@builder()
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


@builder()
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
