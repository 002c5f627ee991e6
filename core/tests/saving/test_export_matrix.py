"""The export matrix: four models (MNIST-style CNN, LSTM text classifier, transformer encoder
block, ResNet-style CNN), each trained a few steps on jax, torch and tf, exported to every
installed format (ONNX, LiteRT, TF SavedModel, OpenVINO IR) and run by that format's own runtime
in a subprocess that imports only that runtime (``export_runners.py``), at batch sizes 1 and 7
from one export (the batch dimension is free). Predictions must match the dlx model's within
1e-5. The LSTM has a fixed sequence length (the RNN layers unroll over known timesteps); the
transformer's sequence length is free in every format.

One subprocess per format checks every artefact, which keeps the matrix to a few minutes."""

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
from dlx.saving import export as dlx_export

from .conftest import get_backend, installed_backends, outputs

HERE = Path(__file__).parent
spec = importlib.util.spec_from_file_location("dlx_export_models", HERE / "export_models.py")
em = importlib.util.module_from_spec(spec)
spec.loader.exec_module(em)

TRAIN_BACKENDS = [b for b in ("jax", "torch", "tf") if b in installed_backends()]
RUNTIME = {"onnx": "onnxruntime", "litert": "ai_edge_litert", "tf_saved_model": "tensorflow", "openvino": "openvino"}
SUFFIX = {"onnx": ".onnx", "litert": ".tflite", "tf_saved_model": "_saved_model", "openvino": ".xml"}
BATCHES = (1, 7)


def _usable(fmt: str) -> bool:
    rec = dlx_export.exporters().get(fmt)
    return (rec is not None and all(importlib.util.find_spec(m) for m in rec.requires)
            and importlib.util.find_spec(RUNTIME[fmt]) is not None)


FORMATS = [f for f in RUNTIME if _usable(f)]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Trains every model on every training backend, exports it to every format and writes the
    manifest the runners read; returns ``(folder, manifest)``."""
    if not TRAIN_BACKENDS or not FORMATS:
        pytest.skip("needs a training backend among jax/torch/tf and an installed exporter with its runtime")
    folder = tmp_path_factory.mktemp("export_matrix")
    manifest = []
    for backend in TRAIN_BACKENDS:
        with dlx.backend.use(get_backend(backend)):
            for kind in em.KINDS:
                model = em.trained(dlx, kind)
                stem = f"{backend}_{kind}"
                refs = []
                for n in BATCHES:
                    x, _ = em.data(kind, n, seed=5)
                    np.save(folder / f"{stem}.x{n}.npy", x)
                    refs.append(f"{stem}.ref{n}.npy")
                    np.save(folder / refs[-1], outputs(model.predict(x, verbose=0))[0])
                for fmt in FORMATS:
                    artefact = f"{stem}{SUFFIX[fmt]}"
                    model.export(folder / artefact, format=fmt, verbose=False)
                    manifest.append({"format": fmt, "artefact": artefact, "backend": backend, "kind": kind,
                                     "inputs": [[f"{stem}.x{n}.npy"] for n in BATCHES],
                                     "outputs": [f"{stem}.{fmt}.out{n}.npy" for n in BATCHES], "refs": refs})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder, manifest


@pytest.mark.parametrize("fmt", list(RUNTIME))
def test_exports_match_the_trained_model_in_their_runtime(exported, fmt):
    if fmt not in FORMATS:
        pytest.skip(f"format {fmt!r}: no exporter or no {RUNTIME[fmt]} installed")
    folder, manifest = exported
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLX_")}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    proc = subprocess.run([sys.executable, str(HERE / "export_runners.py"), fmt, str(folder)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-5000:]
    entries = [e for e in manifest if e["format"] == fmt]
    assert len(entries) == len(TRAIN_BACKENDS) * len(em.KINDS)
    for e in entries:
        for n, out, ref in zip(BATCHES, e["outputs"], e["refs"]):
            got, want = np.load(folder / out), np.load(folder / ref)
            assert got.shape == want.shape == (n, want.shape[1]), (e["artefact"], got.shape, want.shape)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5,
                                       err_msg=f"{e['kind']} trained on {e['backend']}, {fmt}, batch {n}")
