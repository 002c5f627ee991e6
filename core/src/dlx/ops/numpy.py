"""``dlx.ops.numpy``: Keras's ``keras.ops.numpy``: the NumPy-style ops, the same function objects as ``dlx.ops``.

Derived from the op registry (each spec's ``group``, see :mod:`dlx.ops._namespace`).
"""

from __future__ import annotations

from dlx.ops._namespace import install as _install

__getattr__, __dir__, __all__ = _install(globals(), "numpy")
