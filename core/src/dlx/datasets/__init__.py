"""``dlx.datasets``: Keras's small datasets with the same ``load_data`` signatures, files, URLs
and hashes, cached under ``$DLX_HOME/datasets`` (default ``~/.dlx/datasets``).

Downloads are resumable, atomic and hash-checked (:func:`dlx.utils.get_file`). Set
``dlx.datasets.set_base_url(url)`` (or ``DLX_DATASETS_BASE_URL``) to fetch from a mirror.
"""

from __future__ import annotations

import importlib

_MODULES = ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
            "california_housing")


def set_base_url(url: str | None) -> None:
    """Fetch every dataset from ``url`` (scheme + host; the origin's path is kept); ``None``
    restores the original hosts.

    Arguments:
        url: the mirror's base URL (e.g. ``"https://mirror.example.org"``), or ``None``.
    """
    from dlx.datasets import _sources

    _sources.base_url = url


def __getattr__(name):
    if name in _MODULES:
        return importlib.import_module(f"dlx.datasets.{name}")
    raise AttributeError(f"module 'dlx.datasets' has no attribute {name!r}")


def __dir__():
    return sorted([*_MODULES, "set_base_url"])


__all__ = [*_MODULES, "set_base_url"]
