"""``KerasFileEditor``: inspect and edit the weights of a ``.keras`` or ``.weights.h5`` file
without building the model (Keras 3's ``keras.saving.KerasFileEditor``)."""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections import OrderedDict

import numpy as np

from dlx.saving import _h5

_MAX_DATASET_BYTES = 1 << 32  # a dataset larger than 4 GiB is refused (a corrupt or hostile header)


class KerasFileEditor:
    """Reads every weight of ``filepath`` into :attr:`weights_dict`, a nested dict that mirrors
    the file's objects (``{"layers": {"dense": {"0": kernel, "1": bias}}, "optimizer": ...}``; an
    object's ``vars`` group is folded into the object), and edits it: :meth:`rename_object`,
    :meth:`delete_object`, :meth:`add_object`, :meth:`delete_weight`, :meth:`add_weights`, then
    :meth:`save` writes a ``.weights.h5`` file that ``load_weights`` reads.

    Arguments:
        filepath: a ``.keras`` archive (its ``config.json`` and ``metadata.json`` are read into
            :attr:`config` and :attr:`metadata`) or a ``.weights.h5`` file.

    Links to other files, external or virtual datasets and datasets over 4 GiB are refused.
    Objects are named by path (``"layers/dense"``) or, when the name is unique in the file, by
    their last component (``"dense"``).

    Example:

    >>> import os, tempfile
    >>> import dlx
    >>> from dlx import saving
    >>> model = dlx.Sequential([dlx.Input((2,)), dlx.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> model.save(path)
    >>> editor = saving.KerasFileEditor(path)
    Keras model file '...model.keras'
    Saved with Keras ... - date: ...
    >>> {name: list(group) for name, group in editor.weights_dict.items()}
    {'layers': ['dense']}
    """

    def __init__(self, filepath):
        self.filepath = str(filepath)
        self.metadata = None
        self.config = None
        self.model = None
        h5py = _h5._h5py()
        if self.filepath.endswith(".keras"):
            with zipfile.ZipFile(self.filepath) as archive:
                self.config = json.loads(archive.read("config.json"))
                self.metadata = json.loads(archive.read("metadata.json"))
                weights = archive.read("model.weights.h5")
            source = h5py.File(io.BytesIO(weights), "r")
        elif self.filepath.endswith(".weights.h5"):
            source = h5py.File(self.filepath, "r")
        else:
            raise ValueError(f"KerasFileEditor: filepath={self.filepath!r}; expected a '.keras' or '.weights.h5' file")
        with source:
            self.object_metadata: dict = {}
            self.weights_dict = self._read_group(h5py, source, "")
        print(f"Keras model file '{self.filepath}'")
        if self.metadata is not None:
            print(f"Saved with Keras {self.metadata.get('keras_version')} - date: {self.metadata.get('date_saved')}")

    # -- reading --------------------------------------------------------------------------------
    def _read_group(self, h5py, group, path) -> OrderedDict:
        if group.attrs:
            self.object_metadata[path] = dict(group.attrs)
        out = OrderedDict()
        for key in group:
            link = group.get(key, getclass=True, getlink=True)
            if link in (h5py.ExternalLink, h5py.SoftLink):
                raise ValueError(f"KerasFileEditor: {self.filepath} links {path}/{key} elsewhere ({link.__name__}); "
                                 "links are not read")
            item = group[key]
            if isinstance(item, h5py.Group):
                if key == "vars":  # the object's own variables: folded into the object
                    out.update(self._read_group(h5py, item, path))
                    continue
                child = self._read_group(h5py, item, f"{path}/{key}")
                if child:
                    out[key] = child
            elif isinstance(item, h5py.Dataset):
                out[key] = self._read_dataset(item, f"{path}/{key}")
        return out

    def _read_dataset(self, ds, path):
        if ds.external:
            raise ValueError(f"KerasFileEditor: {self.filepath}: dataset {path} is stored in external files")
        if ds.is_virtual:
            raise ValueError(f"KerasFileEditor: {self.filepath}: dataset {path} is virtual")
        if len(ds.shape) > 64 or any(d < 0 for d in ds.shape):
            raise ValueError(f"KerasFileEditor: {self.filepath}: dataset {path} has a malformed shape {ds.shape}")
        size = math.prod(ds.shape) * ds.dtype.itemsize
        if size > _MAX_DATASET_BYTES:
            raise ValueError(f"KerasFileEditor: {self.filepath}: dataset {path} holds {size} bytes; the limit is "
                             f"{_MAX_DATASET_BYTES}")
        return ds[()]

    # -- inspecting -----------------------------------------------------------------------------
    def summary(self):
        """Prints the objects and their weights (shape and dtype), as a tree."""
        print("Weights structure")
        _print_tree(self.weights_dict, "  ")

    def compare(self, reference_model):
        """Checks the file against ``reference_model``'s weights (the layout ``save_weights``
        would write): every object and weight of each must be in the other, with the same
        shapes. Prints each difference; returns ``{"status": "success" | "error",
        "error_count": ..., "match_count": ...}`` (``match_count``: weights present in both
        with the same shape)."""
        from dlx.saving import _state

        reference: dict = OrderedDict()
        for entry in _state.collect(reference_model):
            if entry.values:
                node = reference
                for part in [p for p in entry.path.split("/") if p]:
                    node = node.setdefault(part, OrderedDict())
                node.update(entry.values)
        print("Running comparison")
        errors, matches = _compare(self.weights_dict, reference, "")
        print("─" * 21)
        if errors:
            print(f"Found {errors} error{'s' * (errors != 1)}: the saved file does not fit the reference model")
        else:
            print("Comparison successful: the saved file fits the reference model")
            print(f"    {matches} matching weight{'s' * (matches != 1)}")
        return {"status": "error" if errors else "success", "error_count": errors, "match_count": matches}

    # -- editing --------------------------------------------------------------------------------
    def _locate(self, object_name) -> list:
        """``(parent dict, key)`` of every object ``object_name`` names: a path names one; a
        bare name must occur once in the file."""
        if "/" in object_name:
            *parents, leaf = object_name.split("/")
            node = self.weights_dict
            for part in parents:
                if not isinstance(node.get(part), dict):
                    raise ValueError(f"KerasFileEditor: no object at path {object_name!r}")
                node = node[part]
            if leaf not in node:
                raise ValueError(f"KerasFileEditor: no object at path {object_name!r}")
            return [(node, leaf)]
        found = []

        def search(node):
            for value in node.values():
                if isinstance(value, dict):
                    search(value)
            if object_name in node:
                found.append((node, object_name))

        search(self.weights_dict)
        if not found:
            raise ValueError(f"KerasFileEditor: no object named {object_name!r} in the file (summary() lists them)")
        if len(found) > 1:
            raise ValueError(f"KerasFileEditor: {object_name!r} names {len(found)} objects; pass its full path")
        return found

    def rename_object(self, object_name, new_name):
        """Renames the object ``object_name`` (a path or a unique name) to ``new_name`` (a name,
        not a path)."""
        if "/" in new_name:
            raise ValueError(f"KerasFileEditor.rename_object: new_name={new_name!r}; expected a name, not a path")
        for parent, key in self._locate(object_name):
            parent[new_name] = parent.pop(key)

    def delete_object(self, object_name):
        """Removes the object ``object_name`` (a path or a unique name) and its weights."""
        for parent, key in self._locate(object_name):
            del parent[key]

    def add_object(self, object_path, weights):
        """Adds an object at ``object_path`` (its parent must exist) with ``weights``, a dict of
        weight name (``"0"``, ``"1"``...) -> NumPy array."""
        _check_weights(weights, "add_object")
        *parents, leaf = object_path.split("/")
        node = self.weights_dict
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise ValueError(f"KerasFileEditor.add_object: no object at {'/'.join(parents)!r}")
            node = node[part]
        node[leaf] = weights

    def delete_weight(self, object_name, weight_name):
        """Removes the weight ``weight_name`` of the object ``object_name``."""
        for parent, key in self._locate(object_name):
            if weight_name not in parent[key]:
                raise ValueError(f"KerasFileEditor.delete_weight: {object_name!r} has no weight {weight_name!r}; it "
                                 f"has {list(parent[key])}")
            del parent[key][weight_name]

    def add_weights(self, object_name, weights):
        """Adds (or replaces) weights of the object ``object_name``: a dict of weight name ->
        NumPy array."""
        _check_weights(weights, "add_weights")
        for parent, key in self._locate(object_name):
            parent[key].update(weights)

    def save(self, filepath):
        """Writes the (edited) weights to ``filepath``, a ``.weights.h5`` file in the Keras 3
        layout (each object's weights in its ``vars`` group)."""
        filepath = str(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"KerasFileEditor.save: filepath={filepath!r}; expected a '.weights.h5' file")
        entries = []

        def gather(node, path):
            values = {k: np.asarray(v) for k, v in node.items() if not isinstance(v, dict)}
            if values:
                entries.append(_h5.Entry(path, None, values))
            for key, value in node.items():
                if isinstance(value, dict) and value:
                    gather(value, f"{path}/{key}" if path else key)

        gather(self.weights_dict, "")
        _h5.write_h5_file(filepath, entries)

    def resave_weights(self, filepath):
        """Same as :meth:`save`."""
        self.save(filepath)


def _check_weights(weights, where):
    if not isinstance(weights, dict):
        raise ValueError(f"KerasFileEditor.{where}: weights={type(weights).__name__}; expected a dict of weight name "
                         "('0', '1', ...) -> NumPy array")


def _print_tree(node, prefix):
    items = list(node.items())
    for i, (key, value) in enumerate(items):
        last = i == len(items) - 1
        branch = "└─ " if last else "├─ "
        if isinstance(value, dict):
            print(f"{prefix}{branch}{key}")
            _print_tree(value, prefix + ("    " if last else "│   "))
        else:
            print(f"{prefix}{branch}{key}: shape={value.shape}, dtype={value.dtype}")


def _compare(saved, reference, path):
    """``(errors, matches)`` between two weight trees, printing each difference."""
    errors = matches = 0
    for key in list(dict.fromkeys([*reference, *saved])):
        where = f"{path}/{key}"
        in_saved, in_ref = key in saved, key in reference
        if not (in_saved and in_ref):
            value = reference[key] if in_ref else saved[key]
            kind = "Object" if isinstance(value, dict) else "Weight"
            have, lack = ("reference model", "saved file") if in_ref else ("saved file", "reference model")
            print(f"...{kind} {where} is in the {have}, not in the {lack}")
            if isinstance(value, dict):
                print(f"    In the {have}, {where} holds {list(value)}")
            errors += 1
        elif isinstance(reference[key], dict) != isinstance(saved[key], dict):
            print(f"...{where} is an object in one and a weight in the other")
            errors += 1
        elif isinstance(reference[key], dict):
            e, m = _compare(saved[key], reference[key], where)
            errors, matches = errors + e, matches + m
        elif tuple(np.shape(reference[key])) != tuple(np.shape(saved[key])):
            print(f"...Weight shape mismatch for {where}\n    In the reference model: shape="
                  f"{tuple(np.shape(reference[key]))}\n    In the saved file: shape={tuple(np.shape(saved[key]))}")
            errors += 1
        else:
            matches += 1
    return errors, matches
