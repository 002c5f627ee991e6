"""``dlx.ops.linalg``: Keras's ``keras.ops.linalg``: linear algebra.

Derived from the op registry (each spec's ``group``, see :mod:`dlx.ops._namespace`).
"""

from __future__ import annotations

from dlx.ops._namespace import install as _install

__getattr__, __dir__, __all__ = _install(globals(), "linalg")
