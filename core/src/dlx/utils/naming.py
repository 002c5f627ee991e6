"""Unique object names (``dense``, ``dense_1``, ...) and snake_case conversion."""

from __future__ import annotations

import re
import threading

_COUNTS: dict[str, int] = {}
_LOCK = threading.Lock()


def to_snake_case(name: str) -> str:
    """``"BatchNormalization"`` -> ``"batch_normalization"``, ``"Conv2D"`` -> ``"conv2d"``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def uniquify(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2``... (per process, until :func:`reset`)."""
    with _LOCK:
        n = _COUNTS.get(base, 0)
        _COUNTS[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def auto_name(cls_or_name) -> str:
    base = cls_or_name if isinstance(cls_or_name, str) else to_snake_case(cls_or_name.__name__)
    return uniquify(base)


def reset() -> None:
    """Forgets the names handed out (``dlx.utils.clear_session`` calls it)."""
    with _LOCK:
        _COUNTS.clear()


def get_uid(prefix: str = "") -> int:
    """Counts calls per ``prefix``: 1 the first time, then 2, 3... The count is shared with the
    automatic names, as in Keras (after one ``Dense``, ``get_uid("dense")`` is 2)."""
    with _LOCK:
        _COUNTS[prefix] = _COUNTS.get(prefix, 0) + 1
        return _COUNTS[prefix]
