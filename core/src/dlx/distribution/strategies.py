"""Distributions: which layout each variable and each batch gets, and the process-wide choice.

:class:`DataParallel` replicates every variable and splits each batch along its first dimension
over the mesh's batch axis; :class:`ModelParallel` also splits the variables that a
:class:`~dlx.distribution.LayoutMap` names. :func:`set_distribution` (or ``with
distribution.scope():``) makes one active; ``fit`` / ``evaluate`` / ``predict`` then place the
model's, the optimizer's and the metrics' variables and every batch with the backend's engine.
"""

from __future__ import annotations

import contextlib
import threading

from dlx.distribution.meshlib import DeviceMesh, LayoutMap, TensorLayout


class _ThreadScopes(threading.local):
    stack = None  # this thread's open scope() distributions, innermost last (None: none yet)


_STATE = _ThreadScopes()  # a class default: an unset read costs no AttributeError (every predict asks)
_GLOBAL: list = [None]  # set_distribution's value (scope() overrides it per thread)


class Distribution:
    """Base class: a device mesh and the name of its batch axis.

    Arguments:
        device_mesh: the :class:`DeviceMesh`.
        batch_dim_name: the mesh axis that batches are split over (default: its first axis).
        auto_shard_dataset: whether each process reads its own shard of the input (multi-process
            runs); ``False`` when the input pipeline already yields per-process data.
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        if not isinstance(device_mesh, DeviceMesh):
            raise TypeError(f"{type(self).__name__}: device_mesh is {type(device_mesh).__name__}; expected a "
                            "DeviceMesh")
        batch_dim_name = batch_dim_name or device_mesh.axis_names[0]
        if batch_dim_name not in device_mesh.axis_names:
            raise ValueError(f"{type(self).__name__}: batch_dim_name={batch_dim_name!r} is not an axis of the mesh "
                             f"{device_mesh.axis_names}")
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self.auto_shard_dataset = bool(auto_shard_dataset)

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str:
        return self._batch_dim_name

    @property
    def num_model_replicas(self) -> int:
        """How many copies of the model the batch is split over (the batch axis's size)."""
        return self._device_mesh.axis_size(self._batch_dim_name)

    @property
    def num_processes(self) -> int:
        from dlx.distribution.engine import current_engine

        return current_engine().num_processes()

    @property
    def data_shard_id(self) -> int:
        """This process's index among the processes feeding data."""
        from dlx.distribution.engine import current_engine

        return current_engine().process_id()

    def get_data_layout(self, data_shape) -> TensorLayout:
        """The layout of a batch of ``data_shape``: split along the first dimension."""
        axes = [self._batch_dim_name] + [None] * (len(data_shape) - 1)
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable) -> TensorLayout:
        """The layout of ``variable`` (replicated in this base class)."""
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    def get_tensor_layout(self, path):
        """The layout of the intermediate tensor at ``path`` (``None``: the compiler chooses)."""
        return None

    @contextlib.contextmanager
    def scope(self):
        """Makes this distribution the active one inside the ``with`` block (this thread)."""
        stack = _scope_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} mesh={self._device_mesh!r}, batch_dim_name={self._batch_dim_name!r}>"


class DataParallel(Distribution):
    """Data parallelism: every device holds the whole model; each batch is split over the devices
    and the gradients are averaged (by the compiler's collectives on jax, by DDP's all-reduce on
    torch, by ``tf.distribute`` on TensorFlow).

    Arguments:
        device_mesh: a 1-d :class:`DeviceMesh`; default: one over ``devices``.
        devices: the devices to use when no mesh is given (default: every device).
        auto_shard_dataset: as in :class:`Distribution`.
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is not None and devices is not None:
            raise ValueError("DataParallel: pass device_mesh= or devices=, not both")
        if device_mesh is None:
            if devices is None:
                from dlx.distribution.engine import list_devices

                devices = list_devices()
            devices = list(devices)
            device_mesh = DeviceMesh((len(devices),), ["batch"], devices)
        elif len(device_mesh.shape) != 1:
            raise ValueError(f"DataParallel: device_mesh has shape {device_mesh.shape}; data parallelism needs a "
                             "1-d mesh (use ModelParallel for more axes)")
        super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)


class ModelParallel(Distribution):
    """Model (and data) parallelism: variables are split as a :class:`LayoutMap` says, batches over
    the mesh axis ``batch_dim_name``; variables the map does not name are replicated.

    Arguments:
        layout_map: the :class:`LayoutMap` (its mesh is the distribution's).
        batch_dim_name: the mesh axis batches are split over (default: the mesh's first axis).
        auto_shard_dataset: as in :class:`Distribution`.
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kwargs):
        if kwargs:
            raise TypeError(f"ModelParallel: unexpected keyword argument(s) {sorted(kwargs)}")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(f"ModelParallel: layout_map is {type(layout_map).__name__}; expected a LayoutMap")
        super().__init__(layout_map.device_mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def layout_map(self) -> LayoutMap:
        return self._layout_map

    def get_variable_layout(self, variable) -> TensorLayout:
        """The map's layout for ``variable.path`` (checked against its shape), else replicated."""
        layout = self._layout_map[variable.path]
        if layout is None:
            return super().get_variable_layout(variable)
        layout.check_shape(variable.shape, f"variable {variable.path!r}")
        return layout

    def get_tensor_layout(self, path):
        return self._layout_map[path]


def _scope_stack() -> list:
    stack = getattr(_STATE, "stack", None)
    if stack is None:
        stack = _STATE.stack = []
    return stack


def distribution() -> Distribution | None:
    """The active distribution: the innermost ``scope()``, else :func:`set_distribution`'s.

    Example:

    >>> from dlx import distribution
    >>> print(distribution.distribution())  # none set
    None
    """
    stack = getattr(_STATE, "stack", None)
    return stack[-1] if stack else _GLOBAL[0]


def set_distribution(value) -> None:
    """Sets the process-wide distribution (``None``: none, everything on one device).

    Arguments:
        value: a :class:`Distribution` (``DataParallel``, ``ModelParallel``...) or ``None``.

    Raises:
        TypeError: when ``value`` is neither.
        DistributionUnsupportedError: when the active backend cannot run distributions, or not
            this one (the message names the backends that can).
    """
    if value is not None and not isinstance(value, Distribution):
        raise TypeError(f"set_distribution: value is {type(value).__name__}; expected a Distribution or None")
    if value is not None:
        from dlx.distribution.engine import current_engine

        current_engine().validate(value)  # the active backend must be able to run it: fail here, not in fit
    _GLOBAL[0] = value
