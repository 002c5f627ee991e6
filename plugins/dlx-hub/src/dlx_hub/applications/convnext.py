"""ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al. 2022, "A ConvNet for the 2020s"). The model
normalises its own ``[0, 255]`` inputs (``include_preprocessing``), so ``preprocess_input`` is the
identity. Channels-last only, as in Keras."""

from __future__ import annotations

import numpy as np

import dlx
from dlx import layers, ops
from dlx_hub.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# sha256 digests (with top, without top)
WEIGHTS_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}


@dlx.saving.register_serializable("dlx_hub")
class StochasticDepth(layers.Layer):
    """Drops the whole residual branch of a sample with probability ``drop_path_rate`` in training
    (Huang et al. 2016), scaling the kept ones by ``1 / (1 - rate)``; the identity at inference.

    Arguments:
        drop_path_rate: the probability of dropping a sample's branch, in ``[0, 1)``.
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate
        self.seed_generator = dlx.random.SeedGenerator(None)

    def call(self, x, training=None):
        if not training:
            return x
        keep = 1.0 - self.drop_path_rate
        shape = (ops.tensors.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        mask = ops.floor(keep + dlx.random.uniform(shape, 0.0, 1.0, seed=self.seed_generator))
        return x / keep * mask

    def get_config(self):
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


@dlx.saving.register_serializable("dlx_hub")
class LayerScale(layers.Layer):
    """Multiplies the channels by a learned per-channel ``gamma`` (initialised to ``init_values``).

    Arguments:
        init_values: the initial value of every entry of ``gamma``.
        projection_dim: the number of channels (the size of ``gamma``).
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=dlx.initializers.Constant(self.init_values), trainable=True)

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """Depthwise 7x7 convolution, LayerNorm, an MLP (4x, GELU), layer scale, residual.

    Arguments:
        projection_dim: the block's channels (those of its input and output).
        drop_path_rate: the probability of dropping the residual branch of a sample in training
            (:class:`StochasticDepth`; 0: no stochastic depth).
        layer_scale_init_value: the initial value of the per-channel :class:`LayerScale` (``None``: no layer
            scale).
        name: the prefix of its layers' names.

    Returns:
        A function that applies the block to a tensor and returns the block's output.
    """
    def apply(inputs):
        x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                          name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            last = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            last = layers.Activation("linear", name=f"{name}_identity")
        return inputs + last(x)
    return apply


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None, input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", weights_name=None):
    """A ConvNeXt with ``depths`` blocks of widths ``projection_dims`` in its four stages.

    Arguments:
        depths: the number of ConvNeXt blocks in each of the four stages.
        projection_dims: the channels of each of the four stages.
        drop_path_rate: the stochastic depth rate of the last block; the blocks' rates rise linearly from 0
            to it.
        layer_scale_init_value: the initial value of each block's layer scale (``None``: no layer scale).
        default_size: the side of the default input shape.
        name: the model's name, the prefix of its layers' names (any: with ImageNet weights the file is
            named after ``weights_name``, and its layers' prefix is replaced by ``name``).
        include_preprocessing: begin with a ``Normalization`` layer holding the ImageNet channel means and
            variances in ``[0, 255]`` units, so that the model takes raw pixels (3-channel inputs only).
        include_top: end with the classifier (global average pooling, layer normalization and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a symbolic tensor (such as another model's output) to use as the image input; ``None``
            creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(default_size,
            default_size, 3)`` with the top (the only shape ImageNet weights accept there), ``(None, None,
            3)`` (any size) without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``, followed by a layer
            normalization in every case. Ignored with the top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        weights_name: which published weights ``weights="imagenet"`` loads (``"convnext_tiny"`` ...
            ``"convnext_xlarge"``); ``depths`` and ``projection_dims`` must then be that variant's.

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).
    """
    if dlx.backend.image_data_format() == "channels_first":
        raise ValueError("ConvNeXt supports only the channels_last image data format (as in Keras); "
                         "call dlx.backend.set_image_data_format('channels_last')")
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    _builder.check_pooling(pooling)
    _builder.check_weights_name(weights, weights_name, WEIGHTS_HASHES)
    if weights == "imagenet":
        expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
        if list(depths) != expected["depths"] or list(projection_dims) != expected["projection_dims"]:
            raise ValueError(f"ImageNet weights for {weights_name} need depths={expected['depths']} and "
                             f"projection_dims={expected['projection_dims']}; got {depths}, {projection_dims}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=dlx.backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    if input_tensor is not None:
        inputs = dlx.utils.get_source_inputs(input_tensor)[0]
        x = input_tensor
    else:
        inputs = x = img_input
    if include_preprocessing and input_shape[-1] == 3:
        x = layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                                 variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                                 name=f"{name}_prestem_normalization")(x)
    stem = dlx.models.Sequential([
        layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
        layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")], name=f"{name}_stem")
    downsample = [stem] + [dlx.models.Sequential([
        layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
        layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}")],
        name=f"{name}_downsampling_block_{i}") for i in range(3)]
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i in range(4):
        x = downsample[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(projection_dims[i], rates[cur + j], layer_scale_init_value,
                              name=f"{name}_stage_{i}_block_{j}")(x)
        cur += depths[i]
    if include_top:
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        x = _builder.pool(x, pooling)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = _builder.functional(inputs, x, name)
    if weights == "imagenet":
        file_name = weights_name + (".h5" if include_top else "_notop.h5")
        prefix = weights_name + "_"

        def rename(layer_name):  # the file's layers carry the variant's default model name
            return name + "_" + layer_name[len(prefix):] if layer_name.startswith(prefix) else layer_name
        return _builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                     WEIGHTS_HASHES[weights_name][0 if include_top else 1], rename)
    return _builder.load_weights(model, weights)


def _variant(size, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes,
             classifier_activation, name):
    config = MODEL_CONFIGS[size]
    return ConvNeXt(config["depths"], config["projection_dims"], 0.0, 1e-6, config["default_size"], name=name,
                    include_preprocessing=include_preprocessing, include_top=include_top, weights=weights,
                    input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                    classifier_activation=classifier_activation, weights_name=f"convnext_{size}")


def ConvNeXtTiny(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                 name="convnext_tiny"):
    """ConvNeXtTiny (28.6M parameters with the top; takes pixels in ``[0, 255]``, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling, layer normalization and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
        include_preprocessing: begin with a ``Normalization`` layer holding the ImageNet channel means and
            variances in ``[0, 255]`` units, so that the model takes raw pixels (3-channel inputs only).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a symbolic tensor (such as another model's output) to use as the image input; ``None``
            creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``, followed by a layer
            normalization in every case. Ignored with the top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name, the prefix of its layers' names (any: the ImageNet weights are this
            variant's, their layers renamed to the prefix).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import convnext
    >>> # not run in the doc tests: allocating 28 million weights on the NumPy backend is slow
    >>> model = convnext.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 27827818)
    """
    return _variant("tiny", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtSmall(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                  input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                  name="convnext_small"):
    """ConvNeXtSmall (50.2M parameters with the top; takes pixels in ``[0, 255]``, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling, layer normalization and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
        include_preprocessing: begin with a ``Normalization`` layer holding the ImageNet channel means and
            variances in ``[0, 255]`` units, so that the model takes raw pixels (3-channel inputs only).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a symbolic tensor (such as another model's output) to use as the image input; ``None``
            creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``, followed by a layer
            normalization in every case. Ignored with the top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name, the prefix of its layers' names (any: the ImageNet weights are this
            variant's, their layers renamed to the prefix).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import convnext
    >>> # not run in the doc tests: allocating 49 million weights on the NumPy backend is slow
    >>> model = convnext.ConvNeXtSmall(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 49462378)
    """
    return _variant("small", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtBase(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                 name="convnext_base"):
    """ConvNeXtBase (88.6M parameters with the top; takes pixels in ``[0, 255]``, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling, layer normalization and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
        include_preprocessing: begin with a ``Normalization`` layer holding the ImageNet channel means and
            variances in ``[0, 255]`` units, so that the model takes raw pixels (3-channel inputs only).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a symbolic tensor (such as another model's output) to use as the image input; ``None``
            creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``, followed by a layer
            normalization in every case. Ignored with the top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name, the prefix of its layers' names (any: the ImageNet weights are this
            variant's, their layers renamed to the prefix).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import convnext
    >>> # not run in the doc tests: allocating 88 million weights on the NumPy backend is slow
    >>> model = convnext.ConvNeXtBase(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 87576714)
    """
    return _variant("base", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                  input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                  name="convnext_large"):
    """ConvNeXtLarge (197.8M parameters with the top; takes pixels in ``[0, 255]``, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling, layer normalization and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
        include_preprocessing: begin with a ``Normalization`` layer holding the ImageNet channel means and
            variances in ``[0, 255]`` units, so that the model takes raw pixels (3-channel inputs only).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a symbolic tensor (such as another model's output) to use as the image input; ``None``
            creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``, followed by a layer
            normalization in every case. Ignored with the top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name, the prefix of its layers' names (any: the ImageNet weights are this
            variant's, their layers renamed to the prefix).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import convnext
    >>> # not run in the doc tests: allocating 196 million weights on the NumPy backend is slow
    >>> model = convnext.ConvNeXtLarge(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 196245706)
    """
    return _variant("large", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtXLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                   name="convnext_xlarge"):
    """ConvNeXtXLarge (350.2M parameters with the top; takes pixels in ``[0, 255]``, channels-last only).

    Arguments:
        include_top: end with the classifier (global average pooling, layer normalization and a
            ``classes``-way ``Dense`` layer); ``False`` ends with the last feature map instead (see
            ``pooling``).
        include_preprocessing: begin with a ``Normalization`` layer holding the ImageNet channel means and
            variances in ``[0, 255]`` units, so that the model takes raw pixels (3-channel inputs only).
        weights: ``None`` (random initialization), ``"imagenet"`` (the published ImageNet weights,
            downloaded once with :func:`dlx.utils.get_file` and cached under ``models/``) or the path of an
            existing weights file (a Keras 2 ``.h5`` file is matched to the layers by name, any other file
            goes through ``Model.load_weights``).
        input_tensor: a symbolic tensor (such as another model's output) to use as the image input; ``None``
            creates a new ``Input``.
        input_shape: the image shape without the batch axis, ``(height, width, channels)``: each side at
            least 32, 3 channels with ImageNet weights, no ``None`` with the top. ``None``: ``(224, 224,
            3)`` with the top (the only shape ImageNet weights accept there), ``(None, None, 3)`` (any size)
            without it.
        pooling: what the model outputs without the top: ``None`` the 4D feature map, ``"avg"`` or ``"max"``
            its global average or maximum over the spatial axes, ``(batch, channels)``, followed by a layer
            normalization in every case. Ignored with the top; any other value raises ``ValueError``.
        classes: the number of classes the top predicts; must be 1000 with ImageNet weights and the top.
        classifier_activation: the activation of the top's last layer (a name, a callable, or ``None`` for
            logits); with any weights loaded (``weights`` not ``None``) only ``None`` or ``"softmax"``.
        name: the model's name, the prefix of its layers' names (any: the ImageNet weights are this
            variant's, their layers renamed to the prefix).

    Returns:
        A ``Functional`` model from images to the classifier's outputs (with the top) or to features.

    Raises:
        ValueError: for a ``weights``, ``pooling``, ``classes``, ``classifier_activation`` or
            ``input_shape`` that does not fit, as above, or when the image data format is channels-first
            (only channels-last is supported).

    Example:

    >>> from dlx_hub.applications import convnext
    >>> # not run in the doc tests: allocating 348 million weights on the NumPy backend is slow
    >>> model = convnext.ConvNeXtXLarge(weights=None, input_shape=(32, 32, 3), classes=10)  # doctest: +SKIP
    >>> model.output.shape, model.count_params()  # doctest: +SKIP
    ((None, 10), 348168458)
    """
    return _variant("xlarge", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """The identity: ConvNeXt normalises its inputs itself (``include_preprocessing``).

    Arguments:
        x: a batch of images (or one image) with pixels in ``[0, 255]``; any array or tensor.
        data_format: not used (accepted for the common signature).

    Returns:
        ``x``, unchanged.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.applications import convnext
    >>> x = np.array([[[0.0, 127.5, 255.0]]])  # one 1x1 RGB image
    >>> np.round(convnext.preprocess_input(x), 4)
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
    >>> from dlx_hub.applications import convnext
    >>> preds = np.zeros((1, 1000)); preds[0, 1] = 0.9  # doctest: +SKIP
    >>> convnext.decode_predictions(preds, top=1)  # doctest: +SKIP
    [[('n01443537', 'goldfish', np.float64(0.9))]]
    """
    return imagenet_utils.decode_predictions(preds, top=top)
