"""Selecting the torch backend changes torch's process-wide thread count only when asked."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = ("import torch; before = torch.get_num_threads(); import dlx, numpy as np; "
          "dlx.config.set_backend('torch'); dlx.ops.add(np.ones(2), 1.0); print(before, torch.get_num_threads())")


@pytest.mark.parametrize(("setting", "expect"), [(None, "same"), ("1", "1"), ("auto", str(max(1, (os.cpu_count() or 2) // 2)))])
def test_thread_count_is_the_users(setting, expect):
    env = {k: v for k, v in os.environ.items() if k != "DLX_TORCH_THREADS"}
    if setting:
        env["DLX_TORCH_THREADS"] = setting
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    before, after = r.stdout.split()
    assert after == (before if expect == "same" else expect)


def test_a_bad_setting_is_a_clear_error():
    env = dict(os.environ, DLX_TORCH_THREADS="many")
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode != 0 and "DLX_TORCH_THREADS='many': expected a positive integer or 'auto'" in r.stderr
