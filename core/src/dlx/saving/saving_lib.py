"""``.keras`` archives, ``.weights.h5`` files (single or sharded) and their loading.

A ``.keras`` file is a zip archive (members stored uncompressed, as Keras writes them) holding
``metadata.json`` (``keras_version``, ``date_saved``; dlx adds ``dlx_version``), ``config.json``
(the model's serialized config with ``compile_config`` and ``build_config``) and
``model.weights.h5`` (the weights and the optimizer state, in Keras 3's HDF5 layout). With
``zipped=False`` the same three files are written into a folder. Layers with a
``save_assets(dir)`` / ``load_assets(dir)`` pair (the lookup and text layers: their vocabularies)
keep files under ``assets/<object path>/``, as Keras does.

Every write is crash-safe (temporary file in the destination folder, then ``os.replace``);
every problem with a file's content raises :class:`~dlx.saving.FileFormatError` naming it.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import zipfile
from typing import Any

from dlx import serialization
from dlx.saving import _atomic, _h5, _state, keras_compat, orbax_checkpoint
from dlx.saving.errors import FileFormatError

# The Keras release whose file layout dlx writes (measured on it, see docs/saving.md).
KERAS_FORMAT_VERSION = "3.15.1"
CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
ASSETS_DIRNAME = "assets"
ZIP_MAGIC = b"PK\x03\x04"
_MAX_JSON_BYTES = 256 * 1024 * 1024


def _fspath(filepath, arg: str = "filepath") -> str:
    try:
        return os.fspath(filepath)
    except TypeError:
        raise TypeError(f"{arg}={filepath!r}: expected a str or os.PathLike path, got "
                        f"{type(filepath).__name__}") from None


def _dlx_version() -> str:
    import dlx

    return dlx.__version__


# -------------------------------------------------------------------------------------------- saving
def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{obj!r} of type {type(obj).__name__} is not JSON serializable")


def model_config(model) -> dict:
    """The ``config.json`` content for ``model`` (Keras module names for built-in classes)."""
    config = serialization.serialize(model)
    if not isinstance(config, dict):
        raise TypeError(f"cannot save {model!r}: it did not serialize to a config dict")
    build = getattr(model, "get_build_config", None)
    if "build_config" not in config and callable(build):
        bc = build()
        if bc is not None:
            config["build_config"] = serialization.serialize(bc)
    compile_config = getattr(model, "get_compile_config", None)
    cc = compile_config() if callable(compile_config) else None
    if cc:
        config["compile_config"] = serialization.serialize(cc)
    return keras_compat.to_keras(config)


def _metadata() -> dict:
    return {"keras_version": KERAS_FORMAT_VERSION, "dlx_version": _dlx_version(),
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def _check_model(model, what: str) -> None:
    from dlx.layers.layer import Layer

    if not isinstance(model, Layer):
        raise TypeError(f"{what}: expected a dlx model or layer, got {type(model).__name__}")


def save_model(model, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs) -> None:
    """Saves ``model`` (architecture, weights, optimizer state, compile arguments) as a Keras 3
    ``.keras`` archive, or into a folder with ``zipped=False``.

    Arguments:
        model: the model to save.
        filepath: a path ending in ``.keras`` (any folder name with ``zipped=False``).
        overwrite: replace an existing file (else ``FileExistsError``).
        zipped: ``True`` (default for ``.keras``) writes the zip archive, ``False`` a folder.

    Raises:
        ValueError: for a path with another extension (``.h5`` legacy files are read, not written).
        dlx.saving.SerializationError: when a layer cannot be serialized (the message names it).

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import dlx
    >>> from dlx import layers, saving
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1, kernel_initializer="ones")])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> saving.save_model(model, path)
    >>> saving.load_model(path).predict(np.ones((1, 2)), verbose=0)
    array([[2.]], dtype=float32)
    """
    _check_model(model, "save_model")
    if kwargs:
        raise TypeError(f"save_model: unexpected keyword argument(s) {sorted(kwargs)}; accepted: filepath, "
                        "overwrite, zipped")
    path = _fspath(filepath)
    if zipped is None:
        zipped = not os.path.isdir(path) if not path.endswith(".keras") else True
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(f"save_model: filepath={path!r}: dlx writes the Keras 3 '.keras' format only (legacy '.h5' "
                         "files can be read). Use a path ending in '.keras', or model.save_weights('x.weights.h5') "
                         "for the weights alone")
    if zipped and not path.endswith(".keras"):
        raise ValueError(f"save_model: filepath={path!r} must end in '.keras' (or pass zipped=False to save into a "
                         "folder)")
    _atomic.check_overwrite(path, overwrite)
    config_json = json.dumps(model_config(model), default=_json_default)
    metadata_json = json.dumps(_metadata())
    weights = _h5.h5_bytes(_state.collect(model))
    assets = _collect_assets(model)
    if zipped and os.path.isdir(path):
        raise IsADirectoryError(f"save_model: {path} is a folder; remove it or save to another path")

    def write():
        if zipped:
            with _atomic.atomic_file(path) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr(METADATA_FILENAME, metadata_json)
                zf.writestr(CONFIG_FILENAME, config_json)
                zf.writestr(WEIGHTS_FILENAME, weights)
                for name, data in assets.items():
                    zf.writestr(name, data)
            return
        with _atomic.atomic_directory(path) as tmp:
            for name, data in ((METADATA_FILENAME, metadata_json.encode()), (CONFIG_FILENAME, config_json.encode()),
                               (WEIGHTS_FILENAME, weights), *assets.items()):
                target = os.path.join(tmp, *name.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data)

    _write_once(write)  # under a multi-process distribution: process 0 writes the gathered values


def _write_once(write) -> None:
    from dlx.distribution.engine import write_once

    write_once(write)


def _asset_prefix(path: str) -> str:
    return f"{ASSETS_DIRNAME}/{path}/" if path else f"{ASSETS_DIRNAME}/"


def _collect_assets(model) -> dict[str, bytes]:
    """``{archive member name: bytes}`` of the files every object's ``save_assets(dir)`` writes."""
    out: dict[str, bytes] = {}
    for path, obj in _state.walk(model):
        hook = getattr(obj, "save_assets", None)
        if not callable(hook):
            continue
        with tempfile.TemporaryDirectory() as d:
            hook(d)
            for root, _, files in os.walk(d):
                for fn in sorted(files):
                    full = os.path.join(root, fn)
                    rel = os.path.relpath(full, d).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        out[_asset_prefix(path) + rel] = f.read()
    return out


def _load_assets(model, archive: _Archive) -> None:
    """Hands each object with ``load_assets(dir)`` a folder holding its ``assets/<path>/`` files."""
    for path, obj in _state.walk(model):
        hook = getattr(obj, "load_assets", None)
        if not callable(hook):
            continue
        prefix = _asset_prefix(path)
        members = archive.members_under(prefix)
        if not members:
            continue
        with tempfile.TemporaryDirectory() as d:
            for name in members:
                parts = name[len(prefix):].split("/")
                if any(p in ("", ".", "..") for p in parts):
                    raise FileFormatError(archive.path, f"unsafe asset member name {name!r}")
                target = os.path.join(d, *parts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(archive.read_member(name))
            hook(d)


def save_weights(model, filepath, overwrite: bool = True, max_shard_size: float | None = None, **kwargs) -> None:
    """Saves the weights (and the optimizer state) in Keras 3's ``.weights.h5`` layout.

    Arguments:
        model: the model (or layer).
        filepath: a path ending in ``.weights.h5`` (or ``.weights.json`` when sharding).
        overwrite: replace existing files (else ``FileExistsError``).
        max_shard_size: split into shards of at most this many GiB (a float, as in Keras):
            ``<base>.weights.json`` (the index) and ``<base>_00000.weights.h5``...

    Example:

    >>> import os, tempfile
    >>> import dlx
    >>> from dlx import layers, saving
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1, kernel_initializer="ones")])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
    >>> saving.save_weights(model, path)
    >>> os.path.exists(path)
    True
    """
    if kwargs:
        raise TypeError(f"save_weights: unexpected keyword argument(s) {sorted(kwargs)}")
    _check_model(model, "save_weights")
    path = _fspath(filepath)
    if max_shard_size is None:
        if not path.endswith(".weights.h5"):
            raise ValueError(f"save_weights: filepath={path!r} must end in '.weights.h5'")
        _atomic.check_overwrite(path, overwrite)
        entries = _state.collect(model)

        def write():
            with _atomic.atomic_file(path) as tmp:
                _h5.write_h5_file(tmp, entries)

        _write_once(write)
        return
    if isinstance(max_shard_size, bool) or not isinstance(max_shard_size, (int, float)) or not max_shard_size > 0:
        raise ValueError(f"save_weights: max_shard_size={max_shard_size!r}; expected a positive number of GiB "
                         "(e.g. 2.0) or None")
    if not path.endswith((".weights.h5", ".weights.json")):
        raise ValueError(f"save_weights: filepath={path!r} must end in '.weights.h5' or '.weights.json'")
    index_path = _h5.shard_base(path) + ".weights.json"
    _atomic.check_overwrite(index_path, overwrite)
    folder = os.path.dirname(os.path.abspath(index_path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save_weights: the folder {folder} does not exist")
    entries = _state.collect(model)

    def commit(final, writer):
        with _atomic.atomic_file(final) as tmp:
            writer(tmp)

    _write_once(lambda: _h5.write_sharded(index_path, entries, max_shard_size, commit))


# -------------------------------------------------------------------------------------------- loading
class _Archive:
    """The members of a ``.keras`` zip or of a saved-model folder, read with clear errors."""

    def __init__(self, path: str):
        self.path = path
        self.zip = None
        if os.path.isdir(path):
            self.names = set(os.listdir(path))
        else:
            with _h5.reading(path, "opening it as a zip archive"):
                self.zip = zipfile.ZipFile(path, "r")
                self.names = {i.filename for i in self.zip.infolist()}

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        if name not in self.names:
            kind = "folder" if self.zip is None else "archive"
            raise FileFormatError(self.path, f"the {kind} has no {name!r} (it holds {sorted(self.names)}); a .keras "
                                             f"file holds {CONFIG_FILENAME}, {METADATA_FILENAME} and "
                                             f"{WEIGHTS_FILENAME}")
        with _h5.reading(self.path, f"reading {name!r}"):
            if self.zip is None:
                with open(os.path.join(self.path, name), "rb") as f:
                    return f.read()
            info = self.zip.getinfo(name)
            if name.endswith(".json") and info.file_size > _MAX_JSON_BYTES:
                raise FileFormatError(self.path, f"{name!r} claims {info.file_size} bytes, too large for a config")
            return self.zip.read(name)

    def members_under(self, prefix: str) -> list[str]:
        """Member names (``/``-separated) that start with ``prefix`` (asset files)."""
        if self.zip is not None:
            return sorted(n for n in self.names if n.startswith(prefix) and not n.endswith("/"))
        base = os.path.join(self.path, *prefix.rstrip("/").split("/"))
        out = []
        for root, _, files in os.walk(base):
            for fn in files:
                rel = os.path.relpath(os.path.join(root, fn), self.path).replace(os.sep, "/")
                out.append(rel)
        return sorted(out)

    def read_member(self, name: str) -> bytes:
        with _h5.reading(self.path, f"reading {name!r}"):
            if self.zip is None:
                with open(os.path.join(self.path, *name.split("/")), "rb") as f:
                    return f.read()
            return self.zip.read(name)

    def read_json(self, name: str) -> Any:
        data = self.read(name)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            raise FileFormatError(self.path, f"{name!r} is not valid JSON: {e}") from e

    def weights(self) -> _h5.WeightsSource:
        if not self.has(WEIGHTS_FILENAME) and self.has("model.weights.npz"):
            raise FileFormatError(self.path, "the weights are stored as 'model.weights.npz'; dlx reads the HDF5 "
                                             f"layout ({WEIGHTS_FILENAME}) only: re-save the model with Keras's "
                                             "default weights format")
        label = f"{self.path}::{WEIGHTS_FILENAME}" if self.zip is not None else os.path.join(self.path,
                                                                                             WEIGHTS_FILENAME)
        data = self.read(WEIGHTS_FILENAME)
        f = _h5.open_h5(io.BytesIO(data), label)
        source = _h5.WeightsSource([f], label)
        _state.check_source_labels(label, source)
        return source

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _sniff(path: str) -> bytes:
    with _h5.reading(path, "reading its first bytes"), open(path, "rb") as f:
        return f.read(8)


def _rebuild(config: Any, label: str, custom_objects: dict | None, safe_mode: bool):
    """A model from a (Keras or dlx) serialized config, with errors that name ``label``."""
    from dlx.layers.layer import Layer
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str) or not isinstance(
            config.get("config"), dict):
        raise FileFormatError(label, "the model config is not a serialized object (a JSON object with 'class_name' "
                                     "and 'config')")
    config = {k: v for k, v in config.items() if k != "compile_config"}
    try:
        config = keras_compat.from_keras(config)
        with serialization.CustomObjectScope(custom_objects or {}):
            model = serialization.deserialize(config, custom_objects=custom_objects, safe_mode=safe_mode)
    except serialization.SerializationError as e:
        raise serialization.SerializationError(f"{label}: cannot rebuild the model: {e}") from e
    except Exception as e:  # any failure of a class's from_config / build on the file's values
        raise FileFormatError(label, f"the model config cannot be rebuilt ({type(e).__name__}: {e})") from e
    if not isinstance(model, Layer):
        raise FileFormatError(label, f"the config describes a {type(model).__name__}, not a model")
    return model


def _revive(value, custom_objects):
    if isinstance(value, list):
        return [_revive(v, custom_objects) for v in value]
    if isinstance(value, dict):
        if "class_name" in value and "config" in value:
            return serialization.deserialize(keras_compat.from_keras(value), custom_objects=custom_objects)
        return {k: _revive(v, custom_objects) for k, v in value.items()}
    return value


def compile_from_config(model, compile_config: dict, label: str, custom_objects: dict | None = None) -> None:
    """Compiles a loaded ``model`` through its ``compile_from_config`` hook (a subclass may override it,
    as in Keras), with ``custom_objects`` in scope; a failure names the file."""
    if not isinstance(compile_config, dict):
        raise FileFormatError(label, f"compile_config is a {type(compile_config).__name__}, expected a JSON object")
    try:
        with serialization.CustomObjectScope(custom_objects or {}):
            model.compile_from_config(compile_config)
    except Exception as e:
        raise serialization.SerializationError(
            f"{label}: the model was rebuilt, but compiling it from its compile_config failed ({type(e).__name__}: "
            f"{e}). Pass custom_objects= for custom losses / metrics / optimizers, or compile=False to load it "
            "uncompiled") from e


def compile_model_from_config(model, compile_config: dict) -> None:
    """``Model.compile_from_config``'s default: ``compile`` with the revived arguments of a
    ``get_compile_config()`` dict. A model whose ``compile`` is its own is left uncompiled with a
    warning, as Keras does (it should override ``get_compile_config`` / ``compile_from_config``)."""
    import inspect
    import warnings

    from dlx import optimizers
    from dlx.trainers.trainer import Trainer
    if type(model).compile is not Trainer.compile:
        warnings.warn(f"compile() was not called while loading {type(model).__name__}: its compile() method is "
                      "custom. Override get_compile_config() and compile_from_config(config) as well, or call "
                      "compile() yourself after loading.", UserWarning, stacklevel=3)
        return
    accepted = set(inspect.signature(model.compile).parameters)
    args = {k: v for k, v in compile_config.items() if k in accepted}
    opt = args.get("optimizer")
    if isinstance(opt, dict):
        args["optimizer"] = optimizers.deserialize(keras_compat.from_keras(opt))
    for key in ("loss", "metrics", "weighted_metrics"):
        if key in args:
            args[key] = _revive(args[key], None)
    model.compile(**args)


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Loads a model saved by :func:`save_model` or by Keras 3 (``.keras`` archive or folder), a
    legacy Keras 2 ``.h5`` file, or the latest step of an Orbax checkpoint directory
    (:class:`dlx.callbacks.OrbaxCheckpoint`, Keras's ``OrbaxCheckpoint``).

    Arguments:
        filepath: the file or folder.
        custom_objects: name -> class / function for custom objects that are not registered
            with :func:`dlx.saving.register_serializable`.
        compile: compile the model with its saved compile arguments (and restore the
            optimizer state).
        safe_mode: refuse to deserialize Python lambdas (arbitrary code); pass ``False`` only
            for files from a trusted source.

    Returns:
        The model (compiled when ``compile`` is ``True`` and the file holds compile
        arguments).

    Raises:
        FileNotFoundError: when nothing is at ``filepath``.
        dlx.saving.FileFormatError: naming the file and the problem when it is corrupt,
            truncated or not a model file.
        dlx.saving.SerializationError: when a class cannot be found or a lambda is refused.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import dlx
    >>> from dlx import layers, saving
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1, kernel_initializer="ones")])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> model.save(path)
    >>> restored = saving.load_model(path)
    >>> type(restored).__name__, restored.predict(np.ones((1, 2)), verbose=0)
    ('Sequential', array([[2.]], dtype=float32))
    """
    path = _fspath(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_model: no file or folder at {path}")
    if os.path.isdir(path):
        if not os.path.isfile(os.path.join(path, CONFIG_FILENAME)):
            if orbax_checkpoint.is_checkpoint(path):
                return orbax_checkpoint.load_model(path, custom_objects, compile, safe_mode)
            if os.path.isfile(os.path.join(path, "saved_model.pb")):
                raise FileFormatError(path, "this is a TensorFlow SavedModel folder (an export), not a dlx / Keras "
                                            "model; load it with TensorFlow (tf.saved_model.load)")
            raise FileFormatError(path, f"the folder has no {CONFIG_FILENAME}: it is not a model saved with "
                                        "zipped=False")
        return _load_archive(_Archive(path), path, custom_objects, compile, safe_mode)
    head = _sniff(path)
    if head.startswith(ZIP_MAGIC) or (path.endswith(".keras") and head[:2] == b"PK"):
        archive = _Archive(path)
        try:
            return _load_archive(archive, path, custom_objects, compile, safe_mode)
        finally:
            archive.close()
    if head == _h5.HDF5_MAGIC:
        from dlx.saving import legacy_h5

        return legacy_h5.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    if not head:
        raise FileFormatError(path, "the file is empty (an interrupted copy or download?)")
    raise FileFormatError(path, f"not a model file: it is neither a .keras zip archive (which starts with "
                                f"{ZIP_MAGIC!r}) nor an HDF5 file (legacy .h5); it starts with {head!r}")


def _load_archive(archive: _Archive, label: str, custom_objects, compile: bool, safe_mode: bool):
    config = archive.read_json(CONFIG_FILENAME)
    if archive.has(METADATA_FILENAME):
        meta = archive.read_json(METADATA_FILENAME)
        if not isinstance(meta, dict):
            raise FileFormatError(label, f"{METADATA_FILENAME!r} is not a JSON object")
    model = _rebuild(config, f"{label}::{CONFIG_FILENAME}" if archive.zip is not None else label, custom_objects,
                     safe_mode)
    cc = config.get("compile_config") if isinstance(config, dict) else None
    if compile and cc:
        compile_from_config(model, cc, label, custom_objects)
    source = archive.weights()
    try:
        _state.apply(model, source)
    finally:
        source.close()
    _load_assets(model, archive)
    return model


def _resolve_weights(path: str):
    """``("keras" | "h5" | "sharded" | "legacy" | "orbax", path)`` for a weights path."""
    if os.path.isdir(path) and os.path.isfile(os.path.join(path, CONFIG_FILENAME)):
        return "keras", path
    if orbax_checkpoint.is_checkpoint(path):
        return "orbax", path
    if path.endswith(".weights.json"):
        return "sharded", path
    if path.endswith(".keras"):
        return "keras", path
    if path.endswith(".weights.h5"):
        if not os.path.exists(path) and os.path.isfile(_h5.shard_base(path) + ".weights.json"):
            return "sharded", _h5.shard_base(path) + ".weights.json"
        return "h5", path
    if path.endswith((".h5", ".hdf5")):
        return "legacy", path
    raise ValueError(f"load_weights: filepath={path!r}: expected a path ending in '.weights.h5', '.weights.json' "
                     "(sharded), '.keras', '.h5' (legacy Keras 2), or an Orbax checkpoint directory")


def load_weights(model, filepath, skip_mismatch: bool = False, **kwargs) -> None:
    """Loads weights (and, for a compiled model, the optimizer state) saved by
    :func:`save_weights`, :func:`save_model` or Keras.

    Arguments:
        model: a built model (or layer) with the saved architecture.
        filepath: a ``.weights.h5`` file, a sharded ``.weights.json`` index, a ``.keras``
            archive, a legacy ``.h5`` file, or an Orbax checkpoint directory (its latest step, or
            a step's folder) as :class:`dlx.callbacks.OrbaxCheckpoint` writes it.
        skip_mismatch: skip (with a warning) objects whose variables do not match, instead of
            raising.

    Raises:
        dlx.saving.FileFormatError: the file is corrupt or of another format.
        dlx.saving.WeightsMismatchError: the weights do not fit the model (nothing is assigned).

    Example:

    >>> import os, tempfile
    >>> import dlx
    >>> from dlx import layers, saving
    >>> def build(init):
    ...     return dlx.Sequential([dlx.Input((2,)), layers.Dense(1, kernel_initializer=init)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
    >>> saving.save_weights(build("ones"), path)
    >>> fresh = build("zeros")
    >>> saving.load_weights(fresh, path)
    >>> fresh.get_weights()[0]
    array([[1.],
           [1.]], dtype=float32)
    """
    if kwargs:
        raise TypeError(f"load_weights: unexpected keyword argument(s) {sorted(kwargs)}")
    _check_model(model, "load_weights")
    path = _fspath(filepath)
    kind, path = _resolve_weights(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_weights: no file at {path}")
    if not model.built and not model.weights:
        raise ValueError(f"load_weights: model '{model.name}' is not built, so it has no variables to load into; "
                         "build it first (call it on data or call model.build(input_shape))")
    if kind == "orbax":
        orbax_checkpoint.load_weights(model, path)
        return
    if kind == "keras":
        archive = _Archive(path)
        try:
            source = archive.weights()
        finally:
            archive.close()
    elif kind == "sharded":
        source = _h5.open_sharded(path)
    elif kind == "legacy" or (kind == "h5" and _is_legacy(path)):
        from dlx.saving import legacy_h5

        legacy_h5.load_weights(model, path, skip_mismatch=skip_mismatch)
        return
    else:
        source = _h5.open_weights_h5(path)
    try:
        _state.check_source_labels(path, source)
        _state.apply(model, source, skip_mismatch=skip_mismatch)
    finally:
        source.close()


def _is_legacy(path: str) -> bool:
    if not os.path.isfile(path):
        return False
    if _sniff(path) != _h5.HDF5_MAGIC:
        return False
    f = _h5.open_h5(path, path)
    try:
        with _h5.reading(path):
            return ("layer_names" in f.attrs or "model_weights" in f) and "vars" not in f and "layers" not in f
    finally:
        f.close()


__all__ = ["KERAS_FORMAT_VERSION", "compile_from_config", "load_model", "load_weights", "model_config", "save_model",
           "save_weights"]
