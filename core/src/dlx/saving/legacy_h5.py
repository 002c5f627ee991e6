"""Reading the legacy Keras 2 HDF5 format (``model.save("m.h5")`` in Keras 2 / tf.keras).

Layout (measured, see ``docs/saving.md``): root attributes ``model_config`` (JSON),
``keras_version``, ``backend`` and, for compiled models, ``training_config`` (JSON with
``optimizer_config``, ``loss``, ``metrics``...). Group ``model_weights`` has the attribute
``layer_names``; each ``model_weights/<layer>`` group has ``weight_names`` and holds the
datasets at those (slash-separated) names, e.g. ``dense/kernel:0``. A weights-only file
(``save_weights("w.h5")``) has ``layer_names`` at the root.

Weights are matched to the layers that have weights, in order (as Keras does), and checked for
count and shape before anything is assigned. The optimizer state of legacy files is not read
(its layout differs between Keras 2 optimizers); the model is compiled from
``training_config``.
"""

from __future__ import annotations

import json
import warnings

import numpy as np

from dlx.saving import _h5
from dlx.saving._state import _cast_for
from dlx.saving.errors import FileFormatError, WeightsMismatchError


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value.item())
    return str(value)


def _names(value) -> list[str]:
    return [_text(v) for v in np.asarray(value).reshape(-1).tolist()]


def _json_attr(f, key: str, label: str):
    raw = f.attrs.get(key)
    if raw is None:
        return None
    try:
        return json.loads(_text(raw))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise FileFormatError(label, f"the {key!r} attribute is not valid JSON: {e}") from e


def load_model(path: str, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """A model from a legacy ``.h5`` file: rebuilt from ``model_config``, weights loaded, and
    compiled from ``training_config`` when ``compile``."""
    from dlx.saving import keras_compat, saving_lib

    f = _h5.open_h5(path, path)
    try:
        with _h5.reading(path, "reading the legacy model config"):
            config = _json_attr(f, "model_config", path)
            if config is None:
                if "layer_names" in f.attrs or "vars" in f or "layers" in f:
                    raise FileFormatError(path, "this HDF5 file holds weights only (no 'model_config'); build the "
                                                "model in code and call model.load_weights() on it")
                raise FileFormatError(path, "not a Keras model file: the HDF5 file has no 'model_config' attribute")
            training = _json_attr(f, "training_config", path)
        model = saving_lib._rebuild(keras_compat.upgrade_legacy(config), path, custom_objects, safe_mode)
        with _h5.reading(path, "opening the legacy weights"):
            group = f.get("model_weights", f)
        _load_group(model, group, path, skip_mismatch=False)
    finally:
        f.close()
    if compile and isinstance(training, dict):
        cc = dict(training)
        opt = cc.pop("optimizer_config", None)
        if isinstance(opt, dict):
            cc["optimizer"] = {"class_name": opt.get("class_name"), "config": opt.get("config", {})}
        saving_lib.compile_from_config(model, cc, path, custom_objects)
    return model


def load_weights(model, path: str, skip_mismatch: bool = False) -> None:
    """Loads a legacy ``.h5`` (weights-only or full model) file's weights into ``model``."""
    f = _h5.open_h5(path, path)
    try:
        with _h5.reading(path, "opening the legacy weights"):
            group = f.get("model_weights", f)
        _load_group(model, group, path, skip_mismatch)
    finally:
        f.close()


def _layers_with_weights(model) -> list:
    """The layers with weights, in the order Keras writes them to (and reads them from) a legacy
    file: ``model.layers`` -- for a functional graph Keras's order, see :func:`_keras_graph_order`."""
    layers = getattr(model, "layers", None)
    if layers is None:
        layers = [model]
    elif getattr(model, "_graph_nodes", None) is not None:
        layers = _keras_graph_order(model, layers)
    return [la for la in layers if la.weights]


def _keras_graph_order(model, layers) -> list:
    """``layers`` of a functional model ordered as Keras lists a graph's layers: by decreasing
    depth (the longest path to an output, so inputs first), ties by the order a depth-first walk
    from the outputs (each node's inputs in order) first reaches them. dlx lists them in call
    order, which differs on branching graphs."""
    producer = {}  # id(tensor) -> node, for the graph's nodes
    for node in model._graph_nodes:
        for t in node.output_tensors:
            producer[id(t)] = node
    first_seen: dict[int, int] = {}
    visited: set[int] = set()
    for out in model.outputs:  # pre-order walk, explicit stack (graphs thousands of layers deep)
        stack = [producer.get(id(out))]
        while stack:
            node = stack.pop()
            if node is None or id(node) in visited:
                continue
            visited.add(id(node))
            first_seen.setdefault(id(node.layer), len(first_seen))
            stack.extend(reversed([producer.get(id(x)) for x in node.input_tensors]))
    depth: dict[int, int] = {}  # id(node) -> depth; the graph's nodes are in topological order
    layer_depth: dict[int, int] = {}
    for node in reversed(model._graph_nodes):
        d = max(depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        depth[id(node)] = layer_depth[id(node.layer)] = d
        for x in node.input_tensors:
            src = producer.get(id(x))
            if src is not None:
                depth[id(src)] = max(depth.get(id(src), 0), d + 1)
    big = len(model._graph_nodes) + 1
    return sorted(layers, key=lambda la: (-layer_depth.get(id(la), big), first_seen.get(id(la), -1)))


def _load_group(model, group, label: str, skip_mismatch: bool) -> None:
    import h5py

    with _h5.reading(label, "reading the legacy weights"):
        if "layer_names" not in group.attrs:
            raise FileFormatError(label, "no 'layer_names' attribute: this is not a legacy Keras weights file")
        names = _names(group.attrs["layer_names"])
        saved = []
        for name in names:
            if name not in group:
                raise FileFormatError(label, f"layer_names lists {name!r}, but the file has no group for it")
            g = group[name]
            if not isinstance(g, h5py.Group):
                raise FileFormatError(label, f"{name!r} is not a group")
            weight_names = _names(g.attrs["weight_names"]) if "weight_names" in g.attrs else []
            if weight_names and not all(isinstance(w, str) for w in weight_names):
                raise FileFormatError(label, f"bad weight_names in group {name!r}")
            values = []
            for wn in weight_names:
                if wn not in g:
                    raise FileFormatError(label, f"layer {name!r} lists the weight {wn!r}, which is not in the file")
                ds = g[wn]
                if not isinstance(ds, h5py.Dataset):
                    raise FileFormatError(label, f"{name}/{wn} is not a dataset")
                values.append(np.asarray(ds[()]))
            if values:
                saved.append((name, values))
    layers = _layers_with_weights(model)
    if len(layers) != len(saved):
        raise WeightsMismatchError(label, f"the file holds weights for {len(saved)} layers "
                                          f"({[n for n, _ in saved]}), the model has {len(layers)} layers with "
                                          f"weights ({[la.name for la in layers]})")
    plan = []
    for layer, (name, values) in zip(layers, saved):
        mine = layer.weights
        problem = None
        if len(mine) != len(values):
            problem = (f"layer '{layer.name}' has {len(mine)} weights, the file's layer {name!r} has "
                       f"{len(values)}")
        else:
            for v, arr in zip(mine, values):
                if tuple(v.shape) != tuple(arr.shape):
                    problem = (f"layer '{layer.name}': weight {v.name!r} has shape {tuple(v.shape)}, the file's "
                               f"layer {name!r} has shape {tuple(arr.shape)}")
                    break
                if arr.dtype.kind not in "biuf":
                    problem = f"layer {name!r}: a weight has dtype {arr.dtype}, not a number"
                    break
        if problem is not None:
            if skip_mismatch:
                warnings.warn(f"{label}: skipping {problem}", UserWarning, stacklevel=3)
                continue
            raise WeightsMismatchError(label, f"the weights do not fit the model: {problem}")
        plan.append((mine, values))
    for mine, values in plan:
        for v, arr in zip(mine, values):
            v.assign(_cast_for(v, arr))


__all__ = ["load_model", "load_weights"]
