"""``dlx.callbacks.OrbaxCheckpoint`` and the loading of Orbax checkpoints.

What the callback writes is read back with Orbax itself and compared with the model's variables
recorded at each save; restores go into fresh models. Against Keras 3 (``keras_orbax_side.py``
in a ``KERAS_BACKEND=jax`` subprocess): the same runs give the same step folders, checkpointables
and state-tree layout, and each library restores the other's checkpoint to the writer's
predictions.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import dlx
import dlx as keras
from dlx.backend import registry

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import keras_orbax_side as ks  # noqa: E402

pytestmark = pytest.mark.skipif(importlib.util.find_spec("orbax") is None,
                                reason="needs orbax-checkpoint (requirements-dev.txt; dlx[orbax])")
TRAINING = [b for b in ("numpy", "jax", "torch", "tf")
            if b in registry.records() and registry.usable(registry.records()[b])]
X = np.random.RandomState(0).rand(32, 4).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")


def _orbax_read(step_dir, name="pytree"):
    """A checkpointable as Orbax itself restores it (jax arrays warn that no sharding was given)."""
    import orbax.checkpoint as ocp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {k: _numpy(v) for k, v in ocp.v1.load_checkpointables(str(step_dir), {name: None}).items()}


def _numpy(tree):
    if isinstance(tree, dict):
        return {k: _numpy(v) for k, v in tree.items()}
    return tree if isinstance(tree, str) else np.asarray(tree)


def _at(tree, path):
    for part in path.split("/"):
        tree = tree[part]
    return tree


def _steps(folder):
    return sorted(int(n) for n in os.listdir(folder) if n.isdigit())


@pytest.fixture(params=TRAINING)
def trains(request):
    with dlx.backend.use(request.param) as b:
        keras.utils.set_random_seed(0)
        yield b


def test_fit_saves_each_epoch_and_restores(trains, tmp_path):
    model = ks.build(keras)
    snaps = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: snaps.append(
        ([v.numpy().copy() for v in model.weights], [v.numpy().copy() for v in model.optimizer.variables])))
    cb = keras.callbacks.OrbaxCheckpoint(tmp_path / "ckpt", max_to_keep=2)  # in the background, by default
    model.fit(X, Y, epochs=3, batch_size=8, callbacks=[record, cb], verbose=0, shuffle=False)
    folder = tmp_path / "ckpt"
    assert _steps(folder) == [1, 2]  # step = epoch index; max_to_keep=2 dropped step 0
    assert {"_CHECKPOINT_METADATA", "pytree", "model_config"} <= set(os.listdir(folder / "1"))
    tree = _orbax_read(folder / "1")["pytree"]
    assert set(tree) == {"trainable_variables", "non_trainable_variables", "optimizer_variables",
                         "metrics_variables"}
    weights, opt_values = snaps[1]
    for v, expected in zip(model.weights, weights):  # the values of epoch 1, not later ones
        group = "trainable_variables" if v.trainable else "non_trainable_variables"
        np.testing.assert_array_equal(_at(tree[group], v.path), expected)
    for v, expected in zip(model.optimizer.variables, opt_values):
        np.testing.assert_array_equal(_at(tree["optimizer_variables"], v.path), expected)
    assert int(tree["optimizer_variables"]["adam"]["iteration"]) == 8
    assert set(tree["metrics_variables"]) == {"loss", "mean_absolute_error"}
    config = json.loads(_orbax_read(folder / "2", "model_config")["model_config"]["config"])
    assert config["class_name"] == "Sequential" and "compile_config" in config

    restored = keras.saving.load_model(folder)  # the latest step
    for v, expected in zip(restored.weights, snaps[2][0]):
        np.testing.assert_array_equal(v.numpy(), expected)
    for v, expected in zip(restored.optimizer.variables, snaps[2][1]):
        np.testing.assert_array_equal(v.numpy(), expected)
    np.testing.assert_allclose(restored.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6, atol=1e-6)
    fresh = ks.build(keras)
    fresh.build((None, 4))
    fresh.load_weights(folder / "1")  # one step's folder
    for v, expected in zip(fresh.weights, snaps[1][0]):
        np.testing.assert_array_equal(v.numpy(), expected)


def test_batch_schedule_counts_batches_across_fits(numpy_backend, tmp_path):
    """Measured with Keras 3.15.1: 4 batches an epoch, save_freq=3, 2 epochs then 1 more with the
    same callback -> steps 3, 6, 9, 12; a new callback continues from the optimizer's iterations."""
    model = ks.build(keras)
    seen = []
    record = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(
        model.layers[0].kernel.numpy().copy()))
    cb = keras.callbacks.OrbaxCheckpoint(tmp_path / "ckpt", save_freq=3, max_to_keep=None, save_on_background=False)
    model.fit(X, Y, epochs=2, batch_size=8, callbacks=[record, cb], verbose=0, shuffle=False)
    model.fit(X, Y, epochs=1, batch_size=8, callbacks=[record, cb], verbose=0, shuffle=False)
    assert _steps(tmp_path / "ckpt") == [3, 6, 9, 12]
    for step in (3, 9):
        kernel = _orbax_read(tmp_path / "ckpt" / str(step))["pytree"]["trainable_variables"]["net"]["hidden"]["kernel"]
        np.testing.assert_array_equal(kernel, seen[step - 1])
    again = keras.callbacks.OrbaxCheckpoint(tmp_path / "ckpt", save_freq=3, max_to_keep=None)
    model.fit(X, Y, epochs=1, batch_size=8, callbacks=[again], verbose=0, shuffle=False)
    assert _steps(tmp_path / "ckpt") == [3, 6, 9, 12, 15]


def test_save_best_only_and_weights_only(numpy_backend, tmp_path):
    model = ks.build(keras)
    best_min = keras.callbacks.OrbaxCheckpoint(tmp_path / "ckpt", monitor="loss", save_best_only=True,
                                               max_to_keep=None, save_weights_only=True)
    best_max = keras.callbacks.OrbaxCheckpoint(tmp_path / "max", monitor="loss", mode="max", save_best_only=True,
                                               max_to_keep=None)
    never = keras.callbacks.OrbaxCheckpoint(tmp_path / "never", monitor="loss", save_best_only=True,
                                            initial_value_threshold=0.0)  # a squared error is never below 0
    history = model.fit(X, Y, epochs=4, batch_size=8, callbacks=[best_min, best_max, never], verbose=0,
                        shuffle=False).history["loss"]
    improved = [e for e, loss in enumerate(history) if loss < min(history[:e], default=np.inf)]
    assert _steps(tmp_path / "ckpt") == improved
    assert _steps(tmp_path / "max") == [e for e, loss in enumerate(history) if loss > max(history[:e], default=-1)]
    assert not (tmp_path / "never").exists() or _steps(tmp_path / "never") == []
    step = tmp_path / "ckpt" / str(improved[-1])
    assert "model_config" not in os.listdir(step)
    assert set(_orbax_read(step)["pytree"]) == {"trainable_variables", "non_trainable_variables"}
    with pytest.raises(dlx.saving.FileFormatError, match="save_weights_only=True"):
        keras.saving.load_model(tmp_path / "ckpt")
    wrong = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="hidden")], name="net")
    with pytest.raises(dlx.saving.WeightsMismatchError, match="trainable_variables do not fit"):
        wrong.load_weights(tmp_path / "ckpt")


def test_assets_round_trip(numpy_backend, tmp_path):
    lookup = keras.layers.IntegerLookup(name="lookup")
    lookup.adapt(np.array([7, 7, 3, 9, 9, 9]))
    model = keras.Sequential([keras.Input((1,), dtype="int64"), lookup, keras.layers.Embedding(5, 2, name="emb"),
                              keras.layers.Flatten(), keras.layers.Dense(1, name="out")], name="lk")
    model.compile("sgd", "mse")
    ints = np.array([[7], [3], [9], [4]])
    model.fit(ints, np.ones((4, 1), "float32"), epochs=1, verbose=0,
              callbacks=[keras.callbacks.OrbaxCheckpoint(tmp_path / "ckpt")])
    assets = _orbax_read(tmp_path / "ckpt" / "0", "assets")["assets"]
    stored = bytes(_at(assets, "layers/integer_lookup/vocabulary.txt")).decode().split("\n")
    assert stored == [str(w) for w in lookup.get_vocabulary()]
    restored = keras.saving.load_model(tmp_path / "ckpt")
    assert restored.layers[0].get_vocabulary() == lookup.get_vocabulary()
    np.testing.assert_allclose(restored.predict(ints, verbose=0), model.predict(ints, verbose=0), rtol=1e-6)


def test_arguments_and_lazy_import(tmp_path):
    with pytest.raises(ValueError, match="save_freq='batch'"):
        keras.callbacks.OrbaxCheckpoint(tmp_path, save_freq="batch")
    with pytest.raises(ValueError, match="max_to_keep=0"):
        keras.callbacks.OrbaxCheckpoint(tmp_path, max_to_keep=0)
    code = "import sys, dlx; dlx.callbacks.ModelCheckpoint; dlx.saving.load_model; print('orbax' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


@pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                    reason="the comparison runs Keras 3 (test-only) on jax")
def test_same_checkpoints_as_keras(numpy_backend, tmp_path):
    np.savez(tmp_path / "data.npz", x=X, y=Y)
    keras.utils.set_random_seed(1)
    model = ks.fit_runs(keras, tmp_path, "dlx")
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_orbax_side.py"), str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    for run in ("epoch", "batch"):
        theirs, mine = tmp_path / f"keras_{run}", tmp_path / f"dlx_{run}"
        assert _steps(mine) == _steps(theirs), run
        for step in _steps(theirs):
            assert sorted(os.listdir(mine / str(step))) == sorted(os.listdir(theirs / str(step)))
            assert _layout(_orbax_read(mine / str(step))) == _layout(_orbax_read(theirs / str(step)))
    assert _steps(tmp_path / "keras_batch") == [3, 6, 9, 12]
    # each library restores the other's checkpoint to the writer's predictions
    np.testing.assert_allclose(np.load(tmp_path / "keras_reads_dlx.npy"), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-5)
    from_keras = keras.saving.load_model(tmp_path / "keras_epoch")
    np.testing.assert_allclose(from_keras.predict(X, verbose=0), np.load(tmp_path / "keras_pred.npy"),
                               rtol=1e-5, atol=1e-5)
    assert int(from_keras.optimizer.iterations) == 12


def _layout(tree, prefix=""):
    """``{path: (shape, dtype)}`` of a restored checkpointable; integer dtypes as "int": the
    optimizer's ``iteration`` is int32 on Keras's jax (64-bit types off) and int64 on the others."""
    out = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            out.update(_layout(v, f"{prefix}{k}/"))
        else:
            out[prefix + k] = (v.shape, "int" if v.dtype.kind == "i" else str(v.dtype))
    return out
