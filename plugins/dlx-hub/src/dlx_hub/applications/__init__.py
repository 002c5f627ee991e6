"""Keras Applications for dlx: the ImageNet classification networks of ``keras.applications``
with Keras's layer names, parameter counts, arguments and published weight files.

``dlx.applications`` (in dlx core) forwards here. Family modules load on first use.

>>> from dlx_hub import applications                                   # doctest: +SKIP
>>> model = applications.ResNet50(weights=None)                         # doctest: +SKIP
>>> model.count_params()                                                # doctest: +SKIP
25636712
"""

from __future__ import annotations

import importlib

# Keras's public family modules
FAMILIES = ("convnext", "densenet", "efficientnet", "efficientnet_v2", "imagenet_utils", "inception_resnet_v2",
            "inception_v3", "mobilenet", "mobilenet_v2", "mobilenet_v3", "nasnet", "resnet", "resnet50",
            "resnet_v2", "vgg16", "vgg19", "xception")

# each model constructor at the top level, by the family module that defines it
MODELS = {
    "ConvNeXtBase": "convnext", "ConvNeXtLarge": "convnext", "ConvNeXtSmall": "convnext",
    "ConvNeXtTiny": "convnext", "ConvNeXtXLarge": "convnext",
    "DenseNet121": "densenet", "DenseNet169": "densenet", "DenseNet201": "densenet",
    **{f"EfficientNetB{i}": "efficientnet" for i in range(8)},
    **{f"EfficientNetV2{v}": "efficientnet_v2" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")},
    "InceptionResNetV2": "inception_resnet_v2", "InceptionV3": "inception_v3",
    "MobileNet": "mobilenet", "MobileNetV2": "mobilenet_v2",
    "MobileNetV3Small": "mobilenet_v3", "MobileNetV3Large": "mobilenet_v3",
    "NASNetMobile": "nasnet", "NASNetLarge": "nasnet",
    "ResNet50": "resnet", "ResNet101": "resnet", "ResNet152": "resnet",
    "ResNet50V2": "resnet_v2", "ResNet101V2": "resnet_v2", "ResNet152V2": "resnet_v2",
    "VGG16": "vgg16", "VGG19": "vgg19", "Xception": "xception",
}


def __getattr__(name):
    if name in FAMILIES:
        return importlib.import_module(f"dlx_hub.applications.{name}")
    if name in MODELS:
        return getattr(importlib.import_module(f"dlx_hub.applications.{MODELS[name]}"), name)
    raise AttributeError(f"module 'dlx_hub.applications' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *FAMILIES, *MODELS])
