"""``dlx.ops``: every registered op as a public function, plus tensor utilities.

>>> import numpy as np, dlx
>>> with dlx.backend.use("numpy"):
...     dlx.ops.add(np.float32(1.5), 2.0)
np.float32(3.5)

Op functions are generated from the registry (:mod:`dlx.ops.spec`); each has the exact
signature of its spec and dispatches to the active backend with one dict lookup. Symbolic
tensors (:class:`SymbolicTensor`) flow through every op with no backend.
"""

from __future__ import annotations

from dlx import dtypes as _dtypes
from dlx.ops import defs as _defs  # noqa: F401  (registers the ops)
from dlx.ops import symbolic as _symbolic
from dlx.ops.dispatch import STATE as _STATE
from dlx.ops.dispatch import make_public as _make_public
from dlx.ops.spec import REGISTRY, SPEC_VERSION, Case, OpSpec, get_spec, op  # noqa: F401  (re-exported)
from dlx.ops.symbolic import SymbolicTensor  # noqa: F401  (re-exported)


def __getattr__(name):
    # op functions are generated on first use (all ~170 up front cost ~10 ms of ``import dlx``
    # + the first op, and a program uses a few dozen); each is then a plain module global
    spec = REGISTRY.get(name)
    if spec is None:
        raise AttributeError(f"module 'dlx.ops' has no attribute {name!r}")
    fn = globals()[name] = _make_public(spec)
    return fn


def __dir__():
    return sorted(set(globals()) | set(REGISTRY))


def _backend():
    b = _STATE.backend
    if b is None:
        from dlx.backend import registry

        b = registry.activate_default()
    return b


def shape(x) -> tuple:
    """The shape of ``x`` as a tuple (``None`` for unknown dims of symbolic tensors)."""
    s = x.shape
    return s if type(s) is tuple else tuple(None if d is None else int(d) for d in s)


def ndim(x) -> int:
    return len(x.shape)


def size(x) -> int:
    n = 1
    for d in shape(x):
        n *= d
    return n


def dtype(x) -> str:
    """dlx's name of ``x``'s dtype (Python scalars follow the weak-type rule)."""
    if isinstance(x, (bool, int, float)):
        return _dtypes.result_type(x)
    return _dtypes.standardize(x.dtype)


def convert_to_tensor(x, dtype=None):
    """``x`` as a tensor of the active backend."""
    return _backend().convert_to_tensor(x, dtype)


def convert_to_numpy(x):
    """``x`` as a NumPy array (no copy where the framework allows)."""
    return _backend().to_numpy(x)


def is_tensor(x) -> bool:
    return _backend().is_tensor(x)


_symbolic._install_operators()

__all__ = sorted([*REGISTRY, "REGISTRY", "SPEC_VERSION", "Case", "OpSpec", "SymbolicTensor", "convert_to_numpy",
                  "convert_to_tensor", "dtype", "get_spec", "is_tensor", "ndim", "op", "shape", "size"])
