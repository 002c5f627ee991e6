"""Every private TensorFlow API the plugin uses, in one place.

Each one is used only on the TensorFlow versions it was written and tested for
(:data:`WRITTEN_FOR`); on any other version, or when the environment sets
``DLX_TF_PRIVATE_API=0``, the plugin takes the public-API fallback next to it, which gives the
same results (slower): ``tests/test_internals.py`` runs the plugin both ways.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import tensorflow as tf

#: (major, minor) TensorFlow versions whose private APIs below were read and tested
WRITTEN_FOR = ((2, 21),)


def _version() -> tuple[int, int]:
    major, minor = tf.__version__.split(".")[:2]
    return int(major), int(minor)


#: whether the private APIs are used (the version is one of :data:`WRITTEN_FOR` and the user did
#: not opt out)
PRIVATE = _version() in WRITTEN_FOR and os.environ.get("DLX_TF_PRIVATE_API", "1") != "0"

#: the eager tensor class (``type(tf.constant(...))`` is public; its name is not)
EAGER_TENSOR: type = type(tf.constant(0.0))

#: ``shape_tuple(t)``: an eager tensor's shape as a tuple of ints (private ``EagerTensor._shape_tuple``,
#: which skips building a ``TensorShape``; public: ``tuple(t.shape)``)
shape_tuple: Callable[[Any], tuple] = (
    EAGER_TENSOR._shape_tuple if PRIVATE and hasattr(EAGER_TENSOR, "_shape_tuple") else lambda t: tuple(t.shape))


def flat_caller(concrete: Any) -> Callable | None:
    """``call(flat_tensors, captured_inputs)`` for a ``ConcreteFunction``: its private
    ``_call_flat``, which skips ``tf.function``'s per-argument signature matching. ``None`` when
    the private API is off or absent: the caller then keeps the public ``tf.function`` call."""
    if not PRIVATE:
        return None
    return getattr(concrete, "_call_flat", None)


def _resource_variable() -> type | None:
    if not PRIVATE:
        return None
    try:
        from tensorflow.python.ops.resource_variable_ops import ResourceVariable
    except ImportError:  # pragma: no cover - moved in another TF version
        return None
    return ResourceVariable


#: the class of an eager ``tf.Variable`` (private module ``resource_variable_ops``): a fast-path
#: call passes such a variable as its resource handle. ``None`` when the private API is off:
#: variable arguments then take the public ``tf.function`` call
RESOURCE_VARIABLE: type | None = _resource_variable()

__all__ = ["EAGER_TENSOR", "PRIVATE", "RESOURCE_VARIABLE", "WRITTEN_FOR", "flat_caller", "shape_tuple"]
