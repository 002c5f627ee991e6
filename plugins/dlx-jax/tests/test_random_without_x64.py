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


FIT = """
import warnings, numpy as np
warnings.simplefilter("error")  # JAX's "int64/float64 requested ... truncated" warnings included
import dlx
with dlx.backend.use("jax"):
    m = dlx.Sequential([dlx.Input((4,)), dlx.layers.Dense(3), dlx.layers.Dropout(0.5)])
    m.compile(dlx.optimizers.Adam(1e-2), "mse")
    m.fit(np.ones((8, 4), "float32"), np.ones((8, 3), "float32"), epochs=2, verbose=0)
    m.predict(np.ones((2, 4), "float32"), verbose=0)
    print(m.optimizer.iterations.dtype, int(m.optimizer.iterations.numpy()))
"""


def test_fit_without_x64_warns_nothing_and_counts_in_int32():
    env = {k: v for k, v in os.environ.items() if k != "DLX_JAX_ENABLE_X64"}
    p = subprocess.run([sys.executable, "-c", FIT], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split()[-2:] == ["int32", "2"]


TRACED = """
import warnings, numpy as np
warnings.simplefilter("error")
import jax, dlx
from dlx import ops
with dlx.backend.use("jax"):
    f = jax.jit(lambda s: (ops.random_normal(s, (64,)), ops.random_truncated_normal(s, (64,)),
                           ops.random_uniform(s, (64,), -1.0, 2.0), ops.erfinv(ops.linspace(-0.9, 0.9, 5))))
    outs = [np.asarray(o) for o in f(np.array([1, 2], "uint32"))]
    print(all(np.isfinite(o).all() for o in outs), outs[0].dtype)
"""


def test_traced_random_and_erfinv_without_x64_warn_nothing():
    env = {k: v for k, v in os.environ.items() if k != "DLX_JAX_ENABLE_X64"}
    p = subprocess.run([sys.executable, "-c", TRACED], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split()[-2:] == ["True", "float32"]
