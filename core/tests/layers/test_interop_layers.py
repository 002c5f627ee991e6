"""TorchModuleWrapper (torch), JaxLayer / FlaxLayer (jax) and TFSMLayer (tf): outputs equal the
wrapped framework code run directly on the same weights, an end-to-end ``fit``, ``get_config``
and ``.keras`` round trips (safe mode refuses the pickled / external code, as in Keras), and the
Keras 3 interop of the ``.keras`` files (a subprocess on the matching Keras backend)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx import ops
from dlx.backend import registry

HERE = Path(__file__).parent


def _use(name):
    rec = registry.records().get(name)
    if rec is None or not registry.usable(rec):
        pytest.skip(f"backend {name!r} is not usable here")
    return dlx.backend.use(name)


def _np(v):
    return np.asarray(ops.convert_to_numpy(v))


def _data(n=48, d=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype("float32")
    return x, (x[:, :1] - 0.5 * x[:, 1:2]).astype("float32")


def _keras(backend, script, *args):
    if importlib.util.find_spec("keras") is None:
        pytest.skip("the Keras interop check needs `keras` installed (test-only)")
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu",
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", script, *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]


# ----------------------------------------------------------------------------------------- torch
def _torch_module():
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Tanh(), torch.nn.Linear(8, 2))


def test_torch_module_wrapper_trains_and_round_trips(tmp_path):
    with _use("torch"):
        import torch

        module = _torch_module()
        layer = L.TorchModuleWrapper(module, output_shape=(None, 2))  # Keras needs it to rebuild the file
        assert [v.path.split("/")[-1] for v in layer.trainable_weights] == [n for n, _ in module.named_parameters()]
        x, y = _data()
        module.eval()
        with torch.no_grad():
            direct = module(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(_np(layer(x, training=False)), direct, rtol=1e-6, atol=1e-6)
        inp = dlx.Input((4,))
        model = dlx.Model(inp, L.Dense(1)(layer(inp)))
        assert model.output_shape == (None, 1)
        before = [w.copy() for w in layer.get_weights()]
        model.compile(optimizer=dlx.optimizers.Adam(0.02), loss="mse")
        hist = model.fit(x, y, epochs=6, batch_size=16, verbose=0)
        assert hist.history["loss"][-1] < 0.7 * hist.history["loss"][0]
        assert all(not np.allclose(a, b) for a, b in zip(before, layer.get_weights()))
        # the module computes with the trained variables (running statistics updated too)
        module.eval()
        with torch.no_grad():
            direct = module(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(_np(layer(x, training=False)), direct, rtol=1e-6, atol=1e-6)
        assert not np.allclose(module[1].running_mean.numpy(), 0)
        pred = model.predict(x, verbose=0)
        path = tmp_path / "torch.keras"
        model.save(path)
        with pytest.raises(Exception, match="safe"):
            dlx.saving.load_model(path)
        loaded = dlx.saving.load_model(path, safe_mode=False)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), pred, rtol=1e-6, atol=1e-6)
        cfg = layer.get_config()
        assert set(cfg) >= {"module", "output_shape", "name"}
        inferred = L.TorchModuleWrapper(_torch_module())  # the output shape found by running the module
        assert inferred.compute_output_shape((None, 4)) == (None, 2)
        np.save(tmp_path / "x.npy", x)
        np.save(tmp_path / "pred.npy", pred)
    with pytest.raises(ValueError, match="'torch' backend"), dlx.backend.use("numpy"):
        L.TorchModuleWrapper(module)


_KERAS_TORCH = """
import sys, numpy as np, keras, torch
folder = sys.argv[1]
x = np.load(folder + "/x.npy")
m = keras.saving.load_model(folder + "/torch.keras", safe_mode=False)
np.save(folder + "/keras_pred.npy", keras.ops.convert_to_numpy(m.predict(x, verbose=0)))
torch.manual_seed(1)
mod = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
inp = keras.Input((4,))
k = keras.Model(inp, keras.layers.Dense(1)(keras.layers.TorchModuleWrapper(mod, output_shape=(None, 2))(inp)))
k.save(folder + "/by_keras.keras")
np.save(folder + "/by_keras_pred.npy", keras.ops.convert_to_numpy(k.predict(x, verbose=0)))
"""


def test_torch_module_wrapper_keras_files(tmp_path):
    test_torch_module_wrapper_trains_and_round_trips(tmp_path)
    _keras("torch", _KERAS_TORCH, tmp_path)
    x = np.load(tmp_path / "x.npy")
    np.testing.assert_allclose(np.load(tmp_path / "keras_pred.npy"), np.load(tmp_path / "pred.npy"), rtol=1e-5,
                               atol=1e-5)
    with _use("torch"):
        m = dlx.saving.load_model(tmp_path / "by_keras.keras", safe_mode=False)
        np.testing.assert_allclose(m.predict(x, verbose=0), np.load(tmp_path / "by_keras_pred.npy"), rtol=1e-5,
                                   atol=1e-5)


# ------------------------------------------------------------------------------------------- jax
def _side():
    name = "interop_side"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "interop_side.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


def test_jax_layer_matches_jax_trains_and_round_trips(tmp_path):
    side = _side()
    with _use("jax"):
        import jax.numpy as jnp

        layer = L.JaxLayer(side.mlp_call, side.mlp_init, seed=3)
        inp = dlx.Input((4,))
        model = dlx.Model(inp, L.Dense(1)(layer(inp)))
        params = {"b": layer.weights[0], "w": layer.weights[1]}
        assert [tuple(v.shape) for v in layer.weights] == [(5,), (4, 5)] and all(v.trainable for v in layer.weights)
        x, y = _data()
        direct = np.tanh(x @ _np(params["w"].value) + _np(params["b"].value))
        np.testing.assert_allclose(_np(layer(x)), direct, rtol=1e-5, atol=1e-6)
        assert not np.allclose(_np(layer(x, training=True)), direct)  # dropout from the rng in training
        model.compile(optimizer=dlx.optimizers.Adam(0.03), loss="mse")
        hist = model.fit(x, y, epochs=6, batch_size=16, verbose=0)
        assert hist.history["loss"][-1] < 0.7 * hist.history["loss"][0]
        pred = model.predict(x, verbose=0)
        path = tmp_path / "jax.keras"
        model.save(path)
        loaded = dlx.saving.load_model(path, custom_objects=side.CUSTOM)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), pred, rtol=1e-6, atol=1e-6)
        np.save(tmp_path / "x.npy", x)
        np.save(tmp_path / "pred.npy", pred)
        # state: non-trainable, updated by the call
        counter = L.JaxLayer(side.counter_call, params={"scale": np.float32(2.0)},
                             state={"count": np.zeros((), "float32")})
        assert [v.trainable for v in counter.weights] == [True, False]
        out = counter(x[:2])
        np.testing.assert_allclose(_np(out), 2 * x[:2], rtol=1e-6)
        assert float(_np(counter.weights[1].value)) == 1.0
        assert isinstance(jnp.zeros(1), type(ops.convert_to_tensor(out)))
    with pytest.raises(ValueError, match="`inputs`"), dlx.backend.use("jax"):
        L.JaxLayer(lambda params: params, params={})
    with pytest.raises(ValueError, match="init_fn, params and state"), dlx.backend.use("jax"):
        L.JaxLayer(side.mlp_call)
    with pytest.raises(ValueError, match="'jax' backend"), dlx.backend.use("numpy"):
        L.JaxLayer(side.mlp_call, side.mlp_init)


_KERAS_JAX = """
import sys, numpy as np, keras, interop_side as side
folder = sys.argv[1]
x = np.load(folder + "/x.npy")
m = keras.saving.load_model(folder + "/jax.keras", custom_objects=side.CUSTOM)
np.save(folder + "/keras_pred.npy", keras.ops.convert_to_numpy(m.predict(x, verbose=0)))
inp = keras.Input((4,))
k = keras.Model(inp, keras.layers.Dense(1)(keras.layers.JaxLayer(side.mlp_call, side.mlp_init, seed=5)(inp)))
k.save(folder + "/by_keras.keras")
np.save(folder + "/by_keras_pred.npy", keras.ops.convert_to_numpy(k.predict(x, verbose=0)))
"""


def test_jax_layer_keras_files(tmp_path):
    test_jax_layer_matches_jax_trains_and_round_trips(tmp_path)
    _keras("jax", _KERAS_JAX, tmp_path)
    x = np.load(tmp_path / "x.npy")
    np.testing.assert_allclose(np.load(tmp_path / "keras_pred.npy"), np.load(tmp_path / "pred.npy"), rtol=1e-5,
                               atol=1e-5)
    with _use("jax"):
        m = dlx.saving.load_model(tmp_path / "by_keras.keras", custom_objects=_side().CUSTOM)
        np.testing.assert_allclose(m.predict(x, verbose=0), np.load(tmp_path / "by_keras_pred.npy"), rtol=1e-5,
                                   atol=1e-5)


def test_flax_layer():
    """With flax installed: a flax.linen module trains inside a model; without it: a clear
    ImportError naming flax."""
    with _use("jax"):
        if importlib.util.find_spec("flax") is None:
            with pytest.raises(ImportError, match="flax"):
                L.FlaxLayer(object())
            return
        from flax import linen as nn

        class MLP(nn.Module):
            @nn.compact
            def __call__(self, x, training=False):
                x = nn.Dense(5)(x)
                x = nn.Dropout(0.1, deterministic=not training)(x)
                return nn.Dense(1)(nn.tanh(x))

        layer = L.FlaxLayer(MLP())
        inp = dlx.Input((4,))
        model = dlx.Model(inp, layer(inp))
        x, y = _data()
        variables = {"params": layer.params}
        import jax

        direct = MLP().apply(jax.tree_util.tree_map(lambda v: v.value, variables), x)
        np.testing.assert_allclose(_np(layer(x)), np.asarray(direct), rtol=1e-5, atol=1e-6)
        model.compile(optimizer=dlx.optimizers.Adam(0.03), loss="mse")
        hist = model.fit(x, y, epochs=6, batch_size=16, verbose=0)
        assert hist.history["loss"][-1] < hist.history["loss"][0]


# -------------------------------------------------------------------------------------------- tf
def _saved_model(path):
    import tensorflow as tf

    class Scaler(tf.Module):
        def __init__(self):
            rng = np.random.default_rng(0)
            self.w = tf.Variable(rng.standard_normal((4, 3)).astype("float32"))
            self.b = tf.Variable(np.full(3, 0.1, "float32"))

        @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32)])
        def serve(self, x):
            return tf.nn.relu(tf.matmul(x, self.w) + self.b)

        @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32)])
        def train(self, x):
            return tf.nn.relu(tf.matmul(x, self.w) + self.b) * 2.0

    module = Scaler()
    tf.saved_model.save(module, str(path))
    return module


def test_tfsm_layer(tmp_path):
    with _use("tf"):
        module = _saved_model(tmp_path / "sm")
        layer = L.TFSMLayer(tmp_path / "sm", call_endpoint="serve", call_training_endpoint="train")
        assert [tuple(v.shape) for v in layer.weights] == [(4, 3), (3,)] and not layer.trainable_weights
        x, y = _data()
        direct = module.serve(x).numpy()
        np.testing.assert_allclose(_np(layer(x)), direct, rtol=1e-6)
        np.testing.assert_allclose(_np(layer(x, training=True)), 2 * direct, rtol=1e-6)
        inp = dlx.Input((4,))
        model = dlx.Model(inp, L.Dense(1)(layer(inp)))
        assert model.output_shape == (None, 1)
        model.compile(optimizer=dlx.optimizers.Adam(0.05), loss="mse")
        hist = model.fit(x, y, epochs=6, batch_size=16, verbose=0)
        assert hist.history["loss"][-1] < hist.history["loss"][0]
        np.testing.assert_allclose(_np(layer(x)), direct, rtol=1e-6)  # the SavedModel stays as it was
        pred = model.predict(x, verbose=0)
        path = tmp_path / "tfsm.keras"
        model.save(path)
        with pytest.raises(Exception, match="safe"):
            dlx.saving.load_model(path)
        loaded = dlx.saving.load_model(path, safe_mode=False)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), pred, rtol=1e-6, atol=1e-6)
        assert layer.get_config()["call_training_endpoint"] == "train"
        with pytest.raises(ValueError, match="'nope'"):
            L.TFSMLayer(tmp_path / "sm", call_endpoint="nope")
    with pytest.raises(ValueError, match="'tf' backend"), dlx.backend.use("numpy"):
        L.TFSMLayer(tmp_path / "sm")
