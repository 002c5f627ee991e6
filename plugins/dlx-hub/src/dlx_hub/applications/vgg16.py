"""VGG16 (Simonyan & Zisserman 2015, "Very Deep Convolutional Networks for Large-Scale Image
Recognition"); :func:`vgg` also builds VGG19."""

from __future__ import annotations

import dlx
from dlx import layers
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/"
WEIGHTS_HASHES = {"vgg16": ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
                  "vgg19": ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")}


def vgg(convs_per_block, weights_name, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name, base_path=None):
    """Five blocks of 3x3 ReLU convolutions (64-128-256-512-512 filters) and 2x2 max pooling,
    then two 4096-wide dense layers and the classifier.

    Arguments:
        convs_per_block: the number of convolutions in each of the five blocks (VGG16: ``(2, 2, 3, 3, 3)``).
        weights_name: ``"vgg16"`` or ``"vgg19"``: which published weights ``weights="imagenet"`` loads.
        include_top: end with the classifier (``Flatten``, two 4096-unit ReLU ``Dense`` layers and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
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
        base_path: the URL folder of the weight files (``None``: ``BASE_WEIGHTS_PATH``).

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
    x = img_input
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = _builder.classifier(x, classes, classifier_activation, weights)
    else:
        x = _builder.pool(x, pooling)
    model = _builder.functional(_builder.model_inputs(input_tensor, img_input), x, name)
    suffix = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    origin = f"{base_path or BASE_WEIGHTS_PATH}{weights_name}/{file_name}"
    file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
    return _builder.load_weights(model, weights, file_name, origin, file_hash)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg16"):
    """VGG16 (138.4M parameters with the top; 224x224 inputs, "caffe" preprocessing).

    Arguments:
        include_top: end with the classifier (``Flatten``, two 4096-unit ReLU ``Dense`` layers and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
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

    >>> from dlx_hub.applications import vgg16
    >>> # not run in the doc tests: allocating 34 million weights on the NumPy backend is slow
    >>> model = vgg16.VGG16(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 33638218)
    """
    return vgg((2, 2, 3, 3, 3), "vgg16", include_top, weights, input_tensor, input_shape, pooling, classes,
               classifier_activation, name)


def preprocess_input(x, data_format=None):
    """Caffe-style preprocessing (RGB to BGR, minus the ImageNet channel means, no scaling); see
    :func:`dlx_hub.applications.imagenet_utils.preprocess_input`.

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
    >>> from dlx_hub.applications import vgg16
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(vgg16.preprocess_input(x), 4)
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
    >>> from dlx_hub.applications import vgg16
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> vgg16.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
