"""DenseNet121/169/201 (Huang et al. 2017, "Densely Connected Convolutional Networks"); inputs
normalised the "torch" way."""

from __future__ import annotations

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
WEIGHTS_HASHES = {
    "densenet121": ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    "densenet169": ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    "densenet201": ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
_BLOCKS = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169", (6, 12, 48, 32): "densenet201"}
_EPS = 1.001e-5


def _bn(name, axis):
    return layers.BatchNormalization(axis=axis, epsilon=_EPS, name=name)


def dense_block(x, blocks, name):
    """``blocks`` :func:`conv_block` s in a row, each adding 32 channels.

    Arguments:
        x: the input tensor (symbolic).
        blocks: how many conv blocks.
        name: the prefix of its layers' names.

    Returns:
        The output tensor (``32 * blocks`` more channels than ``x``).
    """
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """A DenseNet transition: BN-ReLU, a 1x1 conv to ``reduction`` times the channels, 2x2 average pooling.

    Arguments:
        x: the input tensor (symbolic).
        reduction: the fraction of channels kept.
        name: the prefix of its layers' names.

    Returns:
        The output tensor (half the height and width).
    """
    axis = 3 if dlx.backend.image_data_format() == "channels_last" else 1
    x = _bn(f"{name}_bn", axis)(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[axis] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def conv_block(x, growth_rate, name):
    """A DenseNet composite layer: BN-ReLU-1x1 conv (``4 * growth_rate`` filters), BN-ReLU-3x3 conv
    (``growth_rate`` filters), whose output is concatenated to ``x``.

    Arguments:
        x: the input tensor (symbolic).
        growth_rate: the channels the block adds.
        name: the prefix of its layers' names.

    Returns:
        ``x`` with the block's ``growth_rate`` new channels concatenated.
    """
    axis = 3 if dlx.backend.image_data_format() == "channels_last" else 1
    x1 = _bn(f"{name}_0_bn", axis)(x)
    x1 = layers.Activation("relu", name=f"{name}_0_relu")(x1)
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = _bn(f"{name}_1_bn", axis)(x1)
    x1 = layers.Activation("relu", name=f"{name}_1_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=axis, name=f"{name}_concat")([x, x1])


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="densenet"):
    """A DenseNet with ``blocks`` conv blocks in each of its four dense blocks.

    Arguments:
        blocks: the number of conv blocks (:func:`conv_block`) in each of the four dense blocks; ImageNet
            weights exist for ``[6, 12, 24, 16]``, ``[6, 12, 32, 32]`` and ``[6, 12, 48, 32]``.
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
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
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported), or ImageNet weights for other ``blocks``.
    """
    if dlx.backend.image_data_format() == "channels_first":
        raise ValueError("DenseNet supports only the channels_last image data format (as in Keras); "
                         "call dlx.backend.set_image_data_format('channels_last')")
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    weights_name = _BLOCKS.get(tuple(blocks))
    if weights == "imagenet" and weights_name is None:
        raise ValueError(f"There are no ImageNet weights for a DenseNet with blocks={blocks}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = 3
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn("conv1_bn", axis)(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, n in enumerate(blocks):
        x = dense_block(x, n, name=f"conv{i + 2}")
        if i < 3:
            x = transition_block(x, 0.5, name=f"pool{i + 2}")
    x = _bn("bn", axis)(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _builder.avg_head(x, include_top, pooling, classes, classifier_activation, weights,
                          pool_names=("avg_pool", "max_pool"))
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    if weights == "imagenet":
        file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        return _builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                     WEIGHTS_HASHES[weights_name][0 if include_top else 1])
    return _builder.load_weights(model, weights)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    """DenseNet121 (8.06M parameters with the top; 224x224 inputs, "torch" preprocessing, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
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
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import densenet
    >>> # not run in the doc tests: allocating 7 million weights on the NumPy backend is slow
    >>> model = densenet.DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 7047754)
    """
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    """DenseNet169 (14.3M parameters with the top; 224x224 inputs, "torch" preprocessing, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
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
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import densenet
    >>> # not run in the doc tests: allocating 13 million weights on the NumPy backend is slow
    >>> model = densenet.DenseNet169(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 12659530)
    """
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    """DenseNet201 (20.2M parameters with the top; 224x224 inputs, "torch" preprocessing, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a tensor to use as the image input: a symbolic tensor (such as another model's output)
            is used as it is, a concrete one is wrapped in an ``Input``; ``None`` creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
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
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import densenet
    >>> # not run in the doc tests: allocating 18 million weights on the NumPy backend is slow
    >>> model = densenet.DenseNet201(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 18341194)
    """
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """Scales pixels to ``[0, 1]`` and normalises each channel with the ImageNet mean and std
    (the ``"torch"`` mode of :func:`dlx_hub.applications.imagenet_utils.preprocess_input`).

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
    >>> from dlx_hub.applications import densenet
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(densenet.preprocess_input(x), 4)
    array([[[-2.1179,  0.1964,  2.64  ]]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


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
    >>> from dlx_hub.applications import densenet
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> densenet.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
