"""Keras's public :class:`SymbolicScope` and :func:`device` over dlx's machinery.

(:class:`dlx.StatelessScope` lives with the variables it redirects; :class:`dlx.RematScope` in
:mod:`dlx.backend.remat`.)
"""

from __future__ import annotations

from dlx.layers.scope import SymbolicScope as _LayerSymbolicScope


class SymbolicScope(_LayerSymbolicScope):
    """Marks a block of symbolic computation: inside it every variable reads as a symbolic
    tensor of its shape and dtype and assignments are dropped, so running a layer's ``call``
    gives its output spec without touching any state or backend.

    >>> import dlx
    >>> v = dlx.Variable(dlx.initializers.Zeros(), shape=(2, 3))
    >>> with dlx.SymbolicScope():
    ...     print(dlx.ops.matmul(dlx.KerasTensor((None, 2)), v).shape)
    (None, 3)
    """

    def __init__(self):
        super().__init__()


def in_symbolic_scope() -> bool:
    """Whether the innermost stateless scope is a :class:`SymbolicScope`."""
    from dlx.variables import current_stateless_scope

    return isinstance(current_stateless_scope(), _LayerSymbolicScope)


def device(device_name):
    """A context manager placing the tensors and variables created in it on ``device_name``
    (``"cpu"``, ``"gpu"``, ``"gpu:1"``), through the active backend.

    Arguments:
        device_name: a device name the active backend understands, ``"<type>"`` or
            ``"<type>:<index>"``.

    Returns:
        The backend's device scope, a context manager.

    Raises:
        ValueError: when the backend has no such device.

    >>> import dlx
    >>> with dlx.device("cpu"):
    ...     x = dlx.ops.ones((2,))
    """
    from dlx.backend import registry

    return registry.current().device_scope(device_name)
