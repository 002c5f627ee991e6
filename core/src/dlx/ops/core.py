"""``dlx.ops.core``: The core group of ``dlx.ops`` (Keras exports these only as ``keras.ops.NAME``).

Derived from the op registry (each spec's ``group``, see :mod:`dlx.ops._namespace`).
"""

from __future__ import annotations

from dlx.ops._namespace import install as _install

__getattr__, __dir__, __all__ = _install(globals(), "core")
