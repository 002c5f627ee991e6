"""Keras 3's deterministic contrast layers: ``AutoContrast``, ``Equalization`` and
``ContrastLimitedAdaptiveHistogramEqualization`` (CLAHE). They compute with ``dlx.ops``
(cumulative histograms by sorting and ``searchsorted``, or one-hot sums; look-up tables by
``take``) following Keras's arithmetic, so their outputs equal Keras's. AutoContrast and CLAHE
apply at inference too; Equalization is the identity there, as in Keras.
"""

from __future__ import annotations

from dlx import ops
from dlx.layers.preprocessing.image_base import BaseImagePreprocessingLayer, check_value_range, take

__all__ = ["AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization"]


class AutoContrast(BaseImagePreprocessingLayer):
    """Stretches each image's channels so their minimum and maximum span ``value_range``
    (Keras's ``keras.layers.AutoContrast``); a constant channel is left as it is.

    Arguments:
        value_range: the ``(min, max)`` of the images.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[[[50.0], [100.0]], [[150.0], [200.0]]]], "float32")
    >>> layers.AutoContrast(value_range=(0, 255))(x)[0, :, :, 0]
    array([[  0.,  85.],
           [170., 255.]], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range("AutoContrast", value_range)

    def transform_images(self, images, transformation=None, training=True):
        original = ops.cast(images, self.compute_dtype)
        x = self._transform_value_range(original, self.value_range, (0, 255), self.compute_dtype)
        axes = (1, 2) if self.data_format == "channels_last" else (2, 3)
        low = ops.min(x, axis=axes, keepdims=True)
        high = ops.max(x, axis=axes, keepdims=True)
        scale = ops.divide(255.0, ops.subtract(high, low))
        offset = ops.multiply(ops.negative(low), scale)
        x = ops.clip(ops.add(ops.multiply(x, scale), offset), 0.0, 255.0)
        x = self._transform_value_range(x, (0, 255), self.value_range, self.compute_dtype)
        return ops.where(ops.isnan(x), original, x)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}


class Equalization(BaseImagePreprocessingLayer):
    """Histogram equalization of each channel (Keras's ``keras.layers.Equalization``). As in
    Keras, one histogram of ``bins`` bins is computed per channel over the whole batch; a channel
    with a single occupied bin is left as it is; the identity at inference (``training=False``).

    Arguments:
        value_range: the ``(min, max)`` of the images.
        bins: the number of histogram bins.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.Equalization(value_range=(0, 255))(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(bins, int) or bins < 2:
            raise ValueError(f"Equalization: `bins` must be an int >= 2; received bins={bins!r}")
        self.bins = bins
        self.value_range = check_value_range("Equalization", value_range)

    def _cdf(self, channel):
        """The cumulative histogram: how many values fall in bins ``0..k``, for each ``k``
        (sorted values searched for each bin, so no scatter op is needed)."""
        idx = ops.cast(ops.divide(ops.multiply(channel, float(self.bins - 1)), 255.0), "int32")  # Keras's order
        idx = ops.sort(ops.reshape(ops.clip(idx, 0, self.bins - 1), (-1,)))
        return ops.searchsorted(idx, ops.arange(self.bins, dtype="int32"), side="right")

    def _equalize(self, channel):
        channel = self._transform_value_range(channel, self.value_range, (0, 255), "float32")
        counts = self._cdf(channel)
        hist = ops.subtract(counts, ops.concatenate([ops.zeros((1,), counts.dtype), take(counts, list(
            range(self.bins - 1)))], axis=0))
        cdf = ops.cast(counts, "float32")
        cdf_min = ops.take(cdf, ops.argmax(ops.cast(ops.greater(cdf, 0.0), "int32")))
        denom = ops.subtract(take(cdf, self.bins - 1), cdf_min)
        denom = ops.where(ops.equal(denom, 0.0), 1.0, denom)
        lut = ops.clip(ops.round(ops.divide(ops.multiply(ops.subtract(cdf, cdf_min), 255.0), denom)), 0, 255)
        idx = ops.cast(ops.clip(ops.multiply(ops.divide(channel, 255.0), float(self.bins - 1)), 0, self.bins - 1),
                       "int32")
        equalized = ops.take(lut, idx)
        occupied = ops.count_nonzero(hist)
        out = ops.where(ops.less_equal(occupied, 1), channel, equalized)
        return self._transform_value_range(out, (0, 255), self.value_range, "float32")

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:  # as Keras's: the identity at inference
            return images
        axis = -1 if self.data_format == "channels_last" else -3
        n = int(images.shape[axis])
        chans = [self._equalize(ops.take(images, i, axis=axis)) for i in range(n)]
        return ops.cast(ops.stack(chans, axis=axis), self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}


class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """Contrast-limited adaptive histogram equalization (Keras's
    ``keras.layers.ContrastLimitedAdaptiveHistogramEqualization``): the image (values as integers
    in ``[0, 255]`` after mapping ``value_range``) is split into ``tile_grid_size`` tiles (padded
    by reflection to a multiple); each tile's 256-bin histogram is clipped at
    ``clip_limit * pixels / 256`` with the excess spread evenly, and each pixel is mapped through
    the bilinear blend of its four nearest tiles' normalised CDFs.

    Arguments:
        value_range: the ``(min, max)`` of the images.
        clip_limit: the contrast limit (``<= 0``: no clipping).
        tile_grid_size: ``(rows, columns)`` of tiles.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 255), tile_grid_size=(2, 2))(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("ContrastLimitedAdaptiveHistogramEqualization", value_range)
        if len(tuple(tile_grid_size)) != 2 or any(int(g) < 1 for g in tile_grid_size):
            raise ValueError("ContrastLimitedAdaptiveHistogramEqualization: `tile_grid_size` must be two positive "
                             f"ints; received tile_grid_size={tile_grid_size!r}")
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def transform_images(self, images, transformation=None, training=True):
        x = images
        if self.data_format == "channels_first":
            x = ops.moveaxis(x, -3, -1)
        dtype = x.dtype
        x = self._transform_value_range(x, self.value_range, (0, 255), "float32")
        x = self._clahe(ops.cast(x, "float32"))
        x = ops.cast(self._transform_value_range(x, (0, 255), self.value_range, "float32"), dtype)
        if self.data_format == "channels_first":
            x = ops.moveaxis(x, -1, -3)
        return x

    def _clahe(self, images):
        single = len(images.shape) == 3
        if single:
            images = ops.expand_dims(images, 0)
        b, h, w, c = (int(d) for d in images.shape)
        gh, gw = (int(g) for g in self.tile_grid_size)
        th, tw = -(-h // gh), -(-w // gw)
        ph, pw = th * gh - h, tw * gw - w
        padded = images
        if ph or pw:
            padded = ops.pad(images, [(0, 0), (0, ph), (0, pw), (0, 0)], mode="symmetric")
        hp, wp = th * gh, tw * gw
        tiles = ops.reshape(padded, (b, gh, th, gw, tw, c))
        tiles = ops.reshape(ops.transpose(tiles, (0, 1, 3, 5, 2, 4)), (b, gh, gw, c, th * tw))
        tiles = ops.clip(ops.cast(tiles, "int32"), 0, 255)
        hists = ops.sum(ops.one_hot(tiles, 256, dtype="float32"), axis=-2)
        if self.clip_limit > 0:
            limit = float(self.clip_limit * (th * tw) / 256.0)
            clipped = ops.clip(hists, 0.0, limit)
            excess = ops.sum(ops.subtract(hists, clipped), axis=-1, keepdims=True)
            hists = ops.add(clipped, ops.divide(excess, 256.0))
        cdf = ops.cumsum(hists, axis=-1)
        cdf_min = ops.min(cdf, axis=-1, keepdims=True)
        denom = ops.subtract(float(th * tw), cdf_min)
        denom = ops.where(ops.equal(denom, 0.0), 1.0, denom)
        cdf = ops.clip(ops.divide(ops.multiply(ops.subtract(cdf, cdf_min), 255.0), denom), 0, 255)
        # one tile of edge padding on every side: (b, gh + 2, gw + 2, c, 256)
        cdf = take(cdf, [0, *range(gh), gh - 1], axis=1)
        cdf = take(cdf, [0, *range(gw), gw - 1], axis=2)
        yg = ops.add(ops.divide(ops.subtract(ops.arange(hp, dtype="float32"), th / 2.0), float(th)), 1.0)
        xg = ops.add(ops.divide(ops.subtract(ops.arange(wp, dtype="float32"), tw / 2.0), float(tw)), 1.0)
        y0f, x0f = ops.floor(yg), ops.floor(xg)
        wy, wx = ops.subtract(yg, y0f), ops.subtract(xg, x0f)
        y0 = ops.cast(ops.clip(y0f, 0, gh + 1), "int32")
        y1 = ops.cast(ops.clip(ops.add(y0f, 1.0), 0, gh + 1), "int32")
        x0 = ops.cast(ops.clip(x0f, 0, gw + 1), "int32")
        x1 = ops.cast(ops.clip(ops.add(x0f, 1.0), 0, gw + 1), "int32")
        sc, sx = 256, 256 * c
        sy = sx * (gw + 2)
        sb = sy * (gh + 2)
        flat = ops.reshape(cdf, (-1,))
        pix = ops.cast(ops.clip(padded, 0, 255), "int32")
        base = ops.add(ops.add(ops.reshape(ops.arange(b, dtype="int32") * sb, (-1, 1, 1, 1)),
                               ops.reshape(ops.arange(c, dtype="int32") * sc, (1, 1, 1, -1))), pix)

        def at(yi, xi):
            idx = ops.add(ops.add(base, ops.reshape(yi * sy, (1, -1, 1, 1))), ops.reshape(xi * sx, (1, 1, -1, 1)))
            return ops.take(flat, idx)

        wy4, wx4 = ops.reshape(wy, (1, -1, 1, 1)), ops.reshape(wx, (1, 1, -1, 1))
        top = ops.add(ops.multiply(at(y0, x0), ops.subtract(1.0, wx4)), ops.multiply(at(y0, x1), wx4))
        bottom = ops.add(ops.multiply(at(y1, x0), ops.subtract(1.0, wx4)), ops.multiply(at(y1, x1), wx4))
        out = ops.add(ops.multiply(top, ops.subtract(1.0, wy4)), ops.multiply(bottom, wy4))[:, :h, :w, :]
        return ops.squeeze(out, 0) if single else out

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "clip_limit": self.clip_limit,
                "tile_grid_size": self.tile_grid_size}
