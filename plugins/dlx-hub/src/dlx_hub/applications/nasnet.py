"""NASNet-A Mobile and Large (Zoph et al. 2018, "Learning Transferable Architectures for
Scalable Image Recognition"): normal and reduction cells found by architecture search; inputs
scaled to [-1, 1]. Channels-last only, as in Keras."""

from __future__ import annotations

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
# default_size -> {include_top: (cached file name, published file name, md5)}
WEIGHT_FILES = {
    224: {True: ("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
          False: ("nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63")},
    331: {True: ("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
          False: ("nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5")},
}


def _bn(name):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)


def _conv1x1(filters, name):
    return layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False, name=name,
                         kernel_initializer="he_normal")


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96, skip_reduction=True,
           filter_multiplier=2, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000,
           default_size=None, classifier_activation="softmax", name="NASNet"):
    """A NASNet-A with ``num_blocks`` normal cells between its reductions.

    Arguments:
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels and no ``None`` with ImageNet weights, no ``None`` with the top. ``None``:
            ``(default_size, default_size, 3)`` with the top, ``(None, None, 3)`` (any size) without it.
        penultimate_filters: the channels of the last feature map (every cell's width follows from it); a
            multiple of ``24 * filter_multiplier ** 2``.
        num_blocks: the normal cells after the stem and after each of the two reductions.
        stem_block_filters: the filters of the first convolution.
        skip_reduction: ``True``: the first normal cell after a reduction takes as its second input the one
            the last cell before the reduction took (NASNetLarge); ``False``: the reduction cell's input
            (NASNetMobile).
        filter_multiplier: the factor by which each reduction widens the cells.
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``. Ignored with the
            top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        default_size: the side of the default input shape (``None``: 331); ImageNet weights exist for 224
            (NASNetMobile) and 331 (NASNetLarge).
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, an ``input_shape`` with ``None`` together with
            ImageNet weights, a ``penultimate_filters`` that does not divide, or when the image data format
            is channels-first (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import nasnet
    >>> # not run in the doc tests: allocating 85 million weights on the NumPy backend is slow
    >>> model = nasnet.NASNet(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 84957148)
    """
    if dlx.backend.image_data_format() == "channels_first":
        raise ValueError("NASNet supports only the channels_last image data format (as in Keras); "
                         "call dlx.backend.set_image_data_format('channels_last')")
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(f"With ImageNet weights a NASNet needs a static input_shape; got input_shape={input_shape}")
    default_size = 331 if default_size is None else default_size
    if weights == "imagenet" and default_size not in WEIGHT_FILES:
        raise ValueError("ImageNet weights exist only for NASNetLarge (default_size=331) and NASNetMobile "
                         f"(default_size=224); got default_size={default_size}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    if penultimate_filters % (24 * filter_multiplier**2):
        raise ValueError(f"NASNet-A needs penultimate_filters divisible by 24 * filter_multiplier**2 = "
                         f"{24 * filter_multiplier**2}; got penultimate_filters={penultimate_filters}")
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False, name="stem_conv1",
                      kernel_initializer="he_normal")(img_input)
    x = _bn("stem_bn1")(x)
    p = None
    x, p = _reduction_a_cell(x, p, filters // (filter_multiplier**2), block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters, block_id=f"{i}")
    x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier, block_id=f"reduce_{num_blocks}")
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters * filter_multiplier, block_id=f"{num_blocks + i + 1}")
    x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier**2, block_id=f"reduce_{2 * num_blocks}")
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters * filter_multiplier**2, block_id=f"{2 * num_blocks + i + 1}")
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = _builder.classifier(x, classes, classifier_activation, weights)
    else:
        x = _builder.pool(x, pooling)
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    if weights == "imagenet":
        cached, published, md5 = WEIGHT_FILES[default_size][bool(include_top)]
        return _builder.load_weights(model, weights, cached, BASE_WEIGHTS_PATH + published, md5)
    return _builder.load_weights(model, weights)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                 classes=1000, classifier_activation="softmax", name="nasnet_mobile"):
    """NASNetMobile (5.3M parameters with the top; 224x224 inputs scaled to ``[-1, 1]``, channels-last only).

    Arguments:
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels and no ``None`` with ImageNet weights, no ``None`` with the top. ``None``:
            ``(224, 224, 3)`` with the top, ``(224, 224, 3)`` too (as in Keras) without it.
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
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
            ``input_shape`` that does not fit, as above, an ``input_shape`` with ``None`` together with
            ImageNet weights, or when the image data format is channels-first (only channels-last is
            supported).

    Example:

    >>> from dlx_hub.applications import nasnet
    >>> # not run in the doc tests: allocating 4 million weights on the NumPy backend is slow
    >>> model = nasnet.NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 4280286)
    """
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32, skip_reduction=False,
                  filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=224, classifier_activation=classifier_activation,
                  name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="nasnet_large"):
    """NASNetLarge (88.9M parameters with the top; 331x331 inputs scaled to ``[-1, 1]``, channels-last only).

    Arguments:
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels and no ``None`` with ImageNet weights, no ``None`` with the top. ``None``:
            ``(331, 331, 3)`` with the top, ``(None, None, 3)`` (any size) without it.
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
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
            ``input_shape`` that does not fit, as above, an ``input_shape`` with ``None`` together with
            ImageNet weights, or when the image data format is channels-first (only channels-last is
            supported).

    Example:

    >>> from dlx_hub.applications import nasnet
    >>> # not run in the doc tests: allocating 85 million weights on the NumPy backend is slow
    >>> model = nasnet.NASNetLarge(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 84957148)
    """
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96, skip_reduction=True,
                  filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=331, classifier_activation=classifier_activation,
                  name=name)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """ReLU, separable convolution, BN, ReLU, separable convolution, BN."""
    x = layers.Activation("relu")(ip)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"separable_conv_1_pad_{block_id}")(x)
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, name=f"separable_conv_1_{block_id}",
                               padding="valid" if strides == (2, 2) else "same", use_bias=False)(x)
    x = _bn(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}", padding="same",
                               use_bias=False)(x)
    return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p, ip, filters, block_id=None):
    """Brings the previous cell's output ``p`` to the current cell's resolution and width."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False, name=f"adjust_conv_1_{block_id}",
                           kernel_initializer="he_normal")(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False, name=f"adjust_conv_2_{block_id}",
                           kernel_initializer="he_normal")(p2)
        p = layers.concatenate([p1, p2], axis=-1)
        return _bn(f"adjust_bn_{block_id}")(p)
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(filters, f"adjust_conv_projection_{block_id}")(p)
        return _bn(f"adjust_bn_{block_id}")(p)
    return p


def _normal_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(filters, f"normal_conv_1_{block_id}")(h)
    h = _bn(f"normal_bn_1_{block_id}")(h)
    x1 = layers.add([_separable_conv_block(h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}"),
                     _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")],
                    name=f"normal_add_1_{block_id}")
    x2 = layers.add([_separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}"),
                     _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")],
                    name=f"normal_add_2_{block_id}")
    x3 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"normal_left3_{block_id}")(h)
    x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
    x4_1 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"normal_left4_{block_id}")(p)
    x4_2 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"normal_right4_{block_id}")(p)
    x4 = layers.add([x4_1, x4_2], name=f"normal_add_4_{block_id}")
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
    x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1, name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(filters, f"reduction_conv_1_{block_id}")(h)
    h = _bn(f"reduction_bn_1_{block_id}")(h)
    h3 = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}")(h)
    x1 = layers.add([
        _separable_conv_block(h, filters, (5, 5), strides=(2, 2), block_id=f"reduction_left1_{block_id}"),
        _separable_conv_block(p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right1_{block_id}")],
        name=f"reduction_add_1_{block_id}")
    x2_1 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_left2_{block_id}")(h3)
    x2_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right2_{block_id}")
    x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
    x3_1 = layers.AveragePooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_left3_{block_id}")(h3)
    x3_2 = _separable_conv_block(p, filters, (5, 5), strides=(2, 2), block_id=f"reduction_right3_{block_id}")
    x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
    x4 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"reduction_left4_{block_id}")(x1)
    x4 = layers.add([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5_2 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_right5_{block_id}")(h3)
    x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{block_id}")
    x = layers.concatenate([x2, x3, x4, x5], axis=-1, name=f"reduction_concat_{block_id}")
    return x, ip


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
    >>> from dlx_hub.applications import nasnet
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(nasnet.preprocess_input(x), 4)
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
    >>> from dlx_hub.applications import nasnet
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> nasnet.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
