"""GPTQ and AWQ (``Model.quantize("gptq" | "awq", config=...)``) against Keras 3 and float64 NumPy.

Keras 3.15.1 runs in a ``KERAS_BACKEND=torch`` subprocess (``keras_gptq_side.py``). Two facts of
that version shape the comparisons:

- its ``Model.quantize`` calibration patches ``layer.call``, but a quantized layer runs
  ``quantized_call``, so the statistics stay empty (the GPTQ Hessian zero, the AWQ magnitudes
  zero) and the result is plain rounding. The algorithms are therefore compared on one layer at a
  time, driven through Keras's own ``GPTQ`` / ``AWQ`` classes with the same activations;
- its GPTQ / AWQ layers save without ``kernel_zero``, so no reader (Keras included) can load its
  files; dlx writes the complete layout (which Keras loads) and names the defect when reading
  Keras's. Keras's in-memory quantized variables, copied into dlx by path, give Keras's outputs.

Independently of Keras: the collected Hessian / magnitudes equal their float64 formulas, and on
the float64 objective GPTQ's reconstruction error ``tr(dW^T H dW)`` and AWQ's output error are
below round-to-nearest's (both decoded from the stored variables in float64).
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
from dlx import layers, ops
from dlx import quantizers as Q
from dlx.quantizers import calibration

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("dlx_keras_gptq_side", HERE / "keras_gptq_side.py")
side = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(side)

needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None,
                                 reason="Keras 3 interop needs `keras` and `torch` (test-only dependencies)")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    """dlx's files and outputs (numpy backend), then Keras's run over the same folder."""
    folder = tmp_path_factory.mktemp("keras_gptq")
    ours = {}
    with dlx.backend.use("numpy"):
        for kind in side.KINDS:
            model = side.prepare(dlx, kind)
            model.save(folder / f"{kind}.dlx.keras")
            model.save_weights(folder / f"{kind}.dlx.weights.h5")
            ours[kind] = _np(model.predict(side.inputs(), verbose=0))
    env = {**os.environ, "KERAS_BACKEND": "torch", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_gptq_side.py"), "run", str(folder)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return folder, ours


def _solve_layer(kind, which, chunks=1):
    mode = side.KINDS[kind][0]
    layer, acts, evals = side.layer_case(dlx, kind, which)
    cfg = side.config(dlx, kind, None)
    layer.quantize(mode, config=cfg)
    rows = side.LAYERS[which][1]
    stats = (calibration.HessianStats if mode == "gptq" else calibration.MagnitudeStats)(rows)
    for part in np.array_split(acts.reshape(-1, rows), chunks):
        stats.update(ops.convert_to_tensor(part))
    float_kernel = _np(layer._kernel).astype("float64")
    calibration.solve(layer, stats, cfg)
    return layer, stats, acts.reshape(-1, rows).astype("float64"), evals, float_kernel


@needs_keras
def test_configs_match_keras(numpy_backend, keras_files):
    folder, _ = keras_files
    theirs = json.loads((folder / "configs.json").read_text())
    for kind, want in theirs.items():
        ours = Q.serialize(side.config(dlx, kind, None))
        assert ours["class_name"] == want["class_name"] and ours["config"] == want["config"]
        back = dlx.saving.deserialize_keras_object(want)
        assert type(back).__name__ == want["class_name"] and back.get_config() == want["config"]
    assert Q.GPTQConfig(None, None, weight_bits=3, group_size=-1).dtype_policy_string() == "gptq/3/-1"
    for bad, match in ((dict(weight_bits=5), "weight_bits"), (dict(group_size=0), "group_size"),
                       (dict(hessian_damping=1.5), "hessian_damping"), (dict(num_samples=0), "num_samples")):
        with pytest.raises(ValueError, match=match):
            Q.GPTQConfig([1], None, **bad)
    for bad, match in ((dict(weight_bits=8), "4-bit"), (dict(num_grid_points=0), "num_grid_points")):
        with pytest.raises(ValueError, match=match):
            Q.AWQConfig([1], None, **bad)
    got = calibration.get_dataloader(None, 8, [np.arange(30) % 17, np.arange(5)], num_samples=6, strategy="linspace")
    np.testing.assert_array_equal(got, np.load(folder / "loader.npy"))


@needs_keras
@pytest.mark.parametrize("kind", sorted(side.KINDS))
def test_algorithm_matches_keras(training_backend, keras_files, kind):
    """Same float weights and activations: the same codes, scales, zero points, AWQ scales,
    group indices and outputs as Keras's GPTQ / AWQ classes (codes: at least 99.5% identical;
    floats and outputs: 1e-5 relative)."""
    folder, _ = keras_files
    for which in side.LAYERS:
        layer, _, _, evals, _ = _solve_layer(kind, which)
        want = np.load(folder / f"{kind}.{which}.layer.npz")
        got = {w.name: _np(w.value) for w in layer.weights}
        assert sorted(got) == sorted(k for k in want.files if k != "out")
        for name, value in got.items():
            assert value.shape == want[name].shape and value.dtype == want[name].dtype, name
            if value.dtype == np.uint8:
                assert np.mean(value == want[name]) >= 0.995, name
            else:
                np.testing.assert_allclose(value, want[name], rtol=1e-5, atol=1e-6, err_msg=name)
        out = _np(layer(ops.convert_to_tensor(evals)))
        scale = np.abs(want["out"]).max()
        assert np.abs(out - want["out"]).max() <= 1e-5 * scale


@needs_keras
@pytest.mark.parametrize("kind", sorted(side.KINDS))
def test_keras_variables_give_keras_outputs_in_dlx(training_backend, keras_files, kind):
    folder, _ = keras_files
    model = dlx.saving.load_model(folder / f"{kind}.dlx.keras")  # the same architecture, quantized layers
    want = np.load(folder / f"{kind}.keras.vars.npz")
    # keyed by layer/variable: a loaded dlx model's nested-Sequential paths lack the block's name
    # (a defect of dlx's loader, outside this test), and its build order differs from Keras's
    key = {"/".join(p.split("/")[-2:]): p for p in want.files}
    assert sorted("/".join(w.path.split("/")[-2:]) for w in model.weights) == sorted(key)
    for w in model.weights:
        value = want[key["/".join(w.path.split("/")[-2:])]]
        assert tuple(w.shape) == value.shape and w.dtype == str(value.dtype), w.path
        w.assign(value)
    np.testing.assert_allclose(_np(model.predict(side.inputs(), verbose=0)),
                               np.load(folder / f"{kind}.keras.live.npy"), rtol=1e-5, atol=1e-5)


@needs_keras
def test_files_between_dlx_and_keras(numpy_backend, keras_files):
    folder, ours = keras_files
    for kind in side.KINDS:
        for suffix in ("dlx_in_keras", "dlx_weights_in_keras"):
            np.testing.assert_allclose(np.load(folder / f"{kind}.{suffix}.npy"), ours[kind], rtol=1e-5, atol=1e-5,
                                       err_msg=f"{kind} {suffix}")
        reloaded = dlx.saving.load_model(folder / f"{kind}.dlx.keras")
        np.testing.assert_array_equal(_np(reloaded.predict(side.inputs(), verbose=0)), ours[kind])
        with pytest.raises(Exception, match="without their zero points"):
            dlx.saving.load_model(folder / f"{kind}.keras.keras")


def _unpack_codes(layer):
    """The stored codes ``(columns, rows)``, decoded with NumPy (low nibble first)."""
    raw = _np(layer.quantized_kernel.value)
    cols = layer.kernel_scale.shape[0]
    if layer._gptq_bits != 4:
        return raw.astype("float64")
    both = np.stack([raw & 15, raw >> 4], axis=1).reshape(-1, raw.shape[1])
    return both[:cols].astype("float64")


def _decoded_kernel(layer):
    """The 2-D ``(rows, columns)`` float64 kernel the stored variables stand for."""
    g = _np(layer.g_idx).astype("int64")
    scale, zero = _np(layer.kernel_scale).astype("float64")[:, g], _np(layer.kernel_zero).astype("float64")[:, g]
    w = (scale * (_unpack_codes(layer) - zero)).T
    if layer.quantization_mode == "awq":
        w = w / _np(layer.awq_scales).astype("float64")[:, None]
    return w


def _round_to_nearest(w, bits, group):
    """Asymmetric min / max round-to-nearest of ``w`` (``(rows, columns)``) in float64, groups of
    ``group`` rows."""
    out = np.empty_like(w)
    maxq = 2.0 ** bits - 1
    step = w.shape[0] if group == -1 else group
    for r in range(0, w.shape[0], step):
        block = w[r:r + step]
        lo, hi = block.min(axis=0), block.max(axis=0)
        scale = (hi - lo) / maxq
        zero = np.round(-lo / scale)
        out[r:r + step] = scale * (np.clip(np.round(block / scale + zero), 0, maxq) - zero)
    return out


@pytest.mark.parametrize("chunks", [1, 3])
def test_gptq_objective_below_round_to_nearest_float64(training_backend, chunks):
    layer, stats, x, _, w = _solve_layer("gptq4_g8_act", "dense", chunks)
    hessian = 2.0 / x.shape[0] * x.T @ x
    np.testing.assert_allclose(_np(stats.hessian), hessian, rtol=1e-5, atol=1e-4 * np.abs(hessian).max())
    w = w.reshape(hessian.shape[0], -1)

    def objective(approx):
        d = w - approx
        return float(np.trace(d.T @ hessian @ d))

    gptq, rtn = objective(_decoded_kernel(layer)), objective(_round_to_nearest(w, 4, 8))
    assert gptq < 0.8 * rtn, (gptq, rtn)
    layer2, _, x2, _, w2 = _solve_layer("gptq3_channel_sym", "qkv")
    h2 = 2.0 / x2.shape[0] * x2.T @ x2
    w2 = w2.reshape(h2.shape[0], -1)
    d_gptq, d_rtn = w2 - _decoded_kernel(layer2), w2 - _round_to_nearest(w2, 3, -1)
    assert np.trace(d_gptq.T @ h2 @ d_gptq) < 0.8 * np.trace(d_rtn.T @ h2 @ d_rtn)


@pytest.mark.parametrize("kind", ["awq_g8", "awq_channel"])
def test_awq_output_error_below_round_to_nearest_float64(training_backend, kind):
    layer, stats, x, evals, w = _solve_layer(kind, "dense")
    np.testing.assert_allclose(_np(stats.magnitudes), np.abs(x).max(axis=0), rtol=1e-6)
    group = side.KINDS[kind][1]["group_size"]
    x_eval = evals.reshape(-1, w.shape[0]).astype("float64")

    def error(approx):
        return float(np.sum((x_eval @ (w - approx)) ** 2))

    assert error(_decoded_kernel(layer)) < 0.9 * error(_round_to_nearest(w, 4, group))
    assert np.ptp(_np(layer.awq_scales)) > 0  # a non-trivial scaling was chosen


def _small_model(units=96, vocab=64):
    L = layers
    emb = L.Embedding(vocab, 64, name="emb")
    block1 = dlx.Sequential([L.Dense(units, activation="relu", name="up"), L.Dense(64, name="down")], name="block1")
    block2 = dlx.Sequential([L.Dense(units, activation="relu", name="up2"), L.Dense(10, name="head")], name="block2")
    ids = L.Input(shape=(None,), dtype="int32")
    model = dlx.Model(ids, block2(block1(emb(ids))))
    rng = np.random.default_rng(5)
    model.set_weights([rng.normal(scale=1 / np.sqrt(w.shape[0]), size=w.shape).astype("float32")
                       for w in model.get_weights()])
    return model, {"pre_block_layers": [emb], "sequential_blocks": [block1, block2]}


@pytest.mark.parametrize("mode", ["gptq", "awq"])
def test_small_model_memory_and_agreement(numpy_backend, mode):
    """4-bit groups of 32 over a 2-block model: kernel bytes <= 0.2x float32 and per-token top-1
    agreement with the float model >= 90% (calibrated on 4 x 32 tokens)."""
    model, structure = _small_model()
    tokens = np.random.default_rng(1).integers(0, 64, size=(40, 16)).astype("int32")
    float_top = _np(model.predict(tokens, verbose=0)).argmax(-1)
    kernels = [w for w in model.weights if w.path.endswith("/kernel")]
    float_bytes = sum(int(np.prod(w.shape)) * 4 for w in kernels)
    cls = Q.GPTQConfig if mode == "gptq" else Q.AWQConfig
    data = np.random.default_rng(2).integers(0, 64, size=(128,))
    model.quantize(mode, config=cls([data], None, num_samples=4, sequence_length=32, group_size=32,
                                    quantization_layer_structure=structure))
    quant = [w for w in model.weights if w.path.split("/")[-1] in ("kernel", "kernel_scale", "kernel_zero", "g_idx",
                                                                   "awq_scales")]
    quant_bytes = sum(_np(w.value).nbytes for w in quant)
    assert all(w.dtype == "uint8" for w in quant if w.path.endswith("/kernel"))
    assert quant_bytes <= 0.2 * float_bytes, (quant_bytes, float_bytes)
    agree = np.mean(_np(model.predict(tokens, verbose=0)).argmax(-1) == float_top)
    assert agree >= 0.9, agree


def test_errors_and_warnings(numpy_backend, tmp_path):
    model, structure = _small_model(units=8)
    data = np.arange(64) % 64
    with pytest.raises(ValueError, match="needs a config"):
        model.quantize("gptq")
    with pytest.raises(ValueError, match="structure"):
        model.quantize("gptq", config=Q.GPTQConfig([data], None, num_samples=1, sequence_length=8))
    with pytest.raises(ValueError, match="needs calibration data"):
        model.quantize("awq", config=Q.AWQConfig(None, None, quantization_layer_structure=structure))
    with pytest.raises(ValueError, match="tokenizer"):
        calibration.get_dataloader(None, 4, ["some text"], num_samples=1)
    d = layers.Dense(4)
    d.build((None, 6))
    d.quantize("gptq", config=Q.GPTQConfig([data], None))
    assert d.dtype_policy.name == "gptq/4/128_from_float32" and not d.is_gptq_calibrated
    with pytest.raises(ValueError, match="LoRA"):
        d.enable_lora(2)
    with pytest.raises(ValueError, match="not calibrated"):
        dlx.Sequential([layers.Input((6,)), d]).save(tmp_path / "uncalibrated.keras")
    e = layers.Dense(4)
    e.build((None, 6))
    e.enable_lora(2)
    with pytest.raises(ValueError, match="LoRA"):
        e.quantize("awq", config=Q.AWQConfig([data], None))
    bad = layers.EinsumDense("abc,dc->abd", output_shape=(None, 4))
    bad.build((None, 3, 6))
    with pytest.raises(ValueError, match="contracted axes first"):
        bad.quantize("gptq", config=Q.GPTQConfig([data], None))
    outside, _ = _small_model(units=8)
    emb, block1, block2 = (outside.get_layer(n) for n in ("emb", "block1", "block2"))
    cfg = Q.GPTQConfig([data], None, num_samples=2, sequence_length=8, group_size=-1,
                       quantization_layer_structure={"pre_block_layers": [emb], "sequential_blocks": [block1]})
    with pytest.warns(UserWarning, match="outside the quantization structure"):
        outside.quantize("gptq", config=cfg)
    assert block2.get_layer("head").quantization_mode is None and block1.get_layer("up").is_gptq_calibrated


def test_quantization_grid_edges_float64():
    """A group entirely above zero (Keras's zero point would be negative and wrap in its uint8):
    dlx widens the range to include 0, so codes, zero and error stay in range; per-tensor
    (``per_channel=False``) shares one scale; symmetric puts the zero at ``2**(bits-1)``."""
    from dlx.quantizers import gptq as G

    w = np.array([[0.5, 0.7, 0.9, 1.1], [-1.0, 0.0, 0.5, 2.0]], "float32")
    scale, zero, maxq = G.quantization_parameters(w, 4)
    assert zero[0, 0] == 0 and 0 <= zero[1, 0] <= maxq
    back = G.dequantize(G.quantize(w, scale, zero, maxq), scale, zero).astype("float64")
    assert np.all(np.abs(back - w) <= scale.astype("float64") / 2 + 1e-7)
    scale, _, _ = G.quantization_parameters(w, 4, per_channel=False)
    assert scale.shape == (2, 1) and scale[0, 0] == scale[1, 0] == np.float32(3.0 / 15)
    _, zero, _ = G.quantization_parameters(w, 3, symmetric=True)
    np.testing.assert_array_equal(zero, 4.0)
