"""int4 quantization of Dense / EinsumDense / Embedding and the ``keras.quantizers`` functions
(pack / unpack int4, grouped zero-point quantization, float8 scale / amax history /
quantize-and-dequantize, fake_quant_with_min_max_vars), compared with Keras 3 itself
(``keras_int4_side.py`` in a ``KERAS_BACKEND=jax`` subprocess): the same outputs, the same
quantized weights, scales and zero points, Keras-written ``.keras`` / ``.weights.h5`` files load
in dlx with Keras's outputs and dlx-written files load in Keras with dlx's outputs — per-channel,
sub-channel (with a short last group and odd packed lengths) and LoRA on int4."""

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
from dlx import layers, ops
from dlx import quantizers as Q

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("dlx_keras_int4_side", HERE / "keras_int4_side.py")
side = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(side)

needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                 reason="Keras 3 interop needs `keras` and `jax` (test-only dependencies)")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _run_keras(command, folder):
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_int4_side.py"), command, str(folder)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_int4")
    _run_keras("write", folder)
    return folder


def _same(got, want, exact=False):
    got = _np(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    if exact:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got.astype("float64"), want.astype("float64"), rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------------- numerics (float64 oracle)
def test_pack_unpack_round_trip_and_errors(backend):
    rng = np.random.default_rng(0)
    for shape, axis in (((5, 4), 0), ((3, 7), -1), ((2, 3, 5), 1)):
        a = rng.integers(-8, 8, size=shape).astype("int8")
        packed, packed_shape, n = Q.pack_int4(a, axis=axis)
        assert packed_shape == tuple(_np(packed).shape) and n == shape[axis]
        np.testing.assert_array_equal(_np(Q.unpack_int4(packed, n, axis=axis)), a)
    with pytest.raises(TypeError, match="int8"):
        Q.pack_int4(np.zeros((2, 2), "int32"))
    with pytest.raises(ValueError, match="dtype"):
        Q.unpack_int4(np.zeros((2, 2), "int8"), 4, dtype="int4")


def test_grouped_quantization_matches_float64_formula(backend):
    w = np.random.default_rng(1).normal(size=(10, 3)).astype("float32")
    q, s, z = (_np(t) for t in Q.abs_max_quantize_grouped_with_zero_point(w, block_size=4))
    padded = np.concatenate([w, np.zeros((2, 3), "float32")]).astype("float64").reshape(3, 4, 3)
    lo, hi = padded.min(1), padded.max(1)
    scale = (hi - lo + 1e-7) / 15
    np.testing.assert_allclose(s, scale, rtol=1e-6)
    zero = np.clip(np.round(-lo / scale) - 8, -8, 7)  # clipped: an all-positive group saturates (as in Keras)
    np.testing.assert_array_equal(z, zero)
    want = np.clip(np.round(padded / scale[:, None]) + zero[:, None], -8, 7).reshape(12, 3)[:10]
    np.testing.assert_array_equal(q, want)


def test_float8_rounding_matches_ml_dtypes(backend):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(size=200) * 10.0 ** rng.integers(-5, 4, size=200), [0.0, 1e-9, -0.0]])
    x = x.astype("float32")
    for name in ("float8_e4m3fn", "float8_e5m2"):
        top = float(ml_dtypes.finfo(name).max)
        want = np.clip(x / 0.5, -top, top).astype(getattr(ml_dtypes, name)).astype("float32") * np.float32(0.5)
        np.testing.assert_array_equal(_np(Q.quantize_and_dequantize(x, 0.5, name, "float32")), want)


# ------------------------------------------------------------------------- against Keras
@needs_keras
def test_functions_match_keras(training_backend, keras_files):
    want = np.load(keras_files / "functions.npz")
    f = side.function_inputs()
    for axis in (0, 1, -1):
        packed, _, n = Q.pack_int4(f["i4"], axis=axis)
        _same(packed, want[f"pack{axis}"], exact=True)
        _same(Q.unpack_int4(packed, n, axis=axis), want[f"unpack{axis}"], exact=True)
    packed, _, n = Q.pack_int4(f["u4"], axis=0, dtype="uint8")
    _same(packed, want["pack_u"], exact=True)
    _same(Q.unpack_int4(packed, n, dtype="uint8"), want["unpack_u"], exact=True)
    for block in (3, 4, 10):
        for path in (True, False):
            got = Q.abs_max_quantize_grouped_with_zero_point(f["w"], block_size=block, to_numpy=path)
            for k, v in zip("qsz", got):
                _same(v, want[f"grouped{block}_{int(path)}_{k}"], exact=k != "s")
    for path in (True, False):
        got = Q.abs_max_quantize_grouped_with_zero_point(np.arange(8.0).reshape(4, 2), block_size=2, to_numpy=path)
        for k, v in zip("qsz", got):
            _same(v, want[f"grouped_positive_{int(path)}_{k}"], exact=k != "s")
    _same(Q.compute_float8_scale(np.array([896.0, 0.0, np.inf, 3.0], "float32"),
                                 np.array([1.0, 2.0, 4.0, 0.5], "float32"), 448.0, margin=1), want["f8_scale"])
    _same(Q.compute_float8_amax_history(f["x"], f["hist"]), want["f8_hist"], exact=True)
    for dt in ("float8_e4m3fn", "float8_e5m2"):
        _same(Q.quantize_and_dequantize(f["x"], np.float32(0.05), dt, "float32"), want[f"qdq_{dt}"])
    for bits, narrow in ((8, False), (4, True)):
        _same(Q.fake_quant_with_min_max_vars(f["x"] / 50, -0.8, 1.3, num_bits=bits, narrow_range=narrow),
              want[f"fq{bits}"])
    lo, hi = -np.linspace(0.1, 1, 5).astype("float32"), np.linspace(0.2, 2, 5).astype("float32")
    _same(Q.fake_quant_with_min_max_vars(f["x"] / 50, lo, hi, axis=-1), want["fq_axis"])

    weights = ops.convert_to_tensor(np.arange(1, 6, dtype="float32"))

    def loss(x, a, b):
        return ops.sum(ops.multiply(Q.fake_quant_with_min_max_vars(x, a, b, axis=-1), weights))

    _, grads = training_backend.value_and_grad(loss, argnums=(0, 1, 2))(
        ops.convert_to_tensor(f["x"] / 50), ops.convert_to_tensor(lo), ops.convert_to_tensor(hi))
    for k, g in zip(("x", "min", "max"), grads):
        _same(g, want[f"fq_grad_{k}"])


@needs_keras
def test_configs_and_policies_match_keras(keras_files):
    cfg = json.loads((keras_files / "configs.json").read_text())
    c = dlx.saving.deserialize_keras_object(cfg["int4_config"])
    assert type(c) is Q.Int4QuantizationConfig and c.block_size == 32 and c.activation_quantizer is None
    assert type(dlx.saving.deserialize_keras_object(cfg["float8_config"])) is Q.Float8QuantizationConfig
    p = dlx.dtype_policies.deserialize(cfg["int4_policy"])
    assert p.name == "int4/64_from_float32" and p.block_size == 64
    assert Q.serialize(c)["config"] == cfg["int4_config"]["config"]
    for key, cls, name in (("gptq_policy", "GPTQDTypePolicy", "gptq/3/-1_from_bfloat16"),
                           ("awq_policy", "AWQDTypePolicy", "awq/4/64_from_float32")):
        p = dlx.dtype_policies.deserialize(cfg[key])
        assert type(p).__name__ == cls and p.name == name and p.quantization_mode == key.split("_")[0]
        assert dlx.dtype_policies.serialize(p)["config"] == cfg[key]["config"]
        assert dlx.dtype_policies.get(name) == p
    single = np.load(keras_files / "single.npz")
    d = layers.Dense(5)
    d.build((None, 9))
    d.quantize("int4")
    assert d.dtype_policy.name == str(single["policy"]) == "int4/128_from_float32"
    assert [w.name for w in d.weights] == list(single["names"])


@needs_keras
@pytest.mark.parametrize("kind", sorted(side.KINDS))
def test_quantized_weights_and_outputs_match_keras(training_backend, keras_files, kind):
    model = side.prepare(dlx, kind)
    want = np.load(keras_files / f"{kind}.keras.vars.npz")
    assert [w.path for w in model.weights] == list(want.keys())
    for w in model.weights:
        _same(w.value, want[w.path], exact=not w.path.split("/")[-1].endswith("_scale"))
    np.testing.assert_allclose(_np(model.predict(side.inputs(), verbose=0)), np.load(keras_files / f"{kind}.keras.live.npy"),
                               rtol=1e-5, atol=2e-6)


@needs_keras
@pytest.mark.parametrize("kind", sorted(side.KINDS))
def test_keras_files_load_in_dlx_and_back(training_backend, keras_files, kind, tmp_path):
    want = np.load(keras_files / f"{kind}.keras.npy")
    loaded = dlx.saving.load_model(keras_files / f"{kind}.keras.keras")
    np.testing.assert_allclose(_np(loaded.predict(side.inputs(), verbose=0)), want, rtol=1e-5, atol=2e-6)
    model = side.build(dlx)
    model.quantize("int4", config=Q.Int4QuantizationConfig(block_size=side.KINDS[kind]))
    model.load_weights(keras_files / f"{kind}.keras.weights.h5")
    np.testing.assert_allclose(_np(model.predict(side.inputs(), verbose=0)), want, rtol=1e-5, atol=2e-6)


@needs_keras
def test_dlx_files_load_in_keras(numpy_backend, tmp_path):
    ours = {}
    for kind in side.KINDS:
        model = side.prepare(dlx, kind)
        model.save(tmp_path / f"{kind}.dlx.keras")
        model.save_weights(tmp_path / f"{kind}.dlx.weights.h5")
        # LoRA is merged (and the kernel re-quantized) on saving: the reloaded model is the reference
        ours[kind] = _np(dlx.saving.load_model(tmp_path / f"{kind}.dlx.keras").predict(side.inputs(), verbose=0))
    _run_keras("read", tmp_path)
    for kind in side.KINDS:
        for suffix in ("dlx_in_keras", "dlx_weights_in_keras"):
            np.testing.assert_allclose(np.load(tmp_path / f"{kind}.{suffix}.npy"), ours[kind], rtol=1e-5, atol=2e-6,
                                       err_msg=f"{kind} {suffix}")


def test_gptq_awq_policies_validate_and_build_layers(numpy_backend):
    P = dlx.dtype_policies
    for bad in ("gptq/5/128", "gptq/4/0", "gptq/4", "awq/8/128"):
        with pytest.raises(ValueError, match=r"mode|weight_bits|group_size"):
            (P.GPTQDTypePolicy if bad.startswith("gptq") else P.AWQDTypePolicy)(bad, "float32")
    d = layers.Dense(3, dtype=P.GPTQDTypePolicy("gptq/4/2", "float32"))  # Keras's layout, as a config builds it
    d.build((None, 5))
    assert sorted((w.name, tuple(w.shape), w.dtype) for w in d.weights) == [
        ("bias", (3,), "float32"), ("g_idx", (5,), "float32"), ("kernel", (2, 5), "uint8"),
        ("kernel_scale", (3, 3), "float32"), ("kernel_zero", (3, 3), "uint8")]
    e = layers.Embedding(4, 3, dtype=P.AWQDTypePolicy("awq/4/-1", "float32"))
    with pytest.raises(ValueError, match="'awq' is not supported"):
        e.build()


def test_int4_memory_and_errors(numpy_backend):
    d = layers.Dense(64)
    d.build((None, 256))
    float_bytes = 256 * 64 * 4
    d.quantize("int4")
    int_bytes = sum(_np(w.value).nbytes for w in d.weights if w.name in ("kernel", "kernel_scale"))
    assert int_bytes <= 0.14 * float_bytes
    with pytest.raises(ValueError, match="already quantized"):
        d.quantize("int4")
    with pytest.raises(ValueError, match="block_size"):
        Q.Int4QuantizationConfig(block_size=0)
    with pytest.raises(ValueError, match="custom quantizers"):
        Q.Int4QuantizationConfig(weight_quantizer=Q.AbsMaxQuantizer(axis=0, value_range=(-8, 7)))
    with pytest.raises(ValueError, match="value_range"):
        Q.Int4QuantizationConfig(weight_quantizer=Q.AbsMaxQuantizer(axis=0), block_size=None)


def test_quantizers_module_is_public_and_get_takes_a_short_config():
    # keras.quantizers is a public submodule; get() of a config dict without "module" finds the
    # class by its name, as Keras's get does
    import dlx

    q = dlx.quantizers.get({"class_name": "AbsMaxQuantizer", "config": {"axis": -1}})
    assert type(q).__name__ == "AbsMaxQuantizer" and q.axis == (-1,)
    with pytest.raises(Exception, match="NoSuchQuantizer"):
        dlx.quantizers.get({"class_name": "NoSuchQuantizer", "config": {}})
