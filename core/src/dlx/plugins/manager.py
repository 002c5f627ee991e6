"""Loads plugins once, lazily: the built-in NumPy backend plus every entry point in group "dlx".

A plugin module that fails to import is skipped with a warning and remembered in ``BROKEN`` so
that selecting its backend explicitly re-raises the original error.
"""

from __future__ import annotations

import importlib
import warnings

import pluggy

from dlx.plugins import BackendRecord, DlxHookSpecs, hookimpl

BROKEN: dict[str, BaseException] = {}
_PM: pluggy.PluginManager | None = None


class _Builtin:
    @hookimpl
    def dlx_backends(self):
        return [BackendRecord(
            name="numpy", target="dlx.backends.numpy.backend:NumpyBackend", priority=0,
            requires=("numpy",), description="NumPy reference backend (embedded default)",
            distribution="dlx")]


def _entry_points():
    from importlib.metadata import entry_points

    return entry_points(group="dlx")


def plugin_manager() -> pluggy.PluginManager:
    global _PM
    if _PM is not None:
        return _PM
    pm = pluggy.PluginManager("dlx")
    pm.add_hookspecs(DlxHookSpecs)
    pm.register(_Builtin(), name="dlx.builtin")
    seen = set()
    for ep in _entry_points():
        if ep.name in seen:
            continue
        seen.add(ep.name)
        try:
            module = importlib.import_module(ep.value.split(":")[0])
            pm.register(module, name=f"{ep.name}")
        except Exception as e:  # a broken plugin must not take dlx down
            BROKEN[ep.name] = e
            warnings.warn(f"dlx: plugin {ep.name!r} ({ep.value}) failed to load and is skipped: "
                          f"{type(e).__name__}: {e}", RuntimeWarning, stacklevel=2)
    _PM = pm
    return pm


def reset() -> None:
    """Forgets loaded plugins (tests that install a plugin at run time call this)."""
    global _PM
    _PM = None
    BROKEN.clear()


def backend_records() -> dict[str, BackendRecord]:
    """All advertised backends by name; duplicate names raise."""
    out: dict[str, BackendRecord] = {}
    pm = plugin_manager()
    for impl in pm.hook.dlx_backends.get_hookimpls():
        try:
            records = impl.function() if impl.plugin is None else impl.plugin.dlx_backends()
        except Exception as e:
            BROKEN[impl.plugin_name] = e
            warnings.warn(f"dlx: plugin {impl.plugin_name!r} raised in dlx_backends(): {e}",
                          RuntimeWarning, stacklevel=2)
            continue
        for rec in records or ():
            if rec.name in out:
                raise RuntimeError(f"two plugins register a backend named {rec.name!r}: "
                                   f"{out[rec.name].target} and {rec.target}")
            out[rec.name] = rec
    return out


def preset_records() -> dict:
    """All published pretrained-model presets (:class:`dlx.plugins.PresetRecord`) by name, in
    registration order; a plugin that raises is skipped with a warning, duplicate names raise."""
    out: dict = {}
    pm = plugin_manager()
    for impl in pm.hook.dlx_presets.get_hookimpls():  # in registration order
        try:
            records = impl.function()
        except Exception as e:
            BROKEN[impl.plugin_name] = e
            warnings.warn(f"dlx: plugin {impl.plugin_name!r} raised in dlx_presets(): {e}",
                          RuntimeWarning, stacklevel=2)
            continue
        for rec in records or ():
            if rec.name in out:
                raise RuntimeError(f"two plugins publish a preset named {rec.name!r}: "
                                   f"{out[rec.name].location} ({out[rec.name].distribution}) and "
                                   f"{rec.location} ({rec.distribution})")
            out[rec.name] = rec
    return out
