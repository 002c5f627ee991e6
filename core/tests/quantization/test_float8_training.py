"""float8 training of Dense / EinsumDense against Keras 3 (``keras_float8_side.py`` in a
``KERAS_BACKEND=jax`` subprocess): after the same fit steps every variable (kernels, biases,
scales and amax histories, which the optimizer overwrites with their "gradients") and the
predictions equal Keras's on every training backend; a Keras-written float8 ``.keras`` file loads
in dlx and a dlx-written one loads in Keras, with equal outputs. The optimizer's
``overwrite_with_gradient`` rule is checked on its own against a float64 formula."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import layers, ops
from dlx import optimizers as O

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("dlx_keras_float8_side", HERE / "keras_float8_side.py")
side = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(side)

needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                 reason="Keras 3 interop needs `keras` and `jax` (test-only dependencies)")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _run_keras(command, folder):
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_float8_side.py"), command, str(folder)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_float8")
    _run_keras("write", folder)
    return folder


@needs_keras
def test_float8_training_matches_keras(training_backend, keras_files):
    model = side.prepare(dlx)
    assert model.layers[1].dtype_policy.name == "float8_from_float32"
    side.train(model)
    want = np.load(keras_files / "float8.vars.npz")
    assert [w.path for w in model.weights] == list(want.keys())
    for w in model.weights:
        np.testing.assert_allclose(_np(w.value), want[w.path], rtol=1e-5, atol=1e-6, err_msg=w.path)
    pred = np.load(keras_files / "float8.pred.npy")
    np.testing.assert_allclose(_np(model.predict(side.data()[0], verbose=0)), pred, rtol=1e-5, atol=1e-6)
    loaded = dlx.saving.load_model(keras_files / "float8.keras.keras")
    np.testing.assert_allclose(_np(loaded.predict(side.data()[0], verbose=0)), pred, rtol=1e-5, atol=1e-6)


@needs_keras
def test_dlx_float8_file_loads_in_keras(numpy_backend, tmp_path):
    model = side.prepare(dlx)
    side.train(model)
    model.save(tmp_path / "float8.dlx.keras")
    ours = _np(model.predict(side.data()[0], verbose=0))
    _run_keras("read", tmp_path)
    np.testing.assert_allclose(np.load(tmp_path / "float8.dlx_in_keras.npy"), ours, rtol=1e-5, atol=1e-6)


def test_overwrite_with_gradient_rule(numpy_backend):
    """Overwritten variables take their gradient (the maximum over accumulated steps), get no
    slots, and the others train as usual."""
    w = dlx.Variable(np.ones(3, "float32"), name="w")
    s = dlx.Variable(np.zeros(2, "float32"), name="s")
    s.overwrite_with_gradient = True
    opt = O.Adam(0.1, gradient_accumulation_steps=2)
    opt.build([w, s])
    assert opt._momentums[1] is None and len(opt._accumulated_gradients) == 2
    grads = [np.array([1.0, 5.0], "float32"), np.array([3.0, 2.0], "float32")]
    opt.apply([np.ones(3, "float32"), grads[0]], [w, s])
    np.testing.assert_array_equal(_np(s.value), [0.0, 0.0])  # not an update step
    opt.apply([np.ones(3, "float32"), grads[1]], [w, s])
    np.testing.assert_array_equal(_np(s.value), np.maximum(*grads))
    m, v = 0.1 * 1.0, 0.001 * 1.0
    np.testing.assert_allclose(_np(w.value), 1 - 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9) * m / (np.sqrt(v) + 1e-7),
                               rtol=1e-6)
    opt2 = O.SGD(0.5)
    opt2.apply([np.ones(3, "float32"), grads[0]], [w, s])
    np.testing.assert_array_equal(_np(s.value), grads[0])


def test_float8_errors(numpy_backend):
    e = layers.Embedding(5, 3)
    e.build((None,))
    with pytest.raises(ValueError, match="float8"):
        e.quantize("float8")
    d = layers.Dense(2)
    d.build((None, 3))
    d.enable_lora(1)
    with pytest.raises(ValueError, match="LoRA"):
        d.quantize("float8")
