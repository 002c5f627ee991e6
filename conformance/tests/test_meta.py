"""Meta-tests: the suite passes on the reference backend and catches every planted fault."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def run_suite(backend, tmp_path, *extra, env=None):
    report = tmp_path / "report"
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", backend, "--report", str(report), *extra],
                       capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=1200)
    data = json.loads((report / "report.json").read_text())
    return r, data


def test_reference_backend_passes_everything(tmp_path):
    r, data = run_suite("numpy", tmp_path)
    t = data["totals"]
    assert r.returncode == 0, r.stdout[-3000:]
    assert t["failed"] == 0 and t["skipped"] == 2  # only the distribution tier: numpy has no collectives
    assert [e["outcome"] for e in data["distribution"]] == ["skipped", "skipped"]
    assert t["ops"] >= 120
    assert {row["tier"] for row in data["rows"] if "tier" in row} == {"value", "grad", "rule"}
    assert {row["dtype"] for row in data["rows"] if "dtype" in row} >= {"float32", "float64"}
    md = (tmp_path / "report" / "numpy.md").read_text()
    assert "| matmul | float32 | Kc |" in md and "within plain `allclose(1e-7, 1e-7)`" in md


@pytest.fixture
def broken_site(tmp_path):
    site = tmp_path / "site"
    dist = site / "broken_backend-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-backend\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[dlx]\nbroken = broken_backend\n")
    return {"PYTHONPATH": os.pathsep.join([str(site), str(HERE)])}


def test_suite_catches_each_planted_fault(tmp_path, broken_site):
    r, data = run_suite("broken", tmp_path, "-k", "negative or sigmoid or divide or sum", env=broken_site)
    assert r.returncode == 1
    failed = {row["nodeid"] for row in data["rows"] if row["outcome"] == "failed"}
    failed_ops = {(n.split("[")[0], n.split("[")[1].split("-")[0]) for n in failed}
    assert failed_ops == {("test_value", "negative"), ("test_grad", "sigmoid"), ("test_value", "divide"),
                          ("test_value", "sum")}, sorted(failed)
    assert "test_value[sum-n1e6_positive-float32]" in failed
    assert "test_value[sum-all-float32]" not in failed  # a short sequential sum is still within Kr
    assert "test_value[divide-same-float32]" in failed
    assert "test_value[negative-normal-float64]" in failed
    assert "test_grad[sigmoid-normal-float32]" in failed
    passed_values = {row["nodeid"] for row in data["rows"] if row["outcome"] == "passed"}
    assert "test_value[sigmoid-normal-float32]" in passed_values  # only its gradient is broken


def test_strict_xfail_file(tmp_path, broken_site):
    xf = tmp_path / "xfails.txt"
    xf.write_text("test_value[negative-normal-float32]  # planted wrong sign\n"
                  "test_value[exp-normal-float32]  # not actually broken: strict xfail must fail the run\n")
    r, data = run_suite("broken", tmp_path, "--xfail-file", str(xf), "-k", "negative-normal-float32 or exp-normal-float32",
                        env=broken_site)
    assert r.returncode == 1
    assert "XPASS(strict)" in r.stdout and "test_value[exp-normal-float32]" in r.stdout
    rows = {row["nodeid"]: row for row in data["rows"]}
    assert rows["test_value[negative-normal-float32]"]["wasxfail"]


def test_xfail_lines_need_reasons(tmp_path, broken_site):
    xf = tmp_path / "xfails.txt"
    xf.write_text("test_value[negative-normal-float32]\n")
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", "broken", "--xfail-file", str(xf)],
                       capture_output=True, text=True, env={**os.environ, **broken_site}, timeout=600)
    assert r.returncode != 0 and "every xfail needs a reason" in (r.stdout + r.stderr)


def test_plugin_is_inert_without_backend_option(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "dlx_conformance.suite", "-q", "-k", "exp-normal"],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0 and "skipped" in r.stdout and "passed" not in r.stdout


def test_compiled_grad_mode_still_catches_a_wrong_gradient(tmp_path, broken_site):
    r, data = run_suite("broken", tmp_path, "--grad-mode", "compiled", "--tiers", "grad", "-k", "sigmoid or tanh",
                        env=broken_site)
    assert r.returncode == 1
    assert data["grad_mode"] == "compiled"
    failed = {row["nodeid"].split("[")[1].split("-")[0] for row in data["rows"] if row["outcome"] == "failed"}
    assert failed == {"sigmoid"}
    assert "--grad-mode compiled" in (tmp_path / "report" / "broken.md").read_text()
