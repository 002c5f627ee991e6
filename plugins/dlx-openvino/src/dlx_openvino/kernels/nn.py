"""Graph builders of the neural-network ops (:mod:`dlx.ops.defs.nn`).

A builder receives tensor parameters as ``openvino.Output`` edges (or Python scalars, kept weak, or
``None``) and static parameters as Python values, and returns an Output or a list / tuple of them
(see :mod:`dlx_openvino.kernels`)."""

from __future__ import annotations

import math

import numpy as np
import openvino.opset16 as O

from dlx.ops.conv_rules import data_format as _format
from dlx.ops.conv_rules import deconv_length as _deconv_length
from dlx.ops.conv_rules import groups as _groups
from dlx.ops.conv_rules import padding as _padding
from dlx.ops.conv_rules import same_pads as _same_pads
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx.ops.defs.nn import attention_options
from dlx_openvino import _graph as G
from dlx_openvino._graph import (
    as_float,
    cast,
    const,
    dt,
    fpromote,
    i64,
    norm_axes,
    out,
    reshape,
    select,
    shape,
)
from dlx_openvino._graph import as_output as _o
from dlx_openvino.kernels.shape import one_hot, tril

# ------------------------------------------------------------------------------ activations


def _act(fn):
    def build(x):
        return G.sink_transposes(fn, as_float(x))  # elementwise: on a Transpose's input
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




def relu(x):
    x = _o(x)
    if dt(x) == "bool":
        return cast(x, "int32")  # as Keras: bools become int32, other ints keep their dtype
    return _relu(x)


relu6 = _act(lambda x: _clip(x, 0, 6))
sigmoid = _act(_sigmoid)
softplus = _act(G.softplus)
softsign = _act(lambda x: out(O.divide(x, out(O.add(const(1, dt(x)), out(O.abs(x)))))))
silu = _act(lambda x: out(O.multiply(x, _sigmoid(x))))
log_sigmoid = _act(lambda x: out(O.negative(G.softplus(out(O.negative(x))))))
hard_sigmoid = _act(lambda x: out(O.divide(_clip(out(O.add(x, const(3, dt(x)))), 0, 6), const(6, dt(x)))))
hard_silu = _act(lambda x: out(O.divide(out(O.multiply(x, _clip(out(O.add(x, const(3, dt(x)))), 0, 6))),
                                              const(6, dt(x)))))
mish = _act(lambda x: out(O.multiply(x, out(O.tanh(G.softplus(x))))))


def elu(x, alpha=1.0):
    x = as_float(x)
    d = dt(x)
    neg = out(O.multiply(const(alpha, d), G.expm1(x)))
    return select(out(O.greater(x, const(0, d))), x, neg)


_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(x):
    x = as_float(x)
    d = dt(x)
    neg = out(O.multiply(const(_SELU_A, d), G.expm1(x)))
    return out(O.multiply(const(_SELU_S, d), select(out(O.greater(x, const(0, d))), x, neg)))


def celu(x, alpha=1.0):
    x = as_float(x)
    d = dt(x)
    e = out(O.multiply(const(alpha, d), G.expm1(out(O.divide(x, const(alpha, d))))))
    return out(O.add(G.maximum(x, const(0, d)), G.minimum(const(0, d), e)))


def leaky_relu(x, negative_slope=0.2):
    x = as_float(x)
    d = dt(x)
    return select(out(O.greater(x, const(0, d))), x, out(O.multiply(x, const(negative_slope, d))))


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


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    fmt = _format(data_format)
    padding = _padding(padding)
    _, x, k = fpromote(inputs, kernel)
    y = _conv(_to_first(x, fmt), k, strides, padding, fmt, dilation_rate)
    return _from_first(y, fmt)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    fmt = _format(data_format)
    padding = _padding(padding)
    _, x, k = fpromote(inputs, kernel)
    ks = shape(k)
    w = reshape(k, [*ks[:-2], 1, ks[-2] * ks[-1]])
    return _from_first(_conv(_to_first(x, fmt), w, strides, padding, fmt, dilation_rate), fmt)


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


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    fmt = _format(data_format)
    padding = _padding(padding)
    x = _to_first(_o(inputs), fmt)
    ps, st, pb, pe = _pool_args(x, pool_size, strides, padding)
    y = out(O.max_pool(x, list(st), [1] * len(ps), pb, pe, list(ps), "floor", "explicit").output(0))
    return _from_first(y, fmt)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    fmt = _format(data_format)
    padding = _padding(padding)
    x = _to_first(as_float(inputs), fmt)
    ps, st, pb, pe = _pool_args(x, pool_size, strides, padding)
    y = out(O.avg_pool(x, list(st), pb, pe, list(ps), True, "floor", "explicit", [1] * len(ps)))
    return _from_first(y, fmt)


# ------------------------------------------------------------------------------ normalization
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``x * a + b`` with the per-channel ``a = scale / sqrt(variance + epsilon)`` and
    ``b = offset - mean * a``, computed on the 1-D statistics: two full-size ops instead of the
    spec's four, and no per-statistic Reshape for a channels-last ``x``. The CPU plugin runs them
    as one short snippet after the convolution before it; the spec's form cost it several
    snippet subgraphs and ~10 more nodes per layer to compile (ResNet-50's graph and compile
    time, measured). Within the op's Kr bound: each rounding is a few units of u times a term of
    its scale sum ``(|x| + |mean|) * |scale| / sd + |offset|`` (worst seen: 2 u S)."""
    x = as_float(x)
    d = dt(x)
    nd = len(shape(x))
    axis = axis % nd

    def v(t):
        return reshape(cast(_o(t, d), d), [shape(x)[axis]])

    stats = [None if t is None else v(t) for t in (scale, variance, mean, offset)]
    data = [None if t is None else G.constant_data(t) for t in stats]
    if d == "float32" and all(t is None or c is not None for t, c in zip(stats, data)):
        # baked statistics: a and b computed here, in the same float32 operations (each
        # correctly rounded, as OpenVINO's constant folding), instead of ~6 nodes per layer for
        # compile_model to fold (ResNet-50: 318 nodes)
        sc, var, mu, off = data
        with np.errstate(all="ignore"):  # inf / NaN as the graph would give them, silently
            a = (np.float32(1) if sc is None else sc) / np.sqrt(var + np.float32(epsilon))
            b = off - mu * a if off is not None else -(mu * a)
        a, b = const(a, d), const(b, d)
    else:
        a = out(O.divide(stats[0] if scale is not None else const(1, d),
                         out(O.sqrt(out(O.add(stats[1], const(epsilon, d)))))))
        ma = out(O.multiply(stats[2], a))
        b = out(O.subtract(stats[3], ma)) if offset is not None else out(O.negative(ma))
    if axis != nd - 1:  # the last axis broadcasts as it is
        shp = [1] * nd
        shp[axis] = shape(x)[axis]
        a, b = reshape(a, shp), reshape(b, shp)
    return G.sink_transposes(lambda x, a, b: out(O.add(out(O.multiply(x, a)), b)), x, a, b)


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


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    d, t, o = fpromote(target, output)
    ax = norm_axes(axis, len(shape(o)))
    if from_logits:
        return out(O.negative(G.tree_sum(out(O.multiply(t, _log_softmax(o, axis))), ax, False)))
    o = out(O.divide(o, G.tree_sum(o, ax, True)))
    o = G.minimum(G.maximum(o, const(_EPS, d)), const(1 - _EPS, d))
    return out(O.negative(G.tree_sum(out(O.multiply(t, out(O.log(o)))), ax, False)))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    o = as_float(output)
    n_cls = shape(o)[axis]
    oh = one_hot(_o(target), n_cls, axis, dt(o))
    return categorical_crossentropy(oh, o, from_logits, axis)


# ------------------------------------------------------------------------------ attention
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    cap = attention_options(flash_attention, attn_logits_soft_cap)
    d, q, k, v = G.promote(query, key, value)
    h = shape(q)[-1]
    s = 1.0 / math.sqrt(h) if scale is None else scale
    qt = G.transpose(q, [0, 2, 1, 3])  # (b, n, t, h)
    kt = G.transpose(k, [0, 2, 1, 3])
    vt = G.transpose(v, [0, 2, 1, 3])
    logits = out(O.multiply(out(O.matmul(qt, kt, False, True)), const(s, d)))
    if bias is not None:
        logits = out(O.add(logits, cast(_o(bias, d), d)))
    if cap is not None:
        logits = out(O.multiply(const(cap, d), out(O.tanh(out(O.divide(logits, const(cap, d)))))))
    big = const(-1e9 if d != "float16" else -3e4, d)
    if mask is not None:
        logits = select(cast(_o(mask), "bool"), logits, big)
    if is_causal:
        t, sl = shape(logits)[-2], shape(logits)[-1]
        causal = tril(G.full(True, [t, sl], "bool"))
        logits = select(causal, logits, big)
    w = softmax(logits, -1)
    return G.transpose(out(O.matmul(w, vt, False, False)), [0, 2, 1, 3])


#: op name -> graph builder. layer_normalization has none: its signature ends in **kwargs (Keras's
#: rms_scaling), which the kernel generator does not take; it runs the spec's decomposition.
KERNELS: dict = {
    "relu": relu, "relu6": relu6, "sigmoid": sigmoid, "softplus": softplus, "softsign": softsign, "silu": silu,
    "log_sigmoid": log_sigmoid, "hard_sigmoid": hard_sigmoid, "hard_silu": hard_silu, "mish": mish, "elu": elu,
    "selu": selu, "celu": celu, "leaky_relu": leaky_relu, "gelu": gelu, "softmax": softmax,
    "log_softmax": log_softmax, "conv": conv, "depthwise_conv": depthwise_conv, "conv_transpose": conv_transpose,
    "max_pool": max_pool, "average_pool": average_pool, "batch_normalization": batch_normalization,
    "rms_normalization": rms_normalization, "moments": moments,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "dot_product_attention": dot_product_attention,
}

__all__ = ["KERNELS"]
