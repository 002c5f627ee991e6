"""MobileNet (Howard et al. 2017): depthwise-separable convolutions with a width multiplier
``alpha`` and a ``depth_multiplier``; ReLU6, inputs scaled to [-1, 1]."""

from __future__ import annotations

import warnings

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_SIZES = (128, 160, 192, 224)
# (pointwise filters, stride) of the 13 depthwise-separable blocks
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
           (512, 1), (1024, 2), (1024, 1))


def _rows_cols(input_shape):
    return (input_shape[0], input_shape[1]) if dlx.backend.image_data_format() == "channels_last" else \
        (input_shape[1], input_shape[2])


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """MobileNet (4.25M parameters at alpha=1 with the top).

    Arguments:
        input_shape: ``(height, width, channels)``; ImageNet weights exist for square 128, 160,
            192 and 224 inputs.
        alpha: width multiplier (0.25, 0.5, 0.75 or 1.0 with ImageNet weights).
        depth_multiplier: depthwise multiplier (1 with ImageNet weights).
        dropout: dropout rate before the classifier.
        include_top, weights, input_tensor, pooling, classes, classifier_activation: as for
            :func:`dlx_hub.applications.resnet.ResNet50`.
        name: the model's name (default ``mobilenet_{alpha:0.2f}_{rows}``).
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    default_size = 224
    if input_shape is not None:
        rows, cols = _rows_cols(input_shape)
        if rows == cols and rows in _SIZES:
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(f"ImageNet weights need depth_multiplier=1; got depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError(f"ImageNet weights exist for alpha 0.25, 0.5, 0.75 and 1.0; got alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("input_shape is undefined, not square, or its side is not one of 128, 160, 192, 224: "
                          "the weights for 224x224 inputs are loaded.", stacklevel=2)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = _builder.channel_axis()
    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, 1):
        x = _depthwise_conv_block(x, int(filters * alpha), depth_multiplier, stride, block_id, axis)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    file_name = None
    if weights == "imagenet":
        alpha_text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}[alpha]
        file_name = f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return _builder.load_weights(model, weights, file_name, f"{BASE_WEIGHT_PATH}{file_name}")


def _depthwise_conv_block(x, filters, depth_multiplier, stride, block_id, axis):
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier,
                               strides=(stride, stride), use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(filters, (1, 1), padding="same", use_bias=False, strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def preprocess_input(x, data_format=None):
    """Scales pixels to ``[-1, 1]``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """See :func:`dlx_hub.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
