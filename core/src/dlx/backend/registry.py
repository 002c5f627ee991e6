"""Backend discovery, loading and selection.

Selection of the default backend, first match wins:

1. ``dlx.config.set_backend(name)`` called in this process;
2. the ``DLX_BACKEND`` environment variable;
3. ``"backend"`` in ``$DLX_HOME/dlx.json`` (default ``~/.dlx/dlx.json``);
4. the usable backend with the highest priority (``auto_select`` ones only);
5. ``numpy``, the embedded reference backend.

The default is process-wide: every thread dispatches to it. ``with dlx.backend.use(name):``
scopes a different backend for the current thread only.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import threading
from pathlib import Path

from dlx import _gc_paused
from dlx.backend.contract import Backend, BackendError, check_class
from dlx.backend.state import ACTIVATE_DEFAULT, DEFAULT_KERNELS, PROCESS_DEFAULT, STATE
from dlx.plugins import manager

_INSTANCES: dict[str, Backend] = {}
_EXPLICIT: str | None = None
_DEFAULT: tuple[Backend, str] | None = None  # (backend, why) once selected
_LOCK = threading.RLock()


def config_path() -> Path:
    home = os.environ.get("DLX_HOME") or os.path.join(os.path.expanduser("~"), ".dlx")
    return Path(home) / "dlx.json"


def records():
    """The installed backends' records (:class:`dlx.plugins.BackendRecord`), as their plugins register them.

    Nothing is imported: a record names the backend and where its implementation lives.

    Example:

    >>> import dlx
    >>> "numpy" in dlx.backend.records()  # the built-in backend is always registered
    True
    """
    return manager.backend_records()


def canonical_name(name: str) -> str:
    recs = records()
    key = str(name).strip().lower()
    if key in recs:
        return key
    for rec in recs.values():
        if key in rec.aliases:
            return rec.name
    if key in manager.BROKEN:
        raise BackendError(f"backend {name!r} is installed but its plugin failed to load: "
                           f"{manager.BROKEN[key]}") from manager.BROKEN[key]
    raise BackendError(f"unknown backend {name!r}; installed: {describe_installed()}")


def describe_installed() -> str:
    recs = records()
    parts = [f"{r.name}" + (f" (aliases: {', '.join(r.aliases)})" if r.aliases else "")
             for r in recs.values()]
    broken = [f"{n} (broken: {type(e).__name__}: {e})" for n, e in manager.BROKEN.items()]
    return ", ".join(parts + broken) or "none"


def usable(rec) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in rec.requires)


def get(name: str) -> Backend:
    """The (cached) backend instance for ``name`` or an alias; imports its framework.

    Arguments:
        name: a registered backend name or one of its aliases.

    Returns:
        The :class:`Backend` instance (one per backend and process).

    Raises:
        BackendError: when no backend has that name, or it cannot be imported or does not meet
            the backend contract (every problem is listed).

    Example:

    >>> import dlx
    >>> dlx.backend.get("numpy").name
    'numpy'
    """
    key = canonical_name(name)
    inst = _INSTANCES.get(key)
    if inst is not None:
        return inst
    with _gc_paused(freeze=True):
        return _load(key)


def _load(key: str) -> Backend:
    rec = records()[key]
    module_name, _, cls_name = rec.target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
    except Exception as e:
        raise BackendError(f"backend {key!r} could not be imported from {rec.target}: "
                           f"{type(e).__name__}: {e}") from e
    problems = check_class(cls) if isinstance(cls, type) and issubclass(cls, Backend) else [
        f"{rec.target} is not a dlx.backend.Backend subclass"]
    if not problems and cls.name != rec.name:
        problems.append(f"the class's name {cls.name!r} differs from the record's {rec.name!r}")
    if problems:
        raise BackendError(f"backend {key!r} ({rec.target}) does not meet the backend contract:\n  - "
                           + "\n  - ".join(problems))
    inst = cls()
    inst.record = rec
    inst.configure_numerics()
    _ = inst.op_table  # validate now: a broken table fails at selection, with every problem listed
    _INSTANCES[key] = inst
    return inst


def select_default() -> tuple[str, str]:
    """(name, why) of the backend that would be the default now, without importing it."""
    if _EXPLICIT:
        return canonical_name(_EXPLICIT), "set by dlx.config.set_backend()"
    env = os.environ.get("DLX_BACKEND")
    if env:
        return canonical_name(env), "DLX_BACKEND environment variable"
    path = config_path()
    if path.is_file():
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            raise BackendError(f"{path}: not valid JSON ({e}); expected {{\"backend\": NAME}}") from e
        if isinstance(data, dict) and data.get("backend"):
            return canonical_name(data["backend"]), f"'backend' in {path}"
    candidates = [r for r in records().values() if r.auto_select and r.name != "numpy" and usable(r)]
    if candidates:
        best = max(candidates, key=lambda r: (r.priority, r.name))
        return best.name, f"highest-priority installed backend (priority {best.priority})"
    return "numpy", "embedded default (no other backend installed)"


def activate_default() -> Backend:
    """Selects (once) and returns the process default backend; fills the shared kernel table
    every thread outside ``use()`` dispatches through."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            name, why = select_default()
            backend = get(name)
            DEFAULT_KERNELS.clear()
            DEFAULT_KERNELS.update(backend.op_table)
            PROCESS_DEFAULT[0] = backend
            _DEFAULT = (backend, why)
        return _DEFAULT[0]


ACTIVATE_DEFAULT[0] = activate_default  # the first op in any thread selects the default through this


def set_default(name: str | None) -> None:
    """Makes ``name`` the process default, for every thread (``None`` re-runs automatic
    selection). Blocks inside ``use()`` keep their backend."""
    global _EXPLICIT, _DEFAULT
    if name is not None:
        get(name)  # fail now, with the reason
    with _LOCK:
        _EXPLICIT = name
        _DEFAULT = None
        PROCESS_DEFAULT[0] = None
        DEFAULT_KERNELS.clear()  # the next lookup, in any thread, activates the new default


def current() -> Backend:
    """The backend ops dispatch to in this thread.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     dlx.backend.current().name
    'numpy'
    """
    backend = STATE.backend  # one read of the thread-local property (every predict / op call asks)
    return backend if backend is not None else activate_default()


def why_default() -> str:
    return _DEFAULT[1] if _DEFAULT else select_default()[1]


@contextlib.contextmanager
def use(name_or_backend):
    """Runs ops on another backend inside the block (this thread only).

    Arguments:
        name_or_backend: a backend name (or alias), or a :class:`Backend` instance.

    Returns:
        A context manager; ``with use(...) as backend`` binds the :class:`Backend` instance.

    Raises:
        BackendError: as :func:`get` does, for a name that cannot be loaded.

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     dlx.ops.add(1.0, 2.0).item()
    3.0
    """
    backend = name_or_backend if isinstance(name_or_backend, Backend) else get(name_or_backend)
    saved = STATE.kernels, STATE.scoped
    STATE.kernels, STATE.scoped = backend.op_table, backend
    try:
        yield backend
    finally:
        STATE.kernels, STATE.scoped = saved
