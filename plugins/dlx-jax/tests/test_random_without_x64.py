"""Portable random numbers on jax without x64 (the default): the same seed gives the NumPy
reference's integers and permutations (an int64 cast of the bits used to be truncated to int32)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import json, numpy as np
from dlx import random
from dlx.backend import registry
out = {}
for b in ("numpy", "jax"):
    with registry.use(b):
        out[b] = [np.asarray(random.randint((64,), 0, 100, seed=3)).tolist(),
                  np.asarray(random.randint((16,), -2**31, 2**31 - 1, seed=5)).tolist(),
                  np.asarray(random.shuffle(np.arange(40), seed=3)).tolist()]
import jax
out["x64"] = bool(jax.config.jax_enable_x64)
print(json.dumps(out))
"""


def test_randint_and_shuffle_match_the_reference_without_x64():
    env = {k: v for k, v in os.environ.items() if k != "DLX_JAX_ENABLE_X64"}
    p = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["x64"] is False
    assert out["jax"] == out["numpy"]
