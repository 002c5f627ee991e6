"""VGG19: VGG16's layout with four convolutions in each of the last three blocks."""

from __future__ import annotations

from dlx_hub.applications import imagenet_utils, vgg16

BASE_WEIGHTS_PATH = vgg16.BASE_WEIGHTS_PATH


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg19"):
    """VGG19 (143.7M parameters with the top); arguments as :func:`dlx_hub.applications.vgg16.VGG16`."""
    return vgg16.vgg((2, 2, 4, 4, 4), "vgg19", include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name, base_path=BASE_WEIGHTS_PATH)


def preprocess_input(x, data_format=None):
    """Caffe-style preprocessing (RGB to BGR, minus the ImageNet means)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """See :func:`dlx_hub.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
