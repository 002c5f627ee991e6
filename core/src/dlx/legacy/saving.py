"""Keras 2's object serialization (``keras.legacy.saving``): ``{"class_name", "config"}`` dicts
with no module or registered name, and objects nested in a config marked
``"__passive_serialization__"``. Mid-level code written for Keras 2 (``deserialize`` helpers
that pass their module's ``globals()``) uses it; new code uses :func:`dlx.saving.serialize_keras_object`.
"""

from __future__ import annotations

import inspect

from dlx import serialization as _serialization

_PASSIVE = "__passive_serialization__"


def serialize_keras_object(instance):
    """``instance`` as Keras 2's JSON-compatible form: ``{"class_name": ..., "config": ...}`` for
    an object with ``get_config()`` (its non-string config values serialized the same way where
    they can be), the registered name for a function or class, ``None`` for ``None``.

    Arguments:
        instance: the object, function, class or ``None`` to serialize (a wrapped callable is
            unwrapped first).

    Returns:
        A ``{"class_name", "config"}`` dict, a name string, or ``None``.

    Raises:
        ValueError: for an object with neither ``get_config()`` nor a name.

    >>> import dlx
    >>> serialize_keras_object(dlx.activations.relu)
    'relu'
    """
    instance = inspect.unwrap(instance) if callable(instance) else instance
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        config = instance.get_config()
        out = {}
        for key, item in config.items():
            if isinstance(item, str):
                out[key] = item
                continue
            try:
                serialized = serialize_keras_object(item)
            except ValueError:
                out[key] = item
                continue
            if isinstance(serialized, dict) and not isinstance(item, dict):
                serialized[_PASSIVE] = True
            out[key] = serialized
        return {"class_name": _serialization.get_registered_name(type(instance)), "config": out}
    if hasattr(instance, "__name__"):
        return _serialization.get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance!r}: it has no get_config() and no name")


def _class_and_config(config, module_objects, custom_objects, printable_module_name):
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(f"Improper config format for {config}: expected a dict with 'class_name' and 'config' keys")
    cls = _serialization.get_registered_object(config["class_name"], custom_objects, module_objects)
    if cls is None:
        raise ValueError(f"Unknown {printable_module_name}: '{config['class_name']}'. Register it "
                         "(dlx.saving.register_keras_serializable) or pass it in custom_objects / a "
                         "dlx.utils.custom_object_scope")
    cls_config = config["config"]
    if isinstance(cls_config, list):  # Keras 2.0's Sequential: a list of layer configs
        return cls, cls_config
    for key, item in list(cls_config.items()):
        if key == "name":
            continue
        if isinstance(item, dict) and _PASSIVE in item:
            cls_config[key] = deserialize_keras_object(item, module_objects=module_objects,
                                                       custom_objects=custom_objects,
                                                       printable_module_name="config_item")
        elif isinstance(item, str) and inspect.isfunction(
                _serialization.get_registered_object(item, custom_objects, module_objects)):
            cls_config[key] = _serialization.get_registered_object(item, custom_objects, module_objects)
    return cls, cls_config


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None, printable_module_name="object"):
    """The object Keras 2's serialized form ``identifier`` describes.

    Arguments:
        identifier: a ``{"class_name", "config"}`` dict, a registered name, a function or ``None``.
        module_objects: the built-in objects to look names up in (e.g. a module's ``globals()``).
        custom_objects: user objects to look names up in (before anything else).
        printable_module_name: what the object is, for error messages.

    Returns:
        The object, function or ``None``.

    A class found by name alone is instantiated with no arguments; a function is returned as it is.

    Raises:
        ValueError: for an unknown name or a malformed config.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        cls, cls_config = _class_and_config(identifier, module_objects, custom_objects, printable_module_name)
        custom_objects = custom_objects or {}
        from_config = getattr(cls, "from_config", None)
        if from_config is not None:
            if "custom_objects" in inspect.signature(from_config).parameters:
                return from_config(cls_config, custom_objects={**_serialization.get_custom_objects(),
                                                               **custom_objects})
            with _serialization.CustomObjectScope(custom_objects):
                return from_config(cls_config)
        with _serialization.CustomObjectScope(custom_objects):
            return cls(**cls_config)  # a function returning an object: its config is its kwargs
    if isinstance(identifier, str):
        obj = _serialization.get_registered_object(identifier, custom_objects, module_objects)
        if obj is None:
            raise ValueError(f"Unknown {printable_module_name}: '{identifier}'. Register it "
                             "(dlx.saving.register_keras_serializable) or pass it in custom_objects / a "
                             "dlx.utils.custom_object_scope")
        return obj() if inspect.isclass(obj) else obj
    if inspect.isfunction(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier!r}")


__all__ = ["deserialize_keras_object", "serialize_keras_object"]
