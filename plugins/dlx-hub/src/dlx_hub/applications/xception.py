"""Xception (Chollet 2017, "Xception: Deep Learning with Depthwise Separable Convolutions");
299x299 inputs scaled to [-1, 1]."""

from __future__ import annotations

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHTS_HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def _sepconv_bn(x, filters, name, axis):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=axis, name=f"{name}_bn")(x)


def _shortcut(x, filters, axis):
    # Keras leaves these two layers unnamed (automatic names)
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=axis)(residual)


def _entry_block(x, filters, block, axis, first_relu=True):
    residual = _shortcut(x, filters[1], axis)
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sepconv_bn(x, filters[0], f"block{block}_sepconv1", axis)
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sepconv_bn(x, filters[1], f"block{block}_sepconv2", axis)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="xception"):
    """Xception (22.9M parameters with the top; 299x299 inputs scaled to ``[-1, 1]``).

    Arguments:
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 71, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(299, 299, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import xception
    >>> # not run in the doc tests: allocating 21 million weights on the NumPy backend is slow
    >>> model = xception.Xception(weights=None, input_shape=(71, 71, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 20881970)
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=299, min_size=71,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = _builder.channel_axis()
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _entry_block(x, (128, 128), 2, axis, first_relu=False)
    x = _entry_block(x, (256, 256), 3, axis)
    x = _entry_block(x, (728, 728), 4, axis)
    for i in range(8):
        residual = x
        prefix = f"block{i + 5}"
        for j in (1, 2, 3):
            x = layers.Activation("relu", name=f"{prefix}_sepconv{j}_act")(x)
            x = _sepconv_bn(x, 728, f"{prefix}_sepconv{j}", axis)
        x = layers.add([x, residual])
    x = _entry_block(x, (728, 1024), 13, axis)
    x = _sepconv_bn(x, 1536, "block14_sepconv1", axis)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sepconv_bn(x, 2048, "block14_sepconv2", axis)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = _builder.avg_head(x, include_top, pooling, classes, classifier_activation, weights)
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    file_name = f"xception_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return _builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                 WEIGHTS_HASHES[0 if include_top else 1])


def preprocess_input(x, data_format=None):
    """Scales pixels to ``[-1, 1]`` (the ``"tf"`` mode of
    :func:`dlx_hub.applications.imagenet_utils.preprocess_input`).

    Arguments:
        x: a NumPy array or a tensor of RGB images with pixels in ``[0, 255]``, one image (3D) or a batch
            (4D); a float NumPy array is modified in place (an integer one is converted to ``floatx``
            first).
        data_format: ``"channels_last"``, ``"channels_first"`` or ``None`` (the value of
            ``dlx.backend.image_data_format()``).

    Returns:
        The scaled images, of the same shape (float).

    Raises:
        ValueError: for another ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.applications import xception
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(xception.preprocess_input(x), 4)
    array([[[-1.,  0.,  1.]]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` most likely ImageNet classes of each prediction; see
    :func:`dlx_hub.applications.imagenet_utils.decode_predictions`.

    Arguments:
        preds: the model's outputs, an array or tensor of shape ``(samples, 1000)``.
        top: how many classes to return for each sample.

    Returns:
        One list per sample of ``(wordnet_id, class_name, score)`` tuples, most likely first.

    Raises:
        ValueError: when ``preds`` is not of shape ``(samples, 1000)``.

    Example:

    >>> # not run here: the first call downloads the ImageNet class index
    >>> import numpy as np
    >>> from dlx_hub.applications import xception
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> xception.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
