"""What every application does around its architecture: argument checks, the input, the pooled or
classifier head, and loading ImageNet weights through :func:`dlx.utils.get_file`."""

from __future__ import annotations

import os

import dlx
from dlx import layers
from dlx_hub.applications import imagenet_utils


def check_weights(weights, include_top, classes, classifier_activation=None):
    """Keras's checks of ``weights`` (None, "imagenet" or an existing file), ``classes`` and, with
    the top, ``classifier_activation`` (before anything is built)."""
    if not (weights in ("imagenet", None) or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The weights argument must be None (random initialization), 'imagenet' (pre-training "
                         f"on ImageNet) or the path of a weights file that exists; got weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"With weights='imagenet' and include_top=True, classes must be 1000; got classes={classes}")
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)


def check_weights_name(weights, weights_name, known):
    """With ``weights="imagenet"``, ``weights_name`` must name one of the ``known`` published weights."""
    if weights == "imagenet" and weights_name not in known:
        raise ValueError(f"weights='imagenet' loads the published weights that weights_name names, one of "
                         f"{sorted(known)}; got weights_name={weights_name!r}")


def check_pooling(pooling):
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"pooling must be None, 'avg' or 'max'; got pooling={pooling!r}")


def channel_axis():
    return -1 if dlx.backend.image_data_format() == "channels_last" else 1


def image_input(input_tensor, input_shape):
    """The model's input tensor: a new ``Input`` or the given one (a concrete tensor is wrapped)."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if dlx.backend.is_keras_tensor(input_tensor):
        return input_tensor
    return layers.Input(tensor=input_tensor, shape=input_shape)


def model_inputs(input_tensor, img_input):
    if input_tensor is not None:
        return dlx.utils.get_source_inputs(input_tensor)
    return img_input


def pool(x, pooling, avg_name=None, max_name=None):
    """The feature head without a classifier: nothing, global average or global max pooling."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def classifier(x, classes, classifier_activation, weights, name="predictions"):
    imagenet_utils.validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name=name)(x)


def avg_head(x, include_top, pooling, classes, classifier_activation, weights, pool_names=(None, None)):
    """The top most families share: global average pooling ("avg_pool") and the classifier, or
    the feature head (``pool``) without it."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return classifier(x, classes, classifier_activation, weights)
    return pool(x, pooling, *pool_names)


def load_weights(model, weights, file_name=None, origin=None, file_hash=None, rename=None):
    """Loads ``weights``: "imagenet" downloads ``origin`` (cached as ``models/file_name``), a path
    is loaded as it is, None keeps the random initialization. ``rename`` maps the published file's
    layer names to the model's (for models whose layer names carry the model's name)."""
    if weights == "imagenet":
        path = dlx.utils.get_file(file_name, origin, cache_subdir="models", file_hash=file_hash)
        load_legacy_by_name(model, path, rename)
    elif weights is not None:
        path = os.fspath(weights)
        if path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5") and _is_legacy(path):
            load_legacy_by_name(model, path)
        else:
            model.load_weights(path)
    return model


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _is_legacy(path):
    import h5py

    with h5py.File(path, "r") as f:
        group = f.get("model_weights", f)
        return "layer_names" in group.attrs


def _auto_name_key(name):
    """``("conv2d", 3)`` for an automatic layer name ``conv2d_3`` (``("conv2d", 0)`` for ``conv2d``)."""
    prefix, _, suffix = name.rpartition("_")
    if prefix and suffix.isdigit():
        return prefix, int(suffix)
    return name, 0


def _pair_layers(path, mine, saved):
    """``[(layer, values)]``: each model layer with weights and the file's weights for it. Layers
    are paired by name; the layers Keras names automatically (``conv2d_7``...: Xception's
    shortcuts, every layer of InceptionV3) are paired by kind in creation order, which the
    automatic numbering of the file records."""
    pairs = [(layer, saved[layer.name]) for layer in mine if layer.name in saved]
    left = [layer for layer in mine if layer.name not in saved]
    if left:
        used = {layer.name for layer in mine}
        spare = sorted((n for n in saved if n not in used), key=_auto_name_key)
        by_kind = {}
        for n in spare:
            by_kind.setdefault(_auto_name_key(n)[0], []).append(n)
        mine_by_kind = {}
        for layer in left:
            mine_by_kind.setdefault(_auto_name_key(layer.name)[0], []).append(layer)
        counts = {k: len(v) for k, v in mine_by_kind.items()}
        theirs = {k: len(v) for k, v in by_kind.items()}
        if counts != theirs:
            raise ValueError(f"{path}: the file's layers with weights do not match the model's: the model's "
                             f"unmatched layers by kind {counts}, the file's {theirs}")
        for kind, layers_ in mine_by_kind.items():
            pairs += [(layer, saved[n]) for layer, n in zip(layers_, by_kind[kind])]
    elif len(saved) != len(mine):
        extra = sorted(set(saved) - {layer.name for layer in mine})
        raise ValueError(f"{path}: the file has weights for layers the model does not have: {extra}")
    return pairs


def load_legacy_by_name(model, path, rename=None):
    """Loads a Keras 2 style ``.h5`` weights file (the published application weights): every
    layer of ``model`` that has weights takes the file's layer of the same name (see
    :func:`_pair_layers` for automatically named layers), in the order the file lists that layer's
    weights. This matches Keras's own topological loading for these models without depending on
    the order in which the graph lists its layers. Nothing is assigned unless every layer fits.
    ``rename``, when given, maps each of the file's layer names to the model's name for it."""
    import h5py
    import numpy as np

    saved = {}
    with h5py.File(path, "r") as f:
        group = f.get("model_weights", f)
        if "layer_names" not in group.attrs:
            raise ValueError(f"{path}: not a Keras weights file (no 'layer_names' attribute)")
        for name in (_text(n) for n in group.attrs["layer_names"]):
            g = group[name]
            weight_names = [_text(w) for w in g.attrs.get("weight_names", [])]
            if weight_names:
                saved[rename(name) if rename else name] = [np.asarray(g[w][()]) for w in weight_names]
    pairs = _pair_layers(path, [layer for layer in model.layers if layer.weights], saved)
    for layer, values in pairs:
        shapes = [tuple(v.shape) for v in layer.weights]
        if shapes != [v.shape for v in values]:
            raise ValueError(f"{path}: layer {layer.name!r} has weights of shapes {shapes}, the file's layer "
                             f"for it holds {[v.shape for v in values]}")
    for layer, values in pairs:
        for variable, value in zip(layer.weights, values):
            variable.assign(value)


def functional(inputs, outputs, name):
    """``dlx.models.Functional(inputs, outputs, name=name)``."""
    return dlx.models.Functional(inputs, outputs, name=name)
