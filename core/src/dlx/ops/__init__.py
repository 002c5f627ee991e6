"""``dlx.ops``: every registered op as a public function, plus tensor utilities.

>>> import numpy as np, dlx
>>> with dlx.backend.use("numpy"):
...     dlx.ops.add(np.float32(1.5), 2.0)
np.float32(3.5)

Op functions are generated from the registry (:mod:`dlx.ops.spec`); each has the exact
signature of its spec and dispatches to the active backend with one dict lookup. Symbolic
tensors (:class:`SymbolicTensor`) flow through every op with no backend.

Keras's namespaces are submodules loaded on first use: ``dlx.ops.numpy``, ``dlx.ops.nn``,
``dlx.ops.linalg``, ``dlx.ops.image`` (image ops are only there, as in Keras) and ``dlx.ops.core``
(see :mod:`dlx.ops._namespace`).
"""

from __future__ import annotations

import importlib as _importlib

from dlx.ops import defs as _defs  # noqa: F401  (registers the ops)
from dlx.ops import op_functions as _op_functions
from dlx.ops import symbolic as _symbolic
from dlx.ops import tensors as _tensors
from dlx.ops._namespace import NAMESPACE_ONLY_GROUPS as _NAMESPACE_ONLY_GROUPS
from dlx.ops._namespace import NAMESPACES as _NAMESPACES
from dlx.ops.dispatch import make_public as _make_public
from dlx.ops.op_functions import *  # noqa: F403  (the generated public op functions)
from dlx.ops.spec import REGISTRY, SPEC_VERSION, Case, OpSpec, get_spec, op  # noqa: F401  (re-exported)
from dlx.ops.symbolic import SymbolicTensor  # noqa: F401  (re-exported)
from dlx.ops.tensors import array, convert_to_numpy, convert_to_tensor, dtype, is_tensor, ndim, size  # noqa: F401
from dlx.ops.transforms import jvp  # noqa: F401  (re-exported)


def shape(x) -> tuple:
    """The shape of ``x`` as a tuple, as Keras's ``ops.shape``: ``None`` for the unknown dims of
    symbolic tensors; a backend tensor's unknown dims (a TF graph: a ``tf.data`` map, a step TF
    retraced with its batch relaxed) are run-time scalar tensors, as ``tf.shape`` gives them.
    (dlx's own code uses the static ``dlx.ops.tensors.shape``, with ``None`` there.)

    Arguments:
        x: a tensor, a symbolic tensor or anything with a ``shape``.

    Returns:
        A tuple: an int for each known dim; for an unknown one ``None`` (symbolic tensors) or a
        run-time scalar tensor (backend tensors).
    """
    return _tensors.run_time_shape(x)


for _name in _op_functions.__all__:
    getattr(_op_functions, _name).spec = REGISTRY[_name]
    if REGISTRY[_name].group in _NAMESPACE_ONLY_GROUPS:  # e.g. image ops: dlx.ops.image.NAME only
        del globals()[_name]

#: public functions of ops registered after op_functions was generated, compiled on first use
_LATE: dict = {}


def get_function(name):
    """The public function of op ``name``, whichever namespace Keras exports it in
    (``get_function("resize") is dlx.ops.image.resize``).

    Arguments:
        name: the op's name.

    Returns:
        Its public function (compiled on first use for an op registered after
        ``dlx.ops.op_functions`` was generated).

    Raises:
        KeyError: for a name no op is registered under.
    """
    spec = get_spec(name)
    fn = getattr(_op_functions, name, None) or _LATE.get(name)
    if fn is None or fn.spec is not spec:
        # an op registered after op_functions was generated (a third party's, a test's) is
        # compiled on first use, its source registered with linecache
        fn = _LATE[name] = _make_public(spec)
    return fn


def _top_level(name):
    spec = REGISTRY.get(name)
    return spec is not None and spec.group not in _NAMESPACE_ONLY_GROUPS


def __getattr__(name):
    if name in _NAMESPACES:
        return _importlib.import_module(f"dlx.ops.{name}")
    spec = REGISTRY.get(name)
    if spec is None:
        raise AttributeError(f"module 'dlx.ops' has no attribute {name!r}")
    if not _top_level(name):
        raise AttributeError(f"module 'dlx.ops' has no attribute {name!r}; it is dlx.ops.{spec.group}.{name}")
    fn = globals()[name] = get_function(name)
    return fn


def __dir__():
    return sorted(set(globals()) | {n for n in REGISTRY if _top_level(n)} | set(_NAMESPACES))


_symbolic._install_operators()

__all__ = sorted([*(n for n in REGISTRY if _top_level(n)), "REGISTRY", "SPEC_VERSION", "Case", "OpSpec",
                  "SymbolicTensor", "array", "convert_to_numpy", "convert_to_tensor", "dtype", "get_function",
                  "get_spec", "is_tensor", "jvp", "ndim", "op", "shape", "size"])
