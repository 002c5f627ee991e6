"""ResNet50/101/152 (He et al. 2015, "Deep Residual Learning for Image Recognition") and the
pre-activation stacks that ResNetV2 reuses; Keras's layer names and weight files."""

from __future__ import annotations

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# (with top, without top) md5 digests of the published files
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
_EPS = 1.001e-5


def _bn(name):
    return layers.BatchNormalization(axis=_builder.channel_axis(), epsilon=_EPS, name=name)


def ResNet(stack_fn, preact, use_bias, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
           pooling=None, classes=1000, classifier_activation="softmax", name="resnet", weights_name=None):
    """A ResNet whose residual stages ``stack_fn`` builds; ``preact`` selects the V2 layout.

    The stem is a 7x7 stride-2 convolution and 3x3 max pooling; V1 normalizes and activates after the
    stem, V2 (pre-activation) after the last stage instead.

    Arguments:
        stack_fn: a function from the stem's output tensor to the last stage's output (the residual stages).
        preact: ``True`` for the pre-activation (V2) layout.
        use_bias: whether the stem convolution has a bias.
        include_top: end with the classifier (global average pooling and a ``classes``-way ``Dense`` layer);
            ``False`` ends with the last feature map instead (see ``pooling``).
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
        name: the model's name.
        weights_name: the key of the ImageNet weight files (``"resnet50"``, ``"resnet101v2"``...);
            ``weights="imagenet"`` with any other value raises ``ValueError``.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above.
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _bn("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = _bn("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = _builder.avg_head(x, include_top, pooling, classes, classifier_activation, weights,
                          pool_names=("avg_pool", "max_pool"))
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    if weights == "imagenet" and weights_name in WEIGHTS_HASHES:
        suffix = "" if include_top else "_notop"
        file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return _builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name, file_hash)
    if weights == "imagenet":
        raise ValueError(f"There are no ImageNet weights for {name!r} (weights_name={weights_name!r})")
    return _builder.load_weights(model, weights)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A bottleneck block: 1x1, kxk, 1x1 (x4) convolutions, post-activation.

    Arguments:
        x: the input tensor (symbolic).
        filters: the bottleneck filters (the output has ``4 * filters`` channels).
        kernel_size: the size of the middle convolution's kernel.
        stride: the stride of the first 1x1 convolution (and of the projection shortcut).
        conv_shortcut: ``True``: a 1x1 convolution and batch normalization project the shortcut; ``False``:
            the shortcut is ``x`` itself (it must have ``4 * filters`` channels and ``stride`` must be 1).
        name: the prefix of its layers' names.

    Returns:
        The block's output tensor.
    """
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _bn(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _bn(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """A stage of ResNet v1: a :func:`residual_block_v1` with a projection shortcut and stride ``stride1``,
    then ``blocks - 1`` identity-shortcut blocks.

    Arguments:
        x: the input tensor (symbolic).
        filters: the bottleneck filters (the output has ``4 * filters`` channels).
        blocks: how many residual blocks.
        stride1: the stride of the first block.
        name: the prefix of its layers' names.

    Returns:
        The stage's output tensor.
    """
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A pre-activation bottleneck block (He et al. 2016, "Identity Mappings...").

    Arguments:
        x: the input tensor (symbolic).
        filters: the bottleneck filters (the output has ``4 * filters`` channels).
        kernel_size: the size of the middle convolution's kernel.
        stride: the stride of the middle convolution (and of the shortcut).
        conv_shortcut: ``True``: a 1x1 convolution of the pre-activated input is the shortcut; ``False``:
            ``x`` itself, subsampled by a stride-``stride`` 1x1 max pooling when ``stride > 1``.
        name: the prefix of its layers' names.

    Returns:
        The block's output tensor (the sum of the shortcut and the residual branch).
    """
    preact = _bn(f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _bn(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """A stage of ResNet v2 (pre-activation): a first block with a projection shortcut, ``blocks - 2``
    plain blocks, and a last block with stride ``stride1``.

    Arguments:
        x: the input tensor (symbolic).
        filters: the bottleneck filters (the output has ``4 * filters`` channels).
        blocks: how many residual blocks.
        stride1: the stride of the last block.
        name: the prefix of its layers' names.

    Returns:
        The stage's output tensor.
    """
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def _v1_stacks(depths):
    def stack_fn(x):
        x = stack_residual_blocks_v1(x, 64, depths[0], stride1=1, name="conv2")
        x = stack_residual_blocks_v1(x, 128, depths[1], name="conv3")
        x = stack_residual_blocks_v1(x, 256, depths[2], name="conv4")
        return stack_residual_blocks_v1(x, 512, depths[3], name="conv5")
    return stack_fn


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="resnet50"):
    """ResNet50 (25.6M parameters with the top; 224x224 inputs, ``preprocess_input`` "caffe").

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
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224, 3)`` with the top (the
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

    >>> from dlx_hub.applications import resnet
    >>> # not run in the doc tests: allocating 24 million weights on the NumPy backend is slow
    >>> model = resnet.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 23608202)
    """
    return ResNet(_v1_stacks((3, 4, 6, 3)), False, True, include_top, weights, input_tensor, input_shape, pooling,
                  classes, classifier_activation, name=name, weights_name="resnet50")


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet101"):
    """ResNet101 (44.7M parameters with the top; 224x224 inputs, ``preprocess_input`` "caffe").

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
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224, 3)`` with the top (the
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

    >>> from dlx_hub.applications import resnet
    >>> # not run in the doc tests: allocating 43 million weights on the NumPy backend is slow
    >>> model = resnet.ResNet101(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 42678666)
    """
    return ResNet(_v1_stacks((3, 4, 23, 3)), False, True, include_top, weights, input_tensor, input_shape, pooling,
                  classes, classifier_activation, name=name, weights_name="resnet101")


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet152"):
    """ResNet152 (60.4M parameters with the top; 224x224 inputs, ``preprocess_input`` "caffe").

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
            height, width)`` under the channels-first image data format): each side at least 32, 3 channels
            with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224, 3)`` with the top (the
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

    >>> from dlx_hub.applications import resnet
    >>> # not run in the doc tests: allocating 58 million weights on the NumPy backend is slow
    >>> model = resnet.ResNet152(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 58391434)
    """
    return ResNet(_v1_stacks((3, 8, 36, 3)), False, True, include_top, weights, input_tensor, input_shape, pooling,
                  classes, classifier_activation, name=name, weights_name="resnet152")


def preprocess_input(x, data_format=None):
    """Caffe-style preprocessing (RGB to BGR, minus the ImageNet channel means, no scaling),
    as the ResNet weights expect; see :func:`dlx_hub.applications.imagenet_utils.preprocess_input`.

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
    >>> from dlx_hub.applications import resnet
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(resnet.preprocess_input(x), 4)
    array([[[ 151.061,   10.721, -123.68 ]]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


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
    >>> from dlx_hub.applications import resnet
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> resnet.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
