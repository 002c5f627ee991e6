"""``dlx.ops.image``: Keras's ``keras.ops.image``: image ops (found only here, as in Keras).

Derived from the op registry (each spec's ``group``, see :mod:`dlx.ops._namespace`).
"""

from __future__ import annotations

from dlx.ops._namespace import install as _install

__getattr__, __dir__, __all__ = _install(globals(), "image")
