"""Backend layer mixins: layers created while a backend is active also inherit the class its
record names (torch: a ``torch.nn.Module`` mixin), imported on first use only."""

from __future__ import annotations

import importlib

_MIXED: dict = {}


def _backend_layer_mixin():
    """The layer mixin of the backend layers are created on: the one active in this thread, or,
    before any op ran, the one that would be selected. Only the mixin named by the backend's
    record is imported (torch's), so building a model on another backend imports no other
    framework, and building before selection does not load the backend itself."""
    from dlx.backend import registry
    from dlx.ops.dispatch import STATE

    backend = STATE.backend
    if backend is not None:
        rec = backend.record
    else:
        try:
            name, _ = registry.select_default()
            rec = registry.records().get(name)
        except Exception:  # selection problems surface on the first op, with their own error
            return None
    if rec is None or not rec.layer_mixin:
        return None
    mixin = _MIXINS.get(rec.layer_mixin)
    if mixin is None:
        module, _, attr = rec.layer_mixin.partition(":")
        mixin = _MIXINS[rec.layer_mixin] = getattr(importlib.import_module(module), attr)
    return mixin


_MIXINS: dict = {}


def _mixed_class(cls, mixin):
    """``cls`` combined with a backend's mixin (cached); it keeps ``cls``'s name and module, and
    ``_dlx_base_class`` points back at ``cls`` for serialization."""
    if issubclass(cls, mixin):
        return cls
    key = (cls, mixin)
    mixed = _MIXED.get(key)
    if mixed is None:
        base = cls.__dict__.get("_dlx_base_class", cls)
        mixed = type(cls.__name__, (cls, mixin), {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                                   "_dlx_base_class": base})
        _MIXED[key] = mixed
    return mixed
