"""``dlx.utils``: model summaries and plots, seeding, session reset.

Importing it is cheap: ``plot_model`` / ``model_to_dot`` / ``print_summary`` load their modules
on first use.
"""

from __future__ import annotations

import random as _random
import sys as _sys

import numpy as _np

from dlx.utils import naming


def set_random_seed(seed: int) -> None:
    """Seeds Python's ``random``, NumPy, and dlx's global generator (unseeded initializers,
    ``SeedGenerator()``, dropout): rebuilding a model after the same seed gives the same weights
    on every backend. Frameworks that are already imported (torch, tensorflow) are seeded too.
    """
    if not isinstance(seed, (int, _np.integer)):
        raise ValueError(f"set_random_seed: seed={seed!r}; expected an int")
    seed = int(seed)
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


def clear_session() -> None:
    """Resets the automatic layer names (``dense``, ``dense_1``...)."""
    naming.reset()


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = True, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, **kwargs):
    """Writes a picture of the model's graph (see :func:`dlx.utils.plot.plot_model`)."""
    from dlx.utils.plot import plot_model as _plot

    return _plot(model, to_file=to_file, show_shapes=show_shapes, show_dtype=show_dtype,
                 show_layer_names=show_layer_names, rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                 show_layer_activations=show_layer_activations, show_trainable=show_trainable, **kwargs)


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
                 show_layer_activations: bool = False, show_trainable: bool = False, **kwargs) -> str:
    """The model's graph as Graphviz DOT source (see :func:`dlx.utils.plot.model_to_dot`)."""
    from dlx.utils.plot import model_to_dot as _dot

    return _dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                show_layer_activations=show_layer_activations, show_trainable=show_trainable, **kwargs)


def print_summary(model, **kwargs) -> None:
    """Prints ``model``'s summary table (see ``Model.summary``)."""
    from dlx.utils.summary import print_summary as _ps

    _ps(model, **kwargs)


__all__ = ["clear_session", "model_to_dot", "naming", "plot_model", "print_summary", "set_random_seed"]


_FILE_UTILS = ("get_file", "validate_file", "hash_file", "extract_archive", "DownloadError")
_DATASET_UTILS = ("Dataset", "timeseries_dataset_from_array", "image_dataset_from_directory",
                  "text_dataset_from_directory", "audio_dataset_from_directory", "split_dataset")
_IMAGE_UTILS = ("load_img", "img_to_array", "array_to_img", "save_img")


def __getattr__(name):  # lazy exports of modules owned by other parts of dlx
    if name in _FILE_UTILS:
        from dlx.utils import file_utils

        return getattr(file_utils, name)
    if name in _DATASET_UTILS:
        from dlx.utils import dataset_utils

        return getattr(dataset_utils, name)
    if name in _IMAGE_UTILS:
        from dlx.utils import image_utils

        return getattr(image_utils, name)
    if name == "PyDataset":
        from dlx.utils.py_dataset import PyDataset

        return PyDataset
    raise AttributeError(f"module 'dlx.utils' has no attribute {name!r}")
