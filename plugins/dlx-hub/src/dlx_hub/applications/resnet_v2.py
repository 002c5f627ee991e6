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
    """ResNet50V2 (25.6M parameters); arguments as :func:`dlx_hub.applications.resnet.ResNet50`."""
    return resnet.ResNet(_v2_stacks((3, 4, 6, 3)), True, True, include_top, weights, input_tensor, input_shape,
                         pooling, classes, classifier_activation, name=name, weights_name="resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet101V2 (44.7M parameters); arguments as :func:`dlx_hub.applications.resnet.ResNet50`."""
    return resnet.ResNet(_v2_stacks((3, 4, 23, 3)), True, True, include_top, weights, input_tensor, input_shape,
                         pooling, classes, classifier_activation, name=name, weights_name="resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet152V2 (60.4M parameters); arguments as :func:`dlx_hub.applications.resnet.ResNet50`."""
    return resnet.ResNet(_v2_stacks((3, 8, 36, 3)), True, True, include_top, weights, input_tensor, input_shape,
                         pooling, classes, classifier_activation, name=name, weights_name="resnet152v2")


def preprocess_input(x, data_format=None):
    """Scales pixels to ``[-1, 1]`` ("tf" mode of :func:`imagenet_utils.preprocess_input`)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """See :func:`dlx_hub.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
