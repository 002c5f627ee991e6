"""The base of Keras 3's image augmentation layers (``keras.layers.Random*``, ``AutoContrast``...).

A layer of this kind splits its work in two, as Keras's do: :meth:`get_random_transformation`
draws the parameters of one augmentation for a batch (from the layer's
:class:`~dlx.random.SeedGenerator`, or from a ``seed`` passed in), and ``transform_images`` /
``transform_labels`` / ``transform_bounding_boxes`` / ``transform_segmentation_masks`` apply
those parameters. Composite layers (``RandAugment``, ``AugMix``, ``RandomColorJitter``) call these
hooks of their inner layers directly.

Inputs are a batch of images (rank 4), one image (rank 3), or a dict with ``"images"`` and
optionally ``"labels"``, ``"bounding_boxes"`` (a dict of ``"boxes"`` and ``"labels"``; the layer
then needs ``bounding_box_format``) and ``"segmentation_masks"``. All draws come from
``dlx.random`` (Threefry): the same seed gives the same augmentation on every backend. At
inference (``training=False``) the layers are the identity (colour and geometry alike).
"""

from __future__ import annotations

import math

import numpy as np

from dlx import config as _config
from dlx import ops
from dlx import random as _random
from dlx.layers.layer import Layer
from dlx.ops.tensors import run_time_shape
from dlx.random import SeedGenerator

__all__ = ["BaseImagePreprocessingLayer", "check_value_range", "hw_axes", "image_size", "take"]


def standard_format(data_format):
    data_format = data_format or _config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format={data_format!r}; expected 'channels_last' or 'channels_first'")
    return data_format


def hw_axes(ndim: int, data_format: str):
    """The (height, width) axes of a rank-``ndim`` image tensor."""
    if data_format == "channels_last":
        return ndim - 3, ndim - 2
    return ndim - 2, ndim - 1


def image_size(shape, data_format: str):
    """``(height, width)`` of an image or batch of images of ``shape``."""
    ha, wa = hw_axes(len(shape), data_format)
    return shape[ha], shape[wa]


def check_value_range(name: str, value_range):
    """``value_range`` as a sorted ``[min, max]`` list, or a ValueError naming the layer."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{name}: `value_range` must be a list of two numbers (min, max); "
                         f"received value_range={value_range!r}")
    return sorted(value_range)


def factor_range(name: str, arg: str, factor, bounds, symmetric=True):
    """A ``factor`` argument (a number or a pair within ``bounds``) as ``(lower, upper)``.

    A single number ``f`` gives ``(max(-|f|, bounds[0]), |f|)`` when ``symmetric`` (Keras's
    ``_set_factor``), else ``(bounds[0], f)``.
    """
    msg = (f"{name}: `{arg}` must be a number or a list of two numbers in the range [{bounds[0]}, {bounds[1]}]; "
           f"received {arg}={factor!r}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(msg)
        if factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(msg)
        lower, upper = sorted(factor)
        return lower, upper
    if isinstance(factor, (int, float, np.integer, np.floating)) and not isinstance(factor, bool):
        if factor < bounds[0] or factor > bounds[1]:
            raise ValueError(msg)
        if not symmetric:
            return bounds[0], factor
        factor = abs(factor)
        return max(-factor, bounds[0]), factor
    raise ValueError(msg)


def take(x, index, axis=-1):
    """``x``'s entry ``index`` (an int, or a list of ints) along ``axis``, by ``ops.take``: one code
    path on every backend (OpenVINO's indexing of several slices of one tensor is unreliable)."""
    return ops.take(x, index if isinstance(index, int) else ops.convert_to_tensor(index, "int32"), axis=axis)


def as_float(x):
    return x if isinstance(x, (int, float)) else float(x)


class BaseImagePreprocessingLayer(Layer):
    """The base of the image augmentation layers (see the module docstring).

    Arguments:
        factor: the layer's strength (a number or a ``(lower, upper)`` pair within
            ``_FACTOR_BOUNDS``) for layers that take one.
        bounding_box_format: the format of ``data["bounding_boxes"]["boxes"]`` (``"xyxy"``,
            ``"rel_xyxy"``, ``"xywh"``, ``"center_xywh"``, ``"yxyx"``, ``"rel_yxyx"``...).
        data_format: ``"channels_last"`` / ``"channels_first"`` (default: the global setting).
    """

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)
    # The factor of a layer whose single number means ``(0, f)`` rather than ``(-f, f)``.

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = standard_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(f"Layer {type(self).__name__} does not take a `factor` argument; "
                             f"received factor={factor!r}")

    def _set_factor(self, factor):
        self.factor = factor_range(type(self).__name__, "factor", factor, self._FACTOR_BOUNDS)

    def _make_generator(self, seed):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"{type(self).__name__}: seed={seed!r}; expected an int or None")
        self.seed = seed
        self.generator = SeedGenerator(seed)

    # -- randomness ------------------------------------------------------------------------------------
    def _seed(self, seed=None):
        """The seed for a draw: the one passed in, else the layer's generator (advanced per draw)."""
        return self.generator if seed is None else seed

    def _uniform(self, seed, shape, minval=0.0, maxval=1.0, dtype=None):
        return _random.uniform(shape, minval=as_float(minval), maxval=as_float(maxval), dtype=dtype or "float32",
                               seed=seed)

    def _randint(self, seed, shape, minval, maxval):
        """Uniform ints in ``[minval, maxval)`` from a uniform draw (portable on every backend)."""
        u = _random.uniform(shape, dtype="float32", seed=seed)
        k = ops.cast(ops.floor(ops.multiply(u, float(maxval - minval))), "int32")
        return ops.add(ops.minimum(k, maxval - minval - 1), minval)

    def _permutation(self, seed, n):
        """A random permutation of ``range(n)`` (argsort of uniform keys; portable)."""
        return ops.cast(ops.argsort(_random.uniform((n,), dtype="float32", seed=seed)), "int32")

    # -- the hooks -------------------------------------------------------------------------------------
    def get_random_transformation(self, data, training=True, seed=None):
        """The parameters of one augmentation of ``data`` (images or a dict); ``None`` when the
        layer has none."""
        return None

    def transform_images(self, images, transformation, training=True):
        """Applies one augmentation to a batch of images (the layer's ``call`` runs it on ``data`` or
        ``data["images"]``, after casting to the compute dtype).

        Arguments:
            images: a batch of images, rank 4 (one image is batched by ``call`` first).
            transformation: the parameters :meth:`get_random_transformation` drew for this call.
            training: False returns the images unchanged (cast only).

        Returns:
            The augmented images.
        """
        images = ops.cast(images, self.compute_dtype)
        if training:
            images = self._transform_images(images, transformation, getattr(self, "interpolation", "bilinear"))
        return images

    def _transform_images(self, images, transformation, interpolation):  # pragma: no cover - overridden
        raise TypeError(f"{type(self).__name__} must define transform_images() or _transform_images()")

    def transform_labels(self, labels, transformation, training=True):
        """Adjusts ``data["labels"]`` for an augmentation; the base returns them unchanged (the mixing
        layers, MixUp and CutMix, blend them).

        Arguments:
            labels: the batch's labels.
            transformation: the parameters :meth:`get_random_transformation` drew for this call.
            training: whether the augmentation is applied.

        Returns:
            The labels.
        """
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """Moves ``data["bounding_boxes"]`` with the images; the base returns them unchanged (layers that
        change pixel positions, flips, crops, affine and perspective warps, override it).

        Arguments:
            bounding_boxes: a dict with ``"boxes"`` (in the layer's ``bounding_box_format``) and
                ``"labels"``.
            transformation: the parameters :meth:`get_random_transformation` drew for this call.
            training: whether the augmentation is applied.

        Returns:
            The bounding boxes, in the same format.
        """
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        """Applies a geometric augmentation to ``data["segmentation_masks"]`` with nearest-neighbour
        sampling (labels are not interpolated); layers whose change is not geometric (colour, contrast)
        return the masks unchanged.

        Arguments:
            segmentation_masks: a batch of masks, shaped like the images but for the channels.
            transformation: the parameters :meth:`get_random_transformation` drew for this call.
            training: whether the augmentation is applied.

        Returns:
            The masks.
        """
        if training and type(self)._transform_images is not BaseImagePreprocessingLayer._transform_images:
            return self._transform_images(segmentation_masks, transformation, "nearest")
        return segmentation_masks

    # -- calling ---------------------------------------------------------------------------------------
    @staticmethod
    def _is_batched(images):
        rank = len(images.shape)
        if rank not in (3, 4):
            raise ValueError(f"Expected an image tensor of rank 3 (one image) or 4 (a batch of images); received "
                             f"shape {tuple(images.shape)}")
        return rank == 4

    def _single(self, fn, x, transformation, training):
        out = fn(ops.expand_dims(x, 0), transformation, training=training)
        return ops.squeeze(out, 0)

    def call(self, data, training=True):
        transformation = self.get_random_transformation(data, training=training)
        if not isinstance(data, dict):
            images = ops.convert_to_tensor(data)
            if self._is_batched(images):
                return self.transform_images(images, transformation, training=training)
            return self._single(self.transform_images, images, transformation, training)
        if "images" not in data:
            raise ValueError(f"{type(self).__name__}: a dict input needs an 'images' key; received keys {sorted(data)}")
        unknown = set(data) - {"images", "labels", "bounding_boxes", "segmentation_masks"}
        if unknown:
            raise ValueError(f"{type(self).__name__}: unknown input keys {sorted(unknown)}; expected 'images', "
                             "'labels', 'bounding_boxes', 'segmentation_masks'")
        out = dict(data)
        images = ops.convert_to_tensor(data["images"])
        batched = self._is_batched(images)
        out["images"] = (self.transform_images(images, transformation, training=training) if batched
                         else self._single(self.transform_images, images, transformation, training))
        if "bounding_boxes" in data:
            if not self.bounding_box_format:
                raise ValueError(f"{type(self).__name__}: the input has 'bounding_boxes' but the layer has no "
                                 "`bounding_box_format`; pass one, e.g. bounding_box_format='xyxy'")
            boxes = {k: ops.convert_to_tensor(v) for k, v in data["bounding_boxes"].items()}
            if batched:
                out["bounding_boxes"] = self.transform_bounding_boxes(boxes, transformation, training=training)
            else:
                boxes = {k: (ops.expand_dims(v, 0) if k in ("boxes", "labels") else v) for k, v in boxes.items()}
                res = self.transform_bounding_boxes(boxes, transformation, training=training)
                out["bounding_boxes"] = {k: (ops.squeeze(v, 0) if k in ("boxes", "labels") else v)
                                         for k, v in res.items()}
        if "labels" in data:
            labels = ops.convert_to_tensor(data["labels"])
            out["labels"] = (self.transform_labels(labels, transformation, training=training) if batched
                             else self._single(self.transform_labels, labels, transformation, training))
        if "segmentation_masks" in data:
            masks = ops.convert_to_tensor(data["segmentation_masks"])
            out["segmentation_masks"] = (
                self.transform_segmentation_masks(masks, transformation, training=training) if batched
                else self._single(self.transform_segmentation_masks, masks, transformation, training))
        return out

    def build(self, input_shape=None):
        # no weights: the seed generators' states exist from __init__
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config

    # -- helpers shared by the layers ------------------------------------------------------------------
    def _batch_size(self, data):
        images = data["images"] if isinstance(data, dict) else data
        shape = tuple(images.shape)
        if len(shape) not in (3, 4):
            raise ValueError(f"{type(self).__name__}: expected images of rank 3 or 4; received shape {shape}")
        return 1 if len(shape) == 3 else run_time_shape(images)[0]  # a scalar tensor when unknown (a TF graph)

    @staticmethod
    def _images_of(data):
        return data["images"] if isinstance(data, dict) else data

    def _transform_value_range(self, images, original_range, target_range, dtype="float32"):
        """``images`` mapped linearly from ``original_range`` to ``target_range``."""
        if original_range[0] == target_range[0] and original_range[1] == target_range[1]:
            return images
        images = ops.cast(images, dtype)
        omin, omax = float(original_range[0]), float(original_range[1])
        tmin, tmax = float(target_range[0]), float(target_range[1])
        images = ops.divide(ops.subtract(images, np.asarray(omin, dtype)), np.asarray(omax - omin, dtype))
        return ops.add(ops.multiply(images, np.asarray(tmax - tmin, dtype)), np.asarray(tmin, dtype))

    def _compute_affine_matrix(self, center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y,
                               height, width):
        """Per-image ``(batch, 8)`` projective transforms (output pixel -> input pixel, the
        ``affine_transform`` convention) of a rotation by ``angle`` degrees about the point
        ``(center_x, center_y)`` (fractions of the size), shears in degrees, a scale and a
        translation in pixels."""
        deg = math.pi / 180.0
        angle = ops.multiply(angle, deg)
        cos_t, sin_t = ops.cos(angle), ops.sin(angle)
        shx, shy = ops.tan(ops.multiply(shear_x, deg)), ops.tan(ops.multiply(shear_y, deg))
        cx = center_x * (float(width) - 1.0)
        cy = center_y * (float(height) - 1.0)
        a0 = ops.multiply(scale, ops.add(cos_t, ops.multiply(shx, sin_t)))
        a1 = ops.multiply(scale, ops.add(ops.negative(sin_t), ops.multiply(shx, cos_t)))
        a2 = ops.subtract(ops.subtract(ops.add(translate_x, cx), ops.multiply(a0, cx)), ops.multiply(a1, cy))
        b0 = ops.multiply(scale, ops.add(ops.multiply(shy, cos_t), sin_t))
        b1 = ops.multiply(scale, ops.add(ops.negative(ops.multiply(shy, sin_t)), cos_t))
        b2 = ops.subtract(ops.subtract(ops.add(translate_y, cy), ops.multiply(b0, cx)), ops.multiply(b1, cy))
        zeros = ops.zeros_like(a0)
        return ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
