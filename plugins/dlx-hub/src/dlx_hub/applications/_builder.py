"""What every application does around its architecture: argument checks, the input, the pooled or
classifier head, and loading ImageNet weights through :func:`dlx.utils.get_file`."""

from __future__ import annotations

import os

import dlx
from dlx import layers
from dlx_hub.applications import imagenet_utils


def check_weights(weights, include_top, classes):
    """Keras's checks of ``weights`` (None, "imagenet" or an existing file) and ``classes``."""
    if not (weights in ("imagenet", None) or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The weights argument must be None (random initialization), 'imagenet' (pre-training "
                         f"on ImageNet) or the path of a weights file that exists; got weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"With weights='imagenet' and include_top=True, classes must be 1000; got classes={classes}")


def check_pooling(pooling):
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"pooling must be None, 'avg' or 'max'; got pooling={pooling!r}")


def channel_axis():
    return -1 if dlx.backend.image_data_format() == "channels_last" else 1


def image_input(input_tensor, input_shape):
    """The model's input tensor: a new ``Input`` or the given one (a concrete tensor is wrapped)."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if dlx.backend.is_keras_tensor(input_tensor):
        return input_tensor
    return layers.Input(tensor=input_tensor, shape=input_shape)


def model_inputs(input_tensor, img_input):
    if input_tensor is not None:
        return dlx.utils.get_source_inputs(input_tensor)
    return img_input


def pool(x, pooling, avg_name=None, max_name=None):
    """The feature head without a classifier: nothing, global average or global max pooling."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def classifier(x, classes, classifier_activation, weights, name="predictions"):
    imagenet_utils.validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name=name)(x)


def load_weights(model, weights, file_name=None, origin=None, file_hash=None):
    """Loads ``weights``: "imagenet" downloads ``origin`` (cached as ``models/file_name``), a path
    is loaded as it is, None keeps the random initialization."""
    if weights == "imagenet":
        path = dlx.utils.get_file(file_name, origin, cache_subdir="models", file_hash=file_hash)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model
