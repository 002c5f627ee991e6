"""Mixed precision end to end on every training backend, against Keras 3 and against float32.

* dtypes: under ``mixed_float16`` / ``mixed_bfloat16`` the variables stay float32, every layer's
  output and the inputs of its contraction are in the compute dtype, the loss is float32, and
  ``compile`` wraps the optimizer in a ``LossScaleOptimizer`` for float16 only -- each compared
  with what Keras 3 does with the same model (``keras_mixed_side.py``, ``KERAS_BACKEND=jax``).
* dynamic loss scaling: fed the same gradients (finite, inf, nan), dlx's and Keras's
  ``LossScaleOptimizer`` give the same variables, scale, counter and iterations at every step;
  a float16 model trained from a scale so large that its float16 gradients overflow skips the
  same steps, halves the scale the same number of times and ends with Keras's weights; the
  ``.keras`` file Keras saves from it loads with its loss-scale state.
* accuracy: an MLP on scikit-learn's digits trained with each policy ends within
  ``ACCURACY_MARGIN`` of the float32 run's held-out accuracy.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx.ops import op_functions as _op_functions

HERE = Path(__file__).parent
POLICIES = ("mixed_float16", "mixed_bfloat16")
ACCURACY_MARGIN = 0.02  # absolute, on 297 held-out digits (6 samples)
GRADS = np.array([[8, 16, -8], [8, 8, 8], [np.inf, 1, 1], [4, 4, 4], [np.nan, 0, 0], [16, 0, 8], [2, 2, 2]],
                 "float32")

needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                 reason="the Keras 3 reference needs `keras` and `jax` (test-only dependencies)")


def _digits():
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return (x / 16.0).astype("float32"), y.astype("int32")


def _weights():
    r = np.random.default_rng(0)
    return [r.normal(0, 0.2, (64, 32)).astype("float32"), np.zeros(32, "float32"),
            r.normal(0, 0.2, (32, 10)).astype("float32"), np.zeros(10, "float32")]


def _mlp(policy, weights=None):
    dlx.dtype_policies.set_dtype_policy(policy)
    try:
        m = dlx.Sequential([dlx.Input((64,)), L.Dense(32, activation="relu"), L.Dense(10, activation="softmax")])
    finally:
        dlx.dtype_policies.set_dtype_policy(None)
    if weights is not None:
        m.set_weights(weights)
    return m


@pytest.fixture(scope="module")
def keras_ref(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_mixed")
    x, y = _digits()
    w = _weights()
    np.savez(folder / "inputs.npz", **{f"w{i}": a for i, a in enumerate(w)}, x=x[:100], y=y[:100], grads=GRADS)
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_mixed_side.py"), str(folder / "inputs.npz"),
                           str(folder / "out.json")], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"keras_mixed_side.py failed:\n{proc.stderr[-4000:]}"
    return {**json.loads((folder / "out.json").read_text()), "folder": folder}


@needs_keras
@pytest.mark.parametrize("policy", POLICIES)
def test_dtypes_and_auto_loss_scaling_match_keras(training_backend, policy, keras_ref, monkeypatch):
    ref = keras_ref[policy]
    x, y = _digits()
    m = _mlp(policy)
    m.compile("adam", "sparse_categorical_crossentropy")
    assert m.dtype_policy.name == ref["model_policy"]
    assert type(m.optimizer).__name__ == ref["optimizer"]
    assert m.get_compile_config()["optimizer"]["class_name"] == "Adam"  # Keras records the optimizer given
    assert sorted({v.dtype for v in m.weights}) == ref["variables"]
    seen = []
    dense = _op_functions._STATE.kernels["dense"]

    def spy(inputs, kernel, *rest):
        seen.append((dlx.ops.dtype(inputs), dlx.ops.dtype(kernel)))
        return dense(inputs, kernel, *rest)

    monkeypatch.setitem(_op_functions._STATE.kernels, "dense", spy)
    h, outs = x[:100], []
    for layer in m.layers:
        h = layer(h)
        outs.append(dlx.ops.dtype(h))
    assert outs == ref["layer_outputs"]
    compute = m.layers[0].compute_dtype
    assert seen == [(compute, compute)] * 2  # the float32 kernel is read through the autocast
    loss = dlx.losses.SparseCategoricalCrossentropy()(y[:100], h)
    assert dlx.ops.dtype(loss) == ref["loss"]


@needs_keras
def test_loss_scale_optimizer_on_fed_gradients_matches_keras(training_backend, keras_ref):
    v = dlx.Variable(np.zeros(3, "float32"))
    opt = dlx.optimizers.LossScaleOptimizer(dlx.optimizers.SGD(1.0), initial_scale=8.0, dynamic_growth_steps=2)
    opt.build([v])
    assert [w.name for w in opt.variables] == keras_ref["fed"]["variables"]
    for g, ref in zip(GRADS, keras_ref["fed"]["steps"]):
        opt.apply([g], [v])
        got = {"value": v.numpy().tolist(), "scale": float(opt.dynamic_scale.numpy()),
               "counter": int(opt.step_counter.numpy()), "iterations": int(opt.iterations.numpy())}
        assert got == ref


@needs_keras
def test_float16_overflow_skips_steps_and_halves_scale_like_keras(training_backend, keras_ref):
    x, y = _digits()
    m = _mlp("mixed_float16", _weights())
    opt = dlx.optimizers.LossScaleOptimizer(dlx.optimizers.SGD(0.1), initial_scale=2.0**40, dynamic_growth_steps=1000)
    m.compile(opt, "sparse_categorical_crossentropy")
    steps = []
    for _ in range(30):
        m.train_on_batch(x[:100], y[:100])
        steps.append([float(opt.dynamic_scale.numpy()), int(opt.step_counter.numpy()), int(opt.iterations.numpy())])
    ref = keras_ref["overflow"]
    assert steps == ref["steps"]
    assert steps[0][0] == 2.0**39 and steps[-1][2] < 30  # it did overflow, and skipped those steps
    for w, w_ref in zip(m.get_weights(), ref["weights"]):
        # float16 compute: the backends round some gradients differently
        np.testing.assert_allclose(w, np.asarray(w_ref, "float32"), atol=2e-3)


@needs_keras
def test_keras_saved_loss_scale_state_loads(numpy_backend, keras_ref):
    m = dlx.saving.load_model(str(keras_ref["folder"] / "overflow.keras"))
    opt = m.optimizer
    scale, counter, iterations = keras_ref["overflow"]["steps"][-1]
    assert type(opt).__name__ == "LossScaleOptimizer"
    assert {layer.dtype_policy.name for layer in m.layers} == {"mixed_float16"}
    assert (float(opt.dynamic_scale.numpy()), int(opt.step_counter.numpy()), int(opt.iterations.numpy())) == \
        (scale, counter, iterations)


def test_mixed_training_accuracy_matches_float32(training_backend):
    x, y = _digits()
    acc = {}
    for policy in ("float32", *POLICIES):
        dlx.utils.set_random_seed(0)
        m = _mlp(policy)
        m.compile(dlx.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
        m.fit(x[:1500], y[:1500], epochs=3, batch_size=100, verbose=0)
        assert {v.dtype for v in m.weights} == {"float32"}
        acc[policy] = m.evaluate(x[1500:], y[1500:], batch_size=297, verbose=0)[1]
    assert acc["float32"] > 0.8, acc
    for policy in POLICIES:
        assert abs(acc[policy] - acc["float32"]) <= ACCURACY_MARGIN, acc


def test_loss_scale_optimizer_arguments_as_keras():
    inner = dlx.optimizers.SGD(loss_scale_factor=4.0)
    lso = dlx.optimizers.LossScaleOptimizer(inner, clipnorm=None)  # a default value: accepted
    assert inner.loss_scale_factor is None  # gradients are unscaled once, by the wrapper
    with pytest.raises(ValueError, match="does not take clipnorm; set clipnorm on the inner_optimizer"):
        dlx.optimizers.LossScaleOptimizer(dlx.optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="dynamic=False"):
        dlx.optimizers.LossScaleOptimizer(dlx.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match=r"unknown argument\(s\) \['scale'\]"):
        dlx.optimizers.LossScaleOptimizer(dlx.optimizers.SGD(), scale=2)
    assert lso.name == "loss_scale_optimizer"
