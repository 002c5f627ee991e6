"""int8 quantization, LoRA and QLoRA of Dense / EinsumDense / Embedding.

Numerics are checked against a float64 NumPy formula of Keras's W8A8 scheme; file layout against
Keras 3 itself (``keras_quant_side.py`` in a ``KERAS_BACKEND=jax`` subprocess): Keras-written
``.keras`` / ``.weights.h5`` files load in dlx with Keras's outputs, and dlx-written files load in
Keras with dlx's outputs, for int8, LoRA and LoRA-on-int8 models, on every backend.
"""

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

HERE = Path(__file__).parent


def _side():
    name = "dlx_keras_quant_side"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "keras_quant_side.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


ks = _side()
TRAINING = ("jax", "torch", "tf")
needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                 reason="Keras 3 interop needs `keras` and `jax` (test-only dependencies)")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _abs_max(x, axis):
    scale = 127.0 / (np.max(np.abs(x), axis=axis, keepdims=True) + 1e-7)
    return np.clip(np.round(x * scale), -127, 127), scale


# ------------------------------------------------------------------------- numerics (float64 oracle)
def test_dense_int8_matches_w8a8_formula(backend):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 24)).astype("float32")
    d = layers.Dense(7)
    d(x)
    kernel, bias = _np(d._kernel).astype("float64"), _np(d.bias).astype("float64")
    d.quantize("int8")
    assert d.dtype_policy.name == "int8_from_float32"
    assert [(v.name, v.dtype) for v in d.weights] == [("bias", "float32"), ("kernel", "int8"),
                                                      ("kernel_scale", "float32")]
    qk, ks_ = _abs_max(kernel, 0)
    qx, xs = _abs_max(x.astype("float64"), -1)
    np.testing.assert_array_equal(_np(d._kernel), qk.astype("int8"))
    np.testing.assert_allclose(_np(d.kernel_scale), ks_[0], rtol=1e-6)
    want = qx @ qk / (xs * ks_) + bias
    np.testing.assert_allclose(_np(d(x)), want, rtol=1e-5, atol=1e-5)


def test_einsum_and_embedding_int8_match_formula(backend):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    e = layers.EinsumDense("abc,cd->abd", output_shape=(3, 6), bias_axes="d")
    e(x)
    kernel = _np(e._kernel).astype("float64")
    e.quantize("int8")
    assert tuple(e.kernel_scale.shape) == (1, 1, 6)
    qk, ks_ = _abs_max(kernel, 0)
    qx, xs = _abs_max(x.astype("float64"), -1)
    want = np.einsum("abc,cd->abd", qx, qk) / (xs * ks_[None]) + _np(e.bias)
    np.testing.assert_allclose(_np(e(x)), want, rtol=1e-5, atol=1e-5)

    m = layers.Embedding(10, 4)
    ids = np.array([[1, 2], [9, 0]])
    m(ids)
    table = _np(m._embeddings).astype("float64")
    m.quantize("int8")
    qt, ts = _abs_max(table, -1)
    np.testing.assert_allclose(_np(m(ids)), (qt / ts)[ids], rtol=1e-6, atol=1e-7)


def test_einsum_scale_layouts_match_keras_rule():
    from dlx.layers.quantized import einsum_quantization_layout

    # kernel reduced axes, and where the kept-dims scale goes to broadcast against the output
    assert einsum_quantization_layout("ab,bc->ac", 2)["kernel"] == ([0], [0, 1], [], [])
    assert einsum_quantization_layout("abc,cd->abd", 3)["kernel"] == ([0], [0, 1], [1], [])
    assert einsum_quantization_layout("abc,bcd->ad", 3)["kernel"] == ([0, 1], [1, 0, 2], [], [1])
    assert einsum_quantization_layout("...b,bc->...c", 3)["input"][0] == [2]


def test_int8_weights_memory_is_a_quarter(numpy_backend):
    d = layers.Dense(256)
    d(np.zeros((1, 512), "float32"))
    before = sum(_np(v).nbytes for v in d.weights)
    d.quantize("int8")
    after = sum(_np(v).nbytes for v in d.weights)
    assert after <= 0.3 * before


def test_errors_name_the_problem(numpy_backend):
    d = layers.Dense(3)
    with pytest.raises(ValueError, match="not built"):
        d.enable_lora(2)
    with pytest.raises(ValueError, match="not built"):
        d.quantize("int8")
    d(np.zeros((1, 4), "float32"))
    with pytest.raises(ValueError, match=r"mode='gptq' needs a config"):  # gptq needs a GPTQConfig
        d.quantize("gptq")
    d.enable_lora(2)
    with pytest.raises(ValueError, match="already enabled"):
        d.enable_lora(2)
    with pytest.raises(ValueError, match="lora_rank"):
        layers.Dense(3, lora_rank=0)
    c = layers.Dense(3, kernel_constraint="non_neg")
    c(np.zeros((1, 4), "float32"))
    with pytest.raises(ValueError, match="kernel_constraint"):
        c.enable_lora(2)


# ------------------------------------------------------------------------- LoRA / QLoRA training
@pytest.mark.parametrize("quantized", [False, True], ids=["lora", "qlora"])
def test_only_lora_weights_train_and_round_trip(backend, quantized, tmp_path):
    if backend.name not in TRAINING:
        pytest.skip(f"{backend.name} does not train")
    dlx.utils.set_random_seed(0)
    model = ks.build(dlx)
    ks.set_weights(model)
    if quantized:
        model.quantize("int8")
    for layer in ks.targets(model):
        layer.enable_lora(2)
    frozen = {v.path: _np(v) for v in model.weights if "lora" not in v.path}
    trainable = sorted(v.path.split("/")[-1] for v in model.trainable_weights)
    assert all(n.startswith("lora_") or n == "bias" for n in trainable), trainable
    model.compile(optimizer=dlx.optimizers.Adam(1e-2), loss="mse")
    x = ks.inputs()
    y = np.random.default_rng(2).normal(size=(6, 4)).astype("float32")
    before = model.evaluate(x, y, verbose=0)
    lora_b = {v.path: _np(v) for v in model.weights if v.path.endswith("_b")}
    model.fit(x, y, epochs=5, batch_size=6, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    for v in model.weights:  # every layer's factors learn: gradients pass through the int8 layers above
        if v.path in lora_b:
            assert np.abs(_np(v) - lora_b[v.path]).max() > 0, v.path
    for v in model.weights:
        name = v.path.split("/")[-1]
        if v.path in frozen and name in ("kernel", "embeddings", "kernel_scale", "embeddings_scale"):
            np.testing.assert_array_equal(_np(v), frozen[v.path], err_msg=v.path)
    want = _np(model.predict(x, verbose=0))
    model.save(tmp_path / "m.keras")
    loaded = dlx.saving.load_model(tmp_path / "m.keras")
    assert [layer.lora_enabled for layer in ks.targets(loaded)] == [True] * 4
    tol = 0.05 if quantized else 1e-5  # an int8 kernel with LoRA merged is re-quantized when saved
    np.testing.assert_allclose(_np(loaded.predict(x, verbose=0)), want, rtol=tol, atol=tol)
    loaded.fit(x, y, epochs=1, batch_size=6, verbose=0)  # it trains again after reloading


# ------------------------------------------------------------------------- Keras 3 interop
def _run_keras(command: str, folder) -> None:
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_quant_side.py"), command, str(folder)], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"keras_quant_side.py {command} failed:\n{proc.stderr[-6000:]}"


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_quant")
    _run_keras("write", folder)
    return folder


@needs_keras
@pytest.mark.parametrize("kind", ks.KINDS)
def test_keras_files_load_in_dlx(backend, keras_files, kind):
    if backend.name not in TRAINING:
        pytest.skip("interop is checked on the training backends")
    x = ks.inputs()
    live = ks.prepare(dlx, kind)  # the same model built by dlx computes what Keras computed
    np.testing.assert_allclose(_np(live.predict(x, verbose=0)), np.load(keras_files / f"{kind}.keras.live.npy"),
                               rtol=1e-5, atol=1e-5)
    ref = np.load(keras_files / f"{kind}.keras.npy")
    model = dlx.saving.load_model(keras_files / f"{kind}.keras.keras")
    np.testing.assert_allclose(_np(model.predict(x, verbose=0)), ref, rtol=1e-5, atol=1e-5)
    model = ks.build(dlx)
    if kind != "lora":
        model.quantize("int8")
    model.load_weights(keras_files / f"{kind}.keras.weights.h5")
    np.testing.assert_allclose(_np(model.predict(x, verbose=0)), ref, rtol=1e-5, atol=1e-5)


@needs_keras
def test_quantizers_match_keras(numpy_backend, keras_files):
    import json

    from dlx import dtype_policies, quantizers
    from dlx.saving import keras_compat

    x = ks.quantizer_input()
    for axis in (0, -1):
        for to_numpy in (False, True):
            q, scale = quantizers.abs_max_quantize(x, axis=axis, to_numpy=to_numpy)
            np.testing.assert_array_equal(_np(q), np.load(keras_files / f"absmax{axis}.q.npy"))
            np.testing.assert_allclose(_np(scale), np.load(keras_files / f"absmax{axis}.scale.npy"), rtol=1e-7)
    configs = json.loads((keras_files / "configs.json").read_text())
    policy = dtype_policies.deserialize(configs["policy"])
    assert policy == dtype_policies.QuantizedDTypePolicy("int8", "float32")
    assert keras_compat.to_keras(dtype_policies.serialize(policy))["config"] == configs["policy"]["config"]
    quantizer = quantizers.deserialize(configs["quantizer"])
    assert isinstance(quantizer, quantizers.AbsMaxQuantizer) and quantizer.axis == (0,)
    assert json.loads(json.dumps(quantizers.serialize(quantizer)["config"])) == configs["quantizer"]["config"]
    int8 = quantizers.deserialize(configs["int8_config"])
    assert isinstance(int8, quantizers.Int8QuantizationConfig) and int8.mode == "int8"
    assert isinstance(int8.activation_quantizer, quantizers.AbsMaxQuantizer)


@needs_keras
def test_dlx_files_load_in_keras(tmp_path):
    expected = {}
    with dlx.backend.use("numpy"):
        for kind in ks.KINDS:
            model = ks.prepare(dlx, kind)
            model.save(tmp_path / f"{kind}.dlx.keras")
            model.save_weights(tmp_path / f"{kind}.dlx.weights.h5")
            expected[kind] = _np(dlx.saving.load_model(tmp_path / f"{kind}.dlx.keras").predict(ks.inputs(),
                                                                                                verbose=0))
    _run_keras("read", tmp_path)
    for kind in ks.KINDS:
        for suffix in ("dlx_in_keras", "dlx_weights_in_keras"):
            np.testing.assert_allclose(np.load(tmp_path / f"{kind}.{suffix}.npy"), expected[kind], rtol=1e-5,
                                       atol=1e-5, err_msg=f"{kind} {suffix}")
