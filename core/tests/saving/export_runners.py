"""``python export_runners.py FORMAT FOLDER``: runs every artefact of ``FORMAT`` listed in
``FOLDER/manifest.json`` in that format's own runtime and writes the outputs next to the inputs.
``bench/export_latency.py`` times the same runner functions (``threads=None``: the runtime's default).

This file imports only NumPy and the one runtime (it never imports dlx, nor another framework);
it asserts so before exiting. Each manifest entry is ``{"format", "artefact", "inputs": [[x.npy per
model input] per batch], "outputs": [out.npy per batch]}`` (single-output models)."""

from __future__ import annotations

import json
import sys

import numpy as np

FORBIDDEN = {"onnx": ("dlx", "tensorflow", "torch", "jax", "openvino"),
             "litert": ("dlx", "tensorflow", "torch", "jax", "openvino", "onnxruntime"),
             "tf_saved_model": ("dlx", "torch", "openvino", "onnxruntime"),  # TF itself may import jax
             "openvino": ("dlx", "tensorflow", "torch", "jax", "onnxruntime")}


def onnx_runner(path, threads=1):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    return lambda xs: sess.run(None, dict(zip(names, xs)))[0]


def litert_runner(path, threads=1):
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=path, **({"num_threads": threads} if threads else {}))
    shapes = {}

    def run(xs):
        if shapes.get("last") != [x.shape for x in xs]:  # resize (and re-plan) only when the shapes change
            for d, x in zip(interp.get_input_details(), xs):
                interp.resize_tensor_input(d["index"], list(x.shape))
            interp.allocate_tensors()
            shapes["last"] = [x.shape for x in xs]
        for d, x in zip(interp.get_input_details(), xs):
            interp.set_tensor(d["index"], x)
        interp.invoke()
        return interp.get_tensor(interp.get_output_details()[0]["index"])

    return run


def saved_model_runner(path, threads=1):
    import tensorflow as tf

    if threads and tf.config.threading.get_intra_op_parallelism_threads() != threads:  # settable once
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    loaded = tf.saved_model.load(path)  # kept referenced: its variables live as long as it does
    return lambda xs: loaded.serve(*[tf.constant(x) for x in xs])["output_0"].numpy()  # serving_default, positional


def openvino_runner(path, threads=1):
    import openvino as ov

    config = {"INFERENCE_PRECISION_HINT": "f32", **({"INFERENCE_NUM_THREADS": threads} if threads else {})}
    compiled = ov.Core().compile_model(path, "CPU", config)
    return lambda xs: np.asarray(compiled(xs)[compiled.outputs[0]])


RUNNERS = {"onnx": onnx_runner, "litert": litert_runner, "tf_saved_model": saved_model_runner,
           "openvino": openvino_runner}


def main(fmt, folder):
    with open(f"{folder}/manifest.json") as f:
        entries = [e for e in json.load(f) if e["format"] == fmt]
    for e in entries:
        run = RUNNERS[fmt](f"{folder}/{e['artefact']}")
        for xs_files, out_file in zip(e["inputs"], e["outputs"]):
            np.save(f"{folder}/{out_file}", np.asarray(run([np.load(f"{folder}/{x}") for x in xs_files])))
    loaded = sorted({m.split(".")[0] for m in sys.modules} & set(FORBIDDEN[fmt]))
    assert not loaded, f"the {fmt} runner imported {loaded}"
    print(f"{fmt}: ran {len(entries)} artefact(s)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
