"""Neural-network ops: activations, softmax, convolution, pooling, normalization, losses,
attention. Channels-last layouts unless ``data_format="channels_first"``.

Convolutions and pools are defined by a decomposition into ops (patch extraction + a
contraction); their gradient rules are the decomposition's gradient, and the NumPy reference is
the same decomposition evaluated on the NumPy backend.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import as_array, as_float, axis_tuple, bool_case, float_promote, unary_cases, vectorize
from dlx.ops.defs._conv import (  # noqa: F401  (re-exported: backends reuse the decompositions)
    _conv_bias_check,
    _from_last,
    _on_numpy,
    _patches,
    _pool_decomposition,
    _to_last,
    _vjp_of,
    conv_bias_decomposition,
    conv_decomposition,
    conv_transpose_decomposition,
    depthwise_conv_decomposition,
)
from dlx.ops.defs._nn_docs import _ACT_EXAMPLES, _ACT_SECTIONS
from dlx.ops.defs.shape import dense_only, one_hot
from dlx.ops.spec import Case, op

G = "nn"
_erfc = vectorize(math.erfc)


def _act(name, fn, tol, grad, doc, domain="real", **kw):
    sig_extra = kw.pop("params", None)

    if sig_extra is None:
        def ref(x):
            with np.errstate(all="ignore"):
                return fn(as_float(x))
    else:
        ref = sig_extra
    ref.__doc__ = (doc if "Arguments:" in doc else doc + _ACT_SECTIONS) + "\nExample:\n\n" + _ACT_EXAMPLES[name]
    cases = kw.pop("cases", None) or unary_cases(domain)
    op(G, tol, cases, grad=grad, name=name, **kw)(ref)


def _sigmoid_np(x):
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def _softplus_np(x):
    with np.errstate(all="ignore"):
        return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype)




def _relu_ref(x):
    x = as_array(x)
    if x.dtype == np.bool_:
        return x.astype(np.int32)
    return np.maximum(x, np.zeros((), x.dtype) if x.dtype.kind in "iuf" else 0)


_act("relu", None, T.E0, lambda g, out, x: (K.where(K.greater(x, 0), g, K.zeros_like(g)),),
     "max(x, 0); integers keep their dtype and bools become int32 (as Keras).\n\n"
     "Arguments:\n    x: the input tensor (float, integer or bool).\n\n"
     "Returns:\n    A tensor of ``x``'s shape and dtype (``int32`` for bool input).\n", params=_relu_ref,
     cases=[*unary_cases("real"), Case("int", lambda r, dt: ((r.integers(-20, 20, (5, 7)).astype(dt),), {}),
                                       dtypes=("int8", "int32", "uint8"), grad=False), bool_case()])
_act("relu6", lambda x: np.clip(x, 0, 6).astype(x.dtype), T.E0,
     lambda g, out, x: (K.where(K.logical_and(K.greater(x, 0), K.less(x, 6)), g, K.zeros_like(g)),), "min(max(x, 0), 6).")
_act("sigmoid", _sigmoid_np, T.T8, lambda g, out, x: (g * out * (1 - out),), "1 / (1 + exp(-x)).")
_act("softplus", _softplus_np, T.T8, lambda g, out, x: (g * K.sigmoid(x),), "log(1 + exp(x)), stably.")
_act("softsign", lambda x: x / (1 + np.abs(x)), T.T8,
     lambda g, out, x: (g / K.square(1 + K.abs(x)),), "x / (1 + |x|).")
_act("silu", lambda x: (x * _sigmoid_np(x)).astype(x.dtype), T.T8,
     lambda g, out, x: (g * (K.sigmoid(x) * (1 + x * (1 - K.sigmoid(x)))),), "x * sigmoid(x) (swish).")
_act("log_sigmoid", lambda x: -_softplus_np(-x), T.T8, lambda g, out, x: (g * K.sigmoid(-x),), "log(sigmoid(x)), stably.")
_act("hard_sigmoid", lambda x: (np.clip(x + 3, 0, 6) / 6).astype(x.dtype), T.T8,
     lambda g, out, x: (K.where(K.logical_and(K.greater(x, -3), K.less(x, 3)), g / 6, K.zeros_like(g)),),
     "relu6(x + 3) / 6.")
_act("hard_silu", lambda x: (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype), T.T8,
     lambda g, out, x: (g * K.where(K.less(x, -3), K.zeros_like(x), K.where(K.greater(x, 3), K.ones_like(x), (2 * x + 3) / 6)),),
     "x * hard_sigmoid(x).")
_act("mish", lambda x: (x * np.tanh(_softplus_np(x))).astype(x.dtype), T.T8,
     lambda g, out, x: (g * (K.tanh(K.softplus(x)) + x * K.sigmoid(x) * (1 - K.square(K.tanh(K.softplus(x))))),),
     "x * tanh(softplus(x)).")


@op(G, T.T8, unary_cases(), grad=lambda g, out, x, alpha=1.0: (K.where(K.greater(x, 0), g, g * (out + alpha)),))
def elu(x, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        alpha: the scale of the negative branch (its limit as ``x -> -inf`` is ``-alpha``).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.elu(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.6321,  0.    ,  2.    ])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        return np.where(x > 0, x, alpha * np.expm1(x)).astype(x.dtype)


_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@op(G, T.T8, unary_cases(), grad=lambda g, out, x: (K.where(K.greater(x, 0), g * _SELU_S, g * (out + _SELU_S * _SELU_A)),))
def selu(x):
    """Scaled ELU with the self-normalizing constants.

    ``scale * (x if x > 0 else alpha * (exp(x) - 1))`` with ``alpha ~ 1.6733`` and
    ``scale ~ 1.0507``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.selu(np.array([-1.0, 0.0, 2.0])), 4)
    array([-1.1113,  0.    ,  2.1014])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        return (_SELU_S * np.where(x > 0, x, _SELU_A * np.expm1(x))).astype(x.dtype)


@op(G, T.T8, unary_cases(), grad=lambda g, out, x, alpha=1.0: (K.where(K.greater(x, 0), g, g * K.exp(x / alpha)),))
def celu(x, alpha=1.0):
    """max(x, 0) + min(0, alpha * (exp(x / alpha) - 1)).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        alpha: the scale of the negative branch (continuously differentiable for any ``alpha > 0``).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.celu(np.array([-1.0, 0.0, 2.0]), alpha=2.0), 4)
    array([-0.7869,  0.    ,  2.    ])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        return (np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha))).astype(x.dtype)


@op(G, T.E1, unary_cases(), grad=lambda g, out, x, negative_slope=0.2: (K.where(K.greater(x, 0), g, g * negative_slope),))
def leaky_relu(x, negative_slope=0.2):
    """x if x > 0 else negative_slope * x.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        negative_slope: the slope for ``x <= 0``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.leaky_relu(np.array([-2.0, 0.0, 3.0]))
    array([-0.4,  0. ,  3. ])
    """
    x = as_float(x)
    return np.where(x > 0, x, x * x.dtype.type(negative_slope)).astype(x.dtype)


def _gelu_grad(g, out, x, approximate=True):
    if approximate:
        # 0.5 (1 + tanh z) = sigmoid(2z) and 0.5 (1 - tanh² z) = 2 s (1 - s): no cancellation
        c = math.sqrt(2 / math.pi)
        z = c * (x + 0.044715 * x * x * x)
        s = K.sigmoid(2 * z)
        dz = c * (1 + 3 * 0.044715 * x * x)
        return (g * (s + 2 * x * s * K.sigmoid(-2 * z) * dz),)
    cdf = 0.5 * (1 + K.erf(x / math.sqrt(2)))
    pdf = K.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (g * (cdf + x * pdf),)


@op(G, T.H8, [
    *unary_cases(),
    Case("erf_form", lambda r, dt: ((r.standard_normal((64, 33)).astype(dt) * 3,), {"approximate": False})),
    Case("erf_form_tails", lambda r, dt: ((np.concatenate([-(10.0 ** r.uniform(-3, 1.5, 512)), 10.0 ** r.uniform(-3, 1.5, 512)]).astype(dt),), {"approximate": False}), grad=False),
], grad=_gelu_grad)
def gelu(x, approximate=True):
    """Gaussian error linear unit: ``x * Phi(x)`` (``approximate=True``: the tanh form).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        approximate: ``True`` uses ``0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x**3)))``;
            ``False`` the exact form with the Gaussian CDF ``Phi`` (through ``erfc``).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.gelu(np.array([-1.0, 0.0, 1.0])), 4)
    array([-0.1588,  0.    ,  0.8412])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        if approximate:
            z = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
            return (x * _sigmoid_np(2 * z)).astype(x.dtype)  # 0.5 (1 + tanh z) == sigmoid(2z)
        return (0.5 * x * _erfc(-x / math.sqrt(2))).astype(x.dtype)


# ------------------------------------------------------------------------------ softmax
def _sm_cases():
    def mk(shape, **kw):
        return lambda r, dt: ((r.standard_normal(shape).astype(dt) * 3,), dict(kw))
    return [Case("last", mk((8, 10))), Case("axis0", mk((8, 10), axis=0)), Case("n1000", mk((4, 1000))),
            Case("axes_tuple", mk((4, 6, 5), axis=(0, 2))),
            Case("wide_range", lambda r, dt: ((r.uniform(-80, 80, (6, 50)).astype(dt),), {})),
            Case("inf", lambda r, dt: ((np.array([[0.0, -np.inf, 1.0], [2.0, 2.0, -np.inf]]).astype(dt),), {}), grad=False)]


def _softmax_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    axis = ctx.kwargs.get("axis", -1)
    m = np.max(x, axis=axis, keepdims=True)
    with np.errstate(all="ignore"):
        d = np.where(np.isfinite(x), np.abs(x - m), 0.0)
    return np.abs(ctx.exact) * (1 + d)


def _softmax_len(args, kwargs):
    axis = kwargs.get("axis", -1)
    shape = np.shape(args[0])
    return int(np.prod([shape[a] for a in ((axis,) if isinstance(axis, int) else axis)]))


@op(G, T.Kr(_softmax_scale, _softmax_len), _sm_cases(),
    grad=lambda g, out, x, axis=-1: (out * (g - K.sum(g * out, axis=axis, keepdims=True)),))
def softmax(x, axis=-1):
    """``exp(x - max) / sum(exp(x - max))`` along ``axis``.

    Arguments:
        x: the input tensor (logits); integer and bool inputs are computed in ``floatx()``.
        axis: the axis (an int) the probabilities sum to 1 along, or a tuple of axes they sum
            to 1 over jointly; default the last.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.softmax(np.array([1.0, 2.0, 3.0])), 4)
    array([0.09  , 0.2447, 0.6652])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        m = np.max(x, axis=axis, keepdims=True)
        e = np.exp(x - m)
        return (e / np.sum(e, axis=axis, keepdims=True, dtype=x.dtype)).astype(x.dtype)


def _log_softmax_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    axis = ctx.kwargs.get("axis", -1)
    m = np.max(x, axis=axis, keepdims=True)
    with np.errstate(all="ignore"):
        lse = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return np.where(np.isfinite(x), np.abs(x), 0) + np.abs(m) + lse


@op(G, T.Kr(_log_softmax_scale, _softmax_len), _sm_cases(),
    grad=lambda g, out, x, axis=-1: (g - K.exp(out) * K.sum(g, axis=axis, keepdims=True),))
def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``.

    Arguments:
        x: the input tensor (logits); integer and bool inputs are computed in ``floatx()``.
        axis: the axis (an int) the log-probabilities are normalized along, or a tuple of axes
            normalized over jointly; default the last.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.log_softmax(np.array([1.0, 2.0, 3.0])), 4)
    array([-2.4076, -1.4076, -0.4076])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        m = np.max(x, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        lse = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True, dtype=x.dtype))
        return (x - m - lse).astype(x.dtype)


# ------------------------------------------------------------------------------ conv & pool


def _conv_len(args, kwargs):
    k = np.shape(args[1])
    return int(np.prod(k[:-1]))


def _conv_case(name, xs, ks, grad=True, **kw):
    def make(r, dt):
        return (r.standard_normal(xs).astype(dt), r.standard_normal(ks).astype(dt)), dict(kw)
    return Case(name, make, grad=grad)


_CONV_CASES = [
    _conv_case("1d_valid", (2, 9, 3), (3, 3, 4)),
    _conv_case("1d_same_stride2", (2, 9, 3), (3, 3, 4), strides=2, padding="same"),
    _conv_case("2d_valid", (2, 7, 6, 3), (3, 3, 3, 5)),
    _conv_case("2d_same", (2, 7, 6, 3), (3, 3, 3, 5), padding="same"),
    _conv_case("2d_strides", (2, 9, 8, 2), (3, 2, 2, 4), strides=(2, 3)),
    _conv_case("2d_dilation", (1, 9, 9, 2), (3, 3, 2, 3), dilation_rate=2, padding="same"),
    _conv_case("2d_stride_dilation", (2, 11, 10, 3), (3, 3, 3, 4), strides=2, dilation_rate=2, padding="same"),
    _conv_case("2d_groups", (2, 6, 6, 4), (3, 3, 2, 6)),
    _conv_case("2d_channels_first", (2, 3, 7, 6), (3, 3, 3, 5), data_format="channels_first"),
    _conv_case("3d_strides", (1, 5, 6, 5, 2), (2, 2, 2, 2, 3), strides=(1, 2, 2)),
    _conv_case("2d_k576", (1, 6, 6, 64), (3, 3, 64, 8), grad=False),
    _conv_case("2d_k2048", (1, 5, 5, 128), (4, 4, 128, 4), grad=False),
]


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation). ``kernel`` is ``(*window, in_channels / groups,
    out_channels)``; groups are implied by the input's channels.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says (``N`` spatial dims).
        kernel: a tensor of shape ``(*window, in_channels / groups, out_channels)``; the number of
            groups is ``in_channels // kernel.shape[-2]`` and must divide ``out_channels``.
        strides: the step of the window along each spatial dim: an int for all, or a tuple of ``N``.
        padding: ``"valid"`` (no padding: only windows that fit) or ``"same"`` (zero padding, split
            as evenly as possible with the extra on the right, so that the output length is
            ``ceil(length / stride)``); case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between kernel taps along each spatial dim: an int or a tuple of
            ``N``.

    Returns:
        A tensor of shape ``(batch, *out_spatial, out_channels)`` (channels first for
        ``"channels_first"``).

    Raises:
        ValueError: for an invalid ``padding`` or ``data_format``, channel counts that do not
            divide into groups, or a window larger than the (padded) input.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(5.0).reshape(1, 5, 1)
    >>> kernel = np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    >>> ops.conv(x, kernel)[0, :, 0]
    array([ 8., 14., 20.])
    >>> ops.conv(np.ones((2, 8, 8, 3)), np.ones((3, 3, 3, 4)), padding="same").shape
    (2, 8, 8, 4)
    """
    return _on_numpy(conv_decomposition)(inputs, kernel, strides, padding, data_format, dilation_rate)


op(G, T.Kc(_conv_len), _CONV_CASES, grad=_vjp_of(conv_decomposition, 2), tensors=("inputs", "kernel"),
   decomposition=conv_decomposition)(conv)


# ------------------------------------------------------------------------------ conv + bias (op-spec v2)
def _conv_bias_case(name, xs, ks, grad=True, **kw):
    def make(r, dt):
        return (r.standard_normal(xs).astype(dt), r.standard_normal(ks).astype(dt),
                r.standard_normal(ks[-1]).astype(dt)), dict(kw)
    return Case(name, make, grad=grad)


def conv_bias(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """``conv(inputs, kernel, ...)`` plus a per-output-channel ``bias``: the Conv layers'
    convolution, one kernel (the bias in the convolution's output pass) on backends that have one,
    ``conv`` then ``add`` elsewhere.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says (``N`` spatial dims).
        kernel: a tensor of shape ``(*window, in_channels / groups, out_channels)``.
        bias: a ``(out_channels,)`` vector added at every output position.
        strides, padding, data_format, dilation_rate: as for :func:`conv`.

    Returns:
        ``conv``'s output with ``bias`` added along the channel axis.

    Raises:
        ValueError: for ``conv``'s invalid arguments, or a ``bias`` that is not ``(out_channels,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(5.0).reshape(1, 5, 1)
    >>> kernel = np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    >>> ops.conv_bias(x, kernel, np.array([0.5]))[0, :, 0]
    array([ 8.5, 14.5, 20.5])
    """
    return _on_numpy(conv_bias_decomposition)(inputs, kernel, bias, strides, padding, data_format, dilation_rate)


op("internal", T.Kc(lambda a, k: _conv_len(a, k) + 1), [
    _conv_bias_case("1d_valid", (2, 9, 3), (3, 3, 4)),
    _conv_bias_case("1d_same_stride2", (2, 9, 3), (3, 3, 4), strides=2, padding="same"),
    _conv_bias_case("2d_valid", (2, 7, 6, 3), (3, 3, 3, 5)),
    _conv_bias_case("2d_same_channels_first", (2, 3, 7, 6), (3, 3, 3, 5), padding="same",
                    data_format="channels_first"),
    _conv_bias_case("2d_groups_dilation", (1, 9, 9, 4), (3, 3, 2, 6), dilation_rate=2, padding="same"),
    _conv_bias_case("3d_strides", (1, 5, 6, 5, 2), (2, 2, 2, 2, 3), strides=(1, 2, 2)),
], grad=_vjp_of(conv_bias_decomposition, 3), tensors=("inputs", "kernel", "bias"),
   decomposition=conv_bias_decomposition, validate=_conv_bias_check, since=2)(conv_bias)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: ``kernel`` is ``(*window, in_channels, depth_multiplier)``.

    Each input channel is convolved with its own ``depth_multiplier`` filters; output channel
    ``c * depth_multiplier + m`` is input channel ``c`` convolved with filter ``m``.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        kernel: a tensor of shape ``(*window, in_channels, depth_multiplier)``.
        strides: the step of the window along each spatial dim: an int or a tuple of ``N``.
        padding: ``"valid"`` (no padding) or ``"same"`` (zero padding; output length
            ``ceil(length / stride)``); case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between kernel taps: an int or a tuple of ``N``.

    Returns:
        A tensor with ``in_channels * depth_multiplier`` channels.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(8.0).reshape(1, 4, 2)
    >>> ops.depthwise_conv(x, np.ones((2, 2, 1)))[0]
    array([[ 2.,  4.],
           [ 6.,  8.],
           [10., 12.]])
    """
    return _on_numpy(depthwise_conv_decomposition)(inputs, kernel, strides, padding, data_format, dilation_rate)


op(G, T.Kc(lambda a, k: int(np.prod(np.shape(a[1])[:-2]))), [
    _conv_case("2d", (2, 7, 6, 3), (3, 3, 3, 2)),
    _conv_case("2d_same_stride", (2, 7, 6, 3), (3, 3, 3, 1), strides=2, padding="same"),
    _conv_case("1d", (2, 9, 4), (3, 4, 2)),
], grad=_vjp_of(depthwise_conv_decomposition, 2), tensors=("inputs", "kernel"),
   decomposition=depthwise_conv_decomposition)(depthwise_conv)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None, dilation_rate=1):
    """Transposed convolution (the gradient of ``conv`` w.r.t. its input). ``kernel`` is
    ``(*window, out_channels, in_channels)``; output lengths follow Keras's deconv formula.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        kernel: a tensor of shape ``(*window, out_channels, in_channels)``.
        strides: the upsampling factor along each spatial dim: an int or a tuple of ``N``.
        padding: ``"valid"`` or ``"same"`` (case-insensitive), the padding of the convolution this
            op transposes.
        output_padding: extra length added to one side of each output spatial dim (an int or a tuple
            of ``N``). ``None``: the output length is
            ``length * stride + max(window_extent - stride, 0)`` for ``"valid"`` and
            ``length * stride`` for ``"same"``; with a value it is
            ``(length - 1) * stride + window_extent - 2 * pad + output_padding`` where ``pad`` is
            ``window_extent // 2`` for ``"same"`` and 0 for ``"valid"``.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between kernel taps: an int or a tuple of ``N``
            (``window_extent = (window - 1) * dilation_rate + 1``).

    Returns:
        A tensor with ``out_channels`` channels and the output lengths above.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.ones((1, 3, 1))
    >>> kernel = np.array([1.0, 2.0]).reshape(2, 1, 1)
    >>> ops.conv_transpose(x, kernel, strides=2)[0, :, 0]
    array([1., 2., 1., 2., 1., 2.])
    """
    return _on_numpy(conv_transpose_decomposition)(inputs, kernel, strides, padding, output_padding,
                                                   data_format, dilation_rate)


op(G, T.Kc(lambda a, k: int(np.prod(np.shape(a[1])[:-2])) * np.shape(a[1])[-1]), [
    _conv_case("1d_valid", (2, 5, 3), (3, 4, 3)),
    _conv_case("2d_valid_stride2", (2, 4, 5, 3), (3, 3, 2, 3), strides=2),
    _conv_case("2d_same_stride2", (2, 4, 5, 3), (3, 3, 2, 3), strides=2, padding="same"),
    _conv_case("2d_output_padding", (1, 4, 4, 2), (3, 3, 2, 2), strides=2, output_padding=1),
    _conv_case("2d_same", (1, 5, 5, 2), (3, 3, 4, 2), padding="same"),
], grad=_vjp_of(conv_transpose_decomposition, 2), tensors=("inputs", "kernel"),
   decomposition=conv_transpose_decomposition)(conv_transpose)


max_pool_decomposition = _pool_decomposition("max")
average_pool_decomposition = _pool_decomposition("avg")


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over windows of ``pool_size`` (strides default to the pool size).

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        pool_size: the window size: an int for every spatial dim or a tuple of ``N``.
        strides: the window step: an int or a tuple of ``N``; ``None`` means ``pool_size``.
        padding: ``"valid"`` (windows that fit) or ``"same"`` (output length
            ``ceil(length / stride)``; padded positions never win the max); case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The pooled tensor, channels unchanged.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 0.0]).reshape(1, 6, 1)
    >>> ops.max_pool(x, 2)[0, :, 0]
    array([3., 5., 4.])
    """
    return _on_numpy(max_pool_decomposition)(inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with ``padding='same'`` padded positions are not counted.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        pool_size: the window size: an int for every spatial dim or a tuple of ``N``.
        strides: the window step: an int or a tuple of ``N``; ``None`` means ``pool_size``.
        padding: ``"valid"`` (windows that fit) or ``"same"`` (output length
            ``ceil(length / stride)``; each window averages only its real positions);
            case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The pooled tensor, channels unchanged.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 0.0]).reshape(1, 6, 1)
    >>> ops.average_pool(x, 2)[0, :, 0]
    array([2. , 3.5, 2. ])
    """
    return _on_numpy(average_pool_decomposition)(inputs, pool_size, strides, padding, data_format)


def _pool_cases():
    def c(name, xs, *extra, grad=True, **kw):
        return Case(name, lambda r, dt: ((r.permutation(int(np.prod(xs))).reshape(xs).astype(dt) / 7, *extra), dict(kw)), grad=grad)
    return [c("1d", (2, 8, 3), 2), c("2d", (2, 6, 6, 3), 2), c("2d_stride1_same", (2, 5, 5, 2), 3, 1, "same"),
            c("2d_odd_valid", (1, 7, 7, 2), (3, 2), (2, 2)), c("2d_channels_first", (2, 3, 6, 6), 2, data_format="channels_first")]


op(G, T.E0, _pool_cases(), grad=_vjp_of(max_pool_decomposition, 1), tensors=("inputs",),
   decomposition=max_pool_decomposition)(max_pool)


def _pool_len(args, kwargs):
    ps = args[1]
    return int(np.prod(ps)) if not isinstance(ps, int) else ps ** (np.ndim(args[0]) - 2)


op(G, T.Kr(length=_pool_len), _pool_cases(), grad=_vjp_of(average_pool_decomposition, 1), tensors=("inputs",),
   decomposition=average_pool_decomposition)(average_pool)


# ------------------------------------------------------------------------------ normalization
def _bn_scale(ctx):
    a = ctx.args
    kw = ctx.kwargs
    x, mean, variance = (np.asarray(v, np.float64) for v in a[:3])
    axis = a[3] if len(a) > 3 else kw.get("axis", -1)
    offset = a[4] if len(a) > 4 else kw.get("offset")
    scale = a[5] if len(a) > 5 else kw.get("scale")
    eps = a[6] if len(a) > 6 else kw.get("epsilon", 1e-3)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    r = lambda v: np.reshape(np.asarray(v, np.float64), shape) if v is not None else 0.0
    sd = np.sqrt(r(variance) + eps)
    g = np.abs(r(scale)) if scale is not None else 1.0
    return (np.abs(x) + np.abs(r(mean))) * g / sd + np.abs(r(offset))


def _bn_grad(g, out, x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    nd_ = tensors.ndim(x)
    ax = axis % nd_
    shape = [1] * nd_
    shape[ax] = tensors.shape(x)[ax]
    red = tuple(i for i in range(nd_) if i != ax)
    m = K.reshape(mean, shape)
    inv = K.rsqrt(K.reshape(variance, shape) + epsilon)
    gam = K.reshape(scale, shape) if scale is not None else 1.0
    gx = g * gam * inv
    gmean = -K.sum(gx, axis=red)
    gvar = K.sum(g * gam * (x - m) * -0.5 * inv * inv * inv, axis=red)
    goff = K.sum(g, axis=red) if offset is not None else None
    gscale = K.sum(g * (x - m) * inv, axis=red) if scale is not None else None
    return gx, gmean, gvar, goff, gscale


def _bn_case(name, with_affine, axis=-1):
    def make(r, dt):
        x = r.standard_normal((4, 5, 6)).astype(dt)
        c = x.shape[axis]
        args = [x, r.standard_normal(c).astype(dt), (r.random(c) + 0.5).astype(dt), axis]
        if with_affine:
            args += [r.standard_normal(c).astype(dt), r.standard_normal(c).astype(dt)]
        return tuple(args), {}
    return Case(name, make)


@op(G, T.Kr(_bn_scale, lambda a, k: 1), [_bn_case("plain", False), _bn_case("affine", True), _bn_case("axis1", True, 1)],
    grad=_bn_grad, tensors=("x", "mean", "variance", "offset", "scale"))
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with per-``axis`` statistics.

    Arguments:
        x: the input tensor.
        mean: the per-channel means, a 1-D tensor of length ``x.shape[axis]``.
        variance: the per-channel variances, same shape as ``mean``.
        axis: the channel axis of ``x`` the statistics index (an int).
        offset: per-channel values added after scaling (``None``: none).
        scale: per-channel factors (``None``: 1).
        epsilon: added to ``variance`` before the square root.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[1.0, 2.0], [3.0, 6.0]])
    >>> mean, variance = np.array([2.0, 4.0]), np.array([1.0, 4.0])
    >>> np.round(ops.batch_normalization(x, mean, variance, axis=-1), 4)
    array([[-0.9995, -0.9999],
           [ 0.9995,  0.9999]])
    """
    x = as_float(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    r = lambda v: np.reshape(np.asarray(v, x.dtype), shape)
    y = (x - r(mean)) / np.sqrt(r(variance) + x.dtype.type(epsilon))
    if scale is not None:
        y = y * r(scale)
    if offset is not None:
        y = y + r(offset)
    return y.astype(x.dtype)


def _ln_len(args, kwargs):
    axis = kwargs.get("axis", -1)
    x = np.asarray(args[0])
    n = 1
    for a in axis_tuple(axis, x.ndim):
        n *= x.shape[a]
    return n


_KERAS_EPSILON = 1e-7  # Keras's backend.epsilon(): what epsilon=None means in its ops


def ln_options(kwargs) -> bool:
    """Validates :func:`layer_normalization`'s extra keywords (Keras accepts ``rms_scaling``) and
    returns ``rms_scaling``."""
    unknown = sorted(set(kwargs) - {"rms_scaling"})
    if unknown:
        raise TypeError(f"layer_normalization: unexpected keyword argument(s) {unknown}; "
                        "the only extra keyword is rms_scaling")
    rms = kwargs.get("rms_scaling", False)
    if rms:
        warnings.warn("layer_normalization: rms_scaling=True is deprecated (as in Keras): it scales x "
                      "by 1 / sqrt(variance + epsilon) without centering and ignores beta; use "
                      "rms_normalization for RMS normalization", DeprecationWarning, stacklevel=3)
    return bool(rms)


def _ln_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    kw = ctx.kwargs
    axis = axis_tuple(kw.get("axis", -1), x.ndim)
    gamma = ctx.args[1] if len(ctx.args) > 1 else kw.get("gamma")
    beta = ctx.args[2] if len(ctx.args) > 2 else kw.get("beta")
    eps = kw.get("epsilon") or _KERAS_EPSILON
    mu = np.mean(x, axis=axis, keepdims=True)
    sd = np.sqrt(np.var(x, axis=axis, keepdims=True) + eps)
    g = np.abs(np.asarray(gamma, np.float64)) if gamma is not None else 1.0
    b = np.abs(np.asarray(beta, np.float64)) if beta is not None else 0.0
    return g * (np.abs(x) + np.abs(mu)) / sd + b


def layer_normalization_decomposition(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms = ln_options(kwargs)
    if "float" not in tensors.dtype(x):
        x = K.cast(x, "float32")
    eps = _KERAS_EPSILON if epsilon is None else epsilon
    ax = axis_tuple(axis, tensors.ndim(x))
    xc = x - K.mean(x, axis=ax, keepdims=True)
    y = (x if rms else xc) / K.sqrt(K.mean(xc * xc, axis=ax, keepdims=True) + eps)
    if gamma is not None:
        y = y * K.cast(gamma, tensors.dtype(x))
    if beta is not None and not rms:
        y = y + K.cast(beta, tensors.dtype(x))
    return y


def _ln_grad(g, out, x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    if kwargs.get("rms_scaling"):
        return _vjp_of(layer_normalization_decomposition, 3)(g, out, x, gamma, beta, axis, epsilon, **kwargs)
    eps = _KERAS_EPSILON if epsilon is None else epsilon
    ax = axis_tuple(axis, tensors.ndim(x))
    mu = K.mean(x, axis=ax, keepdims=True)
    xc = x - mu
    inv = K.rsqrt(K.mean(xc * xc, axis=ax, keepdims=True) + eps)
    xhat = xc * inv
    gh = g * gamma if gamma is not None else g
    gx = inv * (gh - K.mean(gh, axis=ax, keepdims=True) - xhat * K.mean(gh * xhat, axis=ax, keepdims=True))
    red = tuple(i for i in range(tensors.ndim(x)) if i not in ax)
    gg = K.sum(g * xhat, axis=red) if gamma is not None else None
    gb = K.sum(g, axis=red) if beta is not None else None
    if gamma is not None:
        gg = K.reshape(gg, tensors.shape(gamma))
    if beta is not None:
        gb = K.reshape(gb, tensors.shape(beta))
    return gx, gg, gb


def _ln_case(name, affine, axis=-1, eps=1e-5):
    def make(r, dt):
        x = (r.standard_normal((4, 6, 8)) * 2 + 1).astype(dt)
        if affine:
            return (x, r.standard_normal(8).astype(dt), r.standard_normal(8).astype(dt)), {"axis": axis, "epsilon": eps}
        return (x,), {"axis": axis}
    return Case(name, make)


@op(G, T.Kr(_ln_scale, _ln_len), [_ln_case("plain", False), _ln_case("affine", True), _ln_case("two_axes", False, (1, 2)),
                                  _ln_case("affine_eps", True, eps=0.1)],
    grad=_ln_grad, tensors=("x", "gamma", "beta"), decomposition=layer_normalization_decomposition)
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalizes over ``axis`` to zero mean / unit variance, then ``* gamma + beta``.
    ``epsilon=None`` means 1e-7 (Keras's ``backend.epsilon()``). Keras's deprecated
    ``rms_scaling=True`` keyword scales ``x`` by ``1 / sqrt(variance + epsilon)`` without centering
    and ignores ``beta``.

    Arguments:
        x: the input tensor; integer inputs are computed in a float dtype.
        gamma: a scale broadcast against the normalized ``x`` (``None``: none).
        beta: an offset added after ``gamma`` (``None``: none).
        axis: the axis or tuple of axes the mean and variance are taken over; default the last.
        epsilon: added to the variance before the square root; ``None`` means ``1e-7``.
        rms_scaling: (keyword, deprecated) ``True`` divides the uncentered ``x`` by the standard
            deviation and skips ``beta``; it warns with a ``DeprecationWarning``.

    Returns:
        A float tensor of ``x``'s shape.

    Raises:
        TypeError: for a keyword other than ``rms_scaling``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.layer_normalization(np.array([[1.0, 2.0, 3.0]])), 4)
    array([[-1.2247,  0.    ,  1.2247]])
    """
    rms = ln_options(kwargs)
    x = as_float(x)
    eps = x.dtype.type(_KERAS_EPSILON if epsilon is None else epsilon)
    ax = axis_tuple(axis, x.ndim)
    mu = np.mean(x, axis=ax, keepdims=True, dtype=x.dtype)
    xc = x - mu
    var = np.mean(xc * xc, axis=ax, keepdims=True, dtype=x.dtype)
    y = (x if rms else xc) / np.sqrt(var + eps)
    if gamma is not None:
        y = y * np.asarray(gamma, x.dtype)
    if beta is not None and not rms:
        y = y + np.asarray(beta, x.dtype)
    return y.astype(x.dtype)


def _rms_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    kw = ctx.kwargs
    axis = axis_tuple(kw.get("axis", -1), x.ndim)
    scale = ctx.args[1] if len(ctx.args) > 1 else kw.get("scale")
    eps = kw.get("epsilon") or 1e-6
    rms = np.sqrt(np.mean(x * x, axis=axis, keepdims=True) + eps)
    s = np.abs(np.asarray(scale, np.float64)) if scale is not None else 1.0
    return s * (np.abs(x) / rms + np.abs(x) / rms)


def _rms_grad(g, out, x, scale=None, axis=-1, epsilon=None):
    eps = 1e-6 if epsilon is None else epsilon
    ax = axis_tuple(axis, tensors.ndim(x))
    inv = K.rsqrt(K.mean(x * x, axis=ax, keepdims=True) + eps)
    gh = g * scale if scale is not None else g
    gx = inv * (gh - x * inv * inv * K.mean(gh * x, axis=ax, keepdims=True))
    gs = None
    if scale is not None:
        red = tuple(i for i in range(tensors.ndim(x)) if i not in ax)
        gs = K.reshape(K.sum(g * x * inv, axis=red), tensors.shape(scale))
    return gx, gs


@op(G, T.Kr(_rms_scale, _ln_len), [
    Case("plain", lambda r, dt: ((r.standard_normal((4, 8)).astype(dt),), {})),
    Case("scale", lambda r, dt: ((r.standard_normal((3, 4, 8)).astype(dt), r.standard_normal(8).astype(dt)), {"epsilon": 1e-5})),
], grad=_rms_grad, tensors=("x", "scale"))
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x**2) + epsilon) * scale`` over ``axis``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        scale: a factor broadcast against the normalized ``x`` (``None``: none).
        axis: the axis or tuple of axes the mean square is taken over; default the last.
        epsilon: added to the mean square before the square root; ``None`` means ``1e-6``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.rms_normalization(np.array([[3.0, 4.0]])), 4)
    array([[0.8485, 1.1314]])
    """
    x = as_float(x)
    eps = x.dtype.type(1e-6 if epsilon is None else epsilon)
    ax = axis_tuple(axis, x.ndim)
    y = x / np.sqrt(np.mean(x * x, axis=ax, keepdims=True, dtype=x.dtype) + eps)
    if scale is not None:
        y = y * np.asarray(scale, x.dtype)
    return y.astype(x.dtype)


def _moments_grad(g, out, x, axes, keepdims=False, synchronized=False):
    gm, gv = g
    ax = axis_tuple(axes, tensors.ndim(x))
    n = 1
    for a in ax:
        n *= tensors.shape(x)[a]
    if not keepdims:
        for a in sorted(ax):
            gm = K.expand_dims(gm, a)
            gv = K.expand_dims(gv, a)
    mu = K.mean(x, axis=ax, keepdims=True)
    return (gm / n + gv * 2.0 * (x - mu) / n,)


def _moments_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    axes = ctx.args[1] if len(ctx.args) > 1 else ctx.kwargs["axes"]
    axes = tuple(axes) if not isinstance(axes, int) else axes
    keep = ctx.kwargs.get("keepdims", False)
    if getattr(ctx, "index", 0) == 0:
        return np.mean(np.abs(x), axis=axes, keepdims=keep)
    return 2 * np.mean(x * x, axis=axes, keepdims=keep)


@op(G, T.Kr(_moments_scale, lambda a, k: T.reduced_length((a[0], a[1]), {})), [
    Case("batch", lambda r, dt: ((r.standard_normal((16, 5)).astype(dt), [0]), {})),
    Case("spatial_keepdims", lambda r, dt: ((r.standard_normal((2, 4, 4, 3)).astype(dt), [0, 1, 2]), {"keepdims": True})),
], grad=_moments_grad, tensors=("x",))
def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` of ``x`` over ``axes``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axes: the axis (an int) or axes (a tuple or list of ints) to reduce.
        keepdims: keep the reduced axes with length 1.
        synchronized: under a dlx distribution over several processes, ask for the statistics of
            the global batch: the torch backend all-reduces its per-process sums; backends whose
            arrays already span the global batch (or one process) give the same result either way.

    Returns:
        A tuple ``(mean, variance)`` of float tensors, the (biased) variance dividing by the count.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> mean, variance = ops.moments(np.array([[1.0, 2.0], [3.0, 6.0]]), axes=0)
    >>> mean, variance
    (array([2., 4.]), array([1., 4.]))
    """
    x = as_float(x)
    ax = tuple(axes) if not isinstance(axes, int) else (axes,)
    m = np.mean(x, axis=ax, keepdims=True, dtype=x.dtype)
    d = x - m
    v = np.mean(d * d, axis=ax, keepdims=keepdims, dtype=x.dtype)
    if not keepdims:
        m = np.squeeze(m, axis=ax)
    return m.astype(x.dtype), np.asarray(v).astype(x.dtype)


# ------------------------------------------------------------------------------ losses
_EPS = 1e-7


def _bce_scale(ctx):
    t = np.asarray(ctx.args[0], np.float64)
    o = np.asarray(ctx.args[1], np.float64)
    if ctx.kwargs.get("from_logits", False):
        return np.abs(o) * (1 + np.abs(t)) + np.log1p(np.exp(-np.abs(o))) + 1
    o = np.clip(o, _EPS, 1 - _EPS)
    return np.abs(t * np.log(o)) + np.abs((1 - t) * np.log1p(-o)) + 1


def _bce_grad(g, out, target, output, from_logits=False):
    if from_logits:
        return -g * output, g * (K.sigmoid(output) - target)
    o = K.clip(output, _EPS, 1 - _EPS)
    inside = K.logical_and(K.greater(output, _EPS), K.less(output, 1 - _EPS))
    go = g * (-(target / o) + (1 - target) / (1 - o))
    return g * (K.log(1 - o) - K.log(o)), K.where(inside, go, K.zeros_like(go))


def _ce_cases(logits_kw):
    def make_probs(r, dt, shape):
        p = r.random(shape) + 0.05
        return (p / p.sum(-1, keepdims=True)).astype(dt)
    return [
        Case("logits", lambda r, dt: ((r.random((6, 5)).astype(dt), (r.standard_normal((6, 5)) * 3).astype(dt)), {"from_logits": True})),
        Case("probs", lambda r, dt: ((r.random((6, 5)).astype(dt), make_probs(r, dt, (6, 5))), {})),
    ]


@op(G, T.Kr(_bce_scale, lambda a, k: 4), [
    Case("logits", lambda r, dt: (((r.random((6, 5)) < 0.5).astype(dt), (r.standard_normal((6, 5)) * 4).astype(dt)), {"from_logits": True})),
    Case("probs", lambda r, dt: (((r.random((6, 5)) < 0.5).astype(dt), r.uniform(0.01, 0.99, (6, 5)).astype(dt)), {})),
    Case("soft_targets", lambda r, dt: ((r.random((6, 5)).astype(dt), r.uniform(0.01, 0.99, (6, 5)).astype(dt)), {})),
], grad=_bce_grad, tensors=("target", "output"))
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy. Probabilities are clipped to ``[1e-7, 1 - 1e-7]``.

    Arguments:
        target: the true labels in ``[0, 1]``, broadcastable against ``output``.
        output: probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``output`` is logits (then computed stably as
            ``max(o, 0) - o * t + log1p(exp(-|o|))``, without clipping).

    Returns:
        The per-element loss (no reduction), a float tensor of the broadcast shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> target = np.array([1.0, 0.0])
    >>> np.round(ops.binary_crossentropy(target, np.array([0.9, 0.2])), 4)
    array([0.1054, 0.2231])
    """
    t, o = float_promote(target, output)
    with np.errstate(all="ignore"):
        if from_logits:
            return (np.maximum(o, 0) - o * t + np.log1p(np.exp(-np.abs(o)))).astype(o.dtype)
        o = np.clip(o, _EPS, 1 - _EPS)
        return (-(t * np.log(o) + (1 - t) * np.log1p(-o))).astype(o.dtype)


def _cce_scale(ctx):
    t = np.abs(np.asarray(ctx.args[0], np.float64))
    o = np.asarray(ctx.args[1], np.float64)
    axis = ctx.kwargs.get("axis", -1)
    if ctx.kwargs.get("from_logits", False):
        m = np.max(o, axis=axis, keepdims=True)
        lse = np.log(np.sum(np.exp(o - m), axis=axis, keepdims=True))
        return np.sum(t * (np.abs(o) + np.abs(m) + lse), axis=axis)
    o = o / np.sum(o, axis=axis, keepdims=True)
    return np.sum(t * (np.abs(np.log(np.clip(o, _EPS, 1 - _EPS))) + 1), axis=axis)


def _cce_grad(g, out, target, output, from_logits=False, axis=-1):
    g = K.expand_dims(g, axis)
    if from_logits:
        ls = K.log_softmax(output, axis=axis)
        gt = -g * ls
        go = g * (K.softmax(output, axis=axis) * K.sum(target, axis=axis, keepdims=True) - target)
        return gt, go
    s = K.sum(output, axis=axis, keepdims=True)
    p = output / s
    pc = K.clip(p, _EPS, 1 - _EPS)
    inside = K.logical_and(K.greater(p, _EPS), K.less(p, 1 - _EPS))
    gp = K.where(inside, -g * target / pc, K.zeros_like(p))
    go = (gp - K.sum(gp * p, axis=axis, keepdims=True)) / s
    return -g * K.log(pc), go


@op(G, T.Kr(_cce_scale, lambda a, k: np.shape(a[1])[k.get("axis", -1)]), _ce_cases(True),
    grad=_cce_grad, tensors=("target", "output"))
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-sum(target * log(p))`` along ``axis``; ``p`` is ``softmax(output)`` with
    ``from_logits``, else ``output`` renormalized to sum 1 and clipped to ``[1e-7, 1 - 1e-7]``.

    Arguments:
        target: one-hot (or soft) labels, the shape of ``output``.
        output: probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``output`` is logits.
        axis: the class axis; default the last.

    Returns:
        The loss with ``axis`` reduced away (no other reduction).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> target = np.array([[0.0, 1.0, 0.0]])
    >>> np.round(ops.categorical_crossentropy(target, np.array([[0.1, 0.8, 0.1]])), 4)
    array([0.2231])
    """
    t, o = float_promote(target, output)
    with np.errstate(all="ignore"):
        if from_logits:
            return (-np.sum(t * log_softmax(o, axis=axis), axis=axis, dtype=o.dtype)).astype(o.dtype)
        o = o / np.sum(o, axis=axis, keepdims=True, dtype=o.dtype)
        o = np.clip(o, _EPS, 1 - _EPS)
        return (-np.sum(t * np.log(o), axis=axis, dtype=o.dtype)).astype(o.dtype)


def _scce_scale(ctx):
    t = np.asarray(ctx.args[0]).astype(np.int64)
    o = np.asarray(ctx.args[1], np.float64)
    axis = ctx.kwargs.get("axis", -1)
    oh = (t[..., None] == np.arange(o.shape[axis])).astype(np.float64)
    oh = np.moveaxis(oh, -1, axis)
    c = type(ctx)(args=(oh, o), kwargs=ctx.kwargs, exact=ctx.exact, reference=ctx.reference)
    return _cce_scale(c)


def _scce_grad(g, out, target, output, from_logits=False, axis=-1):
    oh = K.one_hot(K.cast(target, "int32"), tensors.shape(output)[axis], axis=axis, dtype=tensors.dtype(output))
    return None, _cce_grad(g, out, oh, output, from_logits, axis)[1]


@op(G, T.Kr(_scce_scale, lambda a, k: np.shape(a[1])[k.get("axis", -1)]), [
    Case("logits", lambda r, dt: ((r.integers(0, 5, (6,)).astype(np.int32), (r.standard_normal((6, 5)) * 3).astype(dt)), {"from_logits": True})),
    Case("probs", lambda r, dt: ((r.integers(0, 5, (2, 3)).astype(np.int32), (lambda p: p / p.sum(-1, keepdims=True))(r.random((2, 3, 5)) + 0.05).astype(dt)), {})),
], grad=_scce_grad, tensors=("target", "output"))
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical cross-entropy with integer class ``target``s.

    Arguments:
        target: integer class indices, ``output``'s shape without the class axis.
        output: probabilities, or logits with ``from_logits=True``, with classes along ``axis``.
        from_logits: whether ``output`` is logits (else it is renormalized and clipped to
            ``[1e-7, 1 - 1e-7]`` as in :func:`categorical_crossentropy`).
        axis: the class axis of ``output``; default the last.

    Returns:
        The per-example loss, of ``target``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.sparse_categorical_crossentropy(np.array([1]), np.array([[0.1, 0.8, 0.1]])), 4)
    array([0.2231])
    """
    o = as_float(output)
    t = np.asarray(target).astype(np.int64)
    oh = (t[..., None] == np.arange(o.shape[axis])).astype(o.dtype)
    if axis != -1:
        oh = np.moveaxis(oh, -1, axis)
    return categorical_crossentropy(oh, o, from_logits, axis)


# ------------------------------------------------------------------------------ multi_hot
def _multi_hot_classes(num_classes, kwargs):
    if "num_tokens" in kwargs:  # Keras's older name
        if num_classes is not None:
            raise ValueError("multi_hot: pass num_classes or num_tokens, not both")
        num_classes = kwargs.pop("num_tokens")
    if kwargs:
        raise TypeError(f"multi_hot: unexpected keyword argument(s) {sorted(kwargs)}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"multi_hot: num_classes={num_classes!r}; expected a positive int")
    return num_classes


def multi_hot_decomposition(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = _multi_hot_classes(num_classes, dict(kwargs))
    dense_only("multi_hot", sparse)
    red = 1 if len(tensors.shape(inputs)) > 1 else 0
    return K.max(K.one_hot(K.cast(inputs, "int32"), num_classes, axis=axis, dtype=dtype), axis=red)


@op(G, T.E0, [
    Case("batch", lambda r, dt: ((r.integers(0, 6, (4, 3)).astype(np.int32),), {"num_classes": 6, "dtype": dt}), grad=False),
    Case("vector", lambda r, dt: ((np.array([0, 4, 4], np.int32),), {"num_classes": 5, "dtype": dt}), grad=False),
    Case("num_tokens", lambda r, dt: ((r.integers(0, 4, (3, 2)).astype(np.int32),), {"num_tokens": 4, "dtype": dt}), grad=False),
], decomposition=multi_hot_decomposition, tensors=("inputs",))
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encodes integer ``inputs``: 1 for each class present (over axis 1 of a batch of
    rows, or over a single vector), else 0. ``num_tokens`` is accepted for ``num_classes``
    (Keras's older name); ``sparse=True`` raises (dlx tensors are dense).

    Arguments:
        inputs: integer class indices, a vector or a batch of rows.
        num_classes: the number of classes (a positive int; required, here or as ``num_tokens``).
        axis: where the class axis goes in the intermediate one-hot encoding (which is then
            reduced over axis 1, or axis 0 for a vector); default the last.
        dtype: the output dtype; ``None`` means ``floatx()``.
        sparse: must be ``False``.
        num_tokens: (keyword) Keras's older name for ``num_classes``.

    Returns:
        With the default ``axis``: ``(num_classes,)`` for a vector, ``(batch, num_classes)`` for
        rows.

    Raises:
        ValueError: when ``num_classes`` is missing or not a positive int, when both
            ``num_classes`` and ``num_tokens`` are given, or when ``sparse=True``.
        TypeError: for any other keyword.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.multi_hot(np.array([[0, 2], [1, 1]]), num_classes=4)
    array([[1., 0., 1., 0.],
           [0., 1., 0., 0.]], dtype=float32)
    """
    num_classes = _multi_hot_classes(num_classes, dict(kwargs))
    dense_only("multi_hot", sparse)
    x = np.asarray(inputs).astype(np.int64)
    oh = one_hot(x, num_classes, axis, dtype)
    return np.max(oh, axis=1 if x.ndim > 1 else 0)


# ------------------------------------------------------------------------------ attention
def attention_options(flash_attention, attn_logits_soft_cap):
    """Validates Keras's ``flash_attention`` / ``attn_logits_soft_cap`` arguments of
    :func:`dot_product_attention` and returns the soft cap (``None`` for none)."""
    if flash_attention:
        raise ValueError(f"dot_product_attention: flash_attention={flash_attention!r}; the active "
                         "dlx backend has no fused (flash) attention kernel; pass None or False")
    if attn_logits_soft_cap is not None and not attn_logits_soft_cap > 0:
        raise ValueError(f"dot_product_attention: attn_logits_soft_cap={attn_logits_soft_cap!r}; "
                         "expected a positive number or None")
    return attn_logits_soft_cap


def dot_product_attention_decomposition(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                                        flash_attention=None, attn_logits_soft_cap=None):
    cap = attention_options(flash_attention, attn_logits_soft_cap)
    h = tensors.shape(query)[-1]
    s = 1.0 / math.sqrt(h) if scale is None else scale
    logits = K.einsum("btnh,bsnh->bnts", query, key) * s
    if bias is not None:
        logits = logits + bias
    if cap is not None:
        logits = cap * K.tanh(logits / cap)
    big = -1e9 if tensors.dtype(logits) != "float16" else -3e4
    if mask is not None:
        logits = K.where(K.cast(mask, "bool"), logits, K.full_like(logits, big))
    if is_causal:
        t, sl = tensors.shape(logits)[-2], tensors.shape(logits)[-1]
        causal = K.tril(K.ones((t, sl), "bool"))
        logits = K.where(causal, logits, K.full_like(logits, big))
    w = K.softmax(logits, axis=-1)
    return K.einsum("bnts,bsnh->btnh", w, value)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on ``(batch, seq, heads, head_dim)`` tensors. ``mask`` is
    boolean (``True`` = attend), ``bias`` is added to the logits. ``attn_logits_soft_cap=c``
    caps the (biased) logits softly as ``c * tanh(logits / c)`` before masking.
    ``flash_attention=True`` raises: no dlx backend has a fused attention kernel.

    Arguments:
        query: a tensor of shape ``(batch, target_len, heads, head_dim)``.
        key: a tensor of shape ``(batch, source_len, heads, head_dim)``.
        value: a tensor of shape ``(batch, source_len, heads, value_dim)``.
        bias: added to the logits, broadcastable to ``(batch, heads, target_len, source_len)``
            (``None``: none).
        mask: a boolean tensor broadcastable to the logits' shape; ``False`` positions get no
            attention (``None``: none).
        scale: the factor applied to ``query . key``; ``None`` means ``1 / sqrt(head_dim)``.
        is_causal: mask out positions where the source index exceeds the target index.
        flash_attention: ``None`` or ``False``; ``True`` raises.
        attn_logits_soft_cap: a positive soft cap for the logits (``None``: none).

    Returns:
        A tensor of shape ``(batch, target_len, heads, value_dim)``.

    Raises:
        ValueError: when ``flash_attention`` is true or ``attn_logits_soft_cap`` is not positive.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> q = k = v = np.random.default_rng(0).standard_normal((2, 5, 4, 8))
    >>> ops.dot_product_attention(q, k, v, is_causal=True).shape
    (2, 5, 4, 8)
    >>> value = np.arange(3.0).reshape(1, 3, 1, 1)
    >>> ops.dot_product_attention(np.zeros((1, 1, 1, 1)), np.zeros((1, 3, 1, 1)), value)[0, :, 0, 0]
    array([1.])
    """
    return _on_numpy(dot_product_attention_decomposition)(query, key, value, bias, mask, scale, is_causal,
                                                          flash_attention, attn_logits_soft_cap)


def _attn_case(name, causal=False, with_mask=False, with_bias=False, cap=None):
    def make(r, dt):
        q = r.standard_normal((2, 4, 2, 8)).astype(dt)
        k = r.standard_normal((2, 5 if not causal else 4, 2, 8)).astype(dt)
        v = r.standard_normal(k.shape).astype(dt)
        kw = {"is_causal": causal}
        if with_mask:
            kw["mask"] = r.random((2, 2, 4, k.shape[1])) < 0.7
            kw["mask"][..., 0] = True
        if with_bias:
            kw["bias"] = r.standard_normal((2, 2, 4, k.shape[1])).astype(dt)
        if cap is not None:
            q = q * 3
            kw["attn_logits_soft_cap"] = cap
        return (q, k, v), kw
    return Case(name, make)


def _attention_grad(g, out, query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                    flash_attention=None, attn_logits_soft_cap=None):
    if bias is None:
        return _vjp_of(dot_product_attention_decomposition, 3)(
            g, out, query, key, value, None, mask, scale, is_causal, flash_attention, attn_logits_soft_cap)

    def with_bias_first(q, k, v, b, m, s, c, f, cap):
        return dot_product_attention_decomposition(q, k, v, b, m, s, c, f, cap)
    return _vjp_of(with_bias_first, 4)(g, out, query, key, value, bias, mask, scale, is_causal, flash_attention,
                                       attn_logits_soft_cap)


op(G, T.Normwise(32), [_attn_case("plain"), _attn_case("causal", causal=True), _attn_case("mask", with_mask=True),
                       _attn_case("bias", with_bias=True), _attn_case("soft_cap", with_mask=True, cap=2.0)],
   grad=_attention_grad, tensors=("query", "key", "value", "bias", "mask"),
   decomposition=dot_product_attention_decomposition)(dot_product_attention)
