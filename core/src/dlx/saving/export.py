"""``model.export(path, format=...)``: exporters registered by plugins.

Backend plugins advertise exporters with the ``dlx_exporters`` hook
(:class:`dlx.plugins.ExporterRecord`: a ``format`` name and a lazy ``"module:function"``
target). :func:`export_model` finds the record for ``format``, imports its target and calls it
as ``target(model, filepath, verbose=..., input_signature=..., **kwargs)``. Exporters build on
the helpers here: :func:`input_signature` (the model's input specs) and
:func:`inference_function` (the forward pass as a pure function of the weights).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from dlx.saving._atomic import atomic_directory, atomic_file

# where the formats Keras users know come from, for the error when none is installed
_KNOWN = {"tf_saved_model": "dlx-tf", "onnx": "dlx-tf", "litert": "dlx-tf", "openvino": "dlx-openvino"}


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    """One model input: its shape (``None`` for a free dimension), dtype and name."""

    shape: tuple
    dtype: str = "float32"
    name: str | None = None


def exporters() -> dict[str, Any]:
    """The installed exporters by format name (records from the ``dlx_exporters`` hook).

    Raises:
        RuntimeError: when two plugins register the same format.
    """
    from dlx.plugins import manager

    out: dict[str, Any] = {}
    pm = manager.plugin_manager()
    for records in pm.hook.dlx_exporters():
        for rec in records or ():
            if rec.format in out and out[rec.format].target != rec.target:
                raise RuntimeError(f"two plugins register an exporter for format {rec.format!r}: "
                                   f"{out[rec.format].target} and {rec.target}")
            out[rec.format] = rec
    return out


def _load_target(rec) -> Callable:
    missing = [m for m in getattr(rec, "requires", ()) if importlib.util.find_spec(m) is None]
    if missing:
        raise ImportError(f"export(format={rec.format!r}) needs {missing}, which is not installed "
                          f"(the exporter comes from {rec.distribution or rec.target})")
    module, _, name = rec.target.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise ImportError(f"export(format={rec.format!r}): the exporter {rec.target} could not be imported: "
                          f"{type(e).__name__}: {e}") from e


def export_model(model, filepath, format: str = "tf_saved_model", verbose: bool | None = None, input_signature=None,
                 **kwargs) -> None:
    """Exports ``model`` for inference with another runtime.

    Arguments:
        model: a built model.
        filepath: where to write the export (a folder for ``tf_saved_model``, an ``.xml`` path
            (plus the ``.bin`` next to it) for ``openvino``, a file for ``onnx`` and ``litert``).
        format: an installed exporter's format (see :func:`exporters`).
        verbose: print where the export went and its signature (``None``: yes, as Keras does).
        input_signature: a list of :class:`TensorSpec` (or ``(shape, dtype)`` tuples), one per
            model input; default: the model's inputs.
        **kwargs: passed to the exporter: ``opset_version`` for ``onnx``; ``batch_size`` (fix the
            batch dimension) for all four built-in formats; the ``tf.lite.TFLiteConverter`` options
            for ``litert``. An exporter raises ``TypeError`` for arguments it does not take.

    Raises:
        ValueError: for an unknown format (the message lists the installed ones) or an unbuilt
            model.
    """
    available = exporters()
    rec = available.get(format)
    if rec is None:
        hint = f"; format {format!r} is provided by the {_KNOWN[format]} plugin: install it" if format in _KNOWN else ""
        raise ValueError(f"export: unknown format={format!r}; installed exporters: {sorted(available) or 'none'}"
                         f"{hint}")
    if not getattr(model, "built", False):
        raise ValueError(f"export: model '{model.name}' is not built; call it on data or build() it first")
    fn = _load_target(rec)
    fn(model, filepath, verbose=True if verbose is None else bool(verbose), input_signature=input_signature, **kwargs)


def input_signature(model, signature=None) -> list[TensorSpec]:
    """The input specs of ``model``: ``signature`` standardized, or the model's inputs.

    Raises:
        ValueError: when the model has no symbolic inputs and no signature is given.
    """
    if signature is not None:
        specs = []
        for i, s in enumerate(signature if isinstance(signature, (list, tuple)) and not _is_spec_tuple(signature)
                              else [signature]):
            if isinstance(s, TensorSpec):
                specs.append(s)
            elif hasattr(s, "shape") and hasattr(s, "dtype"):
                shape = tuple(None if d is None else int(d) for d in tuple(s.shape))
                specs.append(TensorSpec(shape, _dtype_name(s.dtype), getattr(s, "name", None)))
            elif isinstance(s, (list, tuple)) and len(s) == 2 and isinstance(s[0], (list, tuple)):
                specs.append(TensorSpec(tuple(s[0]), _dtype_name(s[1]), None))
            else:
                raise ValueError(f"export: input_signature[{i}]={s!r}; expected a TensorSpec or (shape, dtype)")
        return specs
    inputs = getattr(model, "inputs", None)
    if not inputs:
        raise ValueError(f"export: model '{model.name}' has no symbolic inputs (a subclassed model); pass "
                         "input_signature=[dlx.saving.export.TensorSpec(shape, dtype), ...]")
    names = getattr(model, "_input_names", None) or [None] * len(inputs)
    return [TensorSpec(tuple(t.shape), str(t.dtype), n) for t, n in zip(inputs, names)]


def _is_spec_tuple(s) -> bool:
    return isinstance(s, tuple) and len(s) == 2 and isinstance(s[0], (list, tuple)) and isinstance(s[1], str)


def _dtype_name(dtype) -> str:
    from dlx import dtypes

    name = getattr(dtype, "name", dtype)
    return dtypes.standardize(str(name))


def inference_function(model) -> tuple[Callable, list, list]:
    """The forward pass as a pure function of the weights.

    Returns:
        ``(fn, trainable_values, non_trainable_values)`` where ``fn(trainable, non_trainable,
        *inputs)`` runs ``model(inputs, training=False)`` with the given variable values (NumPy
        arrays of the current ones are returned) and gives the outputs as a flat list.
    """
    from dlx import tree_util as tree

    tv = [v.numpy() for v in model.trainable_variables]
    ntv = [v.numpy() for v in model.non_trainable_variables]
    struct = getattr(model, "_inputs_struct", None)
    names = getattr(model, "_input_names", None)

    def fn(trainable, non_trainable, *inputs):
        if isinstance(struct, dict):
            x = dict(zip(list(struct), inputs))
        elif len(inputs) == 1:
            x = inputs[0]
        else:
            x = list(inputs) if names is None or len(names) == len(inputs) else inputs
        out, _ = model.stateless_call(list(trainable), list(non_trainable), x, training=False)
        return tree.leaves(out)

    return fn, tv, ntv


__all__ = ["TensorSpec", "atomic_directory", "atomic_file", "export_model", "exporters", "inference_function",
           "input_signature"]
