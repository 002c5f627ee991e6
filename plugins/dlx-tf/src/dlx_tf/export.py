"""The exporters of dlx-tf: ``model.export(path, format=...)`` for ``"tf_saved_model"``,
``"onnx"`` and ``"litert"``.

All three start from one ``tf.function``: the forward pass (``training=False``) running on dlx's
TF backend, its weights ``tf.Variable`` s owned by a ``tf.Module`` (a model trained on any backend
is exported: the weights are read out as NumPy arrays). Free (``None``) dimensions of the input
signature stay free -- the batch always, the sequence length of attention models too (the RNN
layers unroll over known timesteps, so their sequence length must be fixed).

* ``tf_saved_model``: a SavedModel with a ``serving_default`` signature (inputs named after the
  model's inputs, outputs ``output_0``, ``output_1``...) and the function as ``serve``.
* ``onnx``: the function converted by ``tf2onnx`` (``opset_version`` picks the opset); free
  dimensions stay symbolic.
* ``litert``: the function converted by ``tf.lite.TFLiteConverter`` (built-in LiteRT ops only
  unless ``enable_select_tf_ops=True``); free dimensions have size -1 in the shape signature
  (``resize_tensor_input`` sets them at run time).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re

import tensorflow as tf

from dlx.backend import registry
from dlx.saving import export as dlx_export


def _name(s: str | None, i: int) -> str:
    if not s:
        return f"input_{i}"
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", s)


def _fixed_batch(specs, batch_size, fmt):
    if batch_size is None:
        return specs
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"export(format={fmt!r}): batch_size={batch_size!r}; expected an int >= 1")
    return [dlx_export.TensorSpec((batch_size if s.shape and s.shape[0] is None else s.shape[0], *s.shape[1:]),
                                  s.dtype, s.name) for s in specs]


def serving_function(model, input_signature=None, batch_size: int | None = None, fmt: str = "tf_saved_model"):
    """The forward pass of ``model`` as a traced ``tf.function``.

    Returns:
        ``(module, concrete_function, tf_specs)``: ``module.serve`` is the ``tf.function``
        (returning ``{"output_0": ..., ...}``), ``module.weights`` its variables.

    Raises:
        ValueError: when tracing with free dimensions fails (naming ``batch_size=``).
    """
    specs = _fixed_batch(dlx_export.input_signature(model, input_signature), batch_size, fmt)
    fn, trainable, non_trainable = dlx_export.inference_function(model)
    backend = registry.get("tf")
    module = tf.Module(name=re.sub(r"\W", "_", model.name))
    module.trainable_weights = [tf.Variable(a, trainable=False, name=f"t{i}") for i, a in enumerate(trainable)]
    module.non_trainable_weights = [tf.Variable(a, trainable=False, name=f"n{i}") for i, a in enumerate(non_trainable)]
    tf_specs = [tf.TensorSpec(s.shape, tf.as_dtype(s.dtype), name=_name(s.name, i)) for i, s in enumerate(specs)]

    def serve(*inputs):
        with registry.use(backend):
            outs = fn([v.value() for v in module.trainable_weights], [v.value() for v in module.non_trainable_weights],
                      *inputs)
        return {f"output_{i}": o for i, o in enumerate(outs)}

    module.serve = tf.function(serve, input_signature=tf_specs, autograph=False)
    try:
        concrete = module.serve.get_concrete_function()
    except Exception as e:
        if any(d is None for s in specs for d in s.shape):
            raise ValueError(f"export(format={fmt!r}): tracing model '{model.name}' with free (None) dimensions "
                             f"failed ({type(e).__name__}: {e}); some layer needs static shapes: pass batch_size=N "
                             "(or an input_signature with fixed sizes)") from e
        raise
    return module, concrete, tf_specs


def _describe(tf_specs) -> str:
    return ", ".join(f"{s.name}{[d if d is not None else None for d in s.shape.as_list()]}:{s.dtype.name}"
                     for s in tf_specs)


def export_saved_model(model, filepath, verbose: bool = True, input_signature=None, batch_size: int | None = None,
                       **kwargs) -> None:
    """Writes a SavedModel folder at ``filepath`` (crash-safely: built next to it, then swapped in).

    Arguments:
        model: the dlx model (its variables may live on any backend).
        filepath: the SavedModel folder.
        verbose: print what was written.
        input_signature: input specs (default: the model's inputs; ``None`` dimensions stay free).
        batch_size: export with this fixed batch size instead of a free one.
    """
    if kwargs:
        raise TypeError(f"export(format='tf_saved_model'): unexpected keyword argument(s) {sorted(kwargs)}")
    path = os.fspath(filepath)
    module, concrete, tf_specs = serving_function(model, input_signature, batch_size, "tf_saved_model")
    with dlx_export.atomic_directory(path) as tmp:
        tf.saved_model.save(module, tmp, signatures={"serving_default": concrete})
    if verbose:
        outs = ", ".join(f"{k}{list(v.shape)}" for k, v in concrete.structured_outputs.items())
        print(f"Exported TF SavedModel to {path}; serving_default({_describe(tf_specs)}) -> {outs}")


# ONNX operator domains onnxruntime knows; a node of any other domain is an op tf2onnx left unconverted
_ONNX_DOMAINS = ("", "ai.onnx", "ai.onnx.ml", "com.microsoft")


def _unconverted_ops(graph) -> list[str]:
    import onnx.defs

    found = []
    for node in graph.node:
        if node.domain not in _ONNX_DOMAINS or (node.domain in ("", "ai.onnx")
                                                and not onnx.defs.has(node.op_type, node.domain)):
            found.append(node.op_type)
        for attr in node.attribute:
            for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                found.extend(_unconverted_ops(sub))
    return found


def export_onnx(model, filepath, verbose: bool = True, input_signature=None, opset_version: int | None = None,
                batch_size: int | None = None, **kwargs) -> None:
    """Writes an ONNX model at ``filepath`` (crash-safely), converted from the serving
    ``tf.function`` by ``tf2onnx``.

    Arguments:
        model: the dlx model (its variables may live on any backend).
        filepath: the ``.onnx`` file.
        verbose: print what was written.
        input_signature: input specs (default: the model's inputs; ``None`` dimensions stay free).
        opset_version: the ONNX opset (default: tf2onnx's default).
        batch_size: export with this fixed batch size instead of a free one.

    Raises:
        ValueError: when the model uses an op ONNX cannot express (the message names it).
    """
    if kwargs:
        raise TypeError(f"export(format='onnx'): unexpected keyword argument(s) {sorted(kwargs)}")
    if opset_version is not None and (not isinstance(opset_version, int) or isinstance(opset_version, bool)
                                      or opset_version < 7):
        raise ValueError(f"export(format='onnx'): opset_version={opset_version!r}; expected an int >= 7")
    import tf2onnx

    path = os.fspath(filepath)
    module, _, tf_specs = serving_function(model, input_signature, batch_size, "onnx")
    tf2onnx_log = logging.getLogger("tf2onnx")
    level = tf2onnx_log.level
    tf2onnx_log.setLevel(logging.INFO if verbose else logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            proto, _ = tf2onnx.convert.from_function(module.serve, input_signature=tf_specs, opset=opset_version)
    finally:
        tf2onnx_log.setLevel(level)
    bad = sorted(set(_unconverted_ops(proto.graph)))
    if bad:
        raise ValueError(f"export(format='onnx'): model '{model.name}' uses op(s) {bad} that ONNX (opset "
                         f"{proto.opset_import[0].version}) cannot express (tf2onnx has no conversion for them)")
    with dlx_export.atomic_file(path) as tmp, open(tmp, "wb") as f:
        f.write(proto.SerializeToString())
    if verbose:
        print(f"Exported ONNX (opset {proto.opset_import[0].version}) to {path}; inputs: {_describe(tf_specs)}; "
              f"outputs: {[o.name for o in proto.graph.output]}")


def _litert_converter(concrete, module, fmt: str, kwargs: dict):
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    if kwargs.pop("enable_select_tf_ops", False):
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    unknown = sorted(k for k in kwargs if k.startswith("_") or not hasattr(converter, k))
    if unknown:
        raise TypeError(f"export(format={fmt!r}): unexpected keyword argument(s) {unknown}; the LiteRT options are "
                        "attributes of tf.lite.TFLiteConverter (optimizations, representative_dataset, "
                        "allow_custom_ops, ...) and enable_select_tf_ops")
    for k, v in kwargs.items():
        setattr(converter, k, v)
    return converter


_OP_LISTS = re.compile(r"^\s*(TF Select ops|Custom ops): (.+)$", re.M)
_OP_NOT_FLEX = re.compile(r"'(?:tf\.)?(\w+)' op is neither a custom op nor a flex op")


def _unsupported_litert_ops(message: str) -> tuple[list[str], str]:
    """The op names a ``ConverterError`` message lists, and its lines that list them."""
    lines = [m.group(0).strip() for m in _OP_LISTS.finditer(message)]
    ops = {op.strip() for m in _OP_LISTS.finditer(message) for op in m.group(2).split(",")}
    ops |= set(_OP_NOT_FLEX.findall(message))
    return sorted(ops), "; ".join(lines)


def export_litert(model, filepath, verbose: bool = True, input_signature=None, batch_size: int | None = None,
                  **kwargs) -> None:
    """Writes a LiteRT (``.tflite``) flatbuffer at ``filepath`` (crash-safely), converted from the
    serving ``tf.function`` by ``tf.lite.TFLiteConverter``.

    Arguments:
        model: the dlx model (its variables may live on any backend).
        filepath: the ``.tflite`` file.
        verbose: print what was written.
        input_signature: input specs (default: the model's inputs; ``None`` dimensions have size -1
            in the shape signature).
        batch_size: export with this fixed batch size instead of a free one.
        **kwargs: ``tf.lite.TFLiteConverter`` attributes (``optimizations``,
            ``representative_dataset``, ``allow_custom_ops``...) and ``enable_select_tf_ops``
            (add the TF-op fallback, which needs the Flex delegate at run time).

    Raises:
        ValueError: when the model uses an op LiteRT cannot express (the message names it).
    """
    path = os.fspath(filepath)
    module, concrete, tf_specs = serving_function(model, input_signature, batch_size, "litert")
    converter = _litert_converter(concrete, module, "litert", dict(kwargs))
    try:
        flatbuffer = converter.convert()
    except Exception as e:  # tf.lite's ConverterError lists the ops it could not lower
        ops, lines = _unsupported_litert_ops(str(e))
        if not ops:
            raise
        raise ValueError(f"export(format='litert'): model '{model.name}' uses op(s) {ops} that LiteRT's built-in op "
                         f"set cannot express ({lines}); enable_select_tf_ops=True adds the TF-op fallback for "
                         "the 'TF Select' ones (the runtime then needs the Flex delegate)") from e
    with dlx_export.atomic_file(path) as tmp, open(tmp, "wb") as f:
        f.write(flatbuffer)
    if verbose:
        print(f"Exported LiteRT model to {path} ({len(flatbuffer)} bytes); inputs: {_describe(tf_specs)}")


class _ReadRecorder:
    """A :class:`dlx.StatelessScope` whose reads of unmapped variables are recorded (the archive
    refuses endpoints that read variables of no tracked object)."""

    def __init__(self, mapping):
        from dlx.variables import StatelessScope

        outer = self

        class _Scope(StatelessScope):
            def get(self, var):
                hit = super().get(var)
                if hit is None:
                    outer.missed.setdefault(id(var), var)
                return hit

        self.missed: dict[int, object] = {}
        self.scope = _Scope(mapping)


def _output_dict(out) -> dict:
    if isinstance(out, dict):
        return {str(k): v for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return {f"output_{i}": v for i, v in enumerate(out)}
    return {"output_0": out}


def _endpoint(fn, recorder, archive, tf_vars, backend):
    from dlx import tree_util as tree

    def endpoint(*inputs):
        recorder.scope._values = {k: (archive._variables[k], tv.value()) for k, tv in tf_vars.items()}
        with registry.use(backend), recorder.scope:
            out = fn(*inputs)
        return tree.map_structure(tf.convert_to_tensor, out)

    return endpoint


def _as_signature(traced):
    return lambda *inputs: _output_dict(traced(*inputs))


def write_export_archive(archive, filepath, options=None, verbose: bool = True) -> None:
    """Writes a :class:`dlx.export.ExportArchive` as a SavedModel folder at ``filepath``
    (crash-safely). Each tracked variable becomes one ``tf.Variable`` (its trainable flag kept);
    each endpoint a ``tf.function`` attribute; ``"serve"`` is also ``serving_default``; every
    endpoint is a signature of its own name."""

    path = os.fspath(filepath)
    backend = registry.get("tf")
    module = tf.Module()
    tf_vars = {}
    for i, v in enumerate(archive.variables):
        name = re.sub(r"[^A-Za-z0-9_.\-]", "_", v.path)
        tf_vars[id(v)] = tf.Variable(v.numpy(), trainable=v.trainable, name=name or f"variable_{i}")
    module._dlx_variables = list(tf_vars.values())
    for name, variables in archive._collections.items():
        setattr(module, name, [tf_vars[id(v)] for v in variables])
    signatures = {}
    for name, (fn, specs) in archive._endpoints.items():
        tf_specs = [tf.TensorSpec(s.shape, tf.as_dtype(s.dtype), name=_name(s.name, i)) for i, s in enumerate(specs)]
        recorder = _ReadRecorder([])
        traced = tf.function(_endpoint(fn, recorder, archive, tf_vars, backend), input_signature=tf_specs,
                             autograph=False)
        traced.get_concrete_function()
        if recorder.missed:
            paths = sorted(getattr(v, "path", "?") for v in recorder.missed.values())
            raise ValueError(f"ExportArchive: endpoint {name!r} reads variable(s) {paths} of no tracked object; "
                             "call archive.track(layer_or_model) on their owner before write_out()")
        setattr(module, name, traced)
        signature = tf.function(_as_signature(traced), input_signature=tf_specs, autograph=False)
        signatures[name] = signature.get_concrete_function()
    if "serve" in signatures:
        signatures["serving_default"] = signatures["serve"]
    with dlx_export.atomic_directory(path) as tmp:
        tf.saved_model.save(module, tmp, signatures=signatures, options=options)
    if verbose:
        print(f"Exported ExportArchive to {path}; endpoints: {sorted(archive._endpoints)}; "
              f"variable collections: {sorted(archive._collections)}")
