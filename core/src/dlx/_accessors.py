"""``get`` / ``serialize`` / ``deserialize`` for a module of configurable objects (constraints,
regularizers): one implementation of the Keras rules for identifiers."""

from __future__ import annotations

from collections.abc import Callable

from dlx import serialization as _serialization


def accessors(kind: str, all_objects: dict, snake: dict, module: str) -> tuple[Callable, Callable, Callable]:
    """The ``(get, serialize, deserialize)`` functions for objects called ``kind`` whose classes
    are ``all_objects`` (by class name) and ``snake`` (by snake_case alias), as functions of the
    public ``module`` (their ``__module__``, so that they are documented and pickled there)."""
    module_objects = {**all_objects, **snake}

    def get(identifier):
        if identifier is None:
            return None
        if isinstance(identifier, str):
            cls = module_objects.get(identifier)
            if cls is None:
                cls = _serialization.get_registered_object(identifier)
            if cls is None:
                raise ValueError(f"unknown {kind} {identifier!r}; expected one of {sorted(snake)}")
            return cls() if isinstance(cls, type) else cls
        if isinstance(identifier, dict):
            return _serialization.deserialize(identifier, module_objects=module_objects)
        if callable(identifier):
            return identifier
        raise ValueError(f"{kind}={identifier!r} of type {type(identifier).__name__} is not a name, a config "
                         "or a callable")

    def serialize(obj):
        return _serialization.serialize(obj)

    def deserialize(config, custom_objects=None):
        return _serialization.deserialize(config, custom_objects, module_objects=module_objects)

    get.__doc__ = f"""A {kind} from a name, a config dict, an instance or a callable (``None``: ``None``).

    Arguments:
        identifier: a class name or snake_case alias (a new instance with default arguments), a
            config dict, a {kind} or any callable (returned as is), or ``None``.

    Returns:
        The {kind}, or ``None``.

    Raises:
        ValueError: for a name that is neither built in nor registered, or another type.
    """
    serialize.__doc__ = f"""The config dict of a {kind} (``dlx.saving.serialize``).

    Arguments:
        obj: the {kind}.

    Returns:
        A dict with ``"module"``, ``"class_name"``, ``"config"`` and ``"registered_name"``.
    """
    deserialize.__doc__ = f"""A {kind} from its config dict (``dlx.saving.deserialize``).

    Arguments:
        config: the dict :func:`serialize` (or Keras) wrote.
        custom_objects: ``{{name: class}}`` for custom classes that are not registered.

    Returns:
        A new {kind}.
    """
    for fn in (get, serialize, deserialize):
        fn.__module__, fn.__qualname__ = module, fn.__name__
    return get, serialize, deserialize
