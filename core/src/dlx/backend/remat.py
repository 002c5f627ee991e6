"""Rematerialization (gradient checkpointing): :class:`RematScope` and :func:`remat`.

A rematerialized function keeps only its inputs for the backward pass and recomputes its
intermediate values when gradients are taken, trading compute for memory. The backend does it
with its own tool (``jax.checkpoint``, ``torch.utils.checkpoint``, ``tf.recompute_grad``); values
and gradients are those of the function itself.
"""

from __future__ import annotations

import threading
from collections import namedtuple

from dlx import tree_util as tree
from dlx.variables import StatelessScope, current_stateless_scope

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_LOCAL = threading.local()

#: the settings of the innermost :class:`RematScope` (what an operation created in it keeps)
RematMode = namedtuple("RematMode", ["mode", "output_size_threshold", "layer_names"])


def _stack() -> list:
    st = getattr(_LOCAL, "stack", None)
    if st is None:
        st = _LOCAL.stack = []
    return st


class RematScope:
    """Rematerializes the layers (and operations) created in the block when they run.

    Arguments:
        mode: ``"full"`` (every layer), ``"activations"`` (the ``activation`` of layers that have
            one), ``"larger_than"`` (layers whose output has more than
            ``output_size_threshold`` elements), ``"list_of_layers"`` (the layers named in
            ``layer_names``) or ``None`` (no rematerialization, e.g. inside an outer scope).
        output_size_threshold: the element count ``"larger_than"`` compares with.
        layer_names: the names ``"list_of_layers"`` applies to.

    >>> import dlx
    >>> with dlx.RematScope(mode="full"):
    ...     layer = dlx.layers.Dense(4)
    >>> layer._remat_mode.mode
    'full'
    """

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in _MODES:
            raise ValueError(f"RematScope: mode={mode!r}; expected one of {list(_MODES)}")
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])
        self._pushed = False

    def __enter__(self):
        _stack().append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _stack().pop()
            self._pushed = False


def get_current_remat_mode():
    """The innermost :class:`RematScope`'s settings as a :data:`RematMode`, or ``None``."""
    st = _stack()
    if not st:
        return None
    s = st[-1]
    return RematMode(s.mode, s.output_size_threshold, s.layer_names)


def _scope_state(backend) -> tuple[list, list]:
    """The variables the current stateless scope gives tensor values, and those values."""
    scope = current_stateless_scope()
    if scope is None:
        return [], []
    entries = {**scope._values, **scope._assigned}
    pairs = [(var, val) for var, val in entries.values() if backend.is_tensor(val)]
    return [v for v, _ in pairs], [val for _, val in pairs]


def remat(f):
    """``f`` rematerialized: same values and gradients, intermediate values recomputed in the
    backward pass instead of stored (through the active backend's checkpointing).

    Arguments that are not tensors (flags such as ``training=True``, Python numbers, ``None``)
    are passed through unchanged; only tensors cross the checkpoint boundary.

    The NumPy backend has no checkpointing: there ``f`` runs unchanged, with a ``UserWarning``.

    Arguments:
        f: the function (or layer call) to rematerialize.

    Returns:
        A function taking ``f``'s arguments and returning ``f``'s result.

    >>> import dlx, numpy as np, warnings
    >>> f = dlx.remat(lambda x, scale=1.0: dlx.ops.sin(x) * scale)
    >>> with dlx.backend.use("numpy"), warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     y = np.asarray(f(np.zeros(2, "float32"), scale=2.0)).tolist()
    >>> y, [str(w.message).split(":")[0] for w in caught]
    ([0.0, 0.0], ["backend 'numpy' has no rematerialization"])
    """
    from dlx.backend import registry

    def rematerialized(*args, **kwargs):
        backend = registry.current()
        leaves, treedef = tree.flatten((args, kwargs))
        is_t = [backend.is_tensor(x) for x in leaves]
        state_vars, state_vals = _scope_state(backend)
        if not any(is_t) and not state_vars:
            return f(*args, **kwargs)
        n_in = sum(is_t)
        assigned_vars: list = []

        def on_tensors(*tensors):
            it = iter(tensors[:n_in])
            full = [next(it) if t else x for x, t in zip(leaves, is_t)]
            a, k = tree.unflatten(treedef, full)
            if not state_vars:
                return f(*a, **k), ()
            # the scope's values enter as inputs (so every backend differentiates through them)
            # and its assignments leave as outputs (none escapes the checkpointed trace)
            with StatelessScope(list(zip(state_vars, tensors[n_in:]))) as inner:
                out = f(*a, **k)
            assigned_vars[:] = [var for var, _ in inner._assigned.values()]
            return out, tuple(val for _, val in inner._assigned.values())

        out, new_vals = backend.remat(on_tensors)(*[x for x, t in zip(leaves, is_t) if t], *state_vals)
        scope = current_stateless_scope()
        for var, val in zip(assigned_vars, new_vals):
            scope.record(var, val)
        return out

    rematerialized.__wrapped__ = f
    rematerialized.__name__ = getattr(f, "__name__", "rematerialized")
    return rematerialized


__all__ = ["RematMode", "RematScope", "get_current_remat_mode", "remat"]
