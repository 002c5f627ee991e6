"""``dlx.ops.nn``: Keras's ``keras.ops.nn``: activations, convolution, pooling, normalization, losses.

Derived from the op registry (each spec's ``group``, see :mod:`dlx.ops._namespace`).
"""

from __future__ import annotations

from dlx.ops._namespace import install as _install

__getattr__, __dir__, __all__ = _install(globals(), "nn")
