"""Spatial ops of Keras's ``nn`` group built on convolution and pooling: ``separable_conv``
(depthwise then pointwise convolution) and adaptive average / max pooling (a fixed output size
whatever the input size). Split from :mod:`dlx.ops.defs.nn` to keep both short.

Adaptive pooling: output index ``i`` of an axis of length ``L`` pools the input window
``[floor(i * L / out), ceil((i + 1) * L / out))`` (PyTorch's and Keras 3's rule; windows overlap
when ``L`` is not a multiple of ``out``).
"""

from __future__ import annotations

import numpy as np

from dlx import config
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._conv import _on_numpy, _vjp_of
from dlx.ops.spec import Case, op

G = "nn"


# ------------------------------------------------------------------------------ separable_conv
def separable_conv_decomposition(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                                 data_format=None, dilation_rate=1):
    y = K.depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return K.conv(y, pointwise_kernel, 1, "valid", data_format, 1)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise convolution with ``depthwise_kernel`` ``(*window, in_channels,
    depth_multiplier)``, then a 1x1 convolution with ``pointwise_kernel`` ``(*ones,
    in_channels * depth_multiplier, out_channels)``.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says (``N`` spatial dims).
        depthwise_kernel: ``(*window, in_channels, depth_multiplier)``, one set of filters per
            input channel.
        pointwise_kernel: ``(1, ..., 1, in_channels * depth_multiplier, out_channels)``, mixing
            the channels.
        strides: the step of the depthwise window: an int or a tuple of ``N``.
        padding: ``"valid"`` (no padding) or ``"same"`` (zero padding; output length
            ``ceil(length / stride)``) for the depthwise step; case-insensitive.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between depthwise kernel taps: an int or a tuple of ``N``.

    Returns:
        A tensor with ``out_channels`` channels and the depthwise step's spatial shape.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one
            of the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.ones((1, 3, 3, 2))
    >>> depthwise = np.ones((2, 2, 2, 1))  # a 2 x 2 window per channel
    >>> pointwise = np.ones((1, 1, 2, 1))  # sums the 2 channels
    >>> ops.separable_conv(x, depthwise, pointwise)[0, :, :, 0]
    array([[8., 8.],
           [8., 8.]])
    """
    return _on_numpy(separable_conv_decomposition)(inputs, depthwise_kernel, pointwise_kernel, strides, padding,
                                                   data_format, dilation_rate)


def _sep_len(args, kwargs):
    dk, pk = np.shape(args[1]), np.shape(args[2])
    return int(np.prod(dk[:-2])) * int(pk[-2])


def _sep_case(name, xs, dks, pks, grad=True, **kw):
    def make(r, dt):
        return (r.standard_normal(xs).astype(dt), r.standard_normal(dks).astype(dt),
                r.standard_normal(pks).astype(dt)), dict(kw)
    return Case(name, make, grad=grad)


op(G, T.Kc(_sep_len), [
    _sep_case("2d", (2, 7, 6, 3), (3, 3, 3, 2), (1, 1, 6, 4)),
    _sep_case("2d_same_stride", (2, 8, 7, 3), (3, 3, 3, 1), (1, 1, 3, 5), strides=2, padding="same"),
    _sep_case("2d_dilation", (1, 9, 9, 2), (3, 3, 2, 2), (1, 1, 4, 3), dilation_rate=2),
    _sep_case("2d_channels_first", (2, 3, 7, 6), (3, 3, 3, 2), (1, 1, 6, 4), data_format="channels_first"),
    _sep_case("1d", (2, 9, 4), (3, 4, 2), (1, 8, 3)),
], grad=_vjp_of(separable_conv_decomposition, 3), tensors=("inputs", "depthwise_kernel", "pointwise_kernel"),
   decomposition=separable_conv_decomposition)(separable_conv)


# ------------------------------------------------------------------------------ adaptive pooling
def adaptive_windows(length: int, out: int):
    """``(starts, ends)`` of the ``out`` windows over an axis of ``length``."""
    starts = (np.arange(out) * length) // out
    ends = -((-(np.arange(1, out + 1) * length)) // out)
    return starts, ends


def adaptive_sizes(opname, inputs, output_size, data_format):
    """Validates the arguments; returns ``(channels_first, spatial axes, output sizes)``."""
    rank = len(tensors.shape(inputs)) - 2
    if rank < 1:
        raise ValueError(f"{opname}: inputs of shape {tensors.shape(inputs)}; expected (batch, *spatial, channels)")
    df = data_format or config.image_data_format()
    if df not in ("channels_first", "channels_last"):
        raise ValueError(f"{opname}: data_format={data_format!r}; expected 'channels_first' or 'channels_last'")
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        output_size = (output_size,) * rank
    if (not isinstance(output_size, (list, tuple)) or len(output_size) != rank
            or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in output_size)):
        raise ValueError(f"{opname}: output_size={output_size!r}; expected a positive int or {rank} of them")
    first = 2 if df == "channels_first" else 1
    return df == "channels_first", tuple(range(first, first + rank)), tuple(int(s) for s in output_size)


def _adaptive(opname, reduce):
    def decomposition(inputs, output_size, data_format=None):
        _, axes, sizes = adaptive_sizes(opname, inputs, output_size, data_format)
        x = inputs if "float" in tensors.dtype(inputs) else K.cast(inputs, "float32")
        rank = len(tensors.shape(x))
        for axis, out in zip(axes, sizes):
            length = tensors.shape(x)[axis]
            if length is None:
                raise ValueError(f"{opname}: the spatial sizes must be known; inputs have shape {tensors.shape(x)}")
            starts, ends = adaptive_windows(length, out)
            if reduce == "average":
                m = np.zeros((out, length))
                for i, (a, b) in enumerate(zip(starts, ends)):
                    m[i, a:b] = 1.0 / (b - a)
                letters = "abcde"[:rank]
                dst = letters.replace(letters[axis], "z")
                x = K.einsum(f"{letters},z{letters[axis]}->{dst}", x, K.cast(m, tensors.dtype(x)))
            else:
                parts = []
                for a, b in zip(starts, ends):
                    key = [slice(None)] * rank
                    key[axis] = slice(int(a), int(b))
                    parts.append(K.max(K.get_item(x, tuple(key)), axis=axis, keepdims=True))
                x = K.concatenate(parts, axis=axis)
        return x
    return decomposition


adaptive_average_pool_decomposition = _adaptive("adaptive_average_pool", "average")
adaptive_max_pool_decomposition = _adaptive("adaptive_max_pool", "max")


def _pool_case(name, shape, size, grad=True, **kw):
    def make(r, dt):
        return (r.standard_normal(shape).astype(dt), size), dict(kw)
    return Case(name, make, grad=grad)


_ADAPTIVE_CASES = [
    _pool_case("1d", (2, 10, 3), 4),
    _pool_case("2d_overlapping", (2, 7, 9, 3), (3, 4)),
    _pool_case("2d_exact", (1, 8, 8, 2), 4),
    _pool_case("2d_upsample", (1, 3, 2, 2), (5, 4)),
    _pool_case("2d_channels_first", (2, 3, 7, 5), (2, 3), data_format="channels_first"),
    _pool_case("3d", (1, 5, 6, 4, 2), (2, 3, 2)),
]


def _avg_len(args, kwargs):
    x = np.shape(args[0])
    return int(max(x[1:-1] + x[2:])) + 1


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Averages ``inputs`` (``(batch, *spatial, channels)``, or channels first) over adaptive
    windows so the spatial shape becomes ``output_size`` (an int or one per spatial axis).

    Output index ``i`` of an axis of length ``L`` averages the input window
    ``[floor(i * L / out), ceil((i + 1) * L / out))``; windows overlap when ``L`` is not a multiple
    of ``out``, and ``out > L`` repeats input positions.

    Arguments:
        inputs: a tensor with a batch axis, a channel axis and 1 or more spatial axes of known
            size; integer inputs are pooled in ``float32``.
        output_size: the output spatial shape: a positive int for every spatial axis, or a tuple
            or list of positive ints, one per axis.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A float tensor with spatial shape ``output_size``, batch and channels unchanged.

    Raises:
        ValueError: for an input without spatial axes, an invalid ``data_format`` or
            ``output_size``, or unknown spatial sizes.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> ops.adaptive_average_pool(x, 2)[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    return _on_numpy(adaptive_average_pool_decomposition)(inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """The maximum of ``inputs`` over adaptive windows (see :func:`adaptive_average_pool`).

    Arguments:
        inputs: a tensor with a batch axis, a channel axis and 1 or more spatial axes of known
            size; integer inputs are pooled in ``float32``.
        output_size: the output spatial shape: a positive int for every spatial axis, or a tuple
            or list of positive ints, one per axis.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A float tensor with spatial shape ``output_size``, batch and channels unchanged.

    Raises:
        ValueError: for an input without spatial axes, an invalid ``data_format`` or
            ``output_size``, or unknown spatial sizes.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> ops.adaptive_max_pool(x, 2)[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _on_numpy(adaptive_max_pool_decomposition)(inputs, output_size, data_format)


# one pass per axis: each output element is a chain of weighted sums, at most a window per axis
op(G, T.Kr(length=lambda a, k: 3 * _avg_len(a, k)), _ADAPTIVE_CASES,
   grad=_vjp_of(adaptive_average_pool_decomposition, 1), tensors=("inputs",),
   decomposition=adaptive_average_pool_decomposition)(adaptive_average_pool)
op(G, T.E0, _ADAPTIVE_CASES, grad=_vjp_of(adaptive_max_pool_decomposition, 1), tensors=("inputs",),
   decomposition=adaptive_max_pool_decomposition)(adaptive_max_pool)
