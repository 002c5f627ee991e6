"""MobileNetV2 (Sandler et al. 2018): inverted residual blocks with linear bottlenecks; ReLU6,
inputs scaled to [-1, 1]."""

from __future__ import annotations

import warnings

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of the 17 inverted residual blocks
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
           (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6))


def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to a multiple of ``divisor`` (at least ``min_value``), never below 90% of it."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _rows_cols(shape):
    return (shape[0], shape[1]) if dlx.backend.image_data_format() == "channels_last" else (shape[1], shape[2])


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2 (3.5M parameters at alpha=1 with the top; inputs scaled to ``[-1, 1]``).

    Arguments:
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top, and the shape of a given
            ``input_tensor``. ``None``: the ``input_tensor``'s size when it is a supported square, else
            ``(224, 224, 3)`` with the top and ``(None, None, 3)`` without it. ImageNet weights exist for
            square 96, 128, 160, 192 and 224 inputs. With ImageNet weights and any other input size, a
            warning says so and the 224x224 weights are loaded.
        alpha: the width multiplier: every layer's filters are multiplied by it (0.35, 0.5, 0.75, 1.0, 1.3
            or 1.4 with ImageNet weights).
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a symbolic tensor (such as another model's output) to use as the image input; ``None``
            creates a new ``Input``.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name (``None``: ``mobilenetv2_{alpha:0.2f}_{rows}``).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, an ``alpha`` ImageNet weights do not exist for
            (with them), or an ``input_tensor`` that is not symbolic or does not fit ``input_shape``.

    Example:

    >>> from dlx_hub.applications import mobilenet_v2
    >>> model = mobilenet_v2.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=10)
    >>> model.output.shape, model.count_params()
    ((None, 10), 2270794)
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    channels_last = dlx.backend.image_data_format() == "channels_last"
    if input_tensor is not None and not dlx.backend.is_keras_tensor(input_tensor) and input_shape is not None:
        raise ValueError(f"input_tensor is not a symbolic dlx tensor; got input_tensor={input_tensor!r}")
    if input_shape is not None and input_tensor is not None and dlx.backend.is_keras_tensor(input_tensor):
        got = input_tensor.shape[2] if channels_last else input_tensor.shape[1]
        if got != input_shape[1]:
            raise ValueError(f"input_tensor.shape {tuple(input_tensor.shape)} does not fit "
                             f"input_shape={input_shape}")
    default_size = 224
    if input_shape is None and input_tensor is not None and dlx.backend.is_keras_tensor(input_tensor):
        rows, cols = _rows_cols(tuple(input_tensor.shape)[1:])
        if rows == cols and rows in _SIZES:
            default_size = rows
    elif input_shape is not None:
        rows, cols = _rows_cols(input_shape)
        if rows == cols and rows in _SIZES:
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
            raise ValueError(f"ImageNet weights exist for alpha 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4; got alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("input_shape is undefined, not square, or its side is not one of 96, 128, 160, 192, "
                          "224: the weights for 224x224 inputs are loaded.", stacklevel=2)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = _builder.channel_axis()
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id, axis)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = _builder.classifier(x, classes, classifier_activation, weights)
    else:
        x = _builder.pool(x, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    file_name = None
    if weights == "imagenet":
        file_name = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
                     f"{'' if include_top else '_no_top'}.h5")
    return _builder.load_weights(model, weights, file_name, f"{BASE_WEIGHT_PATH}{file_name}")


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id, axis):
    in_channels = inputs.shape[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                          name=f"{prefix}expand")(x)
        x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


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
    >>> from dlx_hub.applications import mobilenet_v2
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(mobilenet_v2.preprocess_input(x), 4)
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
    >>> from dlx_hub.applications import mobilenet_v2
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> mobilenet_v2.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
