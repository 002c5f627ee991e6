"""Data adapters: NumPy/pandas arrays, generators, ``PyDataset``, ``tf.data`` and torch
``DataLoader`` inputs as batches for any backend. Plugins add adapters with the
``dlx_data_adapters`` hook; those are consulted before the built-ins."""

from __future__ import annotations

import warnings

from dlx.trainers.data_adapters.array_data_adapter import ArrayDataAdapter, train_validation_split
from dlx.trainers.data_adapters.data_adapter import (
    DataAdapter,
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)
from dlx.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter
from dlx.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter
from dlx.trainers.data_adapters.tf_dataset_adapter import TFDatasetAdapter
from dlx.trainers.data_adapters.torch_data_loader_adapter import TorchDataLoaderAdapter

_PLUGIN_CACHE: dict = {}


def plugin_adapters() -> list:
    """Adapter classes registered by plugins (``dlx_data_adapters`` hook), loaded lazily."""
    import importlib

    from dlx.plugins import manager

    pm = manager.plugin_manager()
    if _PLUGIN_CACHE.get("pm") is pm:
        return _PLUGIN_CACHE["adapters"]
    out = []
    for records in pm.hook.dlx_data_adapters():
        for rec in records or ():
            module, _, name = rec.target.partition(":")
            try:
                out.append(getattr(importlib.import_module(module), name))
            except Exception as e:  # a broken plugin must not break training with other inputs
                warnings.warn(f"dlx: data adapter {rec.name!r} ({rec.target}) failed to load and is skipped: "
                              f"{type(e).__name__}: {e}", RuntimeWarning, stacklevel=2)
    _PLUGIN_CACHE.update(pm=pm, adapters=out)
    return out


def _no_y(kind, y, sample_weight, class_weight):
    if y is not None:
        raise ValueError(f"x is a {kind}: it yields its own targets, so y must be None (got {type(y).__name__})")
    if sample_weight is not None:
        raise ValueError(f"x is a {kind}: it yields its own sample weights, so sample_weight must be None")
    if class_weight is not None:
        raise ValueError(f"class_weight is only supported with array inputs; x is a {kind}")


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                     class_weight=None, seed=0) -> DataAdapter:
    """The adapter for ``x`` (plugins first, then arrays, PyDataset, tf.data, torch, generators)."""
    if isinstance(x, DataAdapter):
        return x
    for cls in plugin_adapters():
        if cls.can_handle(x, y):
            return cls(x, y=y, sample_weight=sample_weight, batch_size=batch_size, shuffle=shuffle,
                       class_weight=class_weight, steps=steps_per_epoch)
    if ArrayDataAdapter.can_handle(x, y):
        return ArrayDataAdapter(x, y, sample_weight=sample_weight, batch_size=batch_size, shuffle=shuffle,
                                class_weight=class_weight, steps=steps_per_epoch, seed=seed)
    for cls, kind in ((PyDatasetAdapter, "PyDataset"), (TFDatasetAdapter, "tf.data.Dataset"),
                      (TorchDataLoaderAdapter, "torch DataLoader"), (GeneratorDataAdapter, "generator")):
        if cls.can_handle(x, y):
            _no_y(kind, y, sample_weight, class_weight)
            if cls is PyDatasetAdapter:
                return cls(x, shuffle=bool(shuffle), seed=seed)
            return cls(x)
    raise ValueError(f"unrecognized data type x={type(x).__module__}.{type(x).__name__}: expected NumPy arrays (or "
                     "dicts/lists of them), pandas objects, a dlx.utils.PyDataset, a tf.data.Dataset, a torch "
                     "DataLoader or a Python generator")


__all__ = ["ArrayDataAdapter", "DataAdapter", "GeneratorDataAdapter", "PyDatasetAdapter", "TFDatasetAdapter",
           "TorchDataLoaderAdapter", "get_data_adapter", "pack_x_y_sample_weight", "plugin_adapters",
           "train_validation_split", "unpack_x_y_sample_weight"]
