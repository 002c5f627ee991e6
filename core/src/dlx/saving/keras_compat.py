"""Config translation between dlx and Keras files.

* :func:`to_keras` rewrites the ``module`` of dlx's built-in classes to the Keras names
  (``dlx.layers`` -> ``keras.layers``, models and dtype policies -> ``keras``...), so Keras 3
  resolves every built-in class to its own; custom (registered) classes are left as they are.
* :func:`from_keras` prepares a config written by Keras for dlx: arguments newer Keras versions
  add with their inert default (``quantization_config=None``, ``renorm=False``,
  ``input_axes=None``...) are dropped when the dlx class does not take them; any other unknown
  argument is kept, so rebuilding fails with an error naming it.
* :func:`upgrade_legacy` turns a Keras 2 (``.h5``) model config into the Keras 3 form
  (Functional ``inbound_nodes`` as ``args`` / ``kwargs`` with tensor references).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from dlx import serialization

# arguments Keras has and dlx does not, with the values that change nothing
_INERT = {
    "quantization_config": (None,), "renorm": (False,), "renorm_clipping": (None,), "renorm_momentum": (0.99,),
    "input_axes": (None,), "output_axes": (None,), "ragged": (False,), "sparse": (False,), "lora_rank": (None,),
    "lora_alpha": (None,), "synchronized": (False,), "gradient_accumulation_steps": (None,), "time_major": (False,),
    "implementation": (1, 2), "optional": (False,), "use_cudnn": ("auto",), "zero_output_for_mask": (False,),
    "reset_after": (True,), "autocast": (True,), "flash_attention": (None,), "is_legacy_optimizer": (False,),
    "jit_compile": (True, False), "mesh": (None,), "use_gate": (False,), "sliding_window": (None,),
}
# config keys dlx writes that a Keras class's __init__ does not take (Keras omits them)
_KERAS_REJECTS = {"SpatialDropout1D": ("trainable",), "SpatialDropout2D": ("trainable",),
                  "SpatialDropout3D": ("trainable",)}
_MODEL_MODULES = {"Sequential": "keras", "Functional": "keras.src.models.functional", "Model": "keras.src.models.model"}


def _is_object(d: dict) -> bool:
    return isinstance(d.get("class_name"), str) and "config" in d


def to_keras(config: Any) -> Any:
    """``config`` (a serialized dlx object, JSON-like) with Keras module names for built-ins."""
    if isinstance(config, list):
        return [to_keras(c) for c in config]
    if isinstance(config, tuple):
        return [to_keras(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: to_keras(v) for k, v in config.items()}
    module = out.get("module")
    if isinstance(module, str) and (module == "dlx" or module.startswith("dlx.")) and _is_object(out):
        builtin = out.get("registered_name") in (None, "function", out.get("class_name"))
        if builtin:
            name = out["class_name"]
            if module == "dlx.models" and name in _MODEL_MODULES:
                out["module"] = _MODEL_MODULES[name]
                if name == "Functional":
                    out["registered_name"] = "Functional"
            elif module in ("dlx", "dlx.dtype_policies"):
                out["module"] = "keras"
            else:
                out["module"] = "keras" + module[3:]
            drop = _KERAS_REJECTS.get(name, ())
            if drop and isinstance(out.get("config"), dict):
                out["config"] = {k: v for k, v in out["config"].items() if k not in drop or v is not True}
    return out


@functools.lru_cache(maxsize=512)
def _accepted(cls) -> tuple[frozenset, bool]:
    """Named ``__init__`` arguments along the MRO, and whether the class is a layer."""
    from dlx.layers.layer import _BASE_KWARGS, Layer

    names: set[str] = set()
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None or klass is object:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            continue
        names.update(p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self")
    is_layer = isinstance(cls, type) and issubclass(cls, Layer)
    if is_layer:
        names.update(_BASE_KWARGS)
    return frozenset(names), is_layer


def _resolve(d: dict):
    try:
        found = serialization._retrieve(d, None, None)
    except Exception:
        return None
    return found if inspect.isclass(found) else None


def _inert(key: str, value) -> bool:
    return key in _INERT and any(value is v or (type(value) is type(v) and value == v) for v in _INERT[key])


def from_keras(config: Any) -> Any:
    """``config`` with the inert Keras-only arguments dropped where dlx's class lacks them."""
    if isinstance(config, list):
        return [from_keras(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: from_keras(v) for k, v in config.items()}
    out.pop("shared_object_id", None)
    if _is_object(out) and isinstance(out.get("config"), dict):
        cls = _resolve(out)
        if cls is not None:
            accepted, _ = _accepted(cls)
            inner = out["config"]
            out["config"] = {k: v for k, v in inner.items() if k in accepted or not _inert(k, v)}
    return out


# ------------------------------------------------------------------------------------ Keras 2 configs
def _legacy_tensor(ref) -> dict:
    name, node_index, tensor_index = ref[0], ref[1], ref[2]
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": None, "keras_history": [name, int(node_index), int(tensor_index)]}}


def _legacy_node(node) -> dict:
    """One Keras 2 inbound node (a list of ``[layer, node, tensor, kwargs]``) as Keras 3's."""
    if isinstance(node, dict):  # already Keras 3
        return node
    refs = [r for r in node if isinstance(r, (list, tuple)) and len(r) >= 3]
    kwargs = {}
    for r in refs:
        if len(r) > 3 and isinstance(r[3], dict):
            kwargs.update(r[3])
    tensors = [_legacy_tensor(r) for r in refs]
    args = [tensors[0]] if len(tensors) == 1 else [tensors]
    return {"args": args, "kwargs": kwargs}


def upgrade_legacy(config: Any) -> Any:
    """A Keras 2 model config in Keras 3 form (recursively, nested models included)."""
    if isinstance(config, list):
        return [upgrade_legacy(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: upgrade_legacy(v) for k, v in config.items()}
    inner = out.get("config")
    if _is_object(out) and isinstance(inner, dict) and isinstance(inner.get("layers"), list):
        for layer in inner["layers"]:
            if isinstance(layer, dict) and isinstance(layer.get("inbound_nodes"), list):
                layer["inbound_nodes"] = [_legacy_node(n) for n in layer["inbound_nodes"]]
        for key in ("input_layers", "output_layers"):
            refs = inner.get(key)
            if isinstance(refs, list) and refs and all(isinstance(r, list) and len(r) == 3 for r in refs):
                inner[key] = [list(r) for r in refs]
    return out


__all__ = ["from_keras", "to_keras", "upgrade_legacy"]
