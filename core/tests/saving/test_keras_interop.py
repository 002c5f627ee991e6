"""Keras 3 files load into dlx and dlx files load into Keras 3, with the same predictions.

Keras runs in subprocesses (``KERAS_BACKEND=jax``, ``keras_side.py``) so its backend choice never
touches this process. Covered: the four reference models (an MLP, a CNN with BatchNormalization,
stacked LSTMs, a Functional model with two inputs; ``.keras`` with compile config and Adam
state, and ``.weights.h5``), and a one-layer model for every layer dlx and Keras share.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import dlx

from .conftest import HERE, keras_side, outputs

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                reason="Keras 3 interop needs `keras` and `jax` installed (the `interop` nox session "
                                       "installs them); keras is a test-only dependency of dlx")
ks = keras_side()
TOL = {"rtol": 1e-5, "atol": 1e-5}


def _run_keras(command: str, folder) -> None:
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_side.py"), command, str(folder)], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"keras_side.py {command} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"


def _npz(path) -> list[np.ndarray]:
    with np.load(path) as f:
        return [f[f"arr_{i}"] for i in range(len(f.files))]


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    """Files written by Keras 3 (one subprocess for all of them)."""
    folder = tmp_path_factory.mktemp("keras_written")
    _run_keras("write", folder)
    return folder


@pytest.fixture(scope="module")
def dlx_files(tmp_path_factory):
    """Files written by dlx (on NumPy) from models it trained, read back by Keras 3."""
    folder = tmp_path_factory.mktemp("dlx_written")
    expected = {}
    with dlx.backend.use("numpy"):
        dlx.utils.set_random_seed(3)
        for kind in ks.KINDS:
            m = ks.build(dlx, kind)
            xs = ks.inputs(m)
            m.compile(optimizer="adam", loss="mse")
            y = outputs(m(ks._x(xs), training=False))[0]
            m.fit(ks._x(xs), y * 0.5 + 0.1, epochs=2, batch_size=4, verbose=0, shuffle=False)
            m.save(folder / f"{kind}.dlx.keras")
            m.save_weights(folder / f"{kind}.dlx.weights.h5")
            np.savez(folder / f"{kind}.x.npz", *xs)
            expected[kind] = outputs(m(ks._x(xs), training=False))[0]
        for entry in ks.CATALOG:
            m = ks.catalog_model(dlx, entry)
            ks.perturb(m)
            m.save(folder / f"cat_{entry[0]}.dlx.keras")
            expected[f"cat_{entry[0]}"] = outputs(m(ks._x(ks.catalog_inputs(entry)), training=False))
    _run_keras("read", folder)
    with open(folder / "keras_read.json") as f:
        report = json.load(f)
    return folder, expected, report


@pytest.mark.parametrize("kind", ks.KINDS)
def test_keras_model_file_loads_in_dlx(keras_files, kind):
    xs = _npz(keras_files / f"{kind}.x.npz")
    expected = np.load(keras_files / f"{kind}.keras_pred.npy")
    with dlx.backend.use("numpy"):
        m = dlx.models.load_model(keras_files / f"{kind}.keras")
        np.testing.assert_allclose(outputs(m.predict(ks._x(xs), verbose=0))[0], expected, **TOL)
        # the compile config and the Adam state (iterations, learning rate, moments) came across
        assert m.compiled and type(m.optimizer).__name__ == "Adam"
        keras_opt = _npz(keras_files / f"{kind}.keras_opt.npz")
        assert len(keras_opt) == len(m.optimizer.variables)
        for a, v in zip(keras_opt, m.optimizer.variables):
            np.testing.assert_array_equal(np.asarray(v.numpy(), a.dtype), a)
        assert int(m.optimizer.iterations.numpy()) == 4


@pytest.mark.parametrize("kind", ks.KINDS)
def test_keras_weights_file_loads_in_dlx(keras_files, kind):
    xs = _npz(keras_files / f"{kind}.x.npz")
    expected = np.load(keras_files / f"{kind}.keras_pred.npy")
    with dlx.backend.use("numpy"):
        m = ks.build(dlx, kind)
        m.load_weights(keras_files / f"{kind}.weights.h5")
        np.testing.assert_allclose(outputs(m(ks._x(xs), training=False))[0], expected, **TOL)


@pytest.mark.parametrize("kind", ks.KINDS)
def test_dlx_files_load_in_keras(dlx_files, kind):
    folder, expected, report = dlx_files
    assert report[kind] == {"optimizer": "Adam", "iterations": 4}, report[kind]
    np.testing.assert_allclose(np.load(folder / f"{kind}.keras_from_dlx.npy"), expected[kind], **TOL)
    np.testing.assert_allclose(np.load(folder / f"{kind}.keras_from_dlx_weights.npy"), expected[kind], **TOL)


@pytest.mark.parametrize("entry", ks.CATALOG, ids=[e[0] for e in ks.CATALOG])
def test_shared_layer_keras_to_dlx(keras_files, entry):
    name = entry[0]
    expected = _npz(keras_files / f"cat_{name}.keras_pred.npz")
    with dlx.backend.use("numpy"):
        m = dlx.models.load_model(keras_files / f"cat_{name}.keras")
        got = outputs(m(ks._x(ks.catalog_inputs(entry)), training=False))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, **TOL)


@pytest.mark.parametrize("entry", ks.CATALOG, ids=[e[0] for e in ks.CATALOG])
def test_shared_layer_dlx_to_keras(dlx_files, entry):
    folder, expected, report = dlx_files
    name = f"cat_{entry[0]}"
    assert name not in report, f"Keras could not load the dlx file: {report.get(name)}"
    got = _npz(folder / f"{name}.keras_from_dlx.npz")
    assert len(got) == len(expected[name])
    for g, e in zip(got, expected[name]):
        np.testing.assert_allclose(g, e, **TOL)


_ADDED = [e for e in ks.CATALOG if e[0] in ks.ADDED_LAYERS]


@pytest.mark.parametrize("backend_name", ["jax", "torch", "tf"])
def test_added_layers_keras_to_dlx_every_backend(keras_files, backend_name):
    """The layers added for Keras parity load from Keras files with equal outputs on every training backend."""
    try:
        b = dlx.backend.registry.get(backend_name)
    except Exception as e:
        pytest.skip(f"backend {backend_name!r} unavailable: {e}")
    with dlx.backend.use(b):
        for entry in _ADDED:
            expected = _npz(keras_files / f"cat_{entry[0]}.keras_pred.npz")
            m = dlx.models.load_model(keras_files / f"cat_{entry[0]}.keras")
            got = outputs(m(ks._x(ks.catalog_inputs(entry)), training=False))
            assert len(got) == len(expected), entry[0]
            for g, e in zip(got, expected):
                np.testing.assert_allclose(g, e, **TOL, err_msg=f"{entry[0]} on {backend_name}")


def test_keras_legacy_h5_loads_in_dlx(tmp_path):
    """A legacy ``.h5`` written by Keras itself (``model.save("m.h5")``) loads, compiled."""
    script = (
        "import keras, numpy as np, sys\n"
        "keras.utils.set_random_seed(0)\n"
        "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation='relu'),"
        " keras.layers.BatchNormalization(), keras.layers.Dense(2)])\n"
        "m.compile('sgd', 'mse')\n"
        "x = np.linspace(-1, 1, 20, dtype='float32').reshape(5, 4)\n"
        "m.save(sys.argv[1] + '/legacy.h5')\n"
        "np.save(sys.argv[1] + '/pred.npy', m.predict(x, verbose=0))\n")
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    x = np.linspace(-1, 1, 20, dtype="float32").reshape(5, 4)
    with dlx.backend.use("numpy"):
        m = dlx.models.load_model(tmp_path / "legacy.h5")
        np.testing.assert_allclose(outputs(m(x, training=False))[0], np.load(tmp_path / "pred.npy"), **TOL)
        assert type(m.optimizer).__name__ == "SGD"


def test_keras_legacy_h5_positional_load_follows_keras_layer_order(tmp_path):
    """Keras reads and writes a legacy ``.h5`` by position in *its* layer order (by depth), not
    in call order: a branching model whose layer names differ from the file's still loads each
    weight into the right layer (three same-shaped kernels that call order would swap)."""
    script = (
        "import keras, numpy as np, sys\n"
        "keras.utils.set_random_seed(0)\n"
        "x = keras.Input((4,), name='k_in')\n"
        "a = keras.layers.Dense(4, name='k_a')(x)\n"
        "b = keras.layers.Dense(4, activation='tanh', name='k_b1')(x)\n"
        "b = keras.layers.Dense(4, name='k_b2')(b)\n"
        "y = keras.layers.Dense(2, name='k_out')(keras.layers.Add(name='k_add')([a, b]))\n"
        "m = keras.Model(x, y)\n"
        "m.save(sys.argv[1] + '/legacy.h5')\n"
        "print([la.name for la in m.layers])\n"
        "np.save(sys.argv[1] + '/pred.npy', m.predict(np.linspace(-1, 1, 20, dtype='float32').reshape(5, 4),"
        " verbose=0))\n")
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "['k_in', 'k_b1', 'k_a', 'k_b2', 'k_add', 'k_out']" in proc.stdout  # Keras's order, not call order
    with dlx.backend.use("numpy"):
        x = dlx.Input((4,))
        a = dlx.layers.Dense(4)(x)
        b = dlx.layers.Dense(4, activation="tanh")(x)
        b = dlx.layers.Dense(4)(b)
        m = dlx.Model(x, dlx.layers.Dense(2)(dlx.layers.Add()([a, b])))
        m.load_weights(tmp_path / "legacy.h5")
        got = outputs(m(np.linspace(-1, 1, 20, dtype="float32").reshape(5, 4)))[0]
        np.testing.assert_allclose(got, np.load(tmp_path / "pred.npy"), **TOL)
