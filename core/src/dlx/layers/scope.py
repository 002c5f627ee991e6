"""Per-thread layer context: the name scopes that give variables their structural paths
(``"sequential/dense_1/kernel"``) and the stack of layer calls in progress."""

from __future__ import annotations

import threading

from dlx.ops.symbolic import SymbolicTensor
from dlx.variables import StatelessScope

_LOCAL = threading.local()


def _name_stack() -> list:
    st = getattr(_LOCAL, "names", None)
    if st is None:
        st = _LOCAL.names = []
    return st


class name_scope:
    """Pushes ``name`` on the structural path used for new variables (``parent/child/var``).

    Arguments:
        name: the path component.
        caller: the object opening the scope; with ``deduplicate``, re-entering the scope of the
            caller already on top does not repeat its name.
        deduplicate: see ``caller``.
        override_parent: a path that replaces everything above this scope (``"/"``: start at
            the root).

    Example:

    >>> import dlx
    >>> with dlx.name_scope("block"):
    ...     dense = dlx.layers.Dense(1, name="proj")
    ...     dense.build((None, 2))
    >>> [w.path for w in dense.weights]
    ['block/proj/kernel', 'block/proj/bias']
    """

    def __init__(self, name: str, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"name_scope: name={name!r}; expected a string without '/'")
        self.name, self.caller, self._pushed = name, caller, False
        self.deduplicate, self.override_parent = deduplicate, override_parent

    def __enter__(self):
        st = _name_stack()
        if not (self.deduplicate and st and self.caller is not None and st[-1][1] is self.caller):
            st.append((self.name, self.caller, self.override_parent))
            self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _name_stack().pop()


def current_path() -> str:
    parts: list = []
    for name, _, override_parent in _name_stack():
        if override_parent is not None:
            parts = [p for p in override_parent.split("/") if p]
        parts.append(name)
    return "/".join(parts)


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
