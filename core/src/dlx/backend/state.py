"""Which kernels each thread dispatches to: the bottom of the kernel layer (imports nothing).

:mod:`dlx.ops.dispatch` reads :data:`STATE` on every op call; :mod:`dlx.backend.registry` writes it
(selecting the process default, ``use()`` scopes) and installs :data:`ACTIVATE_DEFAULT`, the hook
that selects the default backend on the first op. Keeping the state here, below both, is what lets
dispatch and the registry each import only downward.
"""

from __future__ import annotations

import threading

#: ``[activate]``: the registry's ``activate_default() -> Backend``, installed when it loads
ACTIVATE_DEFAULT: list = [None]


class _LazyKernels(dict):
    """The process default's kernel table, shared by every thread not inside ``use()``. Empty
    until the first lookup selects the default backend (and again after ``set_backend``)."""

    def __missing__(self, name):
        activate = ACTIVATE_DEFAULT[0]
        if activate is None:  # only reachable when this module is used without dlx.backend
            raise RuntimeError("no backend registry is loaded: import dlx.backend before calling an op")
        return activate().op_table[name]


#: the process default backend's kernels (filled in place on activation, cleared on change)
DEFAULT_KERNELS = _LazyKernels()
#: ``[backend]``: the activated process default (``[None]`` until the first op selects it)
PROCESS_DEFAULT: list = [None]


class _DispatchState(threading.local):
    """Per-thread dispatch state. A thread follows the process default (``kernels`` is the shared
    :data:`DEFAULT_KERNELS`) until ``dlx.backend.use()`` scopes a backend (``scoped``)."""

    kernels: dict = DEFAULT_KERNELS
    scoped = None  # the backend ``use()`` set in this thread, else None

    @property
    def backend(self):
        """The backend this thread dispatches to: its scoped one, else the process default
        (``None`` before the default is selected)."""
        return self.scoped if self.scoped is not None else PROCESS_DEFAULT[0]


STATE = _DispatchState()

__all__ = ["ACTIVATE_DEFAULT", "DEFAULT_KERNELS", "PROCESS_DEFAULT", "STATE"]
