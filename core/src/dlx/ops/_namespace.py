"""Keras's op namespaces (``dlx.ops.numpy``, ``.nn``, ``.linalg``, ``.image``, ``.core``), derived
from the op registry.

An op's spec records its Keras group (``OpSpec.group``: "numpy", "nn", "linalg", "image", "math",
"core", "einops"); each namespace module holds the public functions of the ops in its group, the
very objects ``dlx.ops`` holds (``dlx.ops.nn.softmax is dlx.ops.softmax``), so an op added to a
group appears in its namespace with no further edit. As in Keras, image ops live *only* in
``dlx.ops.image``, and the math, einops and core groups are top-level names
(``dlx.ops.core`` is dlx's own, for symmetry). Groups that are not Keras's ("random",
"optimizers", "internal" for gradient helpers) are top-level names only.

Public functions that are not ops (shape and dtype queries, conversions, control flow written in
Python) are listed in :data:`PUBLIC_FUNCTIONS` with their group and home module.
"""

from __future__ import annotations

import importlib

#: the namespaces under ``dlx.ops``
NAMESPACES = ("numpy", "nn", "linalg", "image", "core")
#: groups whose names Keras exports only in their namespace, not as ``keras.ops.NAME``
NAMESPACE_ONLY_GROUPS = frozenset({"image"})
#: name -> (group, module) for public functions of ``dlx.ops`` that are not registered ops
PUBLIC_FUNCTIONS: dict[str, tuple[str, str]] = {
    "ndim": ("numpy", "dlx.ops.tensors"),
    "array": ("numpy", "dlx.ops.tensors"),
    "size": ("numpy", "dlx.ops.tensors"),
    "shape": ("core", "dlx.ops"),
    "dtype": ("core", "dlx.ops.tensors"),
    "is_tensor": ("core", "dlx.ops.tensors"),
    "convert_to_tensor": ("core", "dlx.ops.tensors"),
    "convert_to_numpy": ("core", "dlx.ops.tensors"),
    "jvp": ("linalg", "dlx.ops.transforms"),
}


def group_names(group: str) -> list[str]:
    """Every public name (ops and :data:`PUBLIC_FUNCTIONS`) in ``group``, sorted."""
    from dlx.ops.spec import REGISTRY

    names = {n for n, s in REGISTRY.items() if s.group == group}
    names |= {n for n, (g, _) in PUBLIC_FUNCTIONS.items() if g == group}
    return sorted(names)


def public_function(name: str):
    """The one public function object for ``name`` (an op's or a listed non-op function)."""
    if name in PUBLIC_FUNCTIONS:
        return getattr(importlib.import_module(PUBLIC_FUNCTIONS[name][1]), name)
    import dlx.ops

    return dlx.ops.get_function(name)


def install(namespace: dict, group: str):
    """Fills a namespace module's globals with ``group``'s functions; returns the module's
    ``(__getattr__, __dir__, __all__)`` (``__getattr__`` finds ops registered later)."""
    module = namespace["__name__"]
    for name in group_names(group):
        namespace[name] = public_function(name)

    def __getattr__(name):
        from dlx.ops.spec import REGISTRY

        spec = REGISTRY.get(name)
        if (spec is not None and spec.group == group) or PUBLIC_FUNCTIONS.get(name, ("",))[0] == group:
            fn = namespace[name] = public_function(name)
            return fn
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(namespace) | set(group_names(group)))

    return __getattr__, __dir__, group_names(group)
