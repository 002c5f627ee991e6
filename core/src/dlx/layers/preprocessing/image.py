"""Image preprocessing layers in ``dlx.ops`` (they run inside models on every backend):
``Resizing`` and ``CenterCrop`` (the augmentation layers live in ``image_color``,
``image_geometry``, ``image_histogram`` and ``image_mixing``).

Resizing evaluates TensorFlow's (Keras's) bilinear / nearest kernels: half-pixel centers, clamped
edges, source coordinates and weights in float32 (computed once per shape in NumPy, applied with
``ops.take`` and a lerp), so the outputs equal Keras's.
"""

from __future__ import annotations

import numpy as np

from dlx import config as _config
from dlx import ops
from dlx.layers.layer import Layer

_INTERPOLATIONS = ("bilinear", "nearest")


def _axis_plan(n: int, out: int, interpolation: str):
    """Source indices (and bilinear weights) along one axis, as TensorFlow computes them."""
    scale = np.float32(n / out)
    if interpolation == "nearest":
        idx = np.minimum(np.floor((np.arange(out, dtype=np.float32) + np.float32(0.5)) * scale).astype(np.int64),
                         n - 1)
        return idx, None, None
    src = (np.arange(out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    lo_f = np.floor(src)
    lo = np.clip(lo_f.astype(np.int64), 0, n - 1)
    hi = np.clip(np.ceil(src).astype(np.int64), 0, n - 1)
    return lo, hi, (src - lo_f).astype(np.float32)


def _resize_axis(x, n, out, axis, interpolation, dtype):
    if n == out:
        return x
    lo, hi, frac = _axis_plan(n, out, interpolation)
    if frac is None:
        return ops.take(x, ops.convert_to_tensor(lo.astype(np.int32)), axis=axis)
    a = ops.take(x, ops.convert_to_tensor(lo.astype(np.int32)), axis=axis)
    b = ops.take(x, ops.convert_to_tensor(hi.astype(np.int32)), axis=axis)
    shape = [1] * len(x.shape)
    shape[axis] = out
    w = ops.cast(ops.convert_to_tensor(frac.reshape(shape)), dtype)
    return ops.add(a, ops.multiply(ops.subtract(b, a), w))


def _hw_axes(ndim: int, data_format: str):
    if data_format == "channels_last":
        return ndim - 3, ndim - 2
    return ndim - 2, ndim - 1


def resize_images(x, size, interpolation, data_format, dtype):
    """``x`` (rank 3 or 4) resized to ``size`` with TensorFlow's kernel (columns, then rows)."""
    ha, wa = _hw_axes(len(x.shape), data_format)
    h, w = int(x.shape[ha]), int(x.shape[wa])
    if interpolation == "bilinear":
        x = ops.cast(x, dtype)
    x = _resize_axis(x, w, size[1], wa, interpolation, dtype)
    return _resize_axis(x, h, size[0], ha, interpolation, dtype)


def _slice_hw(x, top, left, h, w, data_format):
    ha, wa = _hw_axes(len(x.shape), data_format)
    key = [slice(None)] * len(x.shape)
    key[ha] = slice(top, top + h)
    key[wa] = slice(left, left + w)
    return x[tuple(key)]


def _standard_format(data_format):
    data_format = data_format or _config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format={data_format!r}; expected 'channels_last' or 'channels_first'")
    return data_format


class Resizing(Layer):
    """Resizes images to ``(height, width)`` (Keras's ``keras.layers.Resizing``).

    Arguments:
        height, width: the output size.
        interpolation: ``"bilinear"`` (default) or ``"nearest"`` (equal to Keras's).
        crop_to_aspect_ratio: center-crop to the target aspect ratio first.
        pad_to_aspect_ratio: pad with ``fill_value`` to the target aspect ratio first.
        fill_mode: ``"constant"`` only (as Keras).
        fill_value: the padding value.
        antialias: must be ``False``.
        data_format: ``"channels_last"`` / ``"channels_first"`` (default: the global setting).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.Resizing(4, 6)(images).shape
    (2, 4, 6, 3)
    >>> layers.Resizing(4, 4, crop_to_aspect_ratio=True)(np.ones((1, 8, 12, 3), "float32")).shape
    (1, 4, 4, 3)
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"Resizing: interpolation={interpolation!r} is not supported; dlx implements "
                             f"{_INTERPOLATIONS} (equal to Keras's)")
        if antialias:
            raise ValueError("Resizing: antialias=True is not supported; pass antialias=False")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode={fill_mode!r}; only 'constant' is supported (as in Keras)")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of `pad_to_aspect_ratio` and `crop_to_aspect_ratio` can be True")
        self.height, self.width = int(height), int(width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = antialias
        self.data_format = _standard_format(data_format)

    def call(self, inputs):
        x = inputs
        if self.interpolation == "bilinear" or x.dtype not in ("uint8", "int32", "int64"):
            x = ops.cast(x, self.compute_dtype)
        ha, wa = _hw_axes(len(x.shape), self.data_format)
        h, w = int(x.shape[ha]), int(x.shape[wa])
        th, tw = self.height, self.width
        if self.crop_to_aspect_ratio:
            ch = max(min(h, int(np.float32(w * th) / np.float32(tw))), 1)
            cw = max(min(w, int(np.float32(h * tw) / np.float32(th))), 1)
            x = _slice_hw(x, int(np.float32(h - ch) / 2), int(np.float32(w - cw) / 2), ch, cw, self.data_format)
        elif self.pad_to_aspect_ratio:
            ph = max(h, int(np.float32(w * th) / np.float32(tw)))
            pw = max(w, int(np.float32(h * tw) / np.float32(th)))
            top, left = int(np.float32(ph - h) / 2), int(np.float32(pw - w) / 2)
            pads = [(0, 0)] * len(x.shape)
            pads[ha] = (top, ph - h - top)
            pads[wa] = (left, pw - w - left)
            x = ops.pad(x, pads, constant_values=self.fill_value)
        return resize_images(x, (th, tw), self.interpolation, self.data_format, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        ha, wa = _hw_axes(len(s), self.data_format)
        s[ha], s[wa] = self.height, self.width
        return tuple(s)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias, "data_format": self.data_format}


class CenterCrop(Layer):
    """Crops the central ``(height, width)`` of images (Keras's ``keras.layers.CenterCrop``);
    an image smaller than the target is center-cropped to the target aspect ratio and resized
    up (bilinear), as in Keras.

    Arguments:
        height, width: the size of the output images.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``:
            ``config.image_data_format()``).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: on an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> layers.CenterCrop(2, 2)(x)[0, :, :, 0]
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)
        self.data_format = _standard_format(data_format)

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        ha, wa = _hw_axes(len(x.shape), self.data_format)
        h, w = int(x.shape[ha]), int(x.shape[wa])
        th, tw = self.height, self.width
        if h >= th and w >= tw:
            return _slice_hw(x, (h - th) // 2, (w - tw) // 2, th, tw, self.data_format)
        ch = max(min(h, int(np.float32(w * th) / np.float32(tw))), 1)
        cw = max(min(w, int(np.float32(h * tw) / np.float32(th))), 1)
        x = _slice_hw(x, int(np.float32(h - ch) / 2), int(np.float32(w - cw) / 2), ch, cw, self.data_format)
        return resize_images(x, (th, tw), "bilinear", self.data_format, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        ha, wa = _hw_axes(len(s), self.data_format)
        s[ha], s[wa] = self.height, self.width
        return tuple(s)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "data_format": self.data_format}
