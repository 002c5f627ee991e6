"""Tensor utilities of ``dlx.ops`` that are not ops: shape and dtype queries, conversion to and
from the active backend's tensors. (A module of its own, below the op specs: the specs' gradient
rules use it without importing the ``dlx.ops`` package.)"""

from __future__ import annotations

from dlx import dtypes as _dtypes
from dlx.ops.dispatch import STATE as _STATE


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
