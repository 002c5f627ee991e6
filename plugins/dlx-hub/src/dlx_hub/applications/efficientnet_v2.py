"""EfficientNetV2 B0-B3, S, M, L (Tan & Le 2021, "EfficientNetV2: Smaller Models and Faster
Training"): fused and plain MBConv blocks. The model rescales its own ``[0, 255]`` inputs
(``include_preprocessing``), so ``preprocess_input`` is the identity."""

from __future__ import annotations

import copy
import math

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils
from dlx_hub.applications.efficientnet import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio", "se_ratio", "strides",
         "conv_type")  # conv_type 1: fused MBConv, 0: MBConv
_B = ((3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
      (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0), (3, 8, 112, 192, 6, 0.25, 2, 0))
_TABLES = {
    "efficientnetv2-b0": _B, "efficientnetv2-b1": _B, "efficientnetv2-b2": _B, "efficientnetv2-b3": _B,
    "efficientnetv2-s": ((3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
                         (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
                         (3, 15, 160, 256, 6, 0.25, 2, 0)),
    "efficientnetv2-m": ((3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
                         (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
                         (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0)),
    "efficientnetv2-l": ((3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
                         (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
                         (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0)),
}
DEFAULT_BLOCKS_ARGS = {name: [dict(zip(_KEYS, row)) for row in table] for name, table in _TABLES.items()}
_VARIANT_OF = {"b0": "efficientnetv2-b0", "b1": "efficientnetv2-b1", "b2": "efficientnetv2-b2",
               "b3": "efficientnetv2-b3", "-s": "efficientnetv2-s", "-m": "efficientnetv2-m", "-l": "efficientnetv2-l"}


def _init(config):
    return dlx.initializers.get(copy.deepcopy(config))


def _conv_init():
    return _init(CONV_KERNEL_INITIALIZER)


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """A filter count scaled by ``width_coefficient`` and rounded to a multiple of ``depth_divisor``
    (at least ``min_depth``).

    Arguments:
        filters: the base filter count.
        width_coefficient: the model's width multiplier.
        min_depth: the smallest result (``None``: ``depth_divisor``).
        depth_divisor: the rounding multiple.

    Returns:
        The scaled filter count (an int).

    >>> round_filters(32, 1.1, None, 8)
    32
    """
    filters *= width_coefficient
    minimum = min_depth or depth_divisor
    return int(max(minimum, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    """A block's repeat count scaled by ``depth_coefficient``, rounded up.

    Arguments:
        repeats: the base repeat count.
        depth_coefficient: the model's depth multiplier.

    Returns:
        The scaled repeat count (an int).
    """
    return math.ceil(depth_coefficient * repeats)


def _squeeze_excite(x, filters, input_filters, se_ratio, activation, name, axis):
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((filters, 1, 1) if axis == 1 else (1, 1, filters), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(max(1, int(input_filters * se_ratio)), 1, padding="same", activation=activation,
                       kernel_initializer=_conv_init(), name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=_conv_init(), name=f"{name}se_expand")(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            # Keras passes the "survival probability" as the drop rate; kept for the same behaviour
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def MBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """Expand (1x1), depthwise, squeeze-excite, project (1x1), residual.

    Arguments:
        input_filters: the input's channels.
        output_filters: the output's channels.
        expand_ratio: the expansion factor (1: no expansion convolution).
        kernel_size: the kernel size of the spatial convolution.
        strides: the strides of the spatial convolution.
        se_ratio: the squeeze-and-excitation width as a fraction of ``input_filters`` (outside ``(0, 1]``:
            no squeeze-and-excitation).
        bn_momentum: the momentum of the batch normalizations.
        activation: the activation of the block.
        survival_probability: the rate of the per-sample dropout on the residual branch (the value is used
            as the drop rate, as in Keras; 0: none).
        name: the prefix of its layers' names.

    Returns:
        A function that applies the block to a tensor and returns its output (with the input added
        when ``strides`` is 1 and ``input_filters == output_filters``).
    """
    axis = 3 if dlx.backend.image_data_format() == "channels_last" else 1

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = layers.Conv2D(filters=filters, kernel_size=1, strides=1, kernel_initializer=_conv_init(),
                              padding="same", use_bias=False, name=f"{name}expand_conv")(x)
            x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=f"{name}expand_bn")(x)
            x = layers.Activation(activation, name=f"{name}expand_activation")(x)
        x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides,
                                   depthwise_initializer=_conv_init(), padding="same",
                                   use_bias=False, name=f"{name}dwconv2")(x)
        x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name, axis)
        x = layers.Conv2D(filters=output_filters, kernel_size=1, strides=1,
                          kernel_initializer=_conv_init(), padding="same", use_bias=False,
                          name=f"{name}project_conv")(x)
        x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=f"{name}project_bn")(x)
        return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)
    return apply


def FusedMBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                     bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """A full kxk convolution in place of expand + depthwise, then project, residual.

    Arguments:
        input_filters: the input's channels.
        output_filters: the output's channels.
        expand_ratio: the expansion factor (1: no expansion convolution).
        kernel_size: the kernel size of the spatial convolution.
        strides: the strides of the spatial convolution.
        se_ratio: the squeeze-and-excitation width as a fraction of ``input_filters`` (outside ``(0, 1]``:
            no squeeze-and-excitation).
        bn_momentum: the momentum of the batch normalizations.
        activation: the activation of the block.
        survival_probability: the rate of the per-sample dropout on the residual branch (the value is used
            as the drop rate, as in Keras; 0: none).
        name: the prefix of its layers' names.

    Returns:
        A function that applies the block to a tensor and returns its output (with the input added
        when ``strides`` is 1 and ``input_filters == output_filters``).
    """
    axis = 3 if dlx.backend.image_data_format() == "channels_last" else 1

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = layers.Conv2D(filters, kernel_size=kernel_size, strides=strides,
                              kernel_initializer=_conv_init(), padding="same", use_bias=False,
                              name=f"{name}expand_conv")(x)
            x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=f"{name}expand_bn")(x)
            x = layers.Activation(activation=activation, name=f"{name}expand_activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name, axis)
        x = layers.Conv2D(output_filters, kernel_size=1 if expand_ratio != 1 else kernel_size,
                          strides=1 if expand_ratio != 1 else strides, kernel_initializer=_conv_init(),
                          padding="same", use_bias=False, name=f"{name}project_conv")(x)
        x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=f"{name}project_bn")(x)
        if expand_ratio == 1:
            x = layers.Activation(activation=activation, name=f"{name}project_activation")(x)
        return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)
    return apply


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                   depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True,
                   weights_name=None):
    """An EfficientNetV2 from its block table (the variant's, by ``weights_name``, by default).

    Arguments:
        width_coefficient: multiplies every layer's filters (see :func:`round_filters`).
        depth_coefficient: multiplies each stage's number of blocks (rounded up).
        default_size: the side of the default input shape.
        dropout_rate: the dropout rate before the classifier (0: no dropout layer).
        drop_connect_rate: the largest rate of the blocks' residual dropout; it rises linearly over the
            blocks from 0.
        depth_divisor: filter counts are rounded to a multiple of it.
        min_depth: the smallest filter count (``None``: ``depth_divisor``).
        bn_momentum: the momentum of every batch normalization.
        activation: the activation of the stem, the blocks and the head.
        blocks_args: ``"default"`` (the table of the variant that ``weights_name``, else ``name``, names) or
            a list of dicts, one per stage, with the arguments of :func:`MBConvBlock` plus ``num_repeat`` (>
            0) and ``conv_type`` (0: MBConv, 1: fused MBConv).
        name: the model's name (any: the ImageNet weight file is named after ``weights_name``).
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(default_size, default_size, 3)``
            with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling of the variant's weights: for the B variants
            ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and variance when the input has 3 channels,
            otherwise ``Rescaling`` to ``[-1, 1]``.
        weights_name: the variant: ``"b0"`` ... ``"b3"``, ``"-s"``, ``"-m"``, ``"-l"``; it picks the default
            block table and the published weights.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, when ``blocks_args="default"`` names no known
            variant, or for a stage with ``num_repeat`` < 1.
    """
    _builder.check_weights_name(weights, weights_name, WEIGHTS_HASHES)
    variant = _VARIANT_OF.get(weights_name, name)
    if blocks_args == "default":
        if variant not in DEFAULT_BLOCKS_ARGS:
            raise ValueError(f"EfficientNetV2: no default blocks for {variant!r}; pass blocks_args")
        blocks_args = DEFAULT_BLOCKS_ARGS[variant]
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = 3 if dlx.backend.image_data_format() == "channels_last" else 1
    x = img_input
    if include_preprocessing:
        if variant.split("-")[-1].startswith("b") and input_shape[axis - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229**2, 0.224**2, 0.225**2],
                                     axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def rf(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = layers.Conv2D(filters=rf(blocks_args[0]["input_filters"]), kernel_size=3, strides=2,
                      kernel_initializer=_conv_init(), padding="same", use_bias=False,
                      name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    total = float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(f"EfficientNetV2: every stage needs num_repeat > 0; got num_repeat={args['num_repeat']}")
        args["input_filters"] = rf(args["input_filters"])
        args["output_filters"] = rf(args["output_filters"])
        block = {0: MBConvBlock, 1: FusedMBConvBlock}[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / total, name=f"block{i + 1}{chr(j + 97)}_",
                      **args)(x)
            b += 1
    x = layers.Conv2D(filters=rf(1280), kernel_size=1, strides=1, kernel_initializer=_conv_init(),
                      padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name="top_bn")(x)
    x = layers.Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=_init(DENSE_KERNEL_INITIALIZER),
                         bias_initializer=dlx.initializers.Constant(0.0), name="predictions")(x)
    else:
        x = _builder.pool(x, pooling, "avg_pool", "max_pool")
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    if weights == "imagenet":
        file_name = _VARIANT_OF[weights_name] + (".h5" if include_top else "_notop.h5")
        return _builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                     WEIGHTS_HASHES[weights_name][0 if include_top else 1])
    return _builder.load_weights(model, weights)


def _make(width, depth, size, weights_name):
    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", include_preprocessing=True, name=None):
        return EfficientNetV2(width_coefficient=width, depth_coefficient=depth, default_size=size, name=name,
                              include_top=include_top, weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing, weights_name=weights_name)
    return build


def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b0"):
    """EfficientNetV2B0 (7.2M parameters with the top; 224x224 inputs in ``[0, 255]``).

    Arguments:
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling the weights were trained with, so that the model
            takes pixels in ``[0, 255]``: for B0-B3 ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and
            variance (3-channel inputs; other inputs are scaled as for S, M and L), for S, M and L
            ``Rescaling`` to ``[-1, 1]``.
        name: the model's name (any: the ImageNet weights are this variant's whatever the name).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import efficientnet_v2
    >>> # not run in the doc tests: allocating 6 million weights on the NumPy backend is slow
    >>> model = efficientnet_v2.EfficientNetV2B0(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 5932122)
    """
    return _make(1.0, 1.0, 224, "b0")(include_top, weights, input_tensor, input_shape, pooling, classes,
                                            classifier_activation, include_preprocessing, name)


def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b1"):
    """EfficientNetV2B1 (8.2M parameters with the top; 240x240 inputs in ``[0, 255]``).

    Arguments:
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(240, 240, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling the weights were trained with, so that the model
            takes pixels in ``[0, 255]``: for B0-B3 ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and
            variance (3-channel inputs; other inputs are scaled as for S, M and L), for S, M and L
            ``Rescaling`` to ``[-1, 1]``.
        name: the model's name (any: the ImageNet weights are this variant's whatever the name).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import efficientnet_v2
    >>> # not run in the doc tests: allocating 7 million weights on the NumPy backend is slow
    >>> model = efficientnet_v2.EfficientNetV2B1(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 6943934)
    """
    return _make(1.0, 1.1, 240, "b1")(include_top, weights, input_tensor, input_shape, pooling, classes,
                                            classifier_activation, include_preprocessing, name)


def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b2"):
    """EfficientNetV2B2 (10.2M parameters with the top; 260x260 inputs in ``[0, 255]``).

    Arguments:
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(260, 260, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling the weights were trained with, so that the model
            takes pixels in ``[0, 255]``: for B0-B3 ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and
            variance (3-channel inputs; other inputs are scaled as for S, M and L), for S, M and L
            ``Rescaling`` to ``[-1, 1]``.
        name: the model's name (any: the ImageNet weights are this variant's whatever the name).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import efficientnet_v2
    >>> # not run in the doc tests: allocating 9 million weights on the NumPy backend is slow
    >>> model = efficientnet_v2.EfficientNetV2B2(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 8783464)
    """
    return _make(1.1, 1.2, 260, "b2")(include_top, weights, input_tensor, input_shape, pooling, classes,
                                            classifier_activation, include_preprocessing, name)


def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b3"):
    """EfficientNetV2B3 (14.5M parameters with the top; 300x300 inputs in ``[0, 255]``).

    Arguments:
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(300, 300, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling the weights were trained with, so that the model
            takes pixels in ``[0, 255]``: for B0-B3 ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and
            variance (3-channel inputs; other inputs are scaled as for S, M and L), for S, M and L
            ``Rescaling`` to ``[-1, 1]``.
        name: the model's name (any: the ImageNet weights are this variant's whatever the name).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import efficientnet_v2
    >>> # not run in the doc tests: allocating 13 million weights on the NumPy backend is slow
    >>> model = efficientnet_v2.EfficientNetV2B3(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 12945992)
    """
    return _make(1.2, 1.4, 300, "b3")(include_top, weights, input_tensor, input_shape, pooling, classes,
                                            classifier_activation, include_preprocessing, name)


def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-s"):
    """EfficientNetV2S (21.6M parameters with the top; 384x384 inputs in ``[0, 255]``).

    Arguments:
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(384, 384, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling the weights were trained with, so that the model
            takes pixels in ``[0, 255]``: for B0-B3 ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and
            variance (3-channel inputs; other inputs are scaled as for S, M and L), for S, M and L
            ``Rescaling`` to ``[-1, 1]``.
        name: the model's name (any: the ImageNet weights are this variant's whatever the name).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import efficientnet_v2
    >>> # not run in the doc tests: allocating 20 million weights on the NumPy backend is slow
    >>> model = efficientnet_v2.EfficientNetV2S(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 20344170)
    """
    return _make(1.0, 1.0, 384, "-s")(include_top, weights, input_tensor, input_shape, pooling, classes,
                                            classifier_activation, include_preprocessing, name)


def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-m"):
    """EfficientNetV2M (54.4M parameters with the top; 480x480 inputs in ``[0, 255]``).

    Arguments:
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(480, 480, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling the weights were trained with, so that the model
            takes pixels in ``[0, 255]``: for B0-B3 ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and
            variance (3-channel inputs; other inputs are scaled as for S, M and L), for S, M and L
            ``Rescaling`` to ``[-1, 1]``.
        name: the model's name (any: the ImageNet weights are this variant's whatever the name).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import efficientnet_v2
    >>> # not run in the doc tests: allocating 53 million weights on the NumPy backend is slow
    >>> model = efficientnet_v2.EfficientNetV2M(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 53163198)
    """
    return _make(1.0, 1.0, 480, "-m")(include_top, weights, input_tensor, input_shape, pooling, classes,
                                            classifier_activation, include_preprocessing, name)


def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-l"):
    """EfficientNetV2L (119.0M parameters with the top; 480x480 inputs in ``[0, 255]``).

    Arguments:
        include_top: end with the classifier (global average pooling, dropout and a ``classes``-way
            ``Dense`` layer); ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)`` (``(channels,
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(480, 480, 3)`` with the top (the
            only shape ImageNet weights accept there), ``(None, None, 3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with the input scaling the weights were trained with, so that the model
            takes pixels in ``[0, 255]``: for B0-B3 ``Rescaling`` to ``[0, 1]`` and the ImageNet mean and
            variance (3-channel inputs; other inputs are scaled as for S, M and L), for S, M and L
            ``Rescaling`` to ``[-1, 1]``.
        name: the model's name (any: the ImageNet weights are this variant's whatever the name).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.

    Example:

    >>> from dlx_hub.applications import efficientnet_v2
    >>> # not run in the doc tests: allocating 118 million weights on the NumPy backend is slow
    >>> model = efficientnet_v2.EfficientNetV2L(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 117759658)
    """
    return _make(1.0, 1.0, 480, "-l")(include_top, weights, input_tensor, input_shape, pooling, classes,
                                            classifier_activation, include_preprocessing, name)


def preprocess_input(x, data_format=None):
    """The identity: EfficientNetV2 rescales its inputs itself (``include_preprocessing``).

    Arguments:
        x: a batch of images (or one image) with pixels in ``[0, 255]``; any array or tensor.
        data_format: not used (accepted for the common signature).

    Returns:
        ``x``, unchanged.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.applications import efficientnet_v2
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(efficientnet_v2.preprocess_input(x), 4)
    array([[[  0. , 127.5, 255. ]]])
    """
    return x


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
    >>> from dlx_hub.applications import efficientnet_v2
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> efficientnet_v2.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
