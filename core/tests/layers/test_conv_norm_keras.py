"""ConvLSTM1D/2D/3D, BatchNormalization's renorm, LayerNormalization's ``rms_scaling``, the
pooling / convolution signatures, the spatial dropouts and ``layers.dot`` against Keras 3.

Keras runs once, in a subprocess (``KERAS_BACKEND=jax``, ``keras_conv_norm_side.py``), on the
weights dlx initialized (then perturbed). Per case and dlx backend: dlx's outputs on those weights
equal Keras's (a ``train`` case: two ``training=True`` calls, then the outputs and every weight,
moving statistics included); the ``.keras`` file dlx wrote loads in Keras with the same outputs;
the file Keras wrote loads in dlx with the same outputs. Tolerance: ``rtol=atol=1e-4`` (float32,
different convolution/reduction orders; the ConvLSTM cases chain up to 7 recurrent steps).
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx import ops

HERE = Path(__file__).parent


def _side():
    name = "dlx_keras_conv_norm_side"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "keras_conv_norm_side.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


side = _side()
NAMES = sorted(side.CASES)
needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                 reason="the Keras comparison needs `keras` and `jax` installed (test-only)")
TOL = {"rtol": 1e-4, "atol": 1e-4}


def _np(v):
    return np.asarray(ops.convert_to_numpy(v))


def _perturbed_weights(model, name):
    rng = np.random.default_rng(len(name))
    out = []
    for v, w in zip(model.weights, model.get_weights()):
        w = np.asarray(w)
        if w.dtype.kind == "f":
            w = w + 0.3 * rng.standard_normal(w.shape).astype(w.dtype)
            if "variance" in v.name or "stddev" in v.name:
                w = np.abs(w) + 0.5
        out.append(w)
    return out


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_conv_norm")
    with dlx.backend.use("numpy"):
        for name in NAMES:
            m = side.model(dlx, name)
            weights = _perturbed_weights(m, name)
            m.set_weights(weights)
            m.save(folder / f"{name}.dlx.keras")
            xs = side.inputs(name)
            np.savez(folder / f"{name}.npz", n_weights=len(weights), **{f"w{i}": w for i, w in enumerate(weights)},
                     **{f"x{i}": x for i, x in enumerate(xs)})
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_conv_norm_side.py"), str(folder)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return folder


@needs_keras
@pytest.mark.parametrize("name", NAMES)
def test_matches_keras(backend, keras_results, name):
    folder = keras_results
    mode = side.CASES[name][2]
    with np.load(folder / f"{name}.npz") as data, np.load(folder / f"{name}.keras_out.npz") as want:
        data, want = dict(data), dict(want)
    xs = [data[f"x{i}"] for i in range(len(side.CASES[name][1]))]
    m = side.model(dlx, name)
    m.set_weights([data[f"w{i}"] for i in range(int(data["n_weights"]))])
    ref = side.as_list(m(xs))  # inference outputs on the saved weights
    if mode == "train":
        m(xs, training=True)
        got = side.as_list(m(xs, training=True))
        for i, w in enumerate(m.get_weights()):
            np.testing.assert_allclose(w, want[f"weight{i}"], **TOL, err_msg=f"{name}: weight {m.weights[i].path}")
    else:
        got = ref
    assert len(got) == len([k for k in want if k.startswith("keras_out")])
    for i, y in enumerate(got):
        np.testing.assert_allclose(_np(y), want[f"keras_out{i}"], **TOL, err_msg=f"{name}: output {i}")
    # dlx's file in Keras, Keras's file in dlx: the same (inference) outputs
    for i, y in enumerate(ref):
        np.testing.assert_allclose(want[f"loaded_out{i}"], _np(y), **TOL, err_msg=f"{name}: dlx file in Keras")
    loaded = dlx.saving.load_model(folder / f"{name}.keras.keras")  # Keras saved it before training
    for i, (a, b) in enumerate(zip(side.as_list(loaded(xs)), ref)):
        np.testing.assert_allclose(_np(a), _np(b), **TOL, err_msg=f"{name}: Keras file in dlx, output {i}")


def test_conv_lstm_mask_unroll_dropout(numpy_backend):
    """A masked step keeps the states and repeats the previous output (zeros with
    ``zero_output_for_mask``); ``unroll=True`` equals the scan; dropout masks act in training
    only."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 5, 4, 2)).astype("float32")
    layer = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    full = _np(layer(x))
    mask = np.array([[True, True, False, True], [True, True, True, True]])
    got = _np(layer(x, mask=mask))
    np.testing.assert_allclose(got[1], full[1], **TOL)
    np.testing.assert_allclose(got[0, 2], got[0, 1], **TOL)
    # the step after the hole equals running the three kept steps in a row
    kept = _np(layer(x[:1, [0, 1, 3]]))
    np.testing.assert_allclose(got[0, 3], kept[0, 2], **TOL)
    layer.zero_output_for_mask = True
    assert np.all(_np(layer(x, mask=mask))[0, 2] == 0)
    unrolled = L.ConvLSTM2D.from_config({**layer.get_config(), "unroll": True, "zero_output_for_mask": False})
    unrolled.build(x.shape)
    unrolled.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(unrolled(x)), full, **TOL)
    drop = L.ConvLSTM1D(2, 3, dropout=0.5, recurrent_dropout=0.5, seed=4)
    x1 = x[:, :, :, 0, :]
    ref = _np(drop(x1))
    np.testing.assert_allclose(_np(drop(x1, training=False)), ref)
    assert not np.allclose(_np(drop(x1, training=True)), ref)


def test_conv_lstm_stateful(numpy_backend):
    """``stateful=True`` carries the final states into the next call: two halves equal the whole
    sequence; ``reset_states`` starts again from zeros."""
    x = np.random.default_rng(2).standard_normal((2, 6, 5, 2)).astype("float32")
    whole = L.ConvLSTM1D(3, 2, padding="same", return_sequences=True)
    ref = _np(whole(x))
    layer = L.ConvLSTM1D(3, 2, padding="same", return_sequences=True, stateful=True)
    layer.build(x[:, :3].shape)
    for v, w in zip(layer.trainable_weights, whole.get_weights()):
        v.assign(w)
    np.testing.assert_allclose(np.concatenate([_np(layer(x[:, :3])), _np(layer(x[:, 3:]))], 1), ref, **TOL)
    layer.reset_states()
    np.testing.assert_allclose(_np(layer(x[:, :3])), ref[:, :3], **TOL)


def _compile(backend, fn):
    """``fn`` compiled the way ``fit`` compiles a step (``jit_compile="auto"``)."""
    jit = backend.auto_jit_compile
    return backend.compile(fn, jit=backend.capabilities.jit if jit is None else jit)


def test_conv_lstm_compiled(backend):
    """ConvLSTM2D in a compiled function (on tf, traced with an unknown batch) equals eager."""
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 3, 2)).astype("float32")
    layer = L.ConvLSTM2D(2, 2, padding="same", return_sequences=True, return_state=True)
    eager = [_np(v) for v in layer(x)]
    got = _compile(backend, lambda t: layer(t))(ops.convert_to_tensor(x))
    for g, e in zip(got, eager):
        np.testing.assert_allclose(_np(g), e, **TOL)


def test_conv_lstm_fits(training_backend):
    """A ConvLSTM1D model trains (the loss falls)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 3, 5, 2)).astype("float32")
    y = x.sum(axis=(1, 3))[:, 1:-1, None].astype("float32")
    model = dlx.Sequential([dlx.Input((3, 5, 2)), L.ConvLSTM1D(3, 3), L.Conv1D(1, 1)])
    model.compile(optimizer=dlx.optimizers.Adam(0.05), loss="mse")
    hist = model.fit(x, y, epochs=4, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]


def test_rms_scaling_is_keras_formula(numpy_backend):
    """Keras's (deprecated) ``rms_scaling=True``: ``x / sqrt(var + eps) * gamma``, no beta."""
    x = np.random.default_rng(3).standard_normal((3, 8))
    layer = L.LayerNormalization(rms_scaling=True, epsilon=0.01, dtype="float64")
    layer.build(x.shape)
    g = np.linspace(0.5, 2.0, 8)
    layer.gamma.assign(g)
    assert layer.beta is None and layer.get_config()["rms_scaling"] is True
    np.testing.assert_allclose(_np(layer(x)), x / np.sqrt(x.var(-1, keepdims=True) + 0.01) * g, rtol=1e-12)


def test_argument_errors():
    with pytest.raises(ValueError, match="renorm_clipping"):
        L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1.0, "bad": 2})
    with pytest.raises(ValueError, match="rmax"):
        L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 1.0})
    with pytest.raises(ValueError, match="dmax"):
        L.BatchNormalization(renorm=True, renorm_clipping={"dmax": -1})
    with pytest.raises(ValueError, match="dilation_rate"):
        L.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding"):
        L.ConvLSTM1D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="filters"):
        L.ConvLSTM3D(0, 3)
    with pytest.raises(TypeError):
        L.AveragePooling2D()  # Keras's average pooling layers have no default pool size
    with pytest.raises(ValueError, match="spatial"):
        L.ConvLSTM2D(2, 3)(dlx.Input((4, None, 5, 2)))


@needs_keras
def test_signatures_match_keras():
    """The constructor signatures of the layers changed here equal Keras 3's (a direct check, so a
    mismatch names the layer even without the compatibility test's allow-list)."""
    script = ("import inspect, json, keras\n"
              f"names = {_SIG_NAMES!r}\n"
              "print(json.dumps({n: str(inspect.signature(getattr(keras.layers, n))) for n in names}))\n")
    env = {**os.environ, "KERAS_BACKEND": "numpy"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json

    want = json.loads(proc.stdout.strip().splitlines()[-1])
    for n in _SIG_NAMES:
        assert str(inspect.signature(getattr(L, n))) == want[n], n


_SIG_NAMES = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "BatchNormalization", "LayerNormalization",
              "AveragePooling1D", "AveragePooling3D", "MaxPooling2D", "Conv3DTranspose", "Conv2D", "DepthwiseConv2D",
              "SeparableConv2D", "SpatialDropout1D", "SpatialDropout3D", "dot")
