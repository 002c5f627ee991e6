"""``model.export(path, format="tf_saved_model")``: a TensorFlow SavedModel for serving.

The forward pass (``training=False``) runs on dlx's TF backend inside a ``tf.function`` whose
weights are ``tf.Variable`` s owned by a ``tf.Module``; the SavedModel has a
``serving_default`` signature (inputs named after the model's inputs, outputs ``output_0``,
``output_1``...) and also exposes the function as ``serve``. Load it with
``tf.saved_model.load(path)`` -- no dlx needed.
"""

from __future__ import annotations

import os
import re

import tensorflow as tf

from dlx.backend import registry
from dlx.saving import export as dlx_export


def _name(s: str | None, i: int) -> str:
    if not s:
        return f"input_{i}"
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", s)


def export_saved_model(model, filepath, verbose: bool = True, input_signature=None, batch_size: int | None = None,
                       **kwargs) -> None:
    """Writes a SavedModel folder at ``filepath`` (crash-safely: built next to it, then swapped in).

    Arguments:
        model: the dlx model (its variables may live on any backend).
        filepath: the SavedModel folder.
        verbose: print what was written.
        input_signature: input specs (default: the model's inputs; ``None`` dimensions stay free).
        batch_size: export with this fixed size for ``None`` dimensions (for layers that need
            static shapes when traced).
    """
    if kwargs:
        raise TypeError(f"export(format='tf_saved_model'): unexpected keyword argument(s) {sorted(kwargs)}")
    path = os.fspath(filepath)
    specs = dlx_export.input_signature(model, input_signature)
    if batch_size is not None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"export(format='tf_saved_model'): batch_size={batch_size!r}; expected an int >= 1")
        specs = [dlx_export.TensorSpec(tuple(batch_size if d is None else d for d in s.shape), s.dtype, s.name)
                 for s in specs]
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
        if batch_size is None and any(d is None for s in specs for d in s.shape):
            raise ValueError(f"export(format='tf_saved_model'): tracing model '{model.name}' with free (None) "
                             f"dimensions failed ({type(e).__name__}: {e}); some layer needs static shapes: pass "
                             "batch_size=N (or an input_signature with fixed sizes)") from e
        raise
    with dlx_export.atomic_directory(path) as tmp:
        tf.saved_model.save(module, tmp, signatures={"serving_default": concrete})
    if verbose:
        ins = ", ".join(f"{s.name}{list(s.shape)}:{s.dtype.name}" for s in tf_specs)
        outs = ", ".join(f"{k}{list(v.shape)}" for k, v in concrete.structured_outputs.items())
        print(f"Exported TF SavedModel to {path}; serving_default({ins}) -> {outs}")
