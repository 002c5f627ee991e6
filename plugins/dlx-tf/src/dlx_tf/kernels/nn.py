"""Neural-network kernels: the ops of :mod:`dlx.ops.defs.nn`."""

from __future__ import annotations

import builtins
import math

from dlx.ops.conv_rules import data_format as _format
from dlx.ops.conv_rules import deconv_length, same_pads
from dlx.ops.conv_rules import groups as _groups
from dlx.ops.conv_rules import padding as _padding
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx.ops.defs import nn as _spec_nn
from dlx_tf._core import axes, fl, float_pair, promote, static_shape, tensor, tf

_raw = tf.raw_ops


def _c(v, like):
    return tf.constant(v, like.dtype)


# ------------------------------------------------------------------------------ activations
def relu(x):
    x = tensor(x)
    if x.dtype.is_floating:
        return _raw.Relu(features=x)
    if x.dtype == tf.bool:
        return tf.cast(x, tf.int32)  # as Keras: bools become int32, other ints keep their dtype
    return tf.maximum(x, tf.zeros((), x.dtype))


def relu6(x):
    return _raw.Relu6(features=fl(x))


def sigmoid(x):
    return _raw.Sigmoid(x=fl(x))


def softplus(x):
    return _raw.Softplus(features=fl(x))


def softsign(x):
    return _raw.Softsign(features=fl(x))


def silu(x):
    return tf.nn.silu(fl(x))


def log_sigmoid(x):
    return -_raw.Softplus(features=-fl(x))


def hard_sigmoid(x):
    x = fl(x)
    return _raw.Relu6(features=x + _c(3, x)) / _c(6, x)


def hard_silu(x):
    x = fl(x)
    return x * _raw.Relu6(features=x + _c(3, x)) / _c(6, x)


def mish(x):
    x = fl(x)
    return x * _raw.Tanh(x=_raw.Softplus(features=x))


def elu(x, alpha=1.0):
    """``x`` if ``x > 0`` else ``alpha * expm1(x)`` (TF's ``Elu`` computes ``exp(x) - 1``, which
    loses all precision near 0)."""
    x = fl(x)
    return tf.where(x > 0, x, _c(alpha, x) * _raw.Expm1(x=x))


_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(x):
    x = fl(x)
    return _c(_SELU_S, x) * tf.where(x > 0, x, _c(_SELU_A, x) * _raw.Expm1(x=x))


def celu(x, alpha=1.0):
    x = fl(x)
    a = _c(alpha, x)
    return _raw.Maximum(x=x, y=_c(0, x)) + _raw.Minimum(x=_c(0, x), y=a * _raw.Expm1(x=x / a))


def leaky_relu(x, negative_slope=0.2):
    x = fl(x)
    return tf.where(x > 0, x, x * _c(negative_slope, x))


def gelu(x, approximate=True):
    x = fl(x)
    if approximate:
        z = _c(math.sqrt(2 / math.pi), x) * (x + _c(0.044715, x) * x * x * x)
        return x * _raw.Sigmoid(x=z + z)
    return _c(0.5, x) * x * _raw.Erfc(x=-x / _c(math.sqrt(2.0), x))


# ------------------------------------------------------------------------------ softmax
def _over_axes(fn, x, axis):
    """``fn(x, axis)`` along one axis, or jointly along a tuple of axes: those axes moved last
    and flattened into one, then put back (``tf.nn.softmax`` takes a single axis)."""
    x = fl(x)
    if isinstance(axis, int):
        return fn(x, axis=axis)
    n = x.shape.rank
    axes = sorted({a % n for a in axis})
    rest = [a for a in range(n) if a not in axes]
    perm = rest + axes
    moved = tf.transpose(x, perm)
    dims = tf.shape(moved)
    flat = tf.reshape(moved, tf.concat([dims[:len(rest)], [-1]], 0))
    out = tf.reshape(fn(flat, axis=-1), dims)
    return tf.transpose(out, sorted(range(n), key=lambda i: perm[i]))


def softmax(x, axis=-1):
    return _over_axes(tf.nn.softmax, x, axis)


def log_softmax(x, axis=-1):
    return _over_axes(tf.nn.log_softmax, x, axis)


# ------------------------------------------------------------------------------ conv & pool
def _to_last(x, data_format):
    if data_format == "channels_first":
        nd = x.shape.rank
        return tf.transpose(x, [0, *range(2, nd), 1])
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        nd = x.shape.rank
        return tf.transpose(x, [0, nd - 1, *range(1, nd - 1)])
    return x


def _strided_dilated(x, kernel, st, padding, dl):
    """TF rejects strides > 1 together with dilation > 1: pad as the strided conv would, run the
    stride-1 dilated conv ('VALID') and keep every stride-th output (the same sums exactly)."""
    shape = static_shape(x)
    ks = static_shape(kernel)[:-2]
    if padding == "same":
        pads = [[0, 0]]
        pads += [list(same_pads(size, k, s, d)) for size, k, s, d in zip(shape[1:-1], ks, st, dl)]
        x = tf.pad(x, [*pads, [0, 0]])
    y = _conv_last(x, kernel, (1,) * len(st), "valid", dl)
    return y[(slice(None), *(slice(None, None, s) for s in st), slice(None))]


def _conv_last(x, kernel, st, padding, dl):
    """Channels-last convolution. Grouped kernels (in / groups channels) run per group and are
    concatenated: TF's CPU kernels have no grouped gradient ("Gradients for grouped convolutions
    are not supported on CPU")."""
    if any(s > 1 for s in st) and any(d > 1 for d in dl):
        return _strided_dilated(x, kernel, st, padding, dl)
    groups = _groups(static_shape(x)[-1], static_shape(kernel))
    if groups == 1 and len(st) == 3 and all(d == 1 for d in dl):
        # conv3d itself: eager gradients of tf.nn.convolution's 3-D op w.r.t. the kernel alone
        # fail in TF 2.21 (its gradient reads a data_format attribute the op was recorded without)
        return tf.nn.conv3d(x, kernel, strides=[1, *st, 1], padding=padding.upper())
    if groups == 1:
        return tf.nn.convolution(x, kernel, strides=st, padding=padding.upper(), dilations=dl)
    xs = tf.split(x, groups, axis=-1)
    ks = tf.split(kernel, groups, axis=-1)
    return tf.concat([tf.nn.convolution(a, b, strides=st, padding=padding.upper(), dilations=dl)
                      for a, b in zip(xs, ks)], -1)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    data_format = _format(data_format)
    padding = _padding(padding)
    x, k = promote(inputs, kernel)
    x = _to_last(x, data_format)
    n_sp = x.shape.rank - 2
    y = _conv_last(x, k, _tuple(strides, n_sp, "strides"), padding, _tuple(dilation_rate, n_sp, "dilation_rate"))
    return _from_last(y, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    data_format = _format(data_format)
    padding = _padding(padding)
    x, k = promote(inputs, kernel)
    x = _to_last(x, data_format)
    n_sp = x.shape.rank - 2
    st = _tuple(strides, n_sp, "strides")
    dl = _tuple(dilation_rate, n_sp, "dilation_rate")
    if n_sp == 2 and st[0] == st[1] and (st == (1, 1) or dl == (1, 1)):
        y = tf.nn.depthwise_conv2d(x, k, strides=[1, *st, 1], padding=padding.upper(), dilations=dl)
    else:
        ks = static_shape(k)
        y = _conv_last(x, tf.reshape(k, [*ks[:-2], 1, ks[-2] * ks[-1]]), st, padding, dl)
    return _from_last(y, data_format)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """``tf.nn.conv2d_transpose`` with explicit paddings that reproduce the spec's output length
    (Keras's deconv formula); 1-D runs as 2-D with a unit axis."""
    data_format = _format(data_format)
    padding = _padding(padding)
    x, k = promote(inputs, kernel)
    x = _to_last(x, data_format)
    n_sp = x.shape.rank - 2
    st = _tuple(strides, n_sp, "strides")
    dl = _tuple(dilation_rate, n_sp, "dilation_rate")
    if n_sp not in (1, 2) or any(d != 1 for d in dl):
        y = _spec_nn.conv_transpose_decomposition(x, k, st, padding, output_padding, "channels_last", dl)
        return _from_last(y, data_format)
    op_ = (None,) * n_sp if output_padding is None else _tuple(output_padding, n_sp, "output_padding")
    shape = static_shape(x)
    ks = static_shape(k)[:n_sp]
    lengths, pads, extra = [], [], []
    for i in range(n_sp):
        eff = (ks[i] - 1) * dl[i] + 1
        length = deconv_length(shape[1 + i], ks[i], st[i], padding, op_[i], dl[i])
        lo = 0 if padding == "valid" else same_pads(length, ks[i], st[i], dl[i])[0]
        hi = (shape[1 + i] - 1) * st[i] + eff - length - lo
        extra.append(builtins.max(-hi, 0))
        hi = builtins.max(hi, 0)
        lengths.append(length - extra[-1])
        pads.append([lo, hi])
    if n_sp == 1:
        x, k = x[:, None], k[None]
        lengths, pads, st, extra = [1, *lengths], [[0, 0], *pads], (1, *st), [0, *extra]
    batch = tf.shape(x)[0]
    out_shape = tf.stack([batch, *lengths, static_shape(k)[-2]])
    y = tf.nn.conv2d_transpose(x, k, out_shape, strides=[1, *st, 1], padding=[[0, 0], *pads, [0, 0]])
    if any(extra):
        y = tf.pad(y, [[0, 0], *[[0, e] for e in extra], [0, 0]])
    if n_sp == 1:
        y = y[:, 0]
    return _from_last(y, data_format)


def _pool(reduce):
    def kernel(inputs, pool_size, strides=None, padding="valid", data_format=None):
        data_format = _format(data_format)
        padding = _padding(padding)
        x = _to_last(tensor(inputs), data_format)
        n_sp = x.shape.rank - 2
        ps = _tuple(pool_size, n_sp, "pool_size")
        st = ps if strides is None else _tuple(strides, n_sp, "strides")
        y = reduce(x, ps, st, padding.upper())
        return _from_last(y, data_format)
    return kernel


max_pool = _pool(lambda x, ps, st, p: tf.nn.max_pool(x, ps, st, p))
average_pool = _pool(lambda x, ps, st, p: tf.nn.avg_pool(x, ps, st, p))


# ------------------------------------------------------------------------------ normalization
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``x * a + b`` with the per-channel ``a = scale / sqrt(variance + epsilon)`` and
    ``b = offset - mean * a`` (as ``tf.nn.batch_normalization``): two passes over ``x``, not four,
    and a last-axis ``b`` is a bias add (which grappler fuses into a preceding convolution)."""
    x = fl(x)
    nd = x.shape.rank
    dt = x.dtype.name
    a = _c(1, x) / _raw.Sqrt(x=tensor(variance, dt) + _c(epsilon, x))
    if scale is not None:
        a = a * tensor(scale, dt)
    b = -tensor(mean, dt) * a
    if offset is not None:
        b = b + tensor(offset, dt)
    if axis % nd != nd - 1:  # broadcast the channel vectors along `axis`
        shape = [1] * nd
        shape[axis] = static_shape(x)[axis]
        a, b = tf.reshape(a, shape), tf.reshape(b, shape)
    return x * a + b


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    if kwargs:  # Keras's rms_scaling keyword: the spec's decomposition validates and computes it
        return _spec_nn.layer_normalization_decomposition(x, gamma, beta, axis, epsilon, **kwargs)
    x = fl(x)
    eps = _c(1e-7 if epsilon is None else epsilon, x)
    ax = axes(axis, x.shape.rank)
    mu = tf.reduce_mean(x, ax, keepdims=True)
    xc = x - mu
    var = tf.reduce_mean(xc * xc, ax, keepdims=True)
    y = xc / _raw.Sqrt(x=var + eps)
    if gamma is not None:
        y = y * tensor(gamma, x.dtype.name)
    if beta is not None:
        y = y + tensor(beta, x.dtype.name)
    return y


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = fl(x)
    eps = _c(1e-6 if epsilon is None else epsilon, x)
    ax = axes(axis, x.shape.rank)
    y = x / _raw.Sqrt(x=tf.reduce_mean(x * x, ax, keepdims=True) + eps)
    if scale is not None:
        y = y * tensor(scale, x.dtype.name)
    return y


def _synced_moments(ctx, x, ax, keepdims):
    """The global batch's mean and variance in two passes (as the local moments), each one
    all-reduce; the local count travels with the sums."""
    total = tf.reduce_sum(x, ax, keepdims=True)
    count = tf.cast(tf.reshape(tf.reduce_prod(tf.gather(tf.shape(x), ax)), [1]), x.dtype)
    packed = ctx.all_reduce(tf.distribute.ReduceOp.SUM, tf.concat([tf.reshape(total, [-1]), count], 0))
    n = packed[-1]
    m = tf.reshape(packed[:-1], tf.shape(total)) / n
    d = x - m
    v = ctx.all_reduce(tf.distribute.ReduceOp.SUM, tf.reduce_sum(d * d, ax, keepdims=keepdims)) / n
    return (m if keepdims else tf.squeeze(m, ax)), v


def moments(x, axes, keepdims=False, synchronized=False):
    """``synchronized=True`` inside a replica of a ``tf.distribute`` strategy (dlx's DataParallel
    step): the mean and variance of the global batch, from all-reduced sums (differentiable: the
    replica context all-reduces the gradients too); elsewhere the local ones."""
    x = fl(x)
    ax = [int(axes)] if isinstance(axes, int) else [int(a) for a in axes]
    ctx = tf.distribute.get_replica_context() if synchronized else None
    if ctx is not None and ctx.num_replicas_in_sync > 1:
        return _synced_moments(ctx, x, ax, keepdims)
    m = tf.reduce_mean(x, ax, keepdims=True)
    d = x - m
    v = tf.reduce_mean(d * d, ax, keepdims=keepdims)
    if not keepdims:
        m = tf.squeeze(m, ax)
    return m, v


# ------------------------------------------------------------------------------ losses
_EPS = 1e-7


def binary_crossentropy(target, output, from_logits=False):
    t, o = float_pair(target, output)
    if from_logits:
        return _raw.Maximum(x=o, y=_c(0, o)) - o * t + _raw.Log1p(x=_raw.Exp(x=-_raw.Abs(x=o)))
    o = tf.clip_by_value(o, _c(_EPS, o), _c(1 - _EPS, o))
    return -(t * _raw.Log(x=o) + (_c(1, o) - t) * _raw.Log1p(x=-o))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    t, o = float_pair(target, output)
    if from_logits:
        return -tf.reduce_sum(t * tf.nn.log_softmax(o, axis=axis), axis=axis)
    o = o / tf.reduce_sum(o, axis=axis, keepdims=True)
    o = tf.clip_by_value(o, _c(_EPS, o), _c(1 - _EPS, o))
    return -tf.reduce_sum(t * _raw.Log(x=o), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    o = fl(output)
    t = tensor(target)
    if t.dtype not in (tf.int32, tf.int64):
        t = tf.cast(t, tf.int64)
    oh = tf.one_hot(t, static_shape(o)[axis], axis=-1 if axis == -1 else axis % o.shape.rank, dtype=o.dtype)
    return categorical_crossentropy(oh, o, from_logits, axis)


# ------------------------------------------------------------------------------ attention
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    cap = _spec_nn.attention_options(flash_attention, attn_logits_soft_cap)
    q, k, v = promote(query, key, value)
    s = 1.0 / math.sqrt(static_shape(q)[-1]) if scale is None else scale
    logits = tf.einsum("btnh,bsnh->bnts", q, k) * _c(s, q)
    if bias is not None:
        logits = logits + tensor(bias, q.dtype.name)
    if cap is not None:
        logits = _c(cap, q) * tf.tanh(logits / _c(cap, q))
    big = _c(-1e9 if q.dtype != tf.float16 else -3e4, logits)
    if mask is not None:
        m = tensor(mask)
        m = m if m.dtype == tf.bool else tf.cast(m, tf.bool)
        logits = tf.where(m, logits, big)
    if is_causal:
        ts = static_shape(logits)[-2:]
        ts = ts if None not in ts else tf.shape(logits)[-2:]
        causal = tf.cast(tf.linalg.band_part(tf.ones(ts, tf.int8), -1, 0), tf.bool)
        logits = tf.where(causal, logits, big)
    w = tf.nn.softmax(logits, axis=-1)
    return tf.einsum("bnts,bsnh->btnh", w, v)


#: op name -> kernel
KERNELS: dict = {
    "relu": relu, "relu6": relu6, "sigmoid": sigmoid, "softplus": softplus, "softsign": softsign, "silu": silu,
    "log_sigmoid": log_sigmoid, "hard_sigmoid": hard_sigmoid, "hard_silu": hard_silu, "mish": mish, "elu": elu,
    "selu": selu, "celu": celu, "leaky_relu": leaky_relu, "gelu": gelu, "softmax": softmax,
    "log_softmax": log_softmax, "conv": conv, "depthwise_conv": depthwise_conv, "conv_transpose": conv_transpose,
    "max_pool": max_pool, "average_pool": average_pool, "batch_normalization": batch_normalization,
    "layer_normalization": layer_normalization, "rms_normalization": rms_normalization, "moments": moments,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "dot_product_attention": dot_product_attention,
}

__all__ = ["KERNELS"]
