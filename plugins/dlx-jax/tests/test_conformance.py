"""The whole dlx conformance suite against the jax backend, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_conformance_suite_passes(tmp_path):
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", "jax", "--report", str(tmp_path)],
                       capture_output=True, text=True, timeout=3600)
    tail = (r.stdout + r.stderr)[-4000:]
    assert r.returncode == 0, tail
    report = json.loads((tmp_path / "report.json").read_text())
    totals = report["totals"]
    assert report["backend"] == "jax"
    assert totals["failed"] == 0, tail
    assert totals["skipped"] == 0, tail  # no capability of the jax backend is off for these tiers
    assert totals["passed"] + totals["xfailed"] == totals["tests"]
    assert report["ops_without_cases"] == ["custom_gradient"]  # core/tests/test_control_flow.py checks it
    assert totals["ops"] + len(report["ops_without_cases"]) == totals["ops_in_catalogue"]
    assert (tmp_path / "jax.md").is_file()
