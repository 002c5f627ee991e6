"""ResNet50V2/101V2/152V2: pre-activation ResNets (He et al. 2016); inputs scaled to [-1, 1]."""

from __future__ import annotations

from dlx_hub.applications import imagenet_utils, resnet


def _v2_stacks(depths):
    def stack_fn(x):
        x = resnet.stack_residual_blocks_v2(x, 64, depths[0], name="conv2")
        x = resnet.stack_residual_blocks_v2(x, 128, depths[1], name="conv3")
        x = resnet.stack_residual_blocks_v2(x, 256, depths[2], name="conv4")
        return resnet.stack_residual_blocks_v2(x, 512, depths[3], stride1=1, name="conv5")
    return stack_fn


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
               classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2 (25.6M parameters with the top; 224x224 inputs scaled to ``[-1, 1]``).

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

    >>> from dlx_hub.applications import resnet_v2
    >>> # not run in the doc tests: allocating 24 million weights on the NumPy backend is slow
    >>> model = resnet_v2.ResNet50V2(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 23585290)
    """
    return resnet.ResNet(_v2_stacks((3, 4, 6, 3)), True, True, include_top, weights, input_tensor, input_shape,
                         pooling, classes, classifier_activation, name=name, weights_name="resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet101V2 (44.7M parameters with the top; 224x224 inputs scaled to ``[-1, 1]``).

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

    >>> from dlx_hub.applications import resnet_v2
    >>> # not run in the doc tests: allocating 43 million weights on the NumPy backend is slow
    >>> model = resnet_v2.ResNet101V2(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 42647050)
    """
    return resnet.ResNet(_v2_stacks((3, 4, 23, 3)), True, True, include_top, weights, input_tensor, input_shape,
                         pooling, classes, classifier_activation, name=name, weights_name="resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet152V2 (60.4M parameters with the top; 224x224 inputs scaled to ``[-1, 1]``).

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

    >>> from dlx_hub.applications import resnet_v2
    >>> # not run in the doc tests: allocating 58 million weights on the NumPy backend is slow
    >>> model = resnet_v2.ResNet152V2(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 58352138)
    """
    return resnet.ResNet(_v2_stacks((3, 8, 36, 3)), True, True, include_top, weights, input_tensor, input_shape,
                         pooling, classes, classifier_activation, name=name, weights_name="resnet152v2")


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
    >>> from dlx_hub.applications import resnet_v2
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(resnet_v2.preprocess_input(x), 4)
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
    >>> from dlx_hub.applications import resnet_v2
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> resnet_v2.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
