"""Kernels of :mod:`dlx.ops.defs.image_filters`: ``depth_to_space`` / ``space_to_depth`` on
``tf.nn.depth_to_space`` / ``space_to_depth`` (TensorFlow's order is the spec's channels-last
order; channels-first tensors are transposed around it and reordered) and 2-D ``extract_patches``
on ``tf.image.extract_patches`` (same ``(row, column, channel)`` order and "same" padding). The
others run their spec's decomposition."""

from __future__ import annotations

from dlx.ops.conv_rules import data_format as _format
from dlx.ops.conv_rules import padding as _padding
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx.ops.defs import image_filters as spec
from dlx_tf._core import tensor, tf


def depth_to_space(x, block_size, data_format="channels_last"):
    x = tensor(x)
    b, data_format = spec._check_block(x, block_size, data_format, "depth_to_space")
    if data_format == "channels_last":
        return tf.nn.depth_to_space(x, b)
    n, c, h, w = x.shape
    if c % (b * b):
        raise ValueError(f"depth_to_space: channels {c} are not divisible by block_size**2 = {b * b}")
    # (channel, row, column) groups -> TensorFlow's (row, column, channel) order
    y = tf.reshape(tf.transpose(tf.reshape(x, (n, c // (b * b), b * b, h, w)), (0, 3, 4, 2, 1)), (n, h, w, c))
    return tf.transpose(tf.nn.depth_to_space(y, b), (0, 3, 1, 2))


def space_to_depth(x, block_size, data_format="channels_last"):
    x = tensor(x)
    b, data_format = spec._check_block(x, block_size, data_format, "space_to_depth")
    h, w = (x.shape[1], x.shape[2]) if data_format == "channels_last" else (x.shape[2], x.shape[3])
    if h % b or w % b:
        raise ValueError(f"space_to_depth: height {h} and width {w} must be divisible by block_size={b}")
    if data_format == "channels_last":
        return tf.nn.space_to_depth(x, b)
    n, c = x.shape[0], x.shape[1]
    y = tf.nn.space_to_depth(tf.transpose(x, (0, 2, 3, 1)), b)  # (n, h/b, w/b, b*b*c), (row, col, ch)
    y = tf.reshape(y, (n, h // b, w // b, b * b, c))
    return tf.reshape(tf.transpose(y, (0, 4, 3, 1, 2)), (n, c * b * b, h // b, w // b))


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    three_d = not isinstance(size, int) and len(size) == 3
    x = tensor(images)
    if three_d or (x.dtype not in (tf.float32, tf.float64, tf.float16, tf.bfloat16) and x.dtype != tf.uint8):
        return spec.extract_patches_decomposition(images, size, strides, dilation_rate, padding, data_format)
    data_format = _format(data_format)
    padding = _padding(padding)
    if x.shape.rank not in (3, 4):
        raise ValueError(f"extract_patches: expected rank 3 (one) or 4 (a batch); got shape {tuple(x.shape)}")
    size = _tuple(size, 2, "size")
    st = size if not strides else _tuple(strides, 2, "strides")
    dil = _tuple(dilation_rate, 2, "dilation_rate")
    single = x.shape.rank == 3
    if single:
        x = x[None]
    if data_format == "channels_first":
        x = tf.transpose(x, (0, 2, 3, 1))
    y = tf.image.extract_patches(x, (1, *size, 1), (1, *st, 1), (1, *dil, 1), padding.upper())
    if data_format == "channels_first":
        y = tf.transpose(y, (0, 3, 1, 2))
    return y[0] if single else y


KERNELS = {"depth_to_space": depth_to_space, "space_to_depth": space_to_depth, "extract_patches": extract_patches}
