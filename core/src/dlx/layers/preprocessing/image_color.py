"""Keras 3's colour augmentation layers: ``RandomBrightness``, ``RandomContrast``, ``RandomHue``,
``RandomSaturation``, ``RandomSharpness``, ``RandomColorDegeneration``, ``RandomGrayscale``,
``RandomPosterization``, ``RandomInvert``, ``RandomColorJitter``, ``RandomGaussianBlur`` and
``Solarization``. Each draws its parameters per image from its seed (see ``image_base``) and
computes with ``dlx.ops`` on every backend; the arithmetic follows Keras's step for step so that
a fixed transformation gives Keras's output. They leave labels, boxes and masks unchanged.
"""

from __future__ import annotations

from dlx import backend as _backend
from dlx import ops
from dlx.layers.preprocessing.image_base import BaseImagePreprocessingLayer, check_value_range, factor_range, take

__all__ = ["RandomBrightness", "RandomColorDegeneration", "RandomColorJitter", "RandomContrast", "RandomGaussianBlur",
           "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPosterization", "RandomSaturation",
           "RandomSharpness", "Solarization"]


def _batch_shape(layer, data, *rest):
    return (layer._batch_size(data), *rest)


def _channels_last(images, data_format):
    return images if data_format == "channels_last" else ops.moveaxis(images, -3, -1)


def _restore_format(images, data_format):
    return images if data_format == "channels_last" else ops.moveaxis(images, -1, -3)


class RandomBrightness(BaseImagePreprocessingLayer):
    """Adds a random per-image offset ``delta * (max - min)``, ``delta`` uniform in ``factor``,
    clipped to ``value_range`` (Keras's ``keras.layers.RandomBrightness``).

    Arguments:
        factor: a number ``f`` in ``[-1, 1]`` (``delta`` in ``[-|f|, |f|]``) or a pair ``(lower, upper)``.
        value_range: the ``(min, max)`` of the images.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomBrightness(factor=0.2, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self._make_generator(seed)
        self.value_range = check_value_range("RandomBrightness", value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = _batch_shape(self, data, 1, 1, 1)
        if not training:
            return {"rgb_delta": ops.zeros(shape)}
        delta = self._uniform(self._seed(seed), shape, self.factor[0], self.factor[1])
        return {"rgb_delta": ops.multiply(delta, float(self.value_range[1] - self.value_range[0]))}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        images = ops.add(images, ops.cast(transformation["rgb_delta"], images.dtype))
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomContrast(BaseImagePreprocessingLayer):
    """Scales each image's deviation from its per-channel mean by a factor uniform in
    ``[1 - lower, 1 + upper]``, clipped to ``value_range`` (Keras's ``keras.layers.RandomContrast``).

    Arguments:
        factor: a number in ``[0, 1]`` or a pair ``(lower, upper)``.
        value_range: the ``(min, max)`` of the images.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomContrast(factor=0.5, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomContrast", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = _batch_shape(self, data, 1, 1, 1)
        if not training:
            return {"contrast_factor": ops.zeros(shape)}
        f = self._uniform(self._seed(seed), shape, 1.0 - self.factor[0], 1.0 + self.factor[1], self.compute_dtype)
        return {"contrast_factor": f}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        ha, wa = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        mean = ops.mean(ops.mean(images, axis=ha, keepdims=True), axis=wa, keepdims=True)
        f = ops.cast(transformation["contrast_factor"], images.dtype)
        out = ops.add(ops.multiply(ops.subtract(images, mean), f), mean)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


def _channel(images, i, data_format):
    return take(images, i, axis=1 if data_format == "channels_first" else -1)


def _stack_channels(chans, data_format):
    return ops.stack(chans, axis=1 if data_format == "channels_first" else -1)


class RandomHue(BaseImagePreprocessingLayer):
    """Shifts each image's hue by ``± f / 2`` turns (``f`` uniform in ``factor``, the sign at
    random) in HSV space (Keras's ``keras.layers.RandomHue``).

    Arguments:
        factor: a number in ``[0, 1]`` or a pair.
        value_range: the ``(min, max)`` of the images.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomHue(factor=0.2, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomHue", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        n = self._batch_size(data)
        seed = self._seed(seed)
        sign = ops.where(ops.greater(self._uniform(seed, (n,)), 0.5), -1.0, 1.0)
        f = self._uniform(seed, (n,), self.factor[0], self.factor[1])
        return {"factor": ops.multiply(ops.multiply(sign, f), 0.5)}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        images = self._transform_value_range(images, self.value_range, (0, 1), self.compute_dtype)
        adj = ops.reshape(ops.cast(transformation["factor"], images.dtype), (-1, 1, 1))
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        h = ops.add(_channel(hsv, 0, self.data_format), adj)
        h = ops.where(ops.greater(h, 1.0), ops.subtract(h, 1.0), h)
        h = ops.where(ops.less(h, 0.0), ops.add(h, 1.0), h)
        hsv = _stack_channels([h, _channel(hsv, 1, self.data_format), _channel(hsv, 2, self.data_format)],
                              self.data_format)
        images = ops.clip(ops.image.hsv_to_rgb(hsv, data_format=self.data_format), 0, 1)
        return ops.cast(self._transform_value_range(images, (0, 1), self.value_range, self.compute_dtype),
                        self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomSaturation(BaseImagePreprocessingLayer):
    """Multiplies each image's HSV saturation by ``f / (1 - f)``, ``f`` uniform in ``factor``
    (``0.5`` keeps the image, ``f <= 0`` makes it gray; Keras's ``keras.layers.RandomSaturation``).

    Arguments:
        factor: a number ``f`` in ``[-1, 1]`` (``[-|f|, |f|]``, as Keras reads it) or a pair.
        value_range: the ``(min, max)`` the saturation is clipped to, as in Keras.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomSaturation(factor=0.5, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomSaturation", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        f = self._uniform(self._seed(seed), (self._batch_size(data),), self.factor[0], self.factor[1])
        return {"factor": ops.divide(f, ops.add(ops.subtract(1.0, f), _backend.epsilon()))}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        adj = ops.reshape(ops.cast(transformation["factor"], self.compute_dtype), (-1, 1, 1))
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        s = ops.clip(ops.multiply(_channel(hsv, 1, self.data_format), adj), self.value_range[0], self.value_range[1])
        hsv = _stack_channels([_channel(hsv, 0, self.data_format), s, _channel(hsv, 2, self.data_format)],
                              self.data_format)
        return ops.image.hsv_to_rgb(hsv, data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomSharpness(BaseImagePreprocessingLayer):
    """Blends each image with a 3x3 smoothed copy: ``x + (1 - 2f) (smooth - x)``, ``f`` uniform
    in ``factor`` (``0.5`` keeps the image), clipped to ``value_range`` (Keras's
    ``keras.layers.RandomSharpness``).

    Arguments:
        factor: a number in ``[0, 1]`` or a pair.
        value_range: the ``(min, max)`` of the images.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomSharpness(factor=0.5, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomSharpness", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        return {"factor": self._uniform(self._seed(seed), (self._batch_size(data),), self.factor[0], self.factor[1])}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        x = _channels_last(images, self.data_format)
        f = ops.reshape(ops.cast(ops.multiply(transformation["factor"], 2.0), self.compute_dtype), (-1, 1, 1, 1))
        a, b = 1.0 / 13.0, 5.0 / 13.0
        c = int(x.shape[-1])
        kern = ops.tile(ops.reshape(ops.convert_to_tensor([[a, a, a], [a, b, a], [a, a, a]], self.compute_dtype),
                                    (3, 3, 1, 1)), (1, 1, c, 1))
        smooth = ops.cast(ops.depthwise_conv(x, kern, strides=1, padding="same", data_format="channels_last"),
                          self.compute_dtype)
        x = ops.add(x, ops.multiply(ops.subtract(1.0, f), ops.subtract(smooth, x)))
        x = ops.clip(x, self.value_range[0], self.value_range[1])
        return _restore_format(x, self.data_format)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomColorDegeneration(BaseImagePreprocessingLayer):
    """Blends each image towards its grayscale version by a factor uniform in ``factor``
    (Keras's ``keras.layers.RandomColorDegeneration``).

    Arguments:
        factor: a number in ``[0, 1]`` (``[0, f]``) or a pair.
        value_range: the ``(min, max)`` of the images.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomColorDegeneration(factor=0.5, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomColorDegeneration", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = _batch_shape(self, data, 1, 1, 1)
        return {"factor": self._uniform(self._seed(seed), shape, self.factor[0], self.factor[1])}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        f = ops.cast(transformation["factor"], self.compute_dtype)
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        images = ops.add(images, ops.multiply(f, ops.subtract(gray, images)))
        return ops.cast(ops.clip(images, self.value_range[0], self.value_range[1]), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        shape = input_shape["images"] if isinstance(input_shape, dict) else input_shape
        if len(shape) not in (3, 4):
            raise ValueError(f"RandomColorDegeneration: expected images of rank 3 or 4; received shape {shape}")
        c = shape[-1 if self.data_format == "channels_last" else -3]
        if c is not None and c != 3:
            raise ValueError(f"RandomColorDegeneration: images must have 3 channels; received {c}")
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomGrayscale(BaseImagePreprocessingLayer):
    """Turns each image to grayscale (kept with its channel count) with probability ``factor``
    (Keras's ``keras.layers.RandomGrayscale``).

    Arguments:
        factor: the probability, in ``[0, 1]``.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomGrayscale(factor=1.0, seed=0)(images)
    >>> out.shape, bool(np.allclose(out[..., 0], out[..., 1]))
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(factor, (int, float)) or factor < 0 or factor > 1:
            raise ValueError(f"RandomGrayscale: `factor` must be a number in [0, 1]; received factor={factor!r}")
        self.factor = factor
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        u = self._uniform(self._seed(seed), (self._batch_size(data),))
        return ops.reshape(ops.less(u, float(self.factor)), (-1, 1, 1, 1))

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.where(transformation, gray, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomPosterization(BaseImagePreprocessingLayer):
    """Keeps the ``b`` high bits of each 8-bit channel value, ``b`` drawn in ``[1, factor)``
    per image (``factor`` when the range is empty; Keras's ``keras.layers.RandomPosterization``).
    Values are first mapped from ``value_range`` to ``[0, 255]`` and truncated to integers.

    Arguments:
        factor: an int in ``[1, 8]`` or a pair.
        value_range: the ``(min, max)`` of the images.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomPosterization(factor=(1, 4), value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomPosterization", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        n = self._batch_size(data)
        lo, hi = int(self.factor[0]), int(self.factor[1])
        if lo != hi:
            bits = self._randint(self._seed(seed), (n,), lo, hi)
        else:
            bits = ops.full((n,), lo, dtype="int32")
        return {"shift_factor": ops.subtract(8, bits)}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        shift = ops.reshape(ops.cast(transformation["shift_factor"], "int32"), (-1, 1, 1, 1))
        x = self._transform_value_range(images, self.value_range, (0, 255), self.compute_dtype)
        x = ops.cast(ops.clip(x, 0, 255), "int32")
        x = ops.left_shift(ops.right_shift(x, shift), shift)
        return self._transform_value_range(ops.cast(x, self.compute_dtype), (0, 255), self.value_range,
                                           self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomInvert(BaseImagePreprocessingLayer):
    """Replaces an image by ``max - x`` with a probability drawn uniformly in ``factor``
    (Keras's ``keras.layers.RandomInvert``).

    Arguments:
        factor: a number in ``[0, 1]`` or a pair (the range of the inversion probability).
        value_range: the ``(min, max)`` of the images.
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomInvert(factor=0.5, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomInvert", value_range)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n, seed = self._batch_size(data), self._seed(seed)
        p = self._uniform(seed, (n,), self.factor[0], self.factor[1])
        return {"apply_inversion": ops.less(self._uniform(seed, (n,)), p)}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        flip = ops.reshape(transformation["apply_inversion"], (-1, 1, 1, 1))
        return ops.where(flip, ops.subtract(float(self.value_range[1]), images), images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class Solarization(BaseImagePreprocessingLayer):
    """Adds a random offset in ``[a0, a1 * 255]`` then inverts every value at or above a random
    threshold in ``[t0, t1 * 255]`` (on the ``[0, 255]`` scale; Keras's
    ``keras.layers.Solarization``). With the default factors it inverts every pixel.

    Arguments:
        addition_factor: a number in ``[0, 1]`` (``(0, f)``) or a pair.
        threshold_factor: a number in ``[0, 1]`` (``(0, f)``) or a pair.
        value_range: the ``(min, max)`` of the images.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.Solarization(threshold_factor=(0.5, 0.5), value_range=(0, 255), seed=0)
    >>> layer(np.array([[[[10.0], [200.0]]]], "float32"))[0, 0, :, 0]
    array([10., 55.], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._make_generator(seed)
        self.addition_factor = factor_range("Solarization", "addition_factor", addition_factor, (0, 1),
                                            symmetric=False)
        self.threshold_factor = factor_range("Solarization", "threshold_factor", threshold_factor, (0, 1),
                                             symmetric=False)
        self.value_range = check_value_range("Solarization", value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape, seed = _batch_shape(self, data, 1, 1, 1), self._seed(seed)
        add = self._uniform(seed, shape, self.addition_factor[0], self.addition_factor[1] * 255, self.compute_dtype)
        thr = self._uniform(seed, shape, self.threshold_factor[0], self.threshold_factor[1] * 255, self.compute_dtype)
        return {"additions": add, "thresholds": thr}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        x = self._transform_value_range(images, self.value_range, (0, 255), self.compute_dtype)
        x = ops.clip(ops.add(x, transformation["additions"]), 0, 255)
        x = ops.where(ops.less(x, transformation["thresholds"]), x, ops.subtract(255.0, x))
        return self._transform_value_range(x, (0, 255), self.value_range, self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor, "seed": self.seed}


class RandomColorJitter(BaseImagePreprocessingLayer):
    """Random brightness, contrast, saturation and hue in turn (each only when its factor is
    given; Keras's ``keras.layers.RandomColorJitter``).

    Arguments:
        value_range: the ``(min, max)`` of the images.
        brightness_factor, contrast_factor, saturation_factor, hue_factor: the factors of
            :class:`RandomBrightness`, :class:`RandomContrast`, :class:`RandomSaturation`,
            :class:`RandomHue` (``None`` skips that step).
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.5, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("RandomColorJitter", value_range)
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self._make_generator(seed)
        common = {"value_range": self.value_range, "seed": seed, "data_format": self.data_format}
        self.random_brightness = (None if brightness_factor is None
                                  else RandomBrightness(brightness_factor, **common))
        self.random_contrast = None if contrast_factor is None else RandomContrast(contrast_factor, **common)
        self.random_saturation = None if saturation_factor is None else RandomSaturation(saturation_factor, **common)
        self.random_hue = None if hue_factor is None else RandomHue(hue_factor, **common)

    def _steps(self):
        return [s for s in (self.random_brightness, self.random_contrast, self.random_saturation, self.random_hue)
                if s is not None]

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self._seed(seed)
        return [step.get_random_transformation(data, training=True, seed=seed) for step in self._steps()]

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        for step, t in zip(self._steps(), transformation, strict=True):
            images = step.transform_images(images, t, training=True)
        return ops.cast(images, self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "brightness_factor": self.brightness_factor,
                "contrast_factor": self.contrast_factor, "saturation_factor": self.saturation_factor,
                "hue_factor": self.hue_factor, "seed": self.seed}


class RandomGaussianBlur(BaseImagePreprocessingLayer):
    """Blurs each image with probability drawn in ``factor`` by a Gaussian of ``kernel_size``
    whose (width, height) sigmas are drawn in ``sigma`` (one pair per batch, as in Keras's
    ``keras.layers.RandomGaussianBlur``); zero padding, clipped to ``value_range``.

    Arguments:
        factor: a number in ``[0, 1]`` or a pair (the range of the blur probability).
        kernel_size: an odd int, or a pair of odd ints ``(width, height)``.
        sigma: a number in ``[0, 1]`` or a pair (the range of the sigmas).
        value_range: the ``(min, max)`` of the images.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.RandomGaussianBlur(factor=1.0, sigma=1.0, value_range=(0, 255), seed=0)(images)
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.kernel_size = self._kernel_pair(kernel_size)
        self.sigma = factor_range("RandomGaussianBlur", "sigma", sigma, self._FACTOR_BOUNDS)
        self.value_range = check_value_range("RandomGaussianBlur", value_range)
        self._make_generator(seed)

    @staticmethod
    def _kernel_pair(kernel_size):
        ks = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
        if len(ks) != 2 or any(not isinstance(k, int) or k < 1 or k % 2 == 0 for k in ks):
            raise ValueError(f"RandomGaussianBlur: `kernel_size` must be an odd int or a pair of odd ints; "
                             f"received kernel_size={kernel_size!r}")
        return ks

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n, seed = self._batch_size(data), self._seed(seed)
        p = self._uniform(seed, (n,), self.factor[0], self.factor[1])
        apply = ops.less(self._uniform(seed, (n,)), p)
        sig = ops.add(self._uniform(seed, (2,), self.sigma[0], self.sigma[1], self.compute_dtype), 1e-6)
        return {"should_apply_blur": apply, "blur_factor": sig}

    def _kernel_1d(self, size, sigma):
        x = ops.convert_to_tensor([i - (size - 1) / 2 for i in range(size)], self.compute_dtype)
        k = ops.exp(ops.multiply(-0.5, ops.square(ops.divide(x, sigma))))
        return ops.divide(k, ops.sum(k))

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        x = _channels_last(images, self.data_format)
        sig = transformation["blur_factor"]
        kx = self._kernel_1d(self.kernel_size[0], take(sig, 0))  # along the width
        ky = self._kernel_1d(self.kernel_size[1], take(sig, 1))  # along the height
        k2 = ops.multiply(ops.reshape(ky, (-1, 1)), ops.reshape(kx, (1, -1)))
        c = int(x.shape[-1])
        kern = ops.tile(ops.reshape(k2, (self.kernel_size[1], self.kernel_size[0], 1, 1)), (1, 1, c, 1))
        blurred = ops.depthwise_conv(x, kern, strides=1, padding="same", data_format="channels_last")
        apply = ops.reshape(transformation["should_apply_blur"], (-1, 1, 1, 1))
        x = ops.clip(ops.where(apply, blurred, x), self.value_range[0], self.value_range[1])
        return ops.cast(_restore_format(x, self.data_format), self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                "value_range": self.value_range, "seed": self.seed}
