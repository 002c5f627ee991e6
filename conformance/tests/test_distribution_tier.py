"""The distribution tier: it passes on jax, torch and tf, is skipped with the capability's reason
on numpy, appears in the report, and fails a backend whose all-reduce drops a shard."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlx_conformance import distribution as tier

HERE = Path(__file__).parent


def run_cli(backend, tmp_path, *extra, env=None):
    report = tmp_path / "report"
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", backend, "--tiers", "distribution", "--report",
                        str(report), *extra], capture_output=True, text=True, env={**os.environ, **(env or {})},
                       timeout=600)
    return r, json.loads((report / f"{backend}.json").read_text()), (report / f"{backend}.md").read_text()


def _needs(module):
    return pytest.mark.skipif(importlib.util.find_spec(module) is None, reason=f"{module} is not installed")


@_needs("jax")
def test_jax_tier_in_the_report(tmp_path):
    r, data, md = run_cli("jax", tmp_path, "--distribution-devices", "4")
    assert r.returncode == 0, r.stdout[-3000:]
    assert data["totals"]["tests"] == 2 and data["totals"]["passed"] == 2  # only the selected tier ran
    rows = {e["kind"]: e for e in data["distribution"]}
    for kind in tier.KINDS:  # jax splits variables too: ModelParallel runs
        assert rows[kind]["outcome"] == "passed" and rows[kind]["devices"] == 4 and rows[kind]["processes"] == 1
        assert 0 <= rows[kind]["metric"] <= tier.BOUND
    assert "## Distribution tier" in md and "| ModelParallel | pass | 4 (1) | Kr(n=32) |" in md


def test_numpy_skips_with_the_capability_reason(tmp_path):
    r, data, md = run_cli("numpy", tmp_path)
    assert r.returncode == 0, r.stdout[-3000:]
    assert [e["outcome"] for e in data["distribution"]] == ["skipped", "skipped"]
    assert all("no collectives" in e["skip_reason"] for e in data["distribution"])  # numpy's declared reason
    assert "| DataParallel | skip |" in md


@pytest.mark.parametrize("name", [pytest.param("torch", marks=_needs("torch")),
                                  pytest.param("tf", marks=_needs("tensorflow"))])
def test_data_parallel_agrees_and_model_parallel_where_the_engine_has_it(name):
    from dlx.backend import registry

    out = tier.run(registry.get(name), 2)
    dp = out["DataParallel"]
    assert dp.ok and dp.devices == 2 and 0 <= dp.metric <= tier.BOUND, dp.detail
    assert dp.processes == (2 if name == "torch" else 1)  # torch: one process per device
    mp = out["ModelParallel"]
    if name == "torch":  # FSDP-style split variables over the processes
        assert mp.ok and mp.processes == 2 and 0 <= mp.metric <= tier.BOUND, mp.detail
    else:
        assert "ModelParallel" in mp and "jax" in mp  # the tf engine's refusal


@_needs("torch")
def test_an_all_reduce_that_drops_a_shard_fails(tmp_path):
    site = tmp_path / "site"
    info = site / "broken_dist-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-dist\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[dlx]\nbrokendist = broken_dist\n")
    path = os.pathsep.join([str(site), str(HERE), os.environ.get("PYTHONPATH", "")])
    r, data, md = run_cli("brokendist", tmp_path, "--distribution-devices", "2", env={"PYTHONPATH": path})
    assert r.returncode == 1, r.stdout[-3000:]
    dp = {e["kind"]: e for e in data["distribution"]}["DataParallel"]
    assert dp["outcome"] == "failed" and dp.get("metric", 0) > 100 * tier.BOUND, dp
    assert "| DataParallel | FAIL | 2 (2) |" in md


@_needs("torch")
def test_a_tier_that_cannot_start_is_in_the_report_with_its_error(tmp_path):
    # the tier's fixture raises before any step runs: each kind is a failed row naming the error
    r, data, md = run_cli("torch", tmp_path, "--distribution-devices", "-1")
    assert r.returncode == 1, r.stdout[-3000:]
    rows = {e["kind"]: e for e in data["distribution"]}
    assert sorted(rows) == sorted(tier.KINDS)
    for e in rows.values():
        assert e["outcome"] == "failed" and "num_devices=-1; expected a positive int" in e["detail"], e
    assert data["totals"]["failed"] == len(tier.KINDS)
    assert "| DataParallel | FAIL | — |" in md


def test_a_failing_process_is_reported_with_its_error():
    from dlx.distribution import DistributionUnsupportedError
    from dlx.distribution.launch import Launch, LaunchError, plan, run

    with pytest.raises(DistributionUnsupportedError, match="numpy"):
        plan("numpy", 2)
    # two processes that must join a job on numpy, which has no engine: the failure names its
    # process and error (the other process fails too, or is killed)
    with pytest.raises(LaunchError, match=r"(?s)process [01] exit status 1: .*DistributionUnsupportedError"):
        run("numpy", 2, "dlx_conformance.distribution:step", launch=Launch(processes=2), timeout=120)
