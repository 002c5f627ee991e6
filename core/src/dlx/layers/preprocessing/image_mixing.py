"""Keras 3's mixing and composite augmentation layers: ``MixUp``, ``CutMix``, ``AugMix``,
``RandAugment``, ``Pipeline`` and ``MaxNumBoundingBoxes``.

Beta and Dirichlet draws are built from ``dlx.random``'s uniform and normal draws (Marsaglia and
Tsang's gamma sampler with a fixed number of proposals), so they are portable and compile; the
composite layers draw their choices with the same generator, so a seed fixes the whole chain.
"""

from __future__ import annotations

from dlx import ops
from dlx import random as _random
from dlx import serialization as _serialization
from dlx.layers.layer import Layer
from dlx.layers.preprocessing import image_color as _color
from dlx.layers.preprocessing import image_geometry as _geom
from dlx.layers.preprocessing import image_histogram as _hist
from dlx.layers.preprocessing.image_base import BaseImagePreprocessingLayer, check_value_range, take

__all__ = ["AugMix", "CutMix", "MaxNumBoundingBoxes", "MixUp", "Pipeline", "RandAugment", "sample_beta",
           "sample_gamma"]

_PROPOSALS = 12  # rejection proposals per gamma draw; all rejected has probability < 0.05 ** 12


def sample_gamma(shape, alpha, seed, dtype="float32"):
    """``Gamma(alpha, 1)`` draws of ``shape`` (``alpha`` a number or a tensor broadcastable to it)
    by Marsaglia and Tsang's method, boosted by ``U ** (1 / alpha)`` for ``alpha < 1``."""
    shape = tuple(shape)
    alpha = ops.cast(ops.convert_to_tensor(alpha), dtype)
    boost = ops.less(alpha, 1.0)
    a = ops.where(boost, ops.add(alpha, 1.0), alpha)
    d = ops.subtract(a, 1.0 / 3.0)
    c = ops.divide(1.0, ops.sqrt(ops.multiply(9.0, d)))
    z = _random.normal((_PROPOSALS, *shape), dtype=dtype, seed=seed)
    u = _random.uniform((_PROPOSALS, *shape), dtype=dtype, seed=seed)
    v = ops.power(ops.add(1.0, ops.multiply(c, z)), 3)
    safe_v = ops.where(ops.greater(v, 0.0), v, 1.0)
    accept = ops.logical_and(ops.greater(v, 0.0), ops.less(
        ops.log(ops.maximum(u, 1e-30)),
        ops.add(ops.multiply(0.5, ops.square(z)), ops.multiply(d, ops.add(ops.subtract(1.0, safe_v),
                                                                          ops.log(safe_v))))))
    first = ops.argmax(ops.cast(accept, "int32"), axis=0)
    chosen = ops.squeeze(ops.take_along_axis(safe_v, ops.expand_dims(first, 0), axis=0), 0)
    chosen = ops.where(ops.any(accept, axis=0), chosen, 1.0)
    g = ops.multiply(d, chosen)
    ub = _random.uniform(shape, dtype=dtype, seed=seed)
    factor = ops.power(ops.maximum(ub, 1e-30), ops.divide(1.0, ops.where(boost, alpha, 1.0)))
    return ops.where(boost, ops.multiply(g, factor), g)


def sample_beta(shape, alpha, beta, seed, dtype="float32"):
    """``Beta(alpha, beta)`` draws as ``X / (X + Y)`` of two gamma draws."""
    x = sample_gamma(shape, alpha, seed, dtype)
    y = sample_gamma(shape, beta, seed, dtype)
    return ops.divide(x, ops.maximum(ops.add(x, y), 1e-30))


class MixUp(BaseImagePreprocessingLayer):
    """Mixes each image (and its label) with another of the batch: ``w x + (1 - w) x[perm]``,
    ``w ~ Beta(alpha, alpha)`` (Keras's ``keras.layers.MixUp``). Bounding boxes of both images
    are kept (concatenated per image).

    Arguments:
        alpha: the Beta distribution's parameter.
        data_format: as other image layers.
        seed: the seed of the layer's generator.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.MixUp(alpha=0.2, seed=0)({"images": images, "labels": np.eye(2, dtype="float32")})
    >>> out["images"].shape, out["labels"].shape
    ((2, 8, 8, 3), (2, 2))
    """

    _USE_BASE_FACTOR = False

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number; received alpha={alpha!r}")
        self.alpha = alpha
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        n, seed = self._batch_size(data), self._seed(seed)
        perm = self._permutation(seed, n)
        w = sample_beta((n,), float(self.alpha), float(self.alpha), seed)
        return {"mix_weight": w, "permutation_order": perm}

    def _mix(self, x, t, rank):
        w = ops.cast(ops.reshape(t["mix_weight"], (-1,) + (1,) * (rank - 1)), x.dtype)
        return ops.add(ops.multiply(w, x), ops.multiply(ops.subtract(1.0, w), ops.take(x, t["permutation_order"],
                                                                                      axis=0)))

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        return self._mix(images, transformation, 4) if training else images

    def transform_labels(self, labels, transformation, training=True):
        if not training:
            return labels
        labels = ops.cast(labels, self.compute_dtype)
        return self._mix(labels, transformation, len(labels.shape))

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training:
            return segmentation_masks
        masks = ops.cast(segmentation_masks, self.compute_dtype)
        return self._mix(masks, transformation, len(masks.shape))

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        perm = transformation["permutation_order"]
        out = dict(bounding_boxes)
        out["boxes"] = ops.concatenate([bounding_boxes["boxes"], ops.take(bounding_boxes["boxes"], perm, axis=0)],
                                       axis=1)
        out["labels"] = ops.concatenate([bounding_boxes["labels"], ops.take(bounding_boxes["labels"], perm, axis=0)],
                                        axis=1)
        return out

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}


class CutMix(BaseImagePreprocessingLayer):
    """Pastes a random rectangle of another image of the batch into each image and mixes the
    labels by the pasted area (Keras's ``keras.layers.CutMix``). The rectangle's side ratio is
    ``sqrt(1 - w)``, ``w ~ Beta(a, a)`` with ``a`` drawn in ``factor``.

    Arguments:
        factor: a number in ``[0, 1]`` or a pair (the range of ``a``).
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> out = layers.CutMix(factor=1.0, seed=0)({"images": images, "labels": np.eye(2, dtype="float32")})
    >>> out["images"].shape, out["labels"].shape
    ((2, 8, 8, 3), (2, 2))
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._make_generator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = self._images_of(data)
        shape = tuple(images.shape)
        if len(shape) == 3:
            return None
        n, seed = shape[0], self._seed(seed)
        h, w = _geom.image_size(shape, self.data_format)
        a = ops.add(self._uniform(seed, (), self.factor[0], self.factor[1], self.compute_dtype), 1e-6)
        weight = sample_beta((n,), a, a, seed, self.compute_dtype)
        ratio = ops.sqrt(ops.subtract(1.0, weight))
        cut_w = ops.multiply(ratio, float(w))
        cut_h = ops.multiply(ratio, float(h))
        x0 = ops.multiply(self._uniform(seed, (n,), dtype=self.compute_dtype), ops.subtract(float(w), cut_w))
        y0 = ops.multiply(self._uniform(seed, (n,), dtype=self.compute_dtype), ops.subtract(float(h), cut_h))
        x1, y1 = ops.add(x0, cut_w), ops.add(y0, cut_h)
        masks = _geom._box_masks(shape, self.data_format, (x0, x1, y0, y1), self.compute_dtype)
        mix = ops.subtract(1.0, ops.divide(ops.multiply(ops.subtract(x1, x0), ops.subtract(y1, y0)), float(w * h)))
        perm = self._permutation(seed, n)
        return {"permutation_order": perm, "batch_masks": masks, "mix_weight": mix}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        return ops.where(transformation["batch_masks"], ops.take(images, transformation["permutation_order"], axis=0),
                         images)

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        labels = ops.cast(labels, self.compute_dtype)
        w = ops.reshape(ops.cast(transformation["mix_weight"], labels.dtype), (-1,) + (1,) * (len(labels.shape) - 1))
        other = ops.take(labels, transformation["permutation_order"], axis=0)
        return ops.add(ops.multiply(w, labels), ops.multiply(ops.subtract(1.0, w), other))

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        masks = transformation["batch_masks"]
        if masks.shape != segmentation_masks.shape:  # one mask channel
            axis = -1 if self.data_format == "channels_last" else -3
            masks = ops.take(masks, ops.convert_to_tensor([0], "int32"), axis=axis)
        return ops.where(masks, ops.take(segmentation_masks, transformation["permutation_order"], axis=0),
                         segmentation_masks)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if training and transformation is not None:
            raise ValueError("CutMix cannot transform bounding boxes (as in Keras); drop 'bounding_boxes' from its "
                             "input")
        return bounding_boxes

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}


def _ops_layers(owner, value_range, factor, interpolation, seed, data_format, all_ops=True):
    """The named augmentation layers that RandAugment and AugMix choose from (Keras's set)."""
    common = {"seed": seed, "data_format": data_format}
    colour = {"value_range": value_range, **common}
    out = {
        "random_shear": _geom.RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation, **common),
        "random_translation": _geom.RandomTranslation(height_factor=factor, width_factor=factor,
                                                      interpolation=interpolation, **common),
        "random_rotation": _geom.RandomRotation(factor=factor, interpolation=interpolation, **common),
    }
    if all_ops:
        out["random_brightness"] = _color.RandomBrightness(factor=factor, **colour)
        out["random_color_degeneration"] = _color.RandomColorDegeneration(factor=factor, **colour)
        out["random_contrast"] = _color.RandomContrast(factor=factor, **colour)
        out["random_sharpness"] = _color.RandomSharpness(factor=factor, **colour)
    out["random_posterization"] = _color.RandomPosterization(factor=max(1, int(8 * factor[1])), **colour)
    out["solarization"] = _color.Solarization(addition_factor=factor, threshold_factor=factor, **colour)
    out["auto_contrast"] = _hist.AutoContrast(value_range=value_range, data_format=data_format)
    out["equalization"] = _hist.Equalization(value_range=value_range, data_format=data_format)
    for name, layer in out.items():
        setattr(owner, name, layer)
    return out


class RandAugment(BaseImagePreprocessingLayer):
    """Applies ``num_ops`` augmentations chosen at random (per batch) among shear, translation,
    rotation, brightness, colour degeneration, contrast, sharpness, posterization, solarization,
    auto-contrast and equalization, all of strength ``factor`` (Keras's
    ``keras.layers.RandAugment``).

    Arguments:
        value_range: the ``(min, max)`` of the images.
        num_ops: how many augmentations to apply.
        factor: a number in ``[0, 1]`` or a pair: the strength of every augmentation.
        interpolation: ``"bilinear"`` or ``"nearest"`` for the geometric ones.
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.RandAugment(value_range=(0, 255), num_ops=2, seed=0)(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("RandAugment", value_range)
        if not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"RandAugment: `num_ops` must be an int >= 0; received num_ops={num_ops!r}")
        self.num_ops = num_ops
        self._set_factor(factor)
        self.interpolation = interpolation
        self._make_generator(seed)
        self._choices = _ops_layers(self, self.value_range, self.factor, interpolation, seed, self.data_format)
        order = ["random_shear", "random_translation", "random_rotation", "random_brightness",
                 "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
                 "solarization", "auto_contrast", "equalization"]
        self._names = order

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self._seed(seed)
        idx = self._randint(seed, (self.num_ops,), 0, len(self._names))
        transforms = {name: self._choices[name].get_random_transformation(data, training=True, seed=seed)
                      for name in self._names}
        return {"transforms": transforms, "layer_idxes": idx}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        idx = transformation["layer_idxes"]
        for i in range(self.num_ops):
            for j, name in enumerate(self._names):
                out = ops.cast(self._choices[name].transform_images(images, transformation["transforms"][name]),
                               self.compute_dtype)
                images = ops.where(ops.equal(take(idx, i), j), out, images)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "num_ops": self.num_ops,
                "factor": self.factor, "interpolation": self.interpolation, "seed": self.seed}


class AugMix(BaseImagePreprocessingLayer):
    """AugMix (Hendrycks et al.; Keras's ``keras.layers.AugMix``): ``num_chains`` chains of up
    to ``chain_depth`` random augmentations each, mixed with Dirichlet(``alpha``) weights, then
    blended with the original by a Beta(``alpha``, ``alpha``) weight. The operations of each
    chain are drawn per call from the layer's seed (as in Keras, one choice per batch).

    Arguments:
        value_range: the ``(min, max)`` of the images.
        num_chains: the number of chains.
        chain_depth: the most operations in a chain (each step may be skipped).
        factor: a number in ``[0, 1]`` or a pair: the strength of the operations.
        alpha: the Dirichlet and Beta parameter.
        all_ops: include brightness, colour degeneration, contrast and sharpness.
        interpolation: ``"bilinear"`` or ``"nearest"`` for the geometric operations.
        seed: the seed of the layer's generator.
        data_format: as other image layers.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> layers.AugMix(value_range=(0, 255), seed=0)(images).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("AugMix", value_range)
        for arg, v in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"AugMix: `{arg}` must be an int >= 1; received {arg}={v!r}")
        self.num_chains, self.chain_depth = num_chains, chain_depth
        self._set_factor(factor)
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self._make_generator(seed)
        self._choices = _ops_layers(self, self.value_range, self.factor, interpolation, seed, self.data_format,
                                    all_ops=all_ops)
        self._names = list(self._choices)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self._seed(seed)
        g = sample_gamma((self.num_chains,), float(self.alpha), seed)
        weights = ops.divide(g, ops.sum(g))
        blend = sample_beta((), float(self.alpha), float(self.alpha), seed)
        # one choice per step among the operations and "skip", drawn by the same generator
        picks = self._randint(seed, (self.num_chains, self.chain_depth), 0, len(self._names) + 1)
        transforms = {name: layer.get_random_transformation(data, training=True, seed=seed)
                      for name, layer in self._choices.items()}
        return {"chain_mixing_weights": weights, "weight_sample": blend, "picks": picks, "transforms": transforms}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        w = ops.cast(transformation["chain_mixing_weights"], self.compute_dtype)
        picks = transformation["picks"]
        mixed = ops.zeros_like(images)
        for ci in range(self.num_chains):
            x = images
            for di in range(self.chain_depth):
                pick = take(take(picks, ci, 0), di)
                for j, name in enumerate(self._names):
                    out = ops.cast(self._choices[name].transform_images(x, transformation["transforms"][name]),
                                   self.compute_dtype)
                    x = ops.where(ops.equal(pick, j), out, x)
            mixed = ops.add(mixed, ops.multiply(x, take(w, ci)))
        m = ops.cast(transformation["weight_sample"], self.compute_dtype)
        out = ops.add(ops.multiply(m, images), ops.multiply(ops.subtract(1.0, m), mixed))
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "num_chains": self.num_chains,
                "chain_depth": self.chain_depth, "factor": self.factor, "alpha": self.alpha, "all_ops": self.all_ops,
                "interpolation": self.interpolation, "seed": self.seed}


class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Truncates or pads (with ``fill_value``) each image's boxes and box labels to
    ``max_number`` (Keras's ``keras.layers.MaxNumBoundingBoxes``); images pass unchanged.

    Arguments:
        max_number: the number of boxes per image.
        fill_value: the value of the padding boxes and labels.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.zeros((1, 8, 8, 3), "float32")
    >>> boxes = {"boxes": np.array([[[0.0, 0.0, 5.0, 5.0]]], "float32"), "labels": np.array([[3]])}
    >>> layer = layers.MaxNumBoundingBoxes(max_number=3, bounding_box_format="xyxy")
    >>> out = layer({"images": images, "bounding_boxes": boxes})
    >>> out["bounding_boxes"]["labels"]
    array([[ 3, -1, -1]])
    """

    _USE_BASE_FACTOR = False

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        if int(max_number) < 1:
            raise ValueError(f"MaxNumBoundingBoxes: `max_number` must be >= 1; received max_number={max_number!r}")
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def transform_images(self, images, transformation=None, training=True):
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return segmentation_masks

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        extra = set(bounding_boxes) - {"boxes", "labels"}
        if extra:
            raise ValueError(f"MaxNumBoundingBoxes: unsupported keys in `bounding_boxes`: {sorted(extra)}; expected "
                             "'boxes' and 'labels'")
        boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
        pad = max(self.max_number - int(boxes.shape[1]), 0)
        keep = list(range(min(self.max_number, int(boxes.shape[1]))))
        boxes = take(boxes, keep, axis=1)
        labels = take(labels, keep, axis=1)
        if pad:
            boxes = ops.pad(boxes, [(0, 0), (0, pad), (0, 0)], constant_values=self.fill_value)
            labels = ops.pad(labels, [(0, 0), (0, pad)], constant_values=self.fill_value)
        return {"boxes": boxes, "labels": labels}

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict) and "bounding_boxes" in input_shape:
            out = dict(input_shape)
            bs = input_shape["bounding_boxes"]
            out["bounding_boxes"] = {"boxes": (bs["boxes"][0], self.max_number, 4),
                                     "labels": (bs["labels"][0], self.max_number)}
            return out
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_number": self.max_number}


class Pipeline(Layer):
    """Applies ``layers`` in turn (Keras's ``keras.layers.Pipeline``): like a ``Sequential`` of
    preprocessing layers, but it passes dict inputs (images with labels, boxes, masks) through and
    forwards ``training``.

    Arguments:
        layers: the layers, in order.
        name: the layer's name.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    >>> pipeline = layers.Pipeline([layers.RandomFlip("horizontal", seed=0), layers.RandomCrop(4, 4, seed=0)])
    >>> pipeline(images).shape
    (2, 4, 4, 3)
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=True):
        for layer in self._pipeline_layers:
            inputs = layer(inputs, training=training)
        return inputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    @classmethod
    def from_config(cls, config):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(f"Pipeline: the config needs a `layers` list of serialized layers; received "
                             f"layers={layers!r}")
        return cls(layers=[_serialization.deserialize(x) for x in layers], name=config.get("name"))

    def get_config(self):
        return {"layers": [_serialization.serialize(x) for x in self._pipeline_layers], "name": self.name}
