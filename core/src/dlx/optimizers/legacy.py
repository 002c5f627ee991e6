"""``dlx.optimizers.legacy``: the names of Keras 2's legacy optimizers, which Keras 3 (and dlx)
keep only so that old imports resolve; making one raises :class:`ImportError`.

>>> import dlx
>>> try:
...     dlx.optimizers.legacy.Adam(learning_rate=0.1)
... except ImportError as e:
...     print(str(e)[:44])
`keras.optimizers.legacy` (here dlx.optimize
"""

from __future__ import annotations

_MESSAGE = ("`keras.optimizers.legacy` (here dlx.optimizers.legacy) is not supported in Keras 3 or dlx: use "
            "the optimizer of the same name in dlx.optimizers (e.g. dlx.optimizers.Adam). Code that needs Keras "
            "2's legacy optimizers must run on the `tf_keras` package with TF_USE_LEGACY_KERAS=True.")


class LegacyOptimizerWarning:
    """Raises :class:`ImportError` when made: legacy (Keras 2) optimizers are not supported."""

    def __init__(self, *args, **kwargs):
        raise ImportError(_MESSAGE)


Adagrad = Adam = Ftrl = Optimizer = RMSprop = SGD = LegacyOptimizerWarning

__all__ = ["SGD", "Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop"]
