"""``dlx.saving``: model files in the Keras 3 formats, object registration and config
serialization.

* :func:`save_model` / :func:`load_model`: ``.keras`` archives (or folders), written by dlx or
  Keras 3; legacy Keras 2 ``.h5`` files are read.
* :func:`save_weights` / :func:`load_weights`: ``.weights.h5`` (optionally sharded).
* :func:`register_serializable`, :func:`serialize`, :func:`deserialize`: configs.
* :class:`FileFormatError`: a file that cannot be read (corrupt, truncated, another format),
  with the file named; :class:`WeightsMismatchError`: weights that do not fit the model.
"""

from dlx.saving.errors import FileFormatError, WeightsMismatchError
from dlx.saving.file_editor import KerasFileEditor
from dlx.saving.saving_lib import load_model, load_weights, save_model, save_weights
from dlx.serialization import (
    CustomObjectScope,
    SerializationError,
    custom_object_scope,
    deserialize,
    enable_unsafe_deserialization,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    in_safe_mode,
    register_keras_serializable,
    register_serializable,
    serialize,
)

serialize_keras_object = serialize
deserialize_keras_object = deserialize

__all__ = ["CustomObjectScope", "FileFormatError", "KerasFileEditor", "SerializationError", "WeightsMismatchError",
           "custom_object_scope", "deserialize", "deserialize_keras_object", "enable_unsafe_deserialization",
           "get_custom_objects", "get_registered_name", "get_registered_object", "in_safe_mode", "load_model",
           "load_weights", "register_keras_serializable", "register_serializable", "save_model", "save_weights",
           "serialize", "serialize_keras_object"]
