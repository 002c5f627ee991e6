"""``dlx.utils.legacy``: Keras 2's object serialization (see :mod:`dlx.legacy.saving`)."""

from dlx.legacy.saving import deserialize_keras_object, serialize_keras_object

__all__ = ["deserialize_keras_object", "serialize_keras_object"]
