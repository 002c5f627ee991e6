"""``dlx.utils``: model summaries and plots, seeding, session reset.

Importing it is cheap: ``plot_model`` / ``model_to_dot`` / ``print_summary`` load their modules
on first use.
"""

from __future__ import annotations

import random as _random
import sys as _sys

import numpy as _np

from dlx import serialization as _serialization
from dlx.utils import naming


def set_random_seed(seed: int) -> None:
    """Seeds Python's ``random``, NumPy, and dlx's global generator (unseeded initializers,
    ``SeedGenerator()``, dropout): rebuilding a model after the same seed gives the same weights
    on every backend. The active backend is loaded first (importing jax or tensorflow draws from
    NumPy's generator); torch and tensorflow, when imported, are seeded too.

    Arguments:
        seed: the seed, a Python or NumPy integer (NumPy receives it modulo ``2**32``).

    Raises:
        ValueError: when ``seed`` is not an integer.

    Example:

    >>> import numpy as np
    >>> from dlx import random, utils
    >>> utils.set_random_seed(42)
    >>> a = random.uniform((3,))
    >>> utils.set_random_seed(42)
    >>> np.array_equal(a, random.uniform((3,)))
    True
    """
    if not isinstance(seed, (int, _np.integer)):
        raise ValueError(f"set_random_seed: seed={seed!r}; expected an int")
    seed = int(seed)
    # load the active backend first: importing jax or tensorflow draws from NumPy's global
    # generator, which would otherwise shift every NumPy draw after the first op (data shuffling)
    from dlx.backend import registry

    registry.current()
    _random.seed(seed)
    _np.random.seed(seed % 2**32)
    from dlx import random as dlx_random

    dlx_random.set_global_seed(seed)
    torch = _sys.modules.get("torch")
    if torch is not None and hasattr(torch, "manual_seed"):
        torch.manual_seed(seed)
    tf = _sys.modules.get("tensorflow")
    if tf is not None and hasattr(getattr(tf, "random", None), "set_seed"):
        tf.random.set_seed(seed)


def clear_session(free_memory: bool = True) -> None:
    """Resets dlx's global state: the automatic layer names (``dense``, ``dense_1``...) start again.
    With ``free_memory`` it also frees
    what compiled functions hold: cached layer-call signatures, JAX's compilation caches (when jax
    is imported), a garbage collection, and the CUDA allocator's cache (torch with a GPU).

    Arguments:
        free_memory: also drop the caches listed above (``False``: only reset the names).

    Example:

    >>> from dlx import layers, utils
    >>> utils.clear_session()
    >>> layers.Dense(1).name, layers.Dense(1).name
    ('dense', 'dense_1')
    >>> utils.clear_session()
    >>> layers.Dense(1).name
    'dense'
    """
    naming.reset()
    if not free_memory:
        return
    import gc

    from dlx.layers import layer as layer_module

    layer_module._PARAMS_CACHE.clear()
    layer_module._DTYPE_CACHE.clear()
    jax = _sys.modules.get("jax")
    if jax is not None and hasattr(jax, "clear_caches"):
        jax.clear_caches()
    gc.collect()
    torch = _sys.modules.get("torch")
    if torch is not None and hasattr(torch, "cuda") and torch.cuda.is_available():
        torch.cuda.synchronize()
        torch.cuda.empty_cache()


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = False, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho", **kwargs):
    """Writes a picture of the model's graph (see :func:`dlx.utils.plot.plot_model`).

    Arguments:
        model: a built model.
        to_file: the output path; its extension picks the format: ``.dot`` / ``.gv`` write DOT
            text, ``.png``, ``.svg``, ``.pdf``, ``.jpg``, ``.gif``, ``.ps`` run Graphviz's ``dot``.
        show_shapes: add each layer's output shape to its box.
        show_dtype: add each layer's compute dtype.
        show_layer_names: title each box with the layer name and class (``False``: the class only).
        rankdir: the direction of the graph: ``"TB"`` (top to bottom), ``"LR"``, ``"BT"`` or ``"RL"``.
        expand_nested: draw a nested Functional or Sequential model as a dashed cluster of its
            own layers instead of one box.
        dpi: the resolution of raster pictures (``.png``, ``.jpg``, ``.gif``); vector ones
            (``.svg``, ``.pdf``, ``.ps``) are laid out in points whatever it is.
        show_layer_activations: add the activation of layers that have one.
        show_trainable: add whether each layer is trainable.
        splines: Graphviz's edge style (``"ortho"``, ``"curved"``, ``"line"``...).
        **kwargs: no other keyword is accepted; ``layer_range`` (dropped in Keras 3) raises.

    Returns:
        ``to_file``; ``None`` in an IPython session without Graphviz (the install hint is printed).

    Raises:
        ImportError: when a picture format needs Graphviz's ``dot`` and it is not on ``PATH``.
        ValueError: for a model that is not built, an unknown extension or ``rankdir``, or an
            unknown keyword argument.
        RuntimeError: when Graphviz fails.
    """
    from dlx.utils.plot import plot_model as _plot

    return _plot(model, to_file=to_file, show_shapes=show_shapes, show_dtype=show_dtype,
                 show_layer_names=show_layer_names, rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                 show_layer_activations=show_layer_activations, show_trainable=show_trainable, splines=splines,
                 **kwargs)


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
                 **kwargs) -> str:
    """The model's graph as Graphviz DOT source (see :func:`dlx.utils.plot.model_to_dot`).

    Arguments:
        model: a built model.
        show_shapes: add each layer's output shape to its box.
        show_dtype: add each layer's compute dtype.
        show_layer_names: title each box with the layer name and class (``False``: the class
            only).
        rankdir: the direction of the graph: ``"TB"`` (top to bottom), ``"LR"``, ``"BT"`` or ``"RL"``.
        expand_nested: draw a nested Functional or Sequential model as a dashed cluster of its
            own layers instead of one box.
        dpi: the resolution of raster pictures (``.png``, ``.jpg``, ``.gif``); vector ones
            (``.svg``, ``.pdf``, ``.ps``) are laid out in points whatever it is.
        subgraph: emit a ``subgraph cluster_<name>`` block to embed in another graph instead of
            a ``digraph``.
        show_layer_activations: add the activation of layers that have one.
        show_trainable: add whether each layer is trainable.
        splines: Graphviz's edge style (``"ortho"``, ``"curved"``, ``"line"``...).
        **kwargs: no other keyword is accepted; ``layer_range`` (dropped in Keras 3) raises.

    Returns:
        The DOT source text.

    Raises:
        ValueError: for a model that is not built, an unknown ``rankdir`` or an unknown keyword
            argument.
    """
    from dlx.utils.plot import model_to_dot as _dot

    return _dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                rankdir=rankdir, expand_nested=expand_nested, dpi=dpi, subgraph=subgraph,
                show_layer_activations=show_layer_activations, show_trainable=show_trainable, splines=splines,
                **kwargs)


def print_summary(model, **kwargs) -> None:
    """Prints ``model``'s summary table (see ``Model.summary``).

    Arguments:
        model: the model to describe.
        **kwargs: ``line_length``, ``positions``, ``print_fn``, ``expand_nested``,
            ``show_trainable`` and ``layer_range``, as ``Model.summary`` takes them.

    Example:

    >>> import dlx
    >>> from dlx import layers, utils
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1, name="out")], name="tiny")
    >>> utils.print_summary(model)
    Model: "tiny" (Sequential)
    ...
    out (Dense)                                 (None, 1)                           3
    ...
     Total params: 3 (12 B)
     Trainable params: 3 (12 B)
     Non-trainable params: 0 (0 B)
    """
    from dlx.utils.summary import print_summary as _ps

    _ps(model, **kwargs)


# Keras's keras.utils names that live elsewhere in dlx
from dlx.config import (  # noqa: E402
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from dlx.dtypes import standardize as standardize_dtype  # noqa: E402
from dlx.serialization import (  # noqa: E402
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from dlx.trainers.data_adapters import pack_x_y_sample_weight, unpack_x_y_sample_weight  # noqa: E402
from dlx.utils.config_object import Config  # noqa: E402
from dlx.utils.numerical_utils import normalize, to_categorical  # noqa: E402
from dlx.utils.sequence_utils import pad_sequences  # noqa: E402
from dlx.utils.tensor_utils import get_source_inputs, is_keras_tensor  # noqa: E402

__all__ = ["Config", "CustomObjectScope", "FeatureSpace", "Progbar", "PyDataset", "Sequence", "bounding_boxes",
           "clear_session",
           "custom_object_scope",
           "deserialize_keras_object", "disable_interactive_logging", "enable_interactive_logging",
           "get_custom_objects", "get_registered_name", "get_registered_object", "get_source_inputs",
           "is_interactive_logging_enabled", "is_keras_tensor", "model_to_dot", "naming", "normalize",
           "pack_x_y_sample_weight", "pad_sequences", "plot_model", "print_summary", "register_keras_serializable",
           "serialize_keras_object", "set_random_seed", "standardize_dtype", "to_categorical",
           "unpack_x_y_sample_weight"]


def serialize_keras_object(obj):
    """``obj`` (a layer, loss, optimizer, function ...) as its Keras config dict.

    Arguments:
        obj: the object to serialize (see :func:`dlx.saving.serialize`).

    Returns:
        JSON-compatible Python values; for an object, a dict with ``"module"``,
        ``"class_name"``, ``"config"`` and ``"registered_name"``.

    Example:

    >>> from dlx import constraints, utils
    >>> utils.serialize_keras_object(constraints.NonNeg())
    {'module': 'dlx.constraints', 'class_name': 'NonNeg', 'config': {}, 'registered_name': None}
    """
    return _serialization.serialize(obj)


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object described by a Keras config dict (see :func:`dlx.saving.deserialize_keras_object`).

    Arguments:
        config: a serialized object (dict), or a plain value (returned as is).
        custom_objects: an optional dict of name -> class or function for unregistered classes.
        safe_mode: refuse to load serialized Python lambdas (``False`` allows them).
        **kwargs: ``module_objects``, an extra name -> object table searched after the registry.

    Returns:
        The rebuilt object.

    Example:

    >>> from dlx import constraints, utils
    >>> config = utils.serialize_keras_object(constraints.MaxNorm(2.0))
    >>> type(utils.deserialize_keras_object(config)).__name__
    'MaxNorm'
    """
    return _serialization.deserialize(config, custom_objects=custom_objects, safe_mode=safe_mode, **kwargs)


_FILE_UTILS = ("get_file", "validate_file", "hash_file", "extract_archive", "DownloadError")
_DATASET_UTILS = ("Dataset", "timeseries_dataset_from_array", "image_dataset_from_directory",
                  "text_dataset_from_directory", "audio_dataset_from_directory", "split_dataset")
_IMAGE_UTILS = ("load_img", "img_to_array", "array_to_img", "save_img")


def __getattr__(name):  # lazy exports of modules owned by other parts of dlx
    if name in ("bounding_boxes", "legacy"):
        import importlib

        return importlib.import_module(f"dlx.utils.{name}")
    if name in _FILE_UTILS:
        from dlx.utils import file_utils

        return getattr(file_utils, name)
    if name in _DATASET_UTILS:
        from dlx.utils import dataset_utils

        return getattr(dataset_utils, name)
    if name in _IMAGE_UTILS:
        from dlx.utils import image_utils

        return getattr(image_utils, name)
    if name in ("PyDataset", "Sequence"):  # keras.utils.Sequence is PyDataset's old name
        from dlx.utils.py_dataset import PyDataset

        return PyDataset
    if name == "FeatureSpace":
        from dlx.utils.feature_space import FeatureSpace

        return FeatureSpace
    if name == "Progbar":
        from dlx.utils.progbar import Progbar

        return Progbar
    raise AttributeError(f"module 'dlx.utils' has no attribute {name!r}")


def __dir__():  # the lazy exports too (dir(), completion, the API reference's inspection)
    return sorted({*globals(), *__all__})
