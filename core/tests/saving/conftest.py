"""Shared helpers of the saving tests: the installed backends and the interop model builders."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from dlx.backend import registry

HERE = Path(__file__).parent


def keras_side():
    """The ``keras_side`` helper module (model builders shared with the Keras subprocess)."""
    name = "dlx_saving_keras_side"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "keras_side.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


def installed_backends() -> list[str]:
    """Usable backends (``DLX_TEST_BACKENDS=a,b`` narrows the list)."""
    names = [n for n, rec in sorted(registry.records().items()) if registry.usable(rec)]
    wanted = os.environ.get("DLX_TEST_BACKENDS")
    if wanted:
        keep = {w.strip() for w in wanted.split(",") if w.strip()}
        names = [n for n in names if n in keep]
    return names


def get_backend(name: str):
    try:
        return registry.get(name)
    except Exception as e:  # a broken plugin skips its tests, with the reason
        pytest.skip(f"backend {name!r} failed to load: {type(e).__name__}: {e}")


def outputs(y) -> list[np.ndarray]:
    """Model outputs as a list of NumPy arrays."""
    from dlx import ops

    items = y if isinstance(y, (list, tuple)) else [y]
    return [np.asarray(ops.convert_to_numpy(v)) for v in items]


def write_keras2_h5(path, weights, functional=False):
    """A Keras 2 model file written by hand, following the measured layout."""
    d1 = {"class_name": "Dense", "config": {"name": "d1", "trainable": True, "dtype": "float32", "units": 3,
                                            "activation": "relu", "use_bias": True,
                                            "kernel_initializer": {"class_name": "GlorotUniform",
                                                                   "config": {"seed": None}},
                                            "bias_initializer": {"class_name": "Zeros", "config": {}},
                                            "kernel_regularizer": None, "bias_regularizer": None,
                                            "activity_regularizer": None, "kernel_constraint": None,
                                            "bias_constraint": None}}
    d2 = json.loads(json.dumps(d1))
    d2["config"].update(name="d2", units=2, activation="linear")
    if functional:
        inp = {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
                                                      "sparse": False, "ragged": False, "name": "in"},
               "name": "in", "inbound_nodes": []}
        d1.update(name="d1", inbound_nodes=[[["in", 0, 0, {}]]])
        d2.update(name="d2", inbound_nodes=[[["d1", 0, 0, {}]]])
        config = {"class_name": "Functional", "config": {"name": "model", "layers": [inp, d1, d2],
                                                         "input_layers": [["in", 0, 0]],
                                                         "output_layers": [["d2", 0, 0]]}}
    else:
        d1["config"]["batch_input_shape"] = [None, 4]
        config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [d1, d2]}}
    training = {"loss": "mse", "metrics": ["mae"], "weighted_metrics": None, "loss_weights": None,
                "optimizer_config": {"class_name": "SGD", "config": {"name": "SGD", "learning_rate": 0.05,
                                                                     "momentum": 0.0, "nesterov": False}}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["training_config"] = json.dumps(training)
        g = f.create_group("model_weights")
        names = ["in", "d1", "d2"] if functional else ["d1", "d2"]
        g.attrs["layer_names"] = np.array([n.encode() for n in names])
        if functional:
            g.create_group("in").attrs["weight_names"] = np.array([], dtype="S1")
        for name, (k, b) in zip(("d1", "d2"), weights):
            lg = g.create_group(name)
            lg.attrs["weight_names"] = np.array([f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()])
            lg.create_dataset(f"{name}/kernel:0", data=k)
            lg.create_dataset(f"{name}/bias:0", data=b)
        og = f.create_group("optimizer_weights")
        og.attrs["weight_names"] = np.array([b"SGD/iter:0"])
        og.create_dataset("SGD/iter:0", data=np.int64(7))
