"""ImageNet helpers shared by every application: ``preprocess_input`` (the three pixel conventions
the published weights were trained with) and ``decode_predictions`` (class ids to WordNet ids and
names, from the class index file Keras publishes)."""

from __future__ import annotations

import json
import warnings

import numpy as np

import dlx
from dlx import ops

CLASS_INDEX = None
CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR order
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def _data_format(data_format):
    if data_format is None:
        return dlx.backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("data_format must be 'channels_first' or 'channels_last' (or None for "
                         f"dlx.backend.image_data_format()); got data_format={data_format!r}")
    return data_format


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scales a batch (or a single image) of RGB pixels in ``[0, 255]`` the way a network's
    ImageNet weights expect.

    Arguments:
        x: a float NumPy array or a tensor, 3D or 4D, with 3 colour channels. A float NumPy array
            is modified in place (as in Keras); pass a copy to keep the original.
        data_format: ``"channels_last"``, ``"channels_first"`` or None (the global setting).
        mode: ``"caffe"`` (RGB to BGR, minus the ImageNet channel means, no scaling), ``"tf"``
            (to ``[-1, 1]``) or ``"torch"`` (to ``[0, 1]``, then per-channel mean/std).

    Returns:
        The preprocessed array or tensor (float).

    >>> import numpy as np
    >>> preprocess_input(np.array([[[0.0, 127.5, 255.0]]]), mode="tf").tolist()
    [[[-1.0, 0.0, 1.0]]]
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"mode must be one of 'caffe', 'tf', 'torch'; got mode={mode!r}")
    data_format = _data_format(data_format)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_index(ndim, data_format):
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1


def _preprocess_numpy(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(dlx.backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_index(x.ndim, data_format)
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = np.flip(x, axis=axis)
        mean, std = _CAFFE_MEAN, None
    index = [slice(None)] * x.ndim
    for c in range(3):
        index[axis] = c
        x[tuple(index)] -= mean[c]
        if std is not None:
            x[tuple(index)] /= std[c]
    return x


def _preprocess_tensor(x, data_format, mode):
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = _channel_index(ndim, data_format)
    shape = [1] * ndim
    shape[axis] = 3
    if mode == "torch":
        mean = ops.reshape(ops.convert_to_tensor(np.array(_TORCH_MEAN), dtype=x.dtype), shape)
        std = ops.reshape(ops.convert_to_tensor(np.array(_TORCH_STD), dtype=x.dtype), shape)
        return (x / 255.0 - mean) / std
    x = ops.flip(x, axis=axis)
    mean = ops.reshape(ops.convert_to_tensor(np.array(_CAFFE_MEAN), dtype=x.dtype), shape)
    return x - mean


def _class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = dlx.utils.get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                                  file_hash=CLASS_INDEX_HASH)
        with open(path, encoding="utf-8") as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """The ``top`` most likely ImageNet classes of each row of a ``(samples, 1000)`` batch of
    predictions, as lists of ``(wordnet_id, class_name, score)`` tuples, best first. The class
    index is downloaded once with :func:`dlx.utils.get_file` (``cache_subdir="models"``).

    Arguments:
        preds: the predictions, an array or tensor of shape ``(samples, 1000)``.
        top: how many classes to return for each row (0 or less: none).

    Returns:
        One list per row of ``(wordnet_id, class_name, score)`` tuples, highest score first.

    Raises:
        ValueError: when ``preds`` is not of shape ``(samples, 1000)``.
    """
    shape = tuple(preds.shape)
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError("decode_predictions expects a batch of ImageNet predictions, an array of shape "
                         f"(samples, 1000); got an array of shape {shape}")
    index = _class_index()
    preds = np.asarray(ops.convert_to_numpy(preds))
    results = []
    for row in preds:
        best = row.argsort()[-top:][::-1] if top > 0 else []
        decoded = [(*index[str(int(i))], row[i]) for i in best]
        decoded.sort(key=lambda t: t[2], reverse=True)
        results.append(decoded)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The model's input shape (channels included) from the user's ``input_shape``, checked: 3
    channels for ImageNet weights, each side at least ``min_size``, a static shape with a top.

    Arguments:
        input_shape: the shape the user asked for (without the batch axis), or ``None``.
        default_size: the side of the default square shape (the one ImageNet weights were trained at).
        min_size: the smallest side allowed.
        data_format: ``"channels_last"`` or ``"channels_first"``: where the channels are.
        require_flatten: whether the model has its top (then the shape must be static; with ImageNet
            weights it must be the default one).
        weights: ``"imagenet"``, ``None`` or a file path; other than ``"imagenet"``, an input with
            neither 1 nor 3 channels only warns.

    Returns:
        The input shape as a tuple of three entries: ``input_shape`` when given, else the default
        ``(default_size, default_size, 3)`` with a top and ``(None, None, 3)`` without one (channels
        first under ``"channels_first"``).

    Raises:
        ValueError: when ``input_shape`` is not three entries, has a side below ``min_size``, lacks 3
            channels with ImageNet weights, differs from the default with ImageNet weights and a top,
            or is not static with a top.
    """
    channels_last = data_format == "channels_last"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels not in (1, 3):
            warnings.warn(f"This model usually expects 1 or 3 input channels; input_shape={input_shape} has "
                          f"{channels}.", stacklevel=3)
        default_shape = (default_size, default_size, channels) if channels_last else \
            (channels, default_size, default_size)
    else:
        default_shape = (default_size, default_size, 3) if channels_last else (3, default_size, default_size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(f"With include_top=True and weights='imagenet', input_shape must be {default_shape}; "
                             f"got input_shape={input_shape}")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"input_shape must be a tuple of three integers; got input_shape={input_shape}")
        channels = input_shape[-1] if channels_last else input_shape[0]
        sides = input_shape[:2] if channels_last else input_shape[1:]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"ImageNet weights need 3 input channels; got input_shape={input_shape}")
        if any(s is not None and s < min_size for s in sides):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; got input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError(f"With include_top=True the input shape must be static; got input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """Zero padding ``((top, bottom), (left, right))`` that makes a strided "valid" convolution
    sample like TensorFlow's "same" one (the extra pixel goes bottom/right).

    Arguments:
        inputs: the 4D tensor about to be convolved (its static height and width are read, in the
            global image data format).
        kernel_size: the convolution's kernel size, an int or a pair.

    Returns:
        The padding, for ``ZeroPadding2D(padding=...)``.
    """
    first = 2 if dlx.backend.image_data_format() == "channels_first" else 1
    size = inputs.shape[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Pretrained weights allow only ``None`` or ``"softmax"`` as the classifier activation.

    Arguments:
        classifier_activation: the activation asked for (anything ``dlx.activations.get`` takes).
        weights: the model's ``weights`` argument; with ``None`` any activation is allowed.

    Raises:
        ValueError: when weights are loaded and the activation is neither ``None`` nor softmax.
    """
    if weights is None:
        return
    act = dlx.activations.get(classifier_activation)
    if act not in (dlx.activations.get("softmax"), dlx.activations.get(None)):
        raise ValueError("With pretrained weights and include_top=True, classifier_activation must be None or "
                         f"'softmax'; got classifier_activation={classifier_activation!r}")
