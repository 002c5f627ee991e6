"""Object registration and config serialization, in Keras 3's config format.

A serialized object is a dict ``{"module", "class_name", "config", "registered_name"}`` (layers
that are built also carry ``"build_config"``). Built-in objects have ``registered_name: None``;
custom classes registered with :func:`register_serializable` are found by
``"package>Name"``. Configs written by Keras (``"module": "keras.layers"``) resolve to the dlx
class of the same name.

>>> from dlx import serialization as s
>>> @s.register_serializable(package="doc")
... class Scale:
...     def __init__(self, k=2.0):
...         self.k = k
...     def get_config(self):
...         return {"k": self.k}
...     @classmethod
...     def from_config(cls, config):
...         return cls(**config)
>>> cfg = s.serialize(Scale(3.0))
>>> cfg["registered_name"], s.deserialize(cfg).k
('doc>Scale', 3.0)
"""

from __future__ import annotations

import base64
import importlib
import inspect
import marshal
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np

_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_SCOPE = threading.local()

# top-level packages whose modules a config may name in safe mode (others: safe_mode=False only)
TRUSTED_PACKAGES = frozenset({"dlx", "dlx_hub", "dlx_tuner", "keras", "keras_hub", "keras_nlp", "keras_cv"})
# public modules searched (in order) when a config names no importable module
BUILTIN_MODULES = (
    "dlx.layers", "dlx.models", "dlx.initializers", "dlx.regularizers", "dlx.constraints",
    "dlx.activations", "dlx.dtype_policies", "dlx.random", "dlx.losses", "dlx.metrics", "dlx.optimizers",
)


class SerializationError(TypeError):
    """An object cannot be serialized, or a config cannot be turned back into an object.

    Example:

    >>> from dlx import saving
    >>> try:
    ...     saving.deserialize_keras_object({"class_name": "NoSuchLayer", "config": {}})
    ... except saving.SerializationError as e:
    ...     print(type(e).__name__)
    SerializationError
    """


# ---------------------------------------------------------------------------------- registration
def register_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Class/function decorator: registers ``obj`` as ``"package>name"`` for deserialization.

    Arguments:
        package: a namespace for the name (avoids clashes between libraries).
        name: the registered short name (default: the object's ``__name__``).

    Returns:
        The decorator; it returns the object it decorates unchanged.

    Example:

    >>> from dlx import layers, saving
    >>> @saving.register_keras_serializable(package="DocExample")
    ... class Double(layers.Layer):
    ...     def call(self, x):
    ...         return 2 * x
    >>> saving.get_registered_name(Double)
    'DocExample>Double'
    >>> type(saving.deserialize_keras_object(saving.serialize_keras_object(Double()))).__name__
    'Double'
    """
    if ">" in str(package):
        raise ValueError(f"register_serializable: package={package!r} must not contain '>'")

    def decorator(obj):
        short = name or obj.__name__
        registered = f"{package}>{short}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_serializable: class {obj.__name__} has no get_config() method, so it "
                             "cannot be serialized; define get_config() (and from_config() if needed)")
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


register_keras_serializable = register_serializable


def get_registered_name(obj) -> str:
    """The name ``obj`` is registered under (``"package>Name"``), else its ``__name__``.

    Arguments:
        obj: a class or function (or any object; one without ``__name__`` gives its type's name).

    Returns:
        The registered name as a string.

    Example:

    >>> from dlx import layers, saving
    >>> saving.get_registered_name(layers.Dense)  # not registered: the plain name
    'Dense'
    >>> @saving.register_keras_serializable(package="DocExample", name="Half")
    ... def half(x):
    ...     return x / 2
    >>> saving.get_registered_name(half)
    'DocExample>Half'
    """
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    """Looks ``name`` up in ``custom_objects``, the active :class:`CustomObjectScope` s, the global
    registry and ``module_objects``, in that order.

    Arguments:
        name: the name to resolve (for a registered object, ``"package>Name"``).
        custom_objects: an optional dict of name -> object, searched first.
        module_objects: an optional dict of name -> object, searched last.

    Returns:
        The object found, or ``None`` when no table has ``name``.

    Example:

    >>> from dlx import saving
    >>> @saving.register_keras_serializable(package="DocExample")
    ... def triple(x):
    ...     return 3 * x
    >>> saving.get_registered_object("DocExample>triple") is triple
    True
    >>> saving.get_registered_object("triple", custom_objects={"triple": abs})
    <built-in function abs>
    >>> print(saving.get_registered_object("NoSuchName"))
    None
    """
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_scope_stack()):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects() -> dict:
    """The global registry (``"package>Name"`` -> object); mutable.

    Example:

    >>> from dlx import saving
    >>> @saving.register_keras_serializable(package="DocExample")
    ... def square(x):
    ...     return x * x
    >>> saving.get_custom_objects()["DocExample>square"] is square
    True
    """
    return _GLOBAL_CUSTOM_OBJECTS


def _scope_stack() -> list:
    st = getattr(_SCOPE, "stack", None)
    if st is None:
        st = _SCOPE.stack = []
    return st


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}):`` makes names resolvable in deserialization.

    Arguments:
        custom_objects: a dict of name -> class or function (``None``: empty).

    Example:

    >>> from dlx import saving
    >>> def shift(x):
    ...     return x + 1
    >>> with saving.CustomObjectScope({"shift": shift}):
    ...     print(saving.get_registered_object("shift") is shift)
    True
    >>> print(saving.get_registered_object("shift"))
    None
    """

    def __init__(self, custom_objects: dict | None):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(f"CustomObjectScope: custom_objects must be a dict of name -> object or None; got "
                            f"{type(custom_objects).__name__}")
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()


custom_object_scope = CustomObjectScope


# ---------------------------------------------------------------------------------- serialize
def _public_module(cls) -> str:
    mod = cls.__module__
    if mod.startswith("dlx."):
        parts = mod.split(".")
        # dlx.layers.core -> dlx.layers (the public namespace it is exported from)
        candidate = ".".join(parts[:2])
        try:
            if getattr(importlib.import_module(candidate), cls.__name__, None) is cls:
                return candidate
        except ImportError:
            pass
    return mod


def serialize(obj) -> Any:
    """Serializes ``obj`` to JSON-compatible Python values in Keras 3's config format.

    Arguments:
        obj: ``None``, a Python scalar or string (returned as is), a list, tuple or dict
            (serialized item by item), a NumPy array or scalar, a slice, a function (a lambda is
            stored as its marshalled code) or an object with ``get_config()``.

    Returns:
        The serialized value: for an object, a dict with ``"module"``, ``"class_name"``,
        ``"config"`` and ``"registered_name"`` (and ``"build_config"`` where the object has one).

    Raises:
        SerializationError: when ``obj`` (or a value in its config) cannot be serialized; the
            message names the object and its type.

    Example:

    >>> from dlx import regularizers, saving
    >>> saving.serialize_keras_object(regularizers.L2(0.01))
    {'module': 'dlx.regularizers', 'class_name': 'L2', 'config': {'l2': 0.01}, 'registered_name': None}
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (list, tuple)):
        out = [serialize(x) for x in obj]
        return tuple(out) if isinstance(obj, tuple) else out
    if isinstance(obj, dict):
        return {str(k): serialize(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": obj.start, "stop": obj.stop, "step": obj.step}}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        return {"class_name": "__lambda__", "config": {"value": _func_dump(obj)}}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        registered = _GLOBAL_CUSTOM_NAMES.get(obj)
        return {"module": obj.__module__, "class_name": "function", "config": obj.__name__,
                "registered_name": registered or "function"}
    if inspect.isclass(obj):
        raise SerializationError(f"cannot serialize the class {obj!r}; serialize an instance")
    get_config = getattr(obj, "get_config", None)
    if get_config is None:
        raise SerializationError(f"cannot serialize {obj!r} of type {type(obj).__name__}: it has no get_config() "
                                 "method (define get_config()/from_config() and register the class with "
                                 "@dlx.saving.register_serializable())")
    cls = type(obj)
    cls = cls.__dict__.get("_dlx_base_class", cls)  # a backend-mixed class (torch nn.Module) saves as its dlx class
    try:
        config = get_config()
    except SerializationError:
        raise
    except (TypeError, NotImplementedError) as e:
        raise SerializationError(f"cannot serialize {cls.__name__} {getattr(obj, 'name', '')!r}: {e}") from e
    try:
        inner = serialize(config)
    except SerializationError as e:
        raise SerializationError(f"cannot serialize the config of {cls.__name__} "
                                 f"{getattr(obj, 'name', '')!r}: {e}") from e
    registered = _GLOBAL_CUSTOM_NAMES.get(cls)
    out = {"module": _public_module(cls), "class_name": cls.__name__, "config": inner,
           "registered_name": registered}
    build_config = getattr(obj, "get_build_config", None)
    if build_config is not None:
        bc = build_config()
        if bc is not None:
            out["build_config"] = serialize(bc)
    return out


def _func_dump(fn) -> str:
    return base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")


def _func_load(code: str, globs: dict | None = None):
    raw = marshal.loads(base64.b64decode(code.encode("ascii")))
    return types.FunctionType(raw, globs if globs is not None else {"__builtins__": __builtins__})


# ---------------------------------------------------------------------------------- deserialize
def _retrieve(config: dict, custom_objects: dict | None, module_objects: dict | None):
    class_name = config.get("class_name")
    registered = config.get("registered_name")
    module = config.get("module")
    for key in (registered, class_name):
        if key and key != "function":
            found = get_registered_object(key, custom_objects, module_objects)
            if found is not None:
                return found
    if module:
        mod_name = "dlx" + module[len("keras"):] if module == "keras" or module.startswith("keras.") else module
        if mod_name.startswith("dlx.src."):
            mod_name = "dlx." + mod_name.split(".")[2]
        # importing a module named by a file runs its code: outside dlx's own packages only when the
        # caller opted out of safe mode (registered classes and custom_objects need no import)
        if mod_name.split(".")[0] not in TRUSTED_PACKAGES and in_safe_mode():
            mod_name = None
        try:
            found = getattr(importlib.import_module(mod_name), class_name, None) if mod_name else None
        except ImportError:
            found = None
        if found is not None:
            return found
    for mod_name in BUILTIN_MODULES:
        try:
            found = getattr(importlib.import_module(mod_name), class_name, None)
        except ImportError:
            continue
        if found is not None and inspect.isclass(found):
            return found
    return None


def deserialize(config, custom_objects: dict | None = None, safe_mode: bool = True, **kwargs) -> Any:
    """Rebuilds an object from :func:`serialize`'s output.

    Arguments:
        config: a serialized object (dict), or a plain value (returned as is).
        custom_objects: name -> class/function for classes that are not registered.
        safe_mode: refuse to load Python lambdas (arbitrary code) unless ``False``.
        module_objects: (keyword) extra name -> object table, searched after the registry.

    Returns:
        The rebuilt object (plain values, lists and tuples are rebuilt item by item).

    Raises:
        SerializationError: when a class cannot be found (the message says how to register it)
            or ``from_config`` fails (the message names the class).

    Example:

    >>> from dlx import regularizers, saving
    >>> config = saving.serialize_keras_object(regularizers.L2(0.01))
    >>> saving.deserialize_keras_object(config)
    L2(l2=0.01)
    """
    module_objects = kwargs.pop("module_objects", None)
    outer = getattr(_SAFE, "value", None)
    if outer is None:
        _SAFE.value = bool(safe_mode)
        try:
            return deserialize(config, custom_objects, safe_mode, module_objects=module_objects)
        finally:
            _SAFE.value = None
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        return type(config)(deserialize(c, custom_objects, safe_mode, module_objects=module_objects) for c in config)
    if not isinstance(config, dict):
        raise SerializationError(f"deserialize: cannot read {config!r} of type {type(config).__name__}")
    if "class_name" not in config or "config" not in config:
        return config
    class_name = config["class_name"]
    inner = config["config"]
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tuple__":
        return tuple(deserialize(v, custom_objects, safe_mode) for v in inner["value"])
    if class_name == "__slice__":
        return slice(inner["start"], inner["stop"], inner["step"])
    if class_name == "__lambda__":
        if in_safe_mode():
            raise SerializationError(
                "deserialize: the config holds a Python lambda, which would run arbitrary code. Pass "
                "safe_mode=False (or use dlx.saving.enable_unsafe_deserialization()) if you trust its source")
        import dlx

        globs = {"__builtins__": __builtins__, "dlx": dlx, "ops": dlx.ops, "keras": dlx, "np": np}
        for scope in _scope_stack():
            globs.update(scope)
        globs.update(custom_objects or {})
        return _func_load(inner["value"], globs)
    if class_name == "function":
        name = inner
        found = None
        for key in (config.get("registered_name"), name):
            if key and key != "function":
                found = get_registered_object(key, custom_objects, module_objects)
                if found is not None:
                    break
        if found is None and config.get("module"):
            found = _retrieve({"module": config["module"], "class_name": name}, None, None)
        if found is None:
            raise SerializationError(f"could not locate function {name!r} (module {config.get('module')!r}); "
                                     "register it with @dlx.saving.register_serializable() or pass it in "
                                     "custom_objects")
        return found
    cls = _retrieve(config, custom_objects, module_objects)
    if cls is None:
        raise SerializationError(
            f"could not locate class {class_name!r} (registered name {config.get('registered_name')!r}, module "
            f"{config.get('module')!r}). Make sure custom classes are decorated with "
            "@dlx.saving.register_serializable() or passed in custom_objects={...} (in safe mode, modules outside "
            f"dlx are not imported to find classes). Full object config: {config}")
    with CustomObjectScope(custom_objects or {}):
        if not hasattr(cls, "from_config"):
            raise SerializationError(f"class {class_name!r} has no from_config() method")
        try:
            obj = cls.from_config(inner)
        except SerializationError:
            raise
        except TypeError as e:
            raise SerializationError(f"{class_name}.from_config() failed: {e}. If {class_name} takes arguments "
                                     "in __init__, its get_config() must return them") from e
        bc = config.get("build_config")
        if bc is not None and hasattr(obj, "build_from_config"):
            obj.build_from_config(deserialize(bc, custom_objects, safe_mode))
    return obj


_UNSAFE = threading.local()
_SAFE = threading.local()


def enable_unsafe_deserialization() -> None:
    """Allows lambdas in configs for this thread (as ``safe_mode=False`` everywhere)."""
    _UNSAFE.on = True


def in_safe_mode() -> bool:
    """Whether the deserialization in progress refuses lambdas (the outermost call's
    ``safe_mode``; ``True`` outside any).

    Example:

    >>> from dlx import saving
    >>> saving.in_safe_mode()  # outside any deserialization
    True
    """
    if getattr(_UNSAFE, "on", False):
        return False
    v = getattr(_SAFE, "value", None)
    return True if v is None else v
