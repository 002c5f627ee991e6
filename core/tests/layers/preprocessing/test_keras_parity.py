"""Every preprocessing layer against Keras 3 on the same input (``cases.py``), on every backend:
outputs, configs, and ``.keras`` files both ways (Keras's file with its adapted state loads in dlx
with equal outputs, and the reverse). Keras runs in subprocesses (``KERAS_BACKEND=tensorflow``:
its string layers need TensorFlow; dlx's never import it)."""

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

from .cases import CASES, SAVED, as_numpy, build

HERE = Path(__file__).parent
pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None
                                or importlib.util.find_spec("tensorflow") is None,
                                reason="the Keras 3 reference needs `keras` and `tensorflow` (test-only)")
BY_ID = {c["id"]: c for c in CASES}


def _run_keras(cmds: str, folder) -> None:
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_side.py"), cmds, str(folder)], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"keras_side.py {cmds} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"


@pytest.fixture(scope="module")
def keras_ref(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_pre")
    _run_keras("outputs,save", folder)
    with np.load(folder / "keras.npz") as f:
        outs = {k: f[k] for k in f.files}
    configs = json.loads((folder / "configs.json").read_text())
    return folder, outs, configs


def _compare(out: np.ndarray, ref: np.ndarray, what: str) -> None:
    assert out.shape == ref.shape, f"{what}: shape {out.shape}, Keras {ref.shape}"
    if ref.dtype.kind == "U":
        assert out.tolist() == ref.tolist(), what
    elif ref.dtype.kind in "iub":
        np.testing.assert_array_equal(out, ref, err_msg=what)
    else:  # float32 arithmetic (normalization, tf-idf products): a few ulps
        np.testing.assert_allclose(out, ref, rtol=2e-6, atol=1e-6, err_msg=what)


@pytest.mark.parametrize("cid", [c["id"] for c in CASES])
def test_output_equals_keras(keras_ref, backend, cid):
    case = BY_ID[cid]
    layer = build(dlx.layers, case)
    out = layer(case["inputs"], **case.get("call_kwargs", {}))
    _compare(as_numpy(out, dlx.ops.convert_to_numpy), keras_ref[1][cid], f"{cid} on {backend.name}")


@pytest.mark.parametrize("cid", [c["id"] for c in CASES])
def test_config_matches_keras(keras_ref, cid):
    layer = build(dlx.layers, BY_ID[cid])
    cfg, kcfg = layer.get_config(), keras_ref[2][cid]
    assert set(cfg) == set(kcfg), f"{cid}: dlx-only keys {set(cfg) - set(kcfg)}, Keras-only {set(kcfg) - set(cfg)}"
    for k in ("vocabulary", "vocabulary_size", "bin_boundaries", "output_mode", "max_tokens", "num_bins", "salt"):
        if k in kcfg and k != "bin_boundaries":
            assert json.loads(json.dumps(cfg[k])) == kcfg[k], f"{cid}: {k}"
    clone = type(layer).from_config(cfg)  # the vocabulary itself comes back from the saved assets
    drop = ("vocabulary_size",)
    assert {k: v for k, v in clone.get_config().items() if k not in drop} == \
        {k: v for k, v in cfg.items() if k not in drop}


def test_keras_files_load_in_dlx(keras_ref):
    folder = keras_ref[0]
    with dlx.backend.use("numpy"):
        for cid in SAVED:
            model = dlx.models.load_model(folder / f"{cid}.keras")
            case = BY_ID[cid]
            out = model.layers[0](case["inputs"], **case.get("call_kwargs", {}))
            _compare(as_numpy(out, dlx.ops.convert_to_numpy), keras_ref[1][cid], f"Keras file {cid}")


def test_dlx_files_load_in_keras(keras_ref, tmp_path):
    with dlx.backend.use("numpy"):
        for cid in SAVED:
            layer = build(dlx.layers, BY_ID[cid])
            dlx.Sequential([layer]).save(tmp_path / f"dlx_{cid}.keras")
    _run_keras("load", tmp_path)
    with np.load(tmp_path / "keras_on_dlx.npz") as f:
        for cid in SAVED:
            _compare(f[cid], keras_ref[1][cid], f"dlx file {cid} read by Keras")
