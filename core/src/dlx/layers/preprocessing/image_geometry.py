"""Keras 3's geometric augmentation layers: ``RandomFlip``, ``RandomRotation``, ``RandomZoom``,
``RandomTranslation``, ``RandomShear``, ``RandomCrop``, ``RandomPerspective``,
``RandomElasticTransform`` and ``RandomErasing``.

The warps build Keras's per-image projective matrices (output pixel -> input pixel) and apply
them with ``dlx.ops.image.affine_transform`` / ``perspective_transform``, so a fixed
transformation gives Keras's output; segmentation masks get the same warp with nearest
interpolation, and bounding boxes follow the warp where Keras's do (see ``image_boxes``).
"""

from __future__ import annotations

from dlx import ops
from dlx import random as _random
from dlx.layers.preprocessing import image_boxes as _boxes
from dlx.layers.preprocessing.image_base import (
    BaseImagePreprocessingLayer,
    check_value_range,
    factor_range,
    hw_axes,
    image_size,
    take,
)

__all__ = ["RandomCrop", "RandomElasticTransform", "RandomErasing", "RandomFlip", "RandomPerspective",
           "RandomRotation", "RandomShear", "RandomTranslation", "RandomZoom"]

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


def _check_warp(name, fill_mode, interpolation, fill_modes=_FILL_MODES):
    if fill_mode not in fill_modes:
        raise ValueError(f"{name}: unknown fill_mode={fill_mode!r}; expected one of {tuple(fill_modes)}")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{name}: unknown interpolation={interpolation!r}; expected one of {_INTERPOLATIONS}")


def _batched(images):
    single = len(images.shape) == 3
    return (ops.expand_dims(images, 0) if single else images), single



def _zeros_ones(like):
    """floatx zeros and ones shaped as a per-image draw (its batch dim may be a run-time one)."""
    from dlx import config

    return ops.zeros_like(like, dtype=config.floatx()), ops.ones_like(like, dtype=config.floatx())

class RandomFlip(BaseImagePreprocessingLayer):
    """Flips each image with probability 1/2 (Keras's ``keras.layers.RandomFlip``): in
    ``"horizontal_and_vertical"`` mode one draw per image flips it both ways, as in Keras.

    Arguments:
        mode: ``"horizontal"``, ``"vertical"`` or ``"horizontal_and_vertical"``.
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layer = layers.RandomFlip("horizontal", seed=0)
    >>> bool((layer(images, training=False) == images).all())
    True
    >>> layer(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in self._MODES:
            raise ValueError(f"RandomFlip: invalid mode={mode!r}; expected one of {self._MODES}")
        self.mode = mode
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = self._images_of(data)
        n = self._batch_size(data)
        flips = ops.less_equal(self._uniform(self._seed(seed), (n, 1, 1, 1)), 0.5)
        return {"flips": flips, "input_shape": tuple(images.shape)}

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        x, single = _batched(images)
        ha, wa = hw_axes(4, self.data_format)
        axes = {"horizontal": (wa,), "vertical": (ha,), "horizontal_and_vertical": (ha, wa)}[self.mode]
        x = ops.where(transformation["flips"], ops.flip(x, axis=axes), x)  # one draw flips both ways
        return ops.squeeze(x, 0) if single else x

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        h, w = image_size(transformation["input_shape"], self.data_format)
        return _boxes.flip_boxes(bounding_boxes, ops.reshape(transformation["flips"], (-1,)), self.mode,
                                 self.bounding_box_format, h, w)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode, "data_format": self.data_format}


class _AffineLayer(BaseImagePreprocessingLayer):
    """A layer that warps with one projective matrix per image (``transformation["matrix"]``)."""

    _USE_BASE_FACTOR = False

    def _setup_warp(self, fill_mode, interpolation, fill_value, seed):
        _check_warp(type(self).__name__, fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._make_generator(seed)

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        x, single = _batched(images)
        x = ops.image.affine_transform(x, transformation["matrix"], interpolation=interpolation,
                                       fill_mode=self.fill_mode, fill_value=self.fill_value,
                                       data_format=self.data_format)
        return ops.squeeze(x, 0) if single else x

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        h, w = image_size(transformation["input_shape"], self.data_format)
        return _boxes.warp_boxes(bounding_boxes, transformation["matrix"], self.bounding_box_format, h, w)

    def _warp_config(self):
        return {"fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value, "data_format": self.data_format}


class RandomRotation(_AffineLayer):
    """Rotates each image by ``factor * 360`` degrees about its centre, ``factor`` drawn per
    image (Keras's ``keras.layers.RandomRotation``).

    Arguments:
        factor: a number ``f`` (angles in ``[-f, f] * 360``) or a pair, fractions of a turn.
        fill_mode: ``"reflect"``, ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: the seed of the layer's generator.
        fill_value: the value outside the image with ``fill_mode="constant"``.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomRotation(factor=0.1, seed=0)(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = True

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self._setup_warp(fill_mode, interpolation, fill_value, seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = tuple(self._images_of(data).shape)
        n = self._batch_size(data)
        h, w = image_size(shape, self.data_format)
        angle = self._uniform(self._seed(seed), (n,), self.factor[0] * 360.0, self.factor[1] * 360.0)
        zeros, ones = _zeros_ones(angle)
        matrix = self._compute_affine_matrix(0.5, 0.5, angle, zeros, zeros, ones, zeros, zeros, h, w)
        return {"angle": angle, "matrix": matrix, "input_shape": shape}

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, **self._warp_config()}


class RandomTranslation(_AffineLayer):
    """Shifts each image by fractions of its height and width drawn per image (Keras's
    ``keras.layers.RandomTranslation``).

    Arguments:
        height_factor, width_factor: a number ``f`` in ``[-1, 1]`` (``[-|f|, |f|]``) or a pair;
            positive values shift down / right.
        fill_mode, interpolation, seed, fill_value, data_format: as :class:`RandomRotation`.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomTranslation(height_factor=0.2, width_factor=0.2, seed=0)(images).shape
    (2, 8, 8, 3)
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_lower, self.height_upper = factor_range("RandomTranslation", "height_factor", height_factor,
                                                            (-1, 1))
        self.width_lower, self.width_upper = factor_range("RandomTranslation", "width_factor", width_factor, (-1, 1))
        self._setup_warp(fill_mode, interpolation, fill_value, seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = tuple(self._images_of(data).shape)
        n, seed = self._batch_size(data), self._seed(seed)
        h, w = image_size(shape, self.data_format)
        ty = ops.multiply(self._uniform(seed, (n,), self.height_lower, self.height_upper), float(h))
        tx = ops.multiply(self._uniform(seed, (n,), self.width_lower, self.width_upper), float(w))
        zeros, ones = _zeros_ones(ty)
        matrix = ops.stack([ones, zeros, ops.negative(tx), zeros, ones, ops.negative(ty), zeros, zeros], axis=1)
        return {"translations": ops.stack([tx, ty], axis=1), "matrix": matrix, "input_shape": shape}

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor,
                **self._warp_config()}


class RandomZoom(_AffineLayer):
    """Zooms each image about its centre by ``1 + f``, ``f`` drawn per image (negative zooms
    in; Keras's ``keras.layers.RandomZoom``).

    Arguments:
        height_factor: a number ``f`` in ``(-1, 1]`` (``[-|f|, |f|]``) or a pair.
        width_factor: the same for the width; ``None`` keeps the aspect ratio.
        fill_mode, interpolation, seed, fill_value, data_format: as :class:`RandomRotation`.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomZoom(height_factor=(-0.2, 0.2), seed=0)(images).shape
    (2, 8, 8, 3)
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_lower, self.height_upper = self._zoom_range("height_factor", height_factor)
        if width_factor is not None:
            self.width_lower, self.width_upper = self._zoom_range("width_factor", width_factor)
        self._setup_warp(fill_mode, interpolation, fill_value, seed)

    @staticmethod
    def _zoom_range(arg, factor):
        lo, hi = factor_range("RandomZoom", arg, factor, (-1, 1))
        if lo <= -1:
            raise ValueError(f"RandomZoom: `{arg}` must be in (-1, 1]; received {arg}={factor!r}")
        return lo, hi

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = tuple(self._images_of(data).shape)
        n, seed = self._batch_size(data), self._seed(seed)
        h, w = image_size(shape, self.data_format)
        zh = self._uniform(seed, (n,), 1.0 + self.height_lower, 1.0 + self.height_upper)
        zw = zh if self.width_factor is None else self._uniform(seed, (n,), 1.0 + self.width_lower,
                                                                 1.0 + self.width_upper)
        zeros, _ = _zeros_ones(zh)
        ox = ops.multiply((float(w) - 1.0) / 2.0, ops.subtract(1.0, zw))
        oy = ops.multiply((float(h) - 1.0) / 2.0, ops.subtract(1.0, zh))
        matrix = ops.stack([zw, zeros, ox, zeros, zh, oy, zeros, zeros], axis=1)
        return {"height_zoom": ops.reshape(zh, (-1, 1)), "width_zoom": ops.reshape(zw, (-1, 1)), "matrix": matrix,
                "input_shape": shape}

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor,
                **self._warp_config()}


def _shear_range(arg, factor):
    """Keras's reading of a shear factor: values in ``[0, 1]``; a number ``f`` means ``[-f, f]``."""
    lo, hi = factor_range("RandomShear", arg, factor, (0, 1), symmetric=False)
    return (-hi, hi) if not isinstance(factor, (tuple, list)) else (lo, hi)


class RandomShear(_AffineLayer):
    """Shears each image along x and y by amounts drawn per image, the sign of both flipped at
    random (Keras's ``keras.layers.RandomShear``; the matrix is ``[[1, sx, 0], [sy, 1, 0]]``).

    Arguments:
        x_factor, y_factor: a number ``f`` in ``[0, 1]`` (``[-f, f]``) or a pair in ``[0, 1]``.
        interpolation, fill_mode, fill_value, data_format, seed: as :class:`RandomRotation`.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomShear(x_factor=0.2, seed=0)(images).shape
    (2, 8, 8, 3)
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = _shear_range("x_factor", x_factor)
        self.y_factor = _shear_range("y_factor", y_factor)
        self._setup_warp(fill_mode, interpolation, fill_value, seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = tuple(self._images_of(data).shape)
        n, seed = self._batch_size(data), self._seed(seed)
        sign = ops.where(ops.greater(self._uniform(seed, (n,), dtype=self.compute_dtype), 0.5), -1.0, 1.0)
        sy = self._uniform(seed, (n,), self.y_factor[0], self.y_factor[1], self.compute_dtype)
        sx = self._uniform(seed, (n,), self.x_factor[0], self.x_factor[1], self.compute_dtype)
        sx, sy = ops.multiply(sx, sign), ops.multiply(sy, sign)
        zeros, ones = _zeros_ones(sy)
        matrix = ops.stack([ones, sx, zeros, sy, ones, zeros, zeros, zeros], axis=1)
        return {"shear_factor": ops.stack([sx, sy], axis=1), "matrix": matrix, "input_shape": shape}

    def get_config(self):
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor, **self._warp_config()}


class RandomCrop(BaseImagePreprocessingLayer):
    """Crops a random ``(height, width)`` window (one offset per batch, as in Keras's
    ``keras.layers.RandomCrop``) while training; at inference, or when the image is not larger
    than the target, it center-crops to the target aspect ratio and resizes (bilinear).

    Arguments:
        height, width: the output size.
        seed: the seed of the layer's generator.
        data_format: as other image layers.
        name: the layer's name.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomCrop(4, 4, seed=0)(images).shape
    (2, 4, 4, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height, self.width = int(height), int(width)
        self._make_generator(seed if seed is not None else _random.make_default_seed())

    def get_random_transformation(self, data, training=True, seed=None):
        shape = tuple(self._images_of(data).shape)
        h, w = image_size(shape, self.data_format)
        if h is None or w is None:
            raise ValueError(f"RandomCrop needs images of known height and width; received shape {shape}")
        if training and h > self.height and w > self.width:
            seed = self._seed(seed)
            top = ops.cast(self._uniform(seed, (), 0.0, float(h - self.height + 1)), "int32")
            left = ops.cast(self._uniform(seed, (), 0.0, float(w - self.width + 1)), "int32")
            return {"top": top, "left": left, "crop": (self.height, self.width), "input_shape": shape}
        # Keras's offsets center a crop of the target's aspect ratio; its window then has the
        # target's size (cut by the image's edge) before the resize
        ch = max(min(h, int(float(w * self.height) / self.width)), 1)
        cw = max(min(w, int(float(h * self.width) / self.height)), 1)
        top, left = int(float(h - ch) / 2), int(float(w - cw) / 2)
        return {"top": top, "left": left, "crop": (min(self.height, h - top), min(self.width, w - left)),
                "input_shape": shape}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        x = self._crop(images, transformation)
        h, w = image_size(tuple(x.shape), self.data_format)
        if (h, w) != (self.height, self.width):
            x = ops.cast(ops.image.resize(x, (self.height, self.width), data_format=self.data_format),
                         self.compute_dtype)
        return x

    def _crop(self, x, t):
        ha, wa = hw_axes(len(x.shape), self.data_format)
        ch, cw = t["crop"]
        if isinstance(t["top"], int):
            key = [slice(None)] * len(x.shape)
            key[ha], key[wa] = slice(t["top"], t["top"] + ch), slice(t["left"], t["left"] + cw)
            return x[tuple(key)]
        rows = ops.add(ops.arange(ch, dtype="int32"), t["top"])
        cols = ops.add(ops.arange(cw, dtype="int32"), t["left"])
        return ops.take(ops.take(x, rows, axis=ha), cols, axis=wa)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training:
            return segmentation_masks
        x = self._crop(segmentation_masks, transformation)
        h, w = image_size(tuple(x.shape), self.data_format)
        if (h, w) != (self.height, self.width):
            x = ops.image.resize(x, (self.height, self.width), interpolation="nearest", data_format=self.data_format)
        return x

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        h, w = image_size(transformation["input_shape"], self.data_format)
        return _boxes.crop_resize_boxes(bounding_boxes, transformation["top"], transformation["left"],
                                        transformation["crop"], (self.height, self.width),
                                        self.bounding_box_format, h, w)

    def compute_output_shape(self, input_shape):
        def one(shape):
            s = list(shape)
            ha, wa = hw_axes(len(s), self.data_format)
            s[ha], s[wa] = self.height, self.width
            return tuple(s)

        if isinstance(input_shape, dict):
            out = dict(input_shape)
            out["images"] = one(input_shape["images"])
            if "segmentation_masks" in out:
                out["segmentation_masks"] = one(input_shape["segmentation_masks"])
            return out
        return one(input_shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "seed": self.seed,
                "data_format": self.data_format}


class RandomPerspective(BaseImagePreprocessingLayer):
    """Moves each image's four corners by up to ``scale / 2`` of their coordinates and warps
    the image accordingly, with a probability drawn in ``factor`` (Keras's
    ``keras.layers.RandomPerspective``); outside pixels take ``fill_value``.

    Arguments:
        factor: a number in ``[0, 1]`` or a pair (the range of the probability).
        scale: the strength, in ``[0, 1]``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_value: the value outside the image.
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomPerspective(factor=0.5, seed=0)(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        if not isinstance(scale, (int, float)) or scale < 0.0 or scale > 1.0:
            raise ValueError(f"RandomPerspective: `scale` must be a number in [0, 1]; received scale={scale!r}")
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"RandomPerspective: unknown interpolation={interpolation!r}; expected one of "
                             f"{_INTERPOLATIONS}")
        self.scale = scale
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = tuple(self._images_of(data).shape)
        n, seed = self._batch_size(data), self._seed(seed)
        h, w = image_size(shape, self.data_format)
        p = self._uniform(seed, (n,), self.factor[0], self.factor[1])
        apply = ops.less(self._uniform(seed, (n,)), p)
        jitter = self._uniform(seed, (n, 4, 2), -0.5 * self.scale, 0.5 * self.scale, self.compute_dtype)
        corners = [[0.0, 0.0], [w - 1.0, 0.0], [0.0, h - 1.0], [w - 1.0, h - 1.0]]
        start = ops.repeat(ops.convert_to_tensor([corners], self.compute_dtype), n, axis=0)
        end = ops.add(start, ops.multiply(start, jitter))
        return {"apply_perspective": apply, "start_points": start, "end_points": end, "input_shape": shape}

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        x, single = _batched(images)
        out = ops.image.perspective_transform(x, transformation["start_points"], transformation["end_points"],
                                              interpolation=interpolation, fill_value=self.fill_value,
                                              data_format=self.data_format)
        out = ops.where(ops.reshape(transformation["apply_perspective"], (-1, 1, 1, 1)), out, x)
        return ops.squeeze(out, 0) if single else out

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        h, w = image_size(transformation["input_shape"], self.data_format)
        return _boxes.perspective_boxes(bounding_boxes, transformation, self.bounding_box_format, h, w)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value, "seed": self.seed}


class RandomElasticTransform(BaseImagePreprocessingLayer):
    """Elastic distortion with a probability drawn in ``factor``: every pixel moves by
    ``alpha`` times Gaussian noise smoothed by a Gaussian of standard deviation ``sigma``, with
    ``alpha = 0.1 s max(H, W)`` and ``sigma = 0.05 s min(H, W)`` for ``s`` drawn in ``scale``
    (Keras's ``keras.layers.RandomElasticTransform``). The smoothing kernel has the size that the
    largest ``sigma`` needs, so ``s`` stays a tensor and the layer compiles.

    Arguments:
        factor: a number in ``[0, 1]`` or a pair (the range of the probability).
        scale: a number in ``[0, 1]`` or a pair (the range of ``s``).
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_mode: ``"reflect"``, ``"mirror"``, ``"wrap"``, ``"constant"`` or ``"nearest"``.
        fill_value: the value outside the image with ``fill_mode="constant"``.
        value_range: the ``(min, max)`` the output is clipped to.
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomElasticTransform(factor=1.0, scale=0.5, seed=0)(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = factor_range("RandomElasticTransform", "scale", scale, self._FACTOR_BOUNDS)
        _check_warp("RandomElasticTransform", fill_mode, interpolation, (*_FILL_MODES, "mirror"))
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = check_value_range("RandomElasticTransform", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        shape = tuple(self._images_of(data).shape)
        n, seed = self._batch_size(data), self._seed(seed)
        h, w = image_size(shape, self.data_format)
        p = self._uniform(seed, (n,), self.factor[0], self.factor[1])
        apply = ops.less(self._uniform(seed, (n,)), p)
        s = self._uniform(seed, (), self.scale[0], self.scale[1], self.compute_dtype)
        noise = _random.normal((2, n, h, w, 1), dtype=self.compute_dtype, seed=seed)
        return {"apply_transform": apply, "distortion_factor": s, "noise": noise}

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        x, single = _batched(images)
        if self.data_format == "channels_first":
            x = ops.moveaxis(x, 1, -1)
        n, h, w, c = (int(d) for d in x.shape)
        s = transformation["distortion_factor"]
        alpha = ops.multiply(s, 0.1 * max(h, w))
        sigma = ops.maximum(ops.multiply(s, 0.05 * min(h, w)), 1e-3)
        size = int(6 * 0.05 * min(h, w) * self.scale[1]) | 1
        grid = ops.convert_to_tensor([i - (size - 1) / 2 for i in range(size)], self.compute_dtype)
        k = ops.exp(ops.multiply(-0.5, ops.square(ops.divide(grid, sigma))))
        k = ops.divide(k, ops.sum(k))
        kern = ops.reshape(ops.multiply(ops.reshape(k, (-1, 1)), ops.reshape(k, (1, -1))), (size, size, 1, 1))
        noise = ops.multiply(ops.reshape(transformation["noise"], (2 * n, h, w, 1)), sigma)
        d = ops.multiply(ops.reshape(ops.conv(noise, kern, 1, "same", "channels_last"), (2, n, h, w, 1)), alpha)
        yy = ops.reshape(ops.arange(h, dtype=self.compute_dtype), (1, h, 1, 1))
        xx = ops.reshape(ops.arange(w, dtype=self.compute_dtype), (1, 1, w, 1))
        full = (n, h, w, c)
        bi = ops.broadcast_to(ops.reshape(ops.arange(n, dtype=self.compute_dtype), (n, 1, 1, 1)), full)
        ci = ops.broadcast_to(ops.reshape(ops.arange(c, dtype=self.compute_dtype), (1, 1, 1, c)), full)
        y_in = ops.broadcast_to(ops.add(yy, take(d, 1, 0)), full)
        x_in = ops.broadcast_to(ops.add(xx, take(d, 0, 0)), full)
        coords = [bi, y_in, x_in, ci]
        out = ops.image.map_coordinates(x, ops.stack(coords, axis=0), order=1 if interpolation == "bilinear" else 0,
                                        fill_mode=self.fill_mode, fill_value=self.fill_value)
        out = ops.where(ops.reshape(transformation["apply_transform"], (-1, 1, 1, 1)), out, x)
        out = ops.cast(ops.clip(out, self.value_range[0], self.value_range[1]), self.compute_dtype)
        if self.data_format == "channels_first":
            out = ops.moveaxis(out, -1, 1)
        return ops.squeeze(out, 0) if single else out

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if training and transformation is not None:
            raise ValueError("RandomElasticTransform cannot move bounding boxes (an elastic warp maps a box to no "
                             "box), as in Keras; drop 'bounding_boxes' from its input")
        return bounding_boxes

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "value_range": self.value_range, "seed": self.seed}


class RandomErasing(BaseImagePreprocessingLayer):
    """Erases a random rectangle of each image (area fraction in ``scale``, with probability
    drawn in ``factor``), filling it with ``fill_value`` or, when ``None``, Gaussian noise times
    the range's maximum (Keras's ``keras.layers.RandomErasing``).

    Arguments:
        factor: a number in ``[0, 1]`` or a pair (the range of the probability).
        scale: a number in ``[0, 1]`` or a pair: the range of each side's squared fraction.
        fill_value: ``None``, a number, or three numbers (one per channel).
        value_range: the ``(min, max)`` of the images.
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandomErasing(factor=1.0, scale=(0.1, 0.3), seed=0)(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = factor_range("RandomErasing", "scale", scale, self._FACTOR_BOUNDS)
        if not (fill_value is None or isinstance(fill_value, (int, float))
                or (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)):
            raise ValueError(f"RandomErasing: `fill_value` must be None, a number or three numbers; received "
                             f"fill_value={fill_value!r}")
        self.fill_value = fill_value
        self.value_range = check_value_range("RandomErasing", value_range)
        self._make_generator(seed)

    def _bounds(self, seed, n, length, ratio):
        size = ops.cast(ops.multiply(ratio, float(length)), self.compute_dtype)
        start = ops.multiply(self._uniform(seed, (n,), dtype=self.compute_dtype), ops.subtract(float(length), size))
        return start, ops.add(start, size)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = self._images_of(data)
        shape = tuple(images.shape)
        n, seed = self._batch_size(data), self._seed(seed)
        h, w = image_size(shape, self.data_format)
        ratio = ops.sqrt(self._uniform(seed, (n, 2), self.scale[0], self.scale[1], self.compute_dtype))
        x0, x1 = self._bounds(seed, n, w, take(ratio, 0))
        y0, y1 = self._bounds(seed, n, h, take(ratio, 1))
        masks = _box_masks(shape, self.data_format, (x0, x1, y0, y1), self.compute_dtype)
        p = self._uniform(seed, (n,), self.factor[0], self.factor[1])
        apply = ops.less(self._uniform(seed, (n,)), p)
        full = (n, *shape[-3:])
        if self.fill_value is None:
            fill = ops.multiply(_random.normal(full, dtype=self.compute_dtype, seed=seed), float(self.value_range[1]))
        elif isinstance(self.fill_value, (tuple, list)):
            per = [1, 1, 1]
            per[-1 if self.data_format == "channels_last" else -3] = 3
            fill = ops.broadcast_to(ops.reshape(ops.convert_to_tensor(self.fill_value, self.compute_dtype), per), full)
        else:
            fill = ops.full(full, float(self.fill_value), dtype=self.compute_dtype)
        fill = ops.clip(fill, self.value_range[0], self.value_range[1])
        return {"apply_erasing": apply, "batch_masks": masks, "fill_value": fill}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        erased = ops.where(transformation["batch_masks"], transformation["fill_value"], images)
        return ops.where(ops.reshape(transformation["apply_erasing"], (-1, 1, 1, 1)), erased, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                "value_range": self.value_range, "seed": self.seed}


def _box_masks(shape, data_format, corners, dtype):
    """Per-image boolean masks ``x0 <= x < x1 and y0 <= y < y1`` of the batch's shape (channels
    included)."""
    h, w = image_size(shape, data_format)
    c = shape[-1] if data_format == "channels_last" else shape[-3]
    ys = ops.reshape(ops.arange(h, dtype=dtype), (1, -1, 1))
    xs = ops.reshape(ops.arange(w, dtype=dtype), (1, 1, -1))
    x0, x1, y0, y1 = (ops.reshape(v, (-1, 1, 1)) for v in corners)
    inside = ops.logical_and(
        ops.logical_and(ops.greater_equal(xs, x0), ops.less(xs, x1)),
        ops.logical_and(ops.greater_equal(ys, y0), ops.less(ys, y1)))
    if data_format == "channels_last":
        return ops.repeat(ops.expand_dims(inside, -1), c, axis=-1)
    return ops.repeat(ops.expand_dims(inside, 1), c, axis=1)


