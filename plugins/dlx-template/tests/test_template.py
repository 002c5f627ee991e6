"""The template backend, installed the way pip would leave it (a dist-info with its entry point on
``sys.path``, no virtual environment): discovered, trains an MLP, passes conformance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A folder holding ``dlx_template-0.1.0.dist-info`` (metadata + entry point)."""
    root = tmp_path_factory.mktemp("site")
    info = root / "dlx_template-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: dlx-template\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[dlx]\ntemplate = dlx_template.plugin\n")
    return root


def run(site, *args, code=None, timeout=1800):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(SRC), os.environ.get("PYTHONPATH", "")]))
    env.pop("DLX_BACKEND", None)
    cmd = [sys.executable, *(["-c", textwrap.dedent(code)] if code else args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def test_discovered_listed_and_never_auto_selected(site):
    r = run(site, "-m", "dlx", "info", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    row = next(b for b in data["backends"] if b["name"] == "template")
    assert row["ops"]["native"] == 10 and row["ops"]["reference"] > 100
    assert "softmax" in row["reference_fallbacks"]
    assert data["active"] != "template"


def test_trains_the_readme_mlp_as_the_reference_backend_does(site):
    """Same seed, same data: the template's loss curve equals the NumPy reference backend's
    (its gradients come from its own ten kernels plus fallbacks), and the loss falls."""
    r = run(site, code="""
        import json, warnings
        import numpy as np
        import dlx
        from dlx import layers
        from dlx.backend.contract import ReferenceFallbackWarning

        warnings.simplefilter("ignore", ReferenceFallbackWarning)
        rng = np.random.default_rng(0)
        x = rng.standard_normal((256, 8)).astype("float32")
        y = (x[:, :3].sum(axis=1) > 0).astype("int32")
        out = {}
        for name in ("template", "numpy"):
            dlx.config.set_backend(name)
            model = dlx.Sequential([dlx.Input((8,)), layers.Dense(32, activation="relu",
                                    kernel_initializer=dlx.initializers.GlorotUniform(seed=3)),
                                    layers.Dense(2, activation="softmax",
                                    kernel_initializer=dlx.initializers.GlorotUniform(seed=4))])
            model.compile(optimizer=dlx.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
            h = model.fit(x, y, epochs=6, batch_size=32, shuffle=False, verbose=0)
            out[name] = [dlx.backend.current().name, h.history["loss"], h.history["accuracy"][-1]]
        print(json.dumps(out))
    """)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout)
    name, loss, acc = out["template"]
    assert name == "template"
    assert loss[-1] < 0.6 * loss[0] and acc > 0.9, (loss, acc)
    assert loss == pytest.approx(out["numpy"][1], rel=1e-5)


@pytest.mark.slow
def test_passes_conformance_through_fallbacks(site, tmp_path):
    r = run(site, "-m", "dlx_conformance", "template", "--report", str(tmp_path))
    tail = (r.stdout + r.stderr)[-4000:]
    assert r.returncode == 0, tail
    report = json.loads((tmp_path / "template.json").read_text())
    assert report["totals"]["failed"] == 0 and report["totals"]["passed"] > 2000, report["totals"]
    assert report["op_sources"]["native"] == 10
    assert report["op_sources"]["reference"] == len(report["op_sources"]["reference_ops"]) > 100
    assert "by the NumPy reference fallback" in (tmp_path / "template.md").read_text()
