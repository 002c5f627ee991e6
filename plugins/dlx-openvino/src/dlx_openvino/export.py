"""``model.export(path, format="openvino")``: the model as an OpenVINO IR (``.xml`` + ``.bin``).

The forward pass (``training=False``) is traced with the backend's own tracing machinery (the
kernels that :meth:`OpenVINOBackend.compile` uses): inputs become ``Parameter`` s, the weights
become constants, and the whole pass becomes one ``ov.Model``, written with
``openvino.save_model``. The backend traces static shapes, so that route serves signatures
without free dimensions (or ``batch_size=N``, which fixes the batch).

Free (``None``) dimensions -- the batch by default, the sequence length of attention models --
stay free (``-1`` in the IR): the forward pass is then traced by dlx-tf as a ``tf.function`` and
converted by OpenVINO's own TensorFlow frontend (``openvino.convert_model``); that route needs the
dlx-tf plugin (TensorFlow) at export time, never at run time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import tempfile

import openvino as ov
import openvino.opset16 as O

from dlx.backend import registry
from dlx.saving import export as dlx_export
from dlx_openvino import _graph as G
from dlx_openvino.backend import OVTensor, _flatten_outputs, tracing


def trace_model(model, input_signature=None, batch_size: int = 1) -> ov.Model:
    """The inference graph of ``model`` as an ``ov.Model`` (weights as constants).

    Arguments:
        model: a built dlx model (its variables may live on any backend).
        input_signature: input specs (default: the model's inputs).
        batch_size: the size used for ``None`` dimensions.
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"export(format='openvino'): batch_size={batch_size!r}; expected an int >= 1")
    specs = dlx_export.input_signature(model, input_signature)
    fn, trainable, non_trainable = dlx_export.inference_function(model)
    backend = registry.get("openvino")
    params, args = [], []
    for i, spec in enumerate(specs):
        shape = [batch_size if d is None else int(d) for d in spec.shape]
        p = O.parameter(shape, G.ov_type(spec.dtype))
        name = spec.name or f"input_{i}"
        p.set_friendly_name(name)
        p.output(0).get_tensor().set_names({name})
        params.append(p)
        args.append(OVTensor(p.output(0)))
    with tracing(), registry.use(backend):
        outs = fn(trainable, non_trainable, *args)
    results, _ = _flatten_outputs(outs)
    for i, r in enumerate(results):
        r.get_tensor().set_names({f"output_{i}"})
    return ov.Model(results, params, model.name)


def _convert_via_tf(model, specs) -> ov.Model:
    """The graph with free dimensions: dlx-tf's serving ``tf.function`` converted by OpenVINO's
    TensorFlow frontend."""
    if importlib.util.find_spec("dlx_tf") is None or importlib.util.find_spec("tensorflow") is None:
        free = [f"{s.name or f'input_{i}'}{list(s.shape)}" for i, s in enumerate(specs)]
        raise ValueError(f"export(format='openvino'): the input signature {free} has free (None) dimensions, which "
                         "the OpenVINO tracer cannot keep; install dlx-tf (TensorFlow) to export them free, or pass "
                         "batch_size=N (and fixed sizes in input_signature) for a static graph")
    from dlx_tf.export import serving_function

    _, concrete, tf_specs = serving_function(model, specs, None, "openvino")
    graph = ov.convert_model(concrete)
    for p, spec in zip(graph.get_parameters(), tf_specs):
        p.set_friendly_name(spec.name)
        p.output(0).get_tensor().set_names({spec.name})
    for i, r in enumerate(graph.outputs):
        r.get_tensor().set_names({f"output_{i}"})
    return graph


def export_openvino(model, filepath, verbose: bool = True, input_signature=None, batch_size: int | None = None,
                    compress_to_fp16: bool = False, **kwargs) -> None:
    """Writes ``filepath`` (``.xml``) and the ``.bin`` next to it, crash-safely.

    Arguments:
        model: the dlx model.
        filepath: the IR path, ending in ``.xml``.
        verbose: print what was written.
        input_signature: input specs (default: the model's inputs).
        batch_size: fix the batch dimension to this size (default: free).
        compress_to_fp16: store the weights as float16 (OpenVINO's option; off by default so the
            export reproduces float32 predictions).
    """
    if kwargs:
        raise TypeError(f"export(format='openvino'): unexpected keyword argument(s) {sorted(kwargs)}")
    if batch_size is not None and (not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1):
        raise ValueError(f"export(format='openvino'): batch_size={batch_size!r}; expected an int >= 1")
    path = os.fspath(filepath)
    if not path.endswith(".xml"):
        raise ValueError(f"export(format='openvino'): filepath={path!r} must end in '.xml' (the .bin is written "
                         "next to it)")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"export(format='openvino'): the folder {folder} does not exist")
    specs = dlx_export.input_signature(model, input_signature)
    if batch_size is not None:
        specs = [dlx_export.TensorSpec((batch_size if s.shape and s.shape[0] is None else s.shape[0], *s.shape[1:]),
                                       s.dtype, s.name) for s in specs]
    free = any(d is None for s in specs for d in s.shape)
    graph = _convert_via_tf(model, specs) if free else trace_model(model, specs)
    tmp = tempfile.mkdtemp(prefix=".openvino_export.", dir=folder)
    try:
        ov.save_model(graph, os.path.join(tmp, "model.xml"), compress_to_fp16=compress_to_fp16)
        # the .bin first: a reader opens the .xml, which must never point at a missing .bin
        os.replace(os.path.join(tmp, "model.bin"), path[:-4] + ".bin")
        os.replace(os.path.join(tmp, "model.xml"), path)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
    if verbose:
        ins = ", ".join(f"{p.get_friendly_name()}{p.get_partial_shape()}:{p.get_element_type().get_type_name()}"
                        for p in graph.get_parameters())
        print(f"Exported OpenVINO IR to {path} (+ .bin); inputs: {ins}; {len(graph.outputs)} output(s)")
