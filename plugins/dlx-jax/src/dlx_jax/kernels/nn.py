"""Neural-network kernels: activations, softmax, convolutions, pooling, normalization, losses,
attention."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from dlx.ops.conv_rules import data_format as _format
from dlx.ops.conv_rules import deconv_length as _deconv_length
from dlx.ops.conv_rules import groups as _groups
from dlx.ops.conv_rules import padding as _padding
from dlx.ops.conv_rules import same_pads as _same_pads
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx.ops.defs.nn import attention_options as _attention_options
from dlx.ops.defs.nn import layer_normalization_decomposition as _ln_decomposition
from dlx_jax._common import FLOAT_DTYPES, HIGHEST, arr, axis_tuple, fl, float_promote, float_unary, promote

_EPS = 1e-7
_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

_ACTIVATIONS = {
    "relu6": jax.nn.relu6, "sigmoid": jax.nn.sigmoid, "softplus": jax.nn.softplus,
    "softsign": jax.nn.soft_sign, "silu": jax.nn.silu, "log_sigmoid": jax.nn.log_sigmoid,
    "hard_sigmoid": jax.nn.hard_sigmoid, "hard_silu": jax.nn.hard_silu, "mish": jax.nn.mish,
    "selu": jax.nn.selu,
}


def relu(x):
    x = arr(x)
    if x.dtype in FLOAT_DTYPES:
        return jax.nn.relu(x)
    if x.dtype == jnp.bool_:
        return x.astype(jnp.int32)  # as Keras: bools become int32, other ints keep their dtype
    return jnp.maximum(x, jnp.zeros((), x.dtype))


def elu(x, alpha=1.0):
    return jax.nn.elu(fl(x), alpha)


def celu(x, alpha=1.0):
    return jax.nn.celu(fl(x), alpha)


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(fl(x), negative_slope)


_C = math.sqrt(2 / math.pi)


@jax.custom_jvp
def _gelu_tanh_impl(x):
    return jax.nn.gelu(x, approximate=True)


@_gelu_tanh_impl.defjvp
def _gelu_tanh_jvp(primals, tangents):
    # autodiff of 0.5 x (1 + tanh z) forms 1 - tanh(z)**2 and 1 + tanh(z), which cancel (and
    # amplify XLA's float64 tanh error ~100x); with s(v) = sigmoid(v) the same derivative is
    # s(2z) + 2 x s(2z) s(-2z) dz/dx, free of cancellation
    (x,), (dx,) = primals, tangents
    z = _C * (x + 0.044715 * x * x * x)
    sp, sm = jax.nn.sigmoid(2 * z), jax.nn.sigmoid(-2 * z)
    dz = _C * (1 + 3 * 0.044715 * x * x)
    return jax.nn.gelu(x, approximate=True), dx * (sp + 2 * x * sp * sm * dz)


_gelu_tanh = jax.jit(_gelu_tanh_impl)


def gelu(x, approximate=True):
    x = fl(x)
    return _gelu_tanh(x) if approximate else jax.nn.gelu(x, approximate=False)


def softmax(x, axis=-1):
    return jax.nn.softmax(fl(x), axis=axis)


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(fl(x), axis=axis)


# ------------------------------------------------------------------------------ conv & pool
def _dimension_numbers(ndim, channels_first):
    sp = tuple(range(2, ndim)) if channels_first else tuple(range(1, ndim - 1))
    lhs = (0, 1, *sp) if channels_first else (0, ndim - 1, *sp)
    rhs = (ndim - 1, ndim - 2, *range(ndim - 2))  # kernel (*window, in, out)
    return lax.ConvDimensionNumbers(lhs, rhs, lhs)


def _spatial(x, channels_first):
    return x.shape[2:] if channels_first else x.shape[1:-1]


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    cf = _format(data_format) == "channels_first"
    padding = _padding(padding)
    x, w = promote(inputs, kernel)
    n_sp = x.ndim - 2
    ks = w.shape[:n_sp]
    cin = x.shape[1] if cf else x.shape[-1]
    groups = _groups(cin, w.shape)
    st = _tuple(strides, n_sp, "strides")
    dl = _tuple(dilation_rate, n_sp, "dilation_rate")
    if padding == "same":
        pads = [_same_pads(n, k, s, d) for n, k, s, d in zip(_spatial(x, cf), ks, st, dl)]
    else:
        pads = [(0, 0)] * n_sp
    return lax.conv_general_dilated(x, w, st, pads, rhs_dilation=dl, feature_group_count=groups,
                                    dimension_numbers=_dimension_numbers(x.ndim, cf), precision=HIGHEST)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    w = arr(kernel)
    w = jnp.reshape(w, (*w.shape[:-2], 1, w.shape[-2] * w.shape[-1]))
    return conv(inputs, w, strides, padding, data_format, dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    # the gradient of conv w.r.t. its input: a conv of the stride-dilated input with the flipped
    # kernel, padded so that the output length follows the spec's (Keras's) deconv formula
    cf = _format(data_format) == "channels_first"
    padding = _padding(padding)
    x, w = promote(inputs, kernel)
    n_sp = x.ndim - 2
    ks = w.shape[:n_sp]
    st = _tuple(strides, n_sp, "strides")
    dl = _tuple(dilation_rate, n_sp, "dilation_rate")
    op = (None,) * n_sp if output_padding is None else _tuple(output_padding, n_sp, "output_padding")
    pads = []
    for size, k, s, d, o in zip(_spatial(x, cf), ks, st, dl, op):
        eff = (k - 1) * d + 1
        length = _deconv_length(size, k, s, padding, o, d)
        lo = 0 if padding == "valid" else _same_pads(length, k, s, d)[0]
        full = (size - 1) * s + eff
        pads.append((eff - 1 - lo, length - (full - lo) + eff - 1))
    w = jnp.swapaxes(jnp.flip(w, tuple(range(n_sp))), -1, -2)
    return lax.conv_general_dilated(x, w, (1,) * n_sp, pads, lhs_dilation=st, rhs_dilation=dl,
                                    dimension_numbers=_dimension_numbers(x.ndim, cf), precision=HIGHEST)


def _pool_window(x, pool_size, strides, padding, data_format):
    cf = _format(data_format) == "channels_first"
    padding = _padding(padding)
    n_sp = x.ndim - 2
    ps = _tuple(pool_size, n_sp, "pool_size")
    st = ps if strides is None else _tuple(strides, n_sp, "strides")
    sp = _spatial(x, cf)
    if padding == "same":
        pads = [_same_pads(n, k, s, 1) for n, k, s in zip(sp, ps, st)]
    else:
        pads = [(0, 0)] * n_sp
        if any((n - k) // s + 1 <= 0 for n, k, s in zip(sp, ps, st)):
            raise ValueError(f"the window {ps} does not fit the input's spatial shape {tuple(sp)} with padding='valid'")

    def full(v, fill):
        return (fill, fill, *v) if cf else (fill, *v, fill)

    return full(ps, 1), full(st, 1), list(full(pads, (0, 0))), ps, cf


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = arr(inputs)
    win, st, pads, _, _ = _pool_window(x, pool_size, strides, padding, data_format)
    init = -np.inf if x.dtype in FLOAT_DTYPES else np.iinfo(x.dtype).min
    return lax.reduce_window(x, np.asarray(init, x.dtype), lax.max, win, st, pads)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = fl(inputs)
    win, st, pads, ps, cf = _pool_window(x, pool_size, strides, padding, data_format)
    zero = np.asarray(0, x.dtype)
    total = lax.reduce_window(x, zero, lax.add, win, st, pads)
    if all(p == (0, 0) for p in pads):
        return total / int(np.prod(ps))
    # 'same': divide by the number of real (unpadded) positions in each window
    channel = 1 if cf else x.ndim - 1
    ones = jnp.ones([1 if i in (0, channel) else n for i, n in enumerate(x.shape)], x.dtype)
    counts = lax.reduce_window(ones, zero, lax.add, win, st, pads)
    return total / counts


# ------------------------------------------------------------------------------ normalization
def _bshape(x, axis):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return shape


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = fl(x)
    shape = _bshape(x, axis)

    def r(v):
        return jnp.reshape(arr(v).astype(x.dtype), shape)

    y = (x - r(mean)) / jnp.sqrt(r(variance) + epsilon)
    if scale is not None:
        y = y * r(scale)
    if offset is not None:
        y = y + r(offset)
    return y


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    if kwargs:  # Keras's rms_scaling keyword: the spec's decomposition validates and computes it
        return _ln_decomposition(x, gamma, beta, axis, epsilon, **kwargs)
    x = fl(x)
    ax = axis_tuple(axis, x.ndim)
    mu = jnp.mean(x, ax, keepdims=True)
    xc = x - mu
    var = jnp.mean(xc * xc, ax, keepdims=True)
    y = xc / jnp.sqrt(var + (1e-7 if epsilon is None else epsilon))
    if gamma is not None:
        y = y * arr(gamma).astype(x.dtype)
    if beta is not None:
        y = y + arr(beta).astype(x.dtype)
    return y


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = fl(x)
    ax = axis_tuple(axis, x.ndim)
    y = x / jnp.sqrt(jnp.mean(x * x, ax, keepdims=True) + (1e-6 if epsilon is None else epsilon))
    if scale is not None:
        y = y * arr(scale).astype(x.dtype)
    return y


def moments(x, axes, keepdims=False, synchronized=False):
    x = fl(x)
    ax = axis_tuple(axes, x.ndim)
    m = jnp.mean(x, ax, keepdims=True)
    d = x - m
    v = jnp.mean(d * d, ax, keepdims=keepdims)
    return (m if keepdims else jnp.squeeze(m, ax)), v


# ------------------------------------------------------------------------------ losses
def binary_crossentropy(target, output, from_logits=False):
    t, o = float_promote(target, output)
    if from_logits:
        return jnp.maximum(o, 0) - o * t + jnp.log1p(jnp.exp(-jnp.abs(o)))
    o = jnp.clip(o, _EPS, 1 - _EPS)
    return -(t * jnp.log(o) + (1 - t) * jnp.log1p(-o))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    t, o = float_promote(target, output)
    if from_logits:
        return -jnp.sum(t * jax.nn.log_softmax(o, axis=axis), axis=axis)
    o = o / jnp.sum(o, axis=axis, keepdims=True)
    o = jnp.clip(o, _EPS, 1 - _EPS)
    return -jnp.sum(t * jnp.log(o), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    o = fl(output)
    oh = jax.nn.one_hot(arr(target), o.shape[axis], dtype=o.dtype, axis=axis)
    return categorical_crossentropy(oh, o, from_logits, axis)


# ------------------------------------------------------------------------------ attention
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    # The spec's formulation (as jax.nn.dot_product_attention's XLA path, which however computes
    # the logits in float32 even for float64 inputs): masked logits are set to -1e9 before the
    # softmax, so a fully masked row averages the values uniformly as in the spec.
    cap = _attention_options(flash_attention, attn_logits_soft_cap)
    q, k, v = promote(query, key, value)
    s = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    if _native_attention(q, k, v, bias, mask, cap):
        # jax's own XLA formulation is ~3x faster on CPU than the einsums below (XLA fuses the
        # softmax differently); the same computation, run at full float32 matmul precision
        with jax.default_matmul_precision("highest"):
            return jax.nn.dot_product_attention(
                q, k, v, bias=None if bias is None else arr(bias).astype(q.dtype),
                mask=None if mask is None else arr(mask).astype(bool), scale=float(s), is_causal=bool(is_causal),
                implementation="xla")
    # heads moved ahead of the sequence first: XLA's CPU dot is ~2.5x faster on (batch, heads)
    # leading batch dims than on the interleaved "btnh,bsnh" contraction (MiniLM's attention)
    q, k, v = (jnp.swapaxes(t, -3, -2) for t in (q, k, v))
    logits = jnp.einsum("bnth,bnsh->bnts", q, k, precision=HIGHEST) * s
    if bias is not None:
        logits = logits + arr(bias).astype(logits.dtype)
    if cap is not None:
        logits = cap * jnp.tanh(logits / cap)
    big = -1e9 if logits.dtype != np.float16 else -3e4
    if mask is not None:
        logits = jnp.where(arr(mask).astype(bool), logits, big)
    if is_causal:
        t, sl = logits.shape[-2:]
        logits = jnp.where(jnp.tril(jnp.ones((t, sl), bool)), logits, big)
    return jnp.swapaxes(jnp.einsum("bnts,bnsh->bnth", jax.nn.softmax(logits, axis=-1), v, precision=HIGHEST), -3, -2)


def _native_attention(q, k, v, bias, mask, cap) -> bool:
    """Whether ``jax.nn.dot_product_attention`` computes exactly the spec's attention here: rank-4
    float32 inputs with one batch size, head count and key width, keys and values of
    one shape, rank-4 (or no) bias and mask, no soft cap. (For other
    float dtypes it computes the logits in float32; masked logits become ``-0.7 * float32 max``
    instead of ``-1e9``: the same zero weights, and the same uniform average of a fully masked row.)"""
    if cap is not None or q.dtype != jnp.float32 or not (q.ndim == k.ndim == v.ndim == 4):
        return False
    if k.shape != v.shape or (q.shape[0], q.shape[2], q.shape[3]) != (k.shape[0], k.shape[2], k.shape[3]):
        return False
    return all(t is None or getattr(t, "ndim", np.ndim(t)) == 4 for t in (bias, mask))


#: op name -> kernel
KERNELS: dict = {
    **{name: float_unary(fn) for name, fn in _ACTIVATIONS.items()},
    "relu": relu, "elu": elu, "celu": celu, "leaky_relu": leaky_relu, "gelu": gelu, "softmax": softmax,
    "log_softmax": log_softmax, "conv": conv, "depthwise_conv": depthwise_conv,
    "conv_transpose": conv_transpose, "max_pool": max_pool, "average_pool": average_pool,
    "batch_normalization": batch_normalization, "layer_normalization": layer_normalization,
    "rms_normalization": rms_normalization, "moments": moments,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "dot_product_attention": dot_product_attention,
}

__all__ = ["KERNELS"]
