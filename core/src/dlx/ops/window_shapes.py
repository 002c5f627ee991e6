"""Output shapes of convolutions and pooling from their arguments, for symbolic tensors.

Probing (running the NumPy reference on zeros, :mod:`dlx.ops.symbolic`) is exact for every op but
costs a full convolution at the input's size: building a ResNet-50 at 224x224 ran 53 reference
convolutions. These rules give the same shapes by arithmetic. A rule returns ``None`` whenever
it is not sure (mixed dtypes, channels that do not divide, an empty output, an argument it does
not read): probing then decides, and raises its usual error for invalid arguments.
"""

from __future__ import annotations

from typing import NamedTuple

from dlx import dtypes as _dtypes
from dlx.ops import conv_rules


class Spec(NamedTuple):
    """A rule's answer: the output's shape (``None`` for unknown dims) and dtype name."""

    shape: tuple
    dtype: str


def _window(size, k, s, d, pad):
    """Output length along one spatial dim (``None`` stays unknown; ``False``: empty or invalid)."""
    if size is None:
        return None
    if pad == "same":
        return -(-size // s)
    n = (size - ((k - 1) * d + 1)) // s + 1
    return n if n > 0 else False


def _known(*xs) -> bool:
    return all(hasattr(x, "shape") and hasattr(x, "dtype") and None not in tuple(x.shape) for x in xs)


def _dtype(*xs):
    """The common float dtype of the tensors, or ``None`` when they differ or are not floats."""
    names = {_dtypes.standardize(x.dtype) for x in xs}
    if len(names) != 1:
        return None
    (name,) = names
    return name if _dtypes.is_float(name) else None


def _spatial(inputs, fmt, nsp):
    shape = tuple(inputs.shape)
    if len(shape) != nsp + 2:
        return None
    return (shape[1:-1], shape[-1]) if fmt == "channels_last" else (shape[2:], shape[1])


def _assemble(inputs, fmt, spatial, channels, dtype):
    if dtype is None or any(s is False for s in spatial):
        return None
    batch = next(iter(inputs.shape))
    shape = (batch, *spatial, channels) if fmt == "channels_last" else (batch, channels, *spatial)
    return Spec(shape, dtype)


def _common(inputs, nsp, strides, padding, data_format, dilation_rate):
    fmt, pad = conv_rules.data_format(data_format), conv_rules.padding(padding)
    st = conv_rules.spatial_tuple(strides, nsp, "strides")
    dl = conv_rules.spatial_tuple(dilation_rate, nsp, "dilation_rate")
    sp = _spatial(inputs, fmt, nsp)
    if sp is None or min(st) < 1 or min(dl) < 1 or (max(st) > 1 and max(dl) > 1):
        return None
    return fmt, pad, st, dl, sp


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    if not hasattr(inputs, "shape") or not _known(kernel):
        return None
    ks = tuple(kernel.shape)
    c = _common(inputs, len(ks) - 2, strides, padding, data_format, dilation_rate)
    if c is None:
        return None
    fmt, pad, st, dl, (sizes, ch) = c
    if ch is None or ch % ks[-2] or ks[-1] % (ch // ks[-2]):
        return None
    out = [_window(n, k, s, d, pad) for n, k, s, d in zip(sizes, ks[:-2], st, dl)]
    return _assemble(inputs, fmt, out, ks[-1], _dtype(inputs, kernel))


def conv_bias(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    y = conv(inputs, kernel, strides, padding, data_format, dilation_rate)
    if y is None or not _known(bias) or tuple(bias.shape) != (tuple(kernel.shape)[-1],) or _dtype(inputs, bias) is None:
        return None
    return y


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    # as the spec's decomposition: a grouped conv with a (*window, 1, in * multiplier) kernel
    if not _known(kernel):
        return None
    ks = tuple(kernel.shape)
    grouped = Spec((*ks[:-2], 1, ks[-2] * ks[-1]), _dtypes.standardize(kernel.dtype))
    return conv(inputs, grouped, strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    if y is None or not _known(pointwise_kernel) or any(k != 1 for k in tuple(pointwise_kernel.shape)[:-2]):
        return None
    return conv(y, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    if not hasattr(inputs, "shape") or not _known(kernel):
        return None
    ks = tuple(kernel.shape)
    nsp = len(ks) - 2
    c = _common(inputs, nsp, strides, padding, data_format, dilation_rate)
    if c is None:
        return None
    fmt, pad, st, dl, (sizes, ch) = c
    if ch != ks[-1]:
        return None
    ops_ = (None,) * nsp if output_padding is None else conv_rules.spatial_tuple(output_padding, nsp, "output_padding")
    out = [None if n is None else conv_rules.deconv_length(n, k, s, pad, p, d)
           for n, k, s, d, p in zip(sizes, ks[:-2], st, dl, ops_)]
    if any(o is not None and o < 1 for o in out):
        return None
    return _assemble(inputs, fmt, out, ks[-2], _dtype(inputs, kernel))


def _pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    if not hasattr(inputs, "shape"):
        return None
    nsp = len(tuple(inputs.shape)) - 2
    if nsp < 1:
        return None
    ps = conv_rules.spatial_tuple(pool_size, nsp, "pool_size")
    c = _common(inputs, nsp, ps if strides is None else strides, padding, data_format, 1)
    if c is None or min(ps) < 1:
        return None
    fmt, pad, st, _, (sizes, ch) = c
    out = [_window(n, k, s, 1, pad) for n, k, s in zip(sizes, ps, st)]
    return _assemble(inputs, fmt, out, ch, _dtype(inputs))


def _or_probe(rule):
    """``rule``, with any error in reading the arguments left to probing (which reports it)."""
    def safe(*args, **kwargs):
        try:
            return rule(*args, **kwargs)
        except (TypeError, ValueError, AttributeError):
            return None
    return safe


RULES = {name: _or_probe(rule) for name, rule in (
    ("conv", conv), ("conv_bias", conv_bias), ("depthwise_conv", depthwise_conv), ("separable_conv", separable_conv),
    ("conv_transpose", conv_transpose), ("max_pool", _pool), ("average_pool", _pool))}
