"""``MelSpectrogram`` and ``STFTSpectrogram`` against Keras 3 on the same inputs (``audio_cases.py``),
on every backend: outputs, configs, ``.keras`` files both ways (Keras's file, with perturbed STFT
kernels, loads in dlx with equal outputs, and the reverse). Keras runs in a subprocess."""

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

from .audio_cases import CASES, INPUTS

HERE = Path(__file__).parent
BY_ID = {c[0]: c for c in CASES}
pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="the Keras 3 reference needs `keras` (test-only)")


def _run_keras(cmd, folder):
    env = {**os.environ, "KERAS_BACKEND": "numpy", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_audio_side.py"), cmd, str(folder)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"keras_audio_side.py {cmd}:\n{proc.stderr[-6000:]}"


@pytest.fixture(scope="module")
def keras_ref(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_audio")
    _run_keras("ref", folder)
    with np.load(folder / "keras.npz") as f:
        outs = {k: f[k] for k in f.files}
    with np.load(folder / "keras_saved.npz") as f:
        saved = {k: f[k] for k in f.files}
    return folder, outs, saved, json.loads((folder / "configs.json").read_text())


def _close(out, ref, what, angle=False):
    """float32 STFTs by different summation orders: within 2e-5 of the output's largest value
    (log / dB outputs: 2e-5 absolute per unit of their range); angles where the bin is not ~0."""
    out = np.asarray(out)
    assert out.shape == ref.shape, f"{what}: shape {out.shape}, Keras {ref.shape}"
    assert out.dtype == ref.dtype, f"{what}: dtype {out.dtype}, Keras {ref.dtype}"
    scale = float(np.max(np.abs(ref)))
    np.testing.assert_allclose(out, ref, rtol=0, atol=(1e-4 if angle else 2e-5 * scale), err_msg=what)


def _build(cid, layers):
    _, cls, kwargs, _ = BY_ID[cid]
    return getattr(layers, cls)(**kwargs)


@pytest.mark.parametrize("cid", list(BY_ID))
def test_output_equals_keras(keras_ref, backend, cid):
    out = _build(cid, dlx.layers)(INPUTS[BY_ID[cid][3]])
    _close(dlx.ops.convert_to_numpy(out), keras_ref[1][cid], f"{cid} on {backend.name}", angle=cid == "stft_angle")


def test_symbolic_shape_and_model(numpy_backend):
    for cid, _, _, inp in CASES:
        x = INPUTS[inp]
        layer = _build(cid, dlx.layers)
        model = dlx.Sequential([dlx.Input(x.shape[1:]), layer])
        out = dlx.ops.convert_to_numpy(model(x))
        if cid.startswith("stft"):  # Keras's MelSpectrogram formula overcounts a frame; checked in its test below
            assert tuple(layer.compute_output_shape(x.shape)) == out.shape, cid
            assert tuple(model.output.shape)[1:] == out.shape[1:], cid


def test_mel_output_shape_is_keras(keras_ref):
    layer = _build("mel_db", dlx.layers)
    # Keras's formula: (n + stride + 1) // stride frames
    assert tuple(layer.compute_output_shape((2, 1000))) == (2, 40, (1000 + 64 + 1) // 64)
    assert tuple(layer.compute_output_shape((1000,))) == (40, (1000 + 64 + 1) // 64)


@pytest.mark.parametrize("cid", list(BY_ID))
def test_config_equals_keras(keras_ref, cid):
    cfg, kcfg = _build(cid, dlx.layers).get_config(), keras_ref[3][cid]
    skip = ("name", "dtype")
    assert {k: v for k, v in cfg.items() if k not in skip} == {k: v for k, v in kcfg.items() if k not in skip}
    clone = type(_build(cid, dlx.layers)).from_config(cfg)
    assert {k: v for k, v in clone.get_config().items() if k != "name"} == \
        {k: v for k, v in cfg.items() if k != "name"}


def test_keras_files_load_in_dlx_and_back(keras_ref, numpy_backend):
    folder, _, saved, _ = keras_ref
    for cid, _, _, inp in CASES:
        model = dlx.saving.load_model(str(folder / f"{cid}.keras"))
        _close(dlx.ops.convert_to_numpy(model(INPUTS[inp])), saved[cid], f"Keras file {cid} in dlx",
               angle=cid == "stft_angle")
        model.save(str(folder / f"dlx_{cid}.keras"))
    _run_keras("load", folder)
    with np.load(folder / "keras_on_dlx.npz") as f:
        for cid in BY_ID:
            _close(f[cid], saved[cid], f"dlx file {cid} in Keras", angle=cid == "stft_angle")


def test_argument_errors():
    with pytest.raises(ValueError, match="fft_length"):
        dlx.layers.MelSpectrogram(fft_length=64, sequence_length=128)
    with pytest.raises(ValueError, match="frame_step"):
        dlx.layers.STFTSpectrogram(frame_length=16, frame_step=32)
    with pytest.raises(ValueError, match="mode"):
        dlx.layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="padding"):
        dlx.layers.STFTSpectrogram(padding="causal")
    with pytest.raises(ValueError, match="Scaling"):
        dlx.layers.STFTSpectrogram(scaling="l2")
    with pytest.warns(UserWarning, match="power of two"):
        dlx.layers.STFTSpectrogram(frame_length=16, fft_length=24)
    with dlx.backend.use("numpy"), pytest.raises(TypeError, match="float16"):
        dlx.layers.STFTSpectrogram(frame_length=16)(np.zeros((1, 64, 1), "int32"))


def test_windows_equal_scipy():
    signal = pytest.importorskip("scipy.signal")
    from dlx.layers.preprocessing.audio import get_window

    for name in ("hann", "hamming", "blackman", "nuttall", "blackmanharris", "flattop", "bartlett", "boxcar"):
        for n in (1, 7, 16):
            for periodic in (False, True):
                np.testing.assert_allclose(get_window(name, n, periodic), signal.get_window(name, n, fftbins=periodic),
                                           rtol=1e-12, atol=1e-15, err_msg=f"{name} {n} {periodic}")


def test_inside_input_pipelines():
    """The layers map a ``tf.data`` pipeline (TensorFlow backend, graph tensors) and run in torch
    ``DataLoader`` workers (torch backend), giving the eager outputs."""
    x = INPUTS["waves"]
    clips = INPUTS["clips"]
    try:
        tf_backend = dlx.backend.registry.get("tf")
    except Exception as e:
        pytest.skip(f"the tf backend is not usable: {e}")
    import tensorflow as tf

    with dlx.backend.use(tf_backend):
        mel = dlx.layers.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8)
        stft = dlx.layers.STFTSpectrogram(frame_length=32)
        want_mel, want_stft = dlx.ops.convert_to_numpy(mel(x)), dlx.ops.convert_to_numpy(stft(clips))
        got = np.concatenate([b.numpy() for b in tf.data.Dataset.from_tensor_slices(x).batch(1).map(mel)])
        np.testing.assert_allclose(got, want_mel, rtol=1e-5, atol=1e-4)
        got = np.concatenate([b.numpy() for b in tf.data.Dataset.from_tensor_slices(clips).batch(1).map(stft)])
        np.testing.assert_allclose(got, want_stft, rtol=1e-5, atol=1e-5)


@pytest.mark.filterwarnings("ignore:os.fork\\(\\) was called:RuntimeWarning")
def test_in_torch_dataloader_workers():
    torch = pytest.importorskip("torch")
    try:
        torch_backend = dlx.backend.registry.get("torch")
    except Exception as e:
        pytest.skip(f"the torch backend is not usable: {e}")
    x = INPUTS["waves"]
    with dlx.backend.use(torch_backend):
        mel = dlx.layers.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8)
        want = dlx.ops.convert_to_numpy(mel(x))

        class Clips(torch.utils.data.Dataset):
            def __len__(self):
                return len(x)

            def __getitem__(self, i):
                return mel(x[i:i + 1])[0]

        got = torch.cat(list(torch.utils.data.DataLoader(Clips(), batch_size=1, num_workers=1))).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
