"""MobileNetV3 Small and Large (Howard et al. 2019, "Searching for MobileNetV3"): inverted
residual blocks with squeeze-and-excitation and hard-swish; the model rescales its own inputs
(``include_preprocessing``), so ``preprocess_input`` is the identity."""

from __future__ import annotations

import warnings

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
}
# (expansion, filters, kernel ("k" = the model's kernel), stride, squeeze-excite, activation ("a" =
# the model's activation)) of each inverted residual block
_SMALL = ((1, 16, 3, 2, True, "relu"), (72 / 16, 24, 3, 2, False, "relu"), (88 / 24, 24, 3, 1, False, "relu"),
          (4, 40, "k", 2, True, "a"), (6, 40, "k", 1, True, "a"), (6, 40, "k", 1, True, "a"),
          (3, 48, "k", 1, True, "a"), (3, 48, "k", 1, True, "a"), (6, 96, "k", 2, True, "a"),
          (6, 96, "k", 1, True, "a"), (6, 96, "k", 1, True, "a"))
_LARGE = ((1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
          (3, 40, "k", 2, True, "relu"), (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
          (6, 80, 3, 2, False, "a"), (2.5, 80, 3, 1, False, "a"), (2.3, 80, 3, 1, False, "a"),
          (2.3, 80, 3, 1, False, "a"), (6, 112, 3, 1, True, "a"), (6, 112, 3, 1, True, "a"),
          (6, 160, "k", 2, True, "a"), (6, 160, "k", 1, True, "a"), (6, 160, "k", 1, True, "a"))


def _depth(v, divisor=8, min_value=None):
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _relu(x):
    return layers.ReLU()(x)


def _hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = _hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _bn(name, axis):
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id, axis):
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[axis]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(_depth(infilters * expansion), kernel_size=1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = activation(_bn(f"{prefix}expand_bn", axis)(x))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False,
                               name=f"{prefix}depthwise")(x)
    x = activation(_bn(f"{prefix}depthwise_bn", axis)(x))
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_bn", axis)(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def MobileNetV3(blocks, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
                include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None):
    """A MobileNetV3 from its block table (``_SMALL`` or ``_LARGE``).

    Arguments:
        blocks: the inverted residual blocks, one tuple each: ``(expansion, filters, kernel, stride,
            squeeze_excite, activation)``, where kernel ``"k"`` and activation ``"a"`` stand for the model's
            own (see ``minimalistic``).
        last_point_ch: the channels of the top's first 1x1 convolution (multiplied by ``alpha`` when ``alpha
            > 1``).
        input_shape: the image shape without the batch axis, ``(height, width, channels)``, each side at
            least 32. ``None``: the size of a given ``input_tensor``, else ``(None, None, 3)`` (any size,
            with or without the top). The ImageNet weights are for 224x224 inputs; with any other size a
            warning says so.
        alpha: the width multiplier of the blocks' filters (0.75 or 1.0 with ImageNet weights, 1.0 when
            ``minimalistic``).
        model_type: ``"small"`` or ``"large"``: which published weights ``weights="imagenet"`` loads.
        minimalistic: use 3x3 kernels and ReLU throughout, without squeeze-and-excitation (hard-swish and
            5x5 kernels otherwise).
        include_top: end with the classifier (global average pooling, a 1x1 convolution, dropout, a
            ``classes``-way 1x1 convolution and the activation); ``False`` ends with the last feature map
            instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input (a symbolic one is used as it is); ``None`` creates
            a new ``Input``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        dropout_rate: the dropout rate in the top (0: no dropout layer).
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with a ``Rescaling`` layer from ``[0, 255]`` to ``[-1, 1]``, so that
            the model takes raw pixels.
        name: the model's name.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, an ``alpha`` ImageNet weights do not exist for
            (with them), an ``input_shape`` below 32x32, or an ``input_tensor`` that does not fit
            ``input_shape``.
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    channels_last = dlx.backend.image_data_format() == "channels_last"
    if input_tensor is not None and not dlx.backend.is_keras_tensor(input_tensor) and input_shape is not None:
        raise ValueError(f"input_tensor is not a symbolic dlx tensor; got input_tensor={input_tensor!r}")
    if input_shape is not None and input_tensor is not None:
        got = input_tensor.shape[2] if channels_last else input_tensor.shape[1]
        if got != input_shape[1]:
            raise ValueError(f"input_tensor.shape {tuple(input_tensor.shape)} does not fit input_shape={input_shape}")
    if input_shape is None and input_tensor is not None and dlx.backend.is_keras_tensor(input_tensor):
        # the tensor's own (rows, cols, channels); Keras 3.15 swaps rows and columns here
        input_shape = tuple(input_tensor.shape[1:])
    if input_shape is None:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    rows, cols = (input_shape[0], input_shape[1]) if channels_last else (input_shape[1], input_shape[2])
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; got input_shape={input_shape}")
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError("ImageNet weights exist for alpha 0.75 and 1.0 (1.0 only when minimalistic); "
                             f"got alpha={alpha}, minimalistic={minimalistic}")
        if rows != cols or rows != 224:
            warnings.warn("input_shape is undefined, not square, or its side is not 224: the weights for 224x224 "
                          "inputs are loaded.", stacklevel=3)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = _builder.channel_axis()
    kernel, activation, se_ratio = (3, _relu, None) if minimalistic else (5, _hard_swish, 0.25)
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = activation(_bn("conv_bn", axis)(x))
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, _depth(filters * alpha), kernel if k == "k" else k, stride,
                                se_ratio if se else None, activation if act == "a" else _relu, block_id, axis)
    last_conv_ch = _depth(x.shape[axis] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = activation(_bn("conv_1_bn", axis)(x))
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling, "avg_pool", "max_pool")
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    if weights == "imagenet":
        model_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        file_name = f"weights_mobilenet_v3_{model_name}{'' if include_top else '_no_top_v2'}.h5"
        return _builder.load_weights(model, weights, file_name, BASE_WEIGHT_PATH + file_name,
                                     WEIGHTS_HASHES[model_name][0 if include_top else 1])
    return _builder.load_weights(model, weights)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3Small (2.55M parameters with the top); takes pixels in ``[0, 255]``.

    Arguments:
        input_shape: the image shape without the batch axis, ``(height, width, channels)``, each side at
            least 32. ``None``: the size of a given ``input_tensor``, else ``(None, None, 3)`` (any size,
            with or without the top). The ImageNet weights are for 224x224 inputs; with any other size a
            warning says so.
        alpha: the width multiplier of the blocks' filters (0.75 or 1.0 with ImageNet weights, 1.0 when
            ``minimalistic``).
        minimalistic: use 3x3 kernels and ReLU throughout, without squeeze-and-excitation (hard-swish and
            5x5 kernels otherwise).
        include_top: end with the classifier (global average pooling, a 1x1 convolution, dropout, a
            ``classes``-way 1x1 convolution and the activation); ``False`` ends with the last feature map
            instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input (a symbolic one is used as it is); ``None`` creates
            a new ``Input``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        dropout_rate: the dropout rate in the top (0: no dropout layer).
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with a ``Rescaling`` layer from ``[0, 255]`` to ``[-1, 1]``, so that
            the model takes raw pixels.
        name: the model's name.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, an ``alpha`` ImageNet weights do not exist for
            (with them), an ``input_shape`` below 32x32, or an ``input_tensor`` that does not fit
            ``input_shape``.

    Example:

    >>> from dlx_hub.applications import mobilenet_v3
    >>> model = mobilenet_v3.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=10)
    >>> model.output.shape, model.count_params()
    ((None, 10), 1540218)
    """
    return MobileNetV3(_SMALL, 1024, input_shape, alpha, "small", minimalistic, include_top, weights, input_tensor,
                       classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3Large (5.51M parameters with the top); takes pixels in ``[0, 255]``.

    Arguments:
        input_shape: the image shape without the batch axis, ``(height, width, channels)``, each side at
            least 32. ``None``: the size of a given ``input_tensor``, else ``(None, None, 3)`` (any size,
            with or without the top). The ImageNet weights are for 224x224 inputs; with any other size a
            warning says so.
        alpha: the width multiplier of the blocks' filters (0.75 or 1.0 with ImageNet weights, 1.0 when
            ``minimalistic``).
        minimalistic: use 3x3 kernels and ReLU throughout, without squeeze-and-excitation (hard-swish and
            5x5 kernels otherwise).
        include_top: end with the classifier (global average pooling, a 1x1 convolution, dropout, a
            ``classes``-way 1x1 convolution and the activation); ``False`` ends with the last feature map
            instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input (a symbolic one is used as it is); ``None`` creates
            a new ``Input``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        dropout_rate: the dropout rate in the top (0: no dropout layer).
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        include_preprocessing: begin with a ``Rescaling`` layer from ``[0, 255]`` to ``[-1, 1]``, so that
            the model takes raw pixels.
        name: the model's name.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, an ``alpha`` ImageNet weights do not exist for
            (with them), an ``input_shape`` below 32x32, or an ``input_tensor`` that does not fit
            ``input_shape``.

    Example:

    >>> from dlx_hub.applications import mobilenet_v3
    >>> # not run in the doc tests: allocating 4 million weights on the NumPy backend is slow
    >>> model = mobilenet_v3.MobileNetV3Large(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 4239242)
    """
    return MobileNetV3(_LARGE, 1280, input_shape, alpha, "large", minimalistic, include_top, weights, input_tensor,
                       classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name=name)


def preprocess_input(x, data_format=None):
    """The identity: MobileNetV3 rescales its inputs itself (``include_preprocessing``).

    Arguments:
        x: a batch of images (or one image) with pixels in ``[0, 255]``; any array or tensor.
        data_format: not used (accepted for the common signature).

    Returns:
        ``x``, unchanged.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.applications import mobilenet_v3
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(mobilenet_v3.preprocess_input(x), 4)
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
    >>> from dlx_hub.applications import mobilenet_v3
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> mobilenet_v3.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
