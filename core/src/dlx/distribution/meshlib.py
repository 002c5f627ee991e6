"""Device meshes and tensor layouts: the framework-free description of how arrays are placed.

A :class:`DeviceMesh` arranges devices (``"cpu:0"``, ``"gpu:3"``) in an n-d grid with named axes;
a :class:`TensorLayout` says, per tensor dimension, which mesh axis it is split over (``None``:
replicated); a :class:`LayoutMap` maps variable paths (regular expressions) to layouts. The
active backend's distribution engine turns them into its own objects (a ``jax.sharding.Mesh`` /
``NamedSharding``, a ``torch.distributed`` device mesh, a ``tf.distribute`` strategy).
"""

from __future__ import annotations

import collections.abc
import re
from typing import Any

import numpy as np


class DeviceMesh:
    """An n-d grid of devices with named axes.

    Arguments:
        shape: the grid's shape, e.g. ``(2, 4)``; its product is the number of devices.
        axis_names: one name per axis of ``shape``, e.g. ``("batch", "model")``.
        devices: the devices (``"cpu:0"``-style strings, or the framework's device objects) in
            row-major order, or an array of ``shape``; default: every device of the backend
            (:func:`dlx.distribution.list_devices`).

    >>> mesh = DeviceMesh((1,), ["batch"], devices=["cpu:0"])
    >>> mesh.shape, mesh.axis_names
    ((1,), ('batch',))
    """

    def __init__(self, shape, axis_names, devices=None):
        if not isinstance(shape, (tuple, list)) or not shape or not all(
                isinstance(d, (int, np.integer)) and d >= 1 for d in shape):
            raise ValueError(f"DeviceMesh: shape={shape!r}; expected a non-empty tuple of positive ints")
        if isinstance(axis_names, str) or len(axis_names) != len(shape):
            raise ValueError(f"DeviceMesh: axis_names={axis_names!r} must name each of the {len(shape)} axes of "
                             f"shape={tuple(shape)}")
        names = tuple(str(a) for a in axis_names)
        if len(set(names)) != len(names):
            raise ValueError(f"DeviceMesh: axis_names={axis_names!r} has a repeated name")
        if devices is None:
            from dlx.distribution.engine import list_devices

            devices = list_devices()
        arr = np.empty(len(devices) if not isinstance(devices, np.ndarray) else devices.size, dtype=object)
        arr[:] = list(np.asarray(devices, dtype=object).reshape(-1))
        size = int(np.prod(shape))
        if arr.size != size:
            raise ValueError(f"DeviceMesh: shape={tuple(shape)} needs {size} devices; got {arr.size} "
                             f"({list(arr)})")
        self._shape = tuple(int(d) for d in shape)
        self._axis_names = names
        self._devices = arr.reshape(self._shape)
        self._backend_mesh = None

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def axis_names(self) -> tuple:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        """The devices as an object array of :attr:`shape`."""
        return self._devices

    @property
    def backend_mesh(self) -> Any:
        """The active backend's mesh object (a ``jax.sharding.Mesh`` on jax), built on first use."""
        if self._backend_mesh is None:
            from dlx.distribution.engine import current_engine

            self._backend_mesh = current_engine().backend_mesh(self)
        return self._backend_mesh

    def axis_size(self, name: str) -> int:
        """The number of devices along the axis ``name``."""
        if name not in self._axis_names:
            raise ValueError(f"DeviceMesh: no axis named {name!r}; the axes are {self._axis_names}")
        return self._shape[self._axis_names.index(name)]

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self._shape}, axis_names={list(self._axis_names)}>"


class TensorLayout:
    """How one tensor is split over a :class:`DeviceMesh`.

    Arguments:
        axes: one entry per tensor dimension: a mesh axis name (the dimension is split evenly
            over that axis) or ``None`` (replicated).
        device_mesh: the mesh; may be set later (a :class:`LayoutMap` sets its own).

    >>> TensorLayout([None, "model"]).axes
    (None, 'model')
    """

    def __init__(self, axes, device_mesh=None):
        if isinstance(axes, str):
            raise ValueError(f"TensorLayout: axes={axes!r}; expected a tuple of mesh axis names or None per "
                             "dimension (write ('batch',) for one dimension)")
        self._axes = tuple(None if a is None else str(a) for a in axes)
        used = [a for a in self._axes if a is not None]
        if len(set(used)) != len(used):
            raise ValueError(f"TensorLayout: axes={self._axes} uses a mesh axis for more than one dimension")
        self._device_mesh = None
        self._backend_layout = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, mesh: DeviceMesh) -> None:
        if not isinstance(mesh, DeviceMesh):
            raise TypeError(f"TensorLayout: device_mesh is {type(mesh).__name__}; expected a DeviceMesh")
        for a in self._axes:
            if a is not None and a not in mesh.axis_names:
                raise ValueError(f"TensorLayout: axis {a!r} of axes={self._axes} is not an axis of the mesh "
                                 f"{mesh.axis_names}")
        self._device_mesh = mesh
        self._backend_layout = None

    @property
    def backend_layout(self) -> Any:
        """The active backend's layout object (a ``jax.sharding.NamedSharding`` on jax)."""
        if self._device_mesh is None:
            raise ValueError(f"TensorLayout(axes={self._axes}) has no device_mesh yet")
        if self._backend_layout is None:
            from dlx.distribution.engine import current_engine

            self._backend_layout = current_engine().backend_layout(self)
        return self._backend_layout

    def check_shape(self, shape, what="tensor") -> None:
        """Raises if ``shape`` does not fit this layout (rank, or a split dimension not divisible
        by its mesh axis)."""
        shape = tuple(shape)
        if len(shape) != len(self._axes):
            raise ValueError(f"{what} of shape {shape} has rank {len(shape)}, but the layout has axes "
                             f"{self._axes}")
        if self._device_mesh is None:
            return
        for dim, a in zip(shape, self._axes):
            if a is not None and dim is not None and int(dim) % self._device_mesh.axis_size(a):
                raise ValueError(f"{what} of shape {shape}: dimension {dim} is split over mesh axis {a!r} of "
                                 f"size {self._device_mesh.axis_size(a)}, which does not divide it")

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh!r}>"


class LayoutMap(collections.abc.MutableMapping):
    """Variable path -> :class:`TensorLayout`, with regular-expression keys.

    A lookup first tries the path as an exact key, then every key as a regular expression that
    must match the whole path (``re.fullmatch``, as Keras 3 does: write ``".*dense.*kernel"``);
    more than one matching key is an error, none gives ``None``. Values may be given as tuples
    of axes; they become layouts on this map's mesh.

    Arguments:
        device_mesh: the mesh of every layout in the map.

    >>> mesh = DeviceMesh((1, 1), ["batch", "model"], devices=["cpu:0"])
    >>> layout_map = LayoutMap(mesh)
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> layout_map["sequential/dense_1/kernel"].axes
    (None, 'model')
    """

    def __init__(self, device_mesh):
        if not isinstance(device_mesh, DeviceMesh):
            raise TypeError(f"LayoutMap: device_mesh is {type(device_mesh).__name__}; expected a DeviceMesh")
        self._device_mesh = device_mesh
        self._layouts: dict[str, TensorLayout] = {}

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    def __getitem__(self, key: str) -> TensorLayout | None:
        if key in self._layouts:
            return self._layouts[key]
        hits = [k for k in self._layouts if re.fullmatch(k, key)]
        if len(hits) > 1:
            raise ValueError(f"LayoutMap: the path {key!r} matches more than one key: {hits}; make the "
                             "patterns exclusive")
        return self._layouts[hits[0]] if hits else None

    def __setitem__(self, key: str, layout) -> None:
        if not isinstance(key, str):
            raise TypeError(f"LayoutMap: key {key!r} is {type(key).__name__}; expected a regex string")
        if key in self._layouts:
            raise ValueError(f"LayoutMap: {key!r} already has a layout ({self._layouts[key]}); delete it first")
        try:
            re.compile(key)
        except re.error as e:
            raise ValueError(f"LayoutMap: key {key!r} is not a valid regular expression: {e}") from None
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise TypeError(f"LayoutMap[{key!r}]: value is {type(layout).__name__}; expected a TensorLayout or a "
                            "tuple of mesh axis names / None")
        layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key: str) -> None:
        del self._layouts[key]

    def __len__(self) -> int:
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    def __repr__(self) -> str:
        return f"<LayoutMap {dict(self._layouts)} on {self._device_mesh!r}>"
