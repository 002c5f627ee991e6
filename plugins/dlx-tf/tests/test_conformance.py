"""The whole dlx conformance suite on the ``tf`` backend, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_conformance_suite_passes(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dlx_conformance", "tf", "--report", str(tmp_path), "-q", "--tb=short"],
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    totals = report["totals"]
    assert report["backend"] == "tf"
    assert totals["failed"] == 0
    # every op of the catalogue ran, except those the report names as having no cases
    # core/tests/test_control_flow.py and core/tests/ops/test_vectorize.py check these
    assert report["ops_without_cases"] == ["custom_gradient", "vectorize"]
    assert totals["ops"] + len(report["ops_without_cases"]) == totals["ops_in_catalogue"]
    assert totals["ops_in_catalogue"] == len(__import__("dlx.ops", fromlist=["REGISTRY"]).REGISTRY)
    # no capability skips: the only non-passing tests are the strict xfails (pytest reports an
    # xfail with outcome "skipped", so the report counts them in both columns)
    # (and the distribution tier's ModelParallel row: tf's engine refuses it, naming jax and torch)
    tier_skips = [e for e in report.get("distribution", []) if e["outcome"] == "skipped"]
    assert [e["kind"] for e in tier_skips] == ["ModelParallel"]
    assert totals["skipped"] == totals["xfailed"] + len(tier_skips)
    skipped_rows = [r["nodeid"] for r in report["rows"] if r["outcome"] == "skipped" and not r.get("wasxfail")]
    assert skipped_rows == ["test_distribution[ModelParallel]"]
    assert totals["passed"] + totals["xfailed"] + len(tier_skips) == totals["tests"]
    assert (tmp_path / "tf.md").is_file()
