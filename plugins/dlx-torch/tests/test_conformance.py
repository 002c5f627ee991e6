"""The whole dlx conformance suite on the torch backend, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_conformance_suite_passes(tmp_path):
    p = subprocess.run([sys.executable, "-m", "dlx_conformance", "torch", "--report", str(tmp_path)],
                       capture_output=True, text=True, timeout=3600)
    assert p.returncode == 0, p.stdout[-5000:] + p.stderr[-5000:]
    report = json.loads((tmp_path / "report.json").read_text())
    totals = report["totals"]
    assert report["backend"] == "torch"
    assert totals["failed"] == 0, totals
    # every op of the catalogue ran, except those the report names as having no cases
    # core/tests/test_control_flow.py and core/tests/ops/test_vectorize.py check these
    assert report["ops_without_cases"] == ["custom_gradient", "vectorize"]
    assert totals["ops"] + len(report["ops_without_cases"]) == totals["ops_in_catalogue"]
    assert totals["ops_in_catalogue"] == len(__import__("dlx.ops", fromlist=["REGISTRY"]).REGISTRY)
    # nothing is skipped for a capability: the only non-passing tests are the strict xfails
    assert not [r for r in report["rows"] if r["outcome"] == "skipped" and not r.get("wasxfail")]
    assert totals["passed"] + totals["xfailed"] == totals["tests"], totals
    assert (tmp_path / "torch.md").is_file()
