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
    then two 4096-wide dense layers and the classifier."""
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
        include_top: end with the three dense layers (``classes`` outputs).
        weights: None, "imagenet" (downloaded with ``get_file``) or a weights file path.
        input_tensor: an optional tensor to use as the image input.
        input_shape: ``(height, width, channels)``; at least 32x32 without the top.
        pooling: without the top: None, "avg" or "max".
        classes: the number of classes of the top.
        classifier_activation: the top's activation (None or "softmax" with weights).
        name: the model's name.
    """
    return vgg((2, 2, 3, 3, 3), "vgg16", include_top, weights, input_tensor, input_shape, pooling, classes,
               classifier_activation, name)


def preprocess_input(x, data_format=None):
    """Caffe-style preprocessing (RGB to BGR, minus the ImageNet means)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """See :func:`dlx_hub.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
