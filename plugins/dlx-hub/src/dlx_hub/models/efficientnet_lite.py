"""EfficientNet-Lite (Lite0): MBConv blocks without squeeze-and-excitation, ReLU6, fixed stem and
head, for image classification; loads the lukemelas-style PyTorch ``state_dict``."""

from __future__ import annotations

import numpy as np

import dlx
from dlx import layers, ops
from dlx_hub.models.backbone import Backbone, initializer
from dlx_hub.models.task import Task

# (repeats, kernel, stride, expand_ratio, in, out) of EfficientNet-Lite0's seven stages
LITE0_STAGES = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
                (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320))


def _conv(filters, kernel, strides=1, name=None):
    return layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False,
                         kernel_initializer=initializer("glorot_uniform"), name=name)


def _bn(name):
    return layers.BatchNormalization(epsilon=1e-3, momentum=0.99, name=name)


class _MBConv(layers.Layer):
    def __init__(self, kernel, stride, expand_ratio, in_filters, out_filters, **kwargs):
        super().__init__(**kwargs)
        mid = in_filters * expand_ratio
        self.expand = expand_ratio != 1
        if self.expand:
            self.expand_conv = _conv(mid, 1, name="expand_conv")
            self.expand_bn = _bn("expand_bn")
        self.depthwise_conv = layers.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False,
                                                     depthwise_initializer=initializer("glorot_uniform"),
                                                     name="depthwise_conv")
        self.depthwise_bn = _bn("depthwise_bn")
        self.project_conv = _conv(out_filters, 1, name="project_conv")
        self.project_bn = _bn("project_bn")
        self.residual = stride == 1 and in_filters == out_filters

    def call(self, x, training=False):
        h = x
        if self.expand:
            h = ops.relu6(self.expand_bn(self.expand_conv(h), training=training))
        h = ops.relu6(self.depthwise_bn(self.depthwise_conv(h), training=training))
        h = self.project_bn(self.project_conv(h), training=training)
        return x + h if self.residual else h


@dlx.saving.register_serializable("dlx_hub")
class EfficientNetLiteBackbone(Backbone):
    """EfficientNet-Lite0 features: ``(batch, H, W, 3)`` scaled images -> ``(batch, H/32, W/32,
    1280)``. TensorFlow-style "same" padding (the extra pixel bottom/right), BatchNorm eps 1e-3.

    Arguments:
        stages: the MBConv stages, one ``(repeats, kernel, stride, expand_ratio, in_filters,
            out_filters)`` tuple each (the first block of a stage has its stride and input width,
            the others stride 1); the default is Lite0's seven stages.
        stem_filters: the filters of the stride-2 3x3 stem convolution.
        head_filters: the filters of the final 1x1 convolution (the output's channels).
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).
    """

    def __init__(self, stages=LITE0_STAGES, stem_filters=32, head_filters=1280, **kwargs):
        super().__init__(**kwargs)
        self.stages = [list(s) for s in stages]
        self.stem_filters, self.head_filters = int(stem_filters), int(head_filters)
        self.stem_conv = _conv(stem_filters, 3, strides=2, name="stem_conv")
        self.stem_bn = _bn("stem_bn")
        self.blocks = []
        for repeats, kernel, stride, expand, fin, fout in self.stages:
            for r in range(repeats):
                self.blocks.append(_MBConv(kernel, stride if r == 0 else 1, expand, fin if r == 0 else fout, fout,
                                           name=f"block_{len(self.blocks)}"))
        self.head_conv = _conv(head_filters, 1, name="head_conv")
        self.head_bn = _bn("head_bn")
        self._build_now(np.zeros((1, 32, 32, 3), "float32"))

    def call(self, images, training=False):
        x = ops.relu6(self.stem_bn(self.stem_conv(images), training=training))
        for block in self.blocks:
            x = block(x, training=training)
        return ops.relu6(self.head_bn(self.head_conv(x), training=training))

    def get_config(self) -> dict:
        return {**super().get_config(), "stages": self.stages, "stem_filters": self.stem_filters,
                "head_filters": self.head_filters}

    # -- PyTorch state_dict (lukemelas naming) ---------------------------------------------------
    @staticmethod
    def config_from_state_dict(keys) -> dict:
        """The constructor arguments for a PyTorch state_dict (lukemelas naming); only EfficientNet-Lite0
        is supported, whose arguments are the defaults.

        Arguments:
            keys: the state_dict's tensor names.

        Returns:
            ``{}``.

        Raises:
            ValueError: when the number of MBConv blocks is not Lite0's.
        """
        n_blocks = len({k.split(".")[1] for k in keys if k.startswith("_blocks.")})
        expected = sum(s[0] for s in LITE0_STAGES)
        if n_blocks != expected:
            raise ValueError(f"the state_dict has {n_blocks} MBConv blocks; EfficientNet-Lite0 has {expected} "
                             "(other Lite variants are not supported yet)")
        return {}

    def load_state_dict(self, get) -> None:
        """Assigns the weights of a PyTorch state_dict (lukemelas naming), transposing convolution
        kernels to channels-last.

        Arguments:
            get: ``get(name) -> numpy array``, the state_dict tensor of that name (raising ``KeyError``
                for a missing one).
        """
        def conv(layer, key):
            layer.kernel.assign(get(key).transpose(2, 3, 1, 0))

        def bn(layer, key):
            layer.gamma.assign(get(key + ".weight"))
            layer.beta.assign(get(key + ".bias"))
            layer.moving_mean.assign(get(key + ".running_mean"))
            layer.moving_variance.assign(get(key + ".running_var"))

        conv(self.stem_conv, "_conv_stem.weight")
        bn(self.stem_bn, "_bn0")
        for i, block in enumerate(self.blocks):
            p = f"_blocks.{i}."
            if block.expand:
                conv(block.expand_conv, p + "_expand_conv.weight")
                bn(block.expand_bn, p + "_bn0")
            block.depthwise_conv.kernel.assign(get(p + "_depthwise_conv.weight").transpose(2, 3, 0, 1))
            bn(block.depthwise_bn, p + "_bn1")
            conv(block.project_conv, p + "_project_conv.weight")
            bn(block.project_bn, p + "_bn2")
        conv(self.head_conv, "_conv_head.weight")
        bn(self.head_bn, "_bn1")


@dlx.saving.register_serializable("dlx_hub")
class ImageClassifierPreprocessor:
    """Images (uint8 or float, ``(batch, H, W, 3)``, RGB) -> ``(x - offset) / scale`` float32.

    Arguments:
        offset: subtracted from every pixel value.
        scale: what the shifted values are divided by (non-zero).

    Raises:
        ValueError: when ``scale`` is zero.
    """

    tokenizer_cls = None

    def __init__(self, offset: float = 127.0, scale: float = 128.0):
        if not scale:
            raise ValueError(f"scale must be non-zero; got {scale!r}")
        self.offset, self.scale = float(offset), float(scale)

    def __call__(self, images):
        x = np.asarray(images)
        if x.ndim != 4 or x.shape[-1] != 3:
            raise ValueError(f"images must be (batch, height, width, 3) RGB; got shape {x.shape}")
        return (x.astype(np.float32) - self.offset) / self.scale

    def get_config(self) -> dict:
        """The constructor arguments.

        Returns:
            ``{"offset": offset, "scale": scale}``.
        """
        return {"offset": self.offset, "scale": self.scale}

    def save_to_preset(self, preset_dir) -> None:
        """Writes the preprocessor's config into a preset folder.

        Arguments:
            preset_dir: the preset folder.
        """
        from dlx_hub.presetlib import save_preprocessor

        save_preprocessor(self, preset_dir)


@dlx.saving.register_serializable("dlx_hub")
class ImageClassifier(Task):
    """Backbone features -> global average pooling -> dropout -> ``Dense(num_classes)`` logits
    (``activation=None``) or probabilities (``activation="softmax"``).

    ``classifier.predict(images)`` on raw (uint8) images runs the preprocessor first.

    Arguments:
        backbone: the image backbone, with a ``head_filters`` attribute (its output channels), such
            as :class:`EfficientNetLiteBackbone`.
        preprocessor: an :class:`ImageClassifierPreprocessor` that ``predict`` applies to uint8
            images, or ``None``.
        num_classes: the number of classes (a positive int).
        dropout: the dropout rate before the head.
        activation: the head's activation (``None``: logits).
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``backbone`` is missing or ``num_classes`` is not a positive int.
    """

    def __init__(self, backbone=None, preprocessor=None, num_classes: int = 1000, dropout: float = 0.2,
                 activation=None, **kwargs):
        super().__init__(backbone=backbone, preprocessor=preprocessor, **kwargs)
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"num_classes must be a positive int; got {num_classes!r}")
        self.num_classes, self.dropout, self.activation = num_classes, float(dropout), activation
        self.pooler = layers.GlobalAveragePooling2D(name="pooler")
        self.output_dropout = layers.Dropout(dropout, name="output_dropout")
        self.output_dense = layers.Dense(num_classes, activation=activation, name="predictions")
        self.output_dense.build((None, backbone.head_filters))

    def call(self, images, training=False):
        x = self.pooler(self.backbone(images, training=training))
        return self.output_dense(self.output_dropout(x, training=training))

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        if self.preprocessor is not None and np.asarray(x).dtype == np.uint8:
            x = self.preprocessor(x)
        return super().predict(x, batch_size=batch_size, verbose=verbose, steps=steps, callbacks=callbacks)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes, "dropout": self.dropout,
                "activation": self.activation}

    def load_state_dict(self, get) -> None:
        """Assigns the classifier head's weights (``_fc.weight``, transposed, and ``_fc.bias``) of a
        PyTorch state_dict; the backbone loads its own.

        Arguments:
            get: ``get(name) -> numpy array``, the state_dict tensor of that name.
        """
        self.output_dense.kernel.assign(get("_fc.weight").T)
        self.output_dense.bias.assign(get("_fc.bias"))


@dlx.saving.register_serializable("dlx_hub")
class EfficientNetLiteImageClassifier(ImageClassifier):
    """An :class:`ImageClassifier` on an :class:`EfficientNetLiteBackbone`.

    Arguments:
        backbone: the :class:`EfficientNetLiteBackbone`.
        preprocessor: an :class:`ImageClassifierPreprocessor` that ``predict`` applies to uint8
            images, or ``None``.
        num_classes: the number of classes (a positive int).
        dropout: the dropout rate before the head.
        activation: the head's activation (``None``: logits).
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``backbone`` is missing or ``num_classes`` is not a positive int.
        TypeError: when ``backbone`` is not an :class:`EfficientNetLiteBackbone`.
    """

    backbone_cls = EfficientNetLiteBackbone
    preprocessor_cls = ImageClassifierPreprocessor
