"""Per-thread layer context: the stack of layer calls in progress. The name scopes that give
variables their structural paths (``"sequential/dense_1/kernel"``) live in :mod:`dlx.variables`
(a bare variable reads them too) and are re-exported here."""

from __future__ import annotations

import threading

from dlx.ops.symbolic import SymbolicTensor
from dlx.variables import StatelessScope
from dlx.variables import current_path as current_path  # re-exported: the layer modules read them here
from dlx.variables import name_scope as name_scope

_LOCAL = threading.local()


# ------------------------------------------------------------------------------ call context
class _Frame:
    __slots__ = ("layer", "symbolic", "training")

    def __init__(self, layer, training, symbolic):
        self.layer, self.training, self.symbolic = layer, training, symbolic


def _frames() -> list:
    st = getattr(_LOCAL, "frames", None)
    if st is None:
        st = _LOCAL.frames = []
    return st


def in_call_context() -> bool:
    return bool(_frames())


class SymbolicScope(StatelessScope):
    """A stateless scope in which *every* variable reads as a symbolic tensor of its shape and
    dtype and assignments are recorded and dropped: running ``call`` in it gives the output
    spec without a backend and without touching any state."""

    def get(self, var):
        hit = self._assigned.get(id(var))
        if hit is not None:
            return hit[1]
        return SymbolicTensor(var.shape, var.dtype)
