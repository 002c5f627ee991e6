"""dlx: a multi-backend deep-learning library on a plugin microkernel.

``import dlx`` is cheap: submodules (``dlx.ops``, ``dlx.backend``...) load on first use and no
framework is imported until a backend is selected (the first op call).
"""

from __future__ import annotations

import contextlib
import gc
import importlib

__version__ = "0.1.0"

_SUBMODULES = {"ops", "backend", "config", "dtypes", "plugins", "random", "tree", "tree_util", "variables",
               "layers", "models", "initializers", "regularizers", "constraints", "activations", "dtype_policies",
               "saving", "utils", "optimizers", "losses", "metrics", "callbacks", "trainers", "export",
               "datasets", "mixed_precision", "preprocessing", "distribution", "applications", "legacy",
               "wrappers", "visualization", "distillation", "quantizers"}
# public names that live in submodules, imported on first access
_LAZY = {"Variable": "dlx.variables", "StatelessScope": "dlx.variables",
         "Layer": "dlx.layers", "Input": "dlx.layers", "InputSpec": "dlx.layers",
         "Model": "dlx.models", "Sequential": "dlx.models", "Functional": "dlx.models",
         "DTypePolicy": "dlx.dtype_policies", "SeedGenerator": "dlx.random",
         # keras.* base classes and scopes
         "FloatDTypePolicy": "dlx.dtype_policies", "Initializer": "dlx.initializers", "Loss": "dlx.losses",
         "Metric": "dlx.metrics", "Optimizer": "dlx.optimizers", "Regularizer": "dlx.regularizers",
         "name_scope": "dlx.layers.layer", "SymbolicScope": "dlx.backend.scopes",
         "KerasTensor": "dlx.layers.operation", "Operation": "dlx.layers.operation", "Function": "dlx.models.function",
         "RematScope": "dlx.backend.remat", "remat": "dlx.backend.remat", "device": "dlx.backend.scopes",
         "Quantizer": "dlx.quantizers"}


@contextlib.contextmanager
def _gc_paused(freeze: bool = False):
    """Pauses the cyclic garbage collector while dlx loads (its op registry, a backend's kernels).

    Loading allocates ~12k long-lived objects; right after a framework import (which leaves a
    large heap of its own) that tips CPython into a full collection over the framework's objects
    with nothing to free. The previous state (enabled or not) is restored when the block ends.

    ``freeze=True`` (the registry's backend load, which imports the framework) also moves every
    tracked object into the collector's permanent generation (``gc.freeze()``) before the collector
    resumes. A pause alone only defers the work: the ~230k objects ``import jax`` leaves all sit in
    the youngest generation and the next collections walk them three times over (the first jax op
    took 40-70 ms longer). Frozen objects stay reference-counted (freed when their last reference
    goes); the collector just no longer walks the framework's module-level heap, at load or in any
    later full collection. ``gc.unfreeze()`` undoes it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


def version() -> str:
    """dlx's version (``keras.version()`` gives Keras's).

    Example:

    >>> import dlx
    >>> dlx.version() == dlx.__version__
    True
    """
    return __version__


def __getattr__(name):
    if name in _SUBMODULES:
        with _gc_paused():
            return importlib.import_module(f"dlx.{name}")
    if name in _LAZY:
        with _gc_paused():
            return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dlx' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_SUBMODULES, *_LAZY])
