"""The whole dlx conformance suite against the jax backend, in a subprocess. Its grad tier runs
compiled (``--grad-mode compiled``: each case's value_and_grad under jax.jit, as a training step
takes it): op by op, every primitive of every case's backward pass was its own XLA compile (60
sampled grad cases: 153 s op by op, 22 s compiled)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_conformance_suite_passes(tmp_path):
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", "jax", "--report", str(tmp_path),
                        "--grad-mode", "compiled"],
                       capture_output=True, text=True, timeout=3600)
    tail = (r.stdout + r.stderr)[-4000:]
    assert r.returncode == 0, tail
    report = json.loads((tmp_path / "report.json").read_text())
    totals = report["totals"]
    assert report["backend"] == "jax" and report["grad_mode"] == "compiled"
    assert totals["failed"] == 0, tail
    assert totals["skipped"] == 0, tail  # no capability of the jax backend is off for these tiers
    assert totals["passed"] + totals["xfailed"] == totals["tests"]
    # their own tests check them (core/tests/test_control_flow.py, core/tests/ops/test_vectorize.py)
    assert report["ops_without_cases"] == ["custom_gradient", "vectorize"]
    assert totals["ops"] + len(report["ops_without_cases"]) == totals["ops_in_catalogue"]
    assert (tmp_path / "jax.md").is_file()
