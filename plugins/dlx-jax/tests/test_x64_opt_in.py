"""Selecting the jax backend leaves JAX's process-wide x64 mode (and so its default dtypes) as
the user set it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = """
    import os, sys
    import numpy as np
    import jax, jax.numpy as jnp
    if sys.argv[1] == "user-x64":
        jax.config.update("jax_enable_x64", True)
    import dlx
    from dlx import layers
    dlx.config.set_backend("jax")
    x = np.random.default_rng(0).standard_normal((64, 4)).astype("float32")
    model = dlx.Sequential([dlx.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    h = model.fit(x, x[:, :1], epochs=2, verbose=0)
    print(jax.config.jax_enable_x64, jnp.array(1.0).dtype, jnp.arange(3).dtype,
          dlx.backend.current().capabilities.float64, h.history["loss"][1] < h.history["loss"][0])
    if not dlx.backend.current().capabilities.float64:
        print(dlx.backend.current().capabilities.reason("float64"))
"""


def run(mode, opt_in):
    env = {k: v for k, v in os.environ.items() if k != "DLX_JAX_ENABLE_X64"}
    if opt_in:
        env["DLX_JAX_ENABLE_X64"] = "1"
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(SCRIPT), mode], capture_output=True, text=True,
                       env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout.splitlines()


@pytest.mark.parametrize(("mode", "opt_in", "expected"), [
    ("plain", False, "False float32 int32 False True"),  # a JAX user's defaults, untouched
    ("user-x64", False, "True float64 int64 True True"),  # the user's own x64 is respected
    ("plain", True, "True float64 int64 True True"),  # DLX_JAX_ENABLE_X64=1 opts in
])
def test_x64_is_the_users_choice(mode, opt_in, expected):
    lines = run(mode, opt_in)
    assert lines[0] == expected
    if expected.split()[3] == "False":
        assert "DLX_JAX_ENABLE_X64=1" in lines[1]


SETTINGS = """
    import numpy as np
    import jax
    jax.config.update("jax_default_matmul_precision", "bfloat16")
    jax.config.update("jax_threefry_partitionable", False)
    import dlx
    a = np.random.default_rng(0).standard_normal((64, 64)).astype("float32")
    with dlx.backend.use("jax"):
        prod = np.asarray(dlx.ops.matmul(a, a))
        bits = np.asarray(dlx.random.uniform((6,), seed=7))
    with dlx.backend.use("numpy"):
        ref_bits = np.asarray(dlx.random.uniform((6,), seed=7))
    exact = a.astype("float64") @ a.astype("float64")
    print(jax.config.jax_default_matmul_precision, jax.config.jax_threefry_partitionable,
          float(np.max(np.abs(prod - exact))) < 1e-3, np.array_equal(bits, ref_bits))
"""


def test_jax_precision_and_rng_settings_stay_the_users():
    # dlx asks for full-precision contractions and the partitionable Threefry layout per kernel:
    # the user's process-wide settings are untouched, and dlx's numbers do not depend on them
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(SETTINGS)], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split() == ["bfloat16", "False", "True", "True"]


def test_conformance_skips_float64_outputs_without_x64(tmp_path):
    """Without x64, a float32 case whose output the spec types float64 (``cast(x, "float64")``)
    is skipped with the reason, as float64 inputs are -- not failed (JAX truncates it to float32)."""
    env = {k: v for k, v in os.environ.items() if k != "DLX_JAX_ENABLE_X64"}
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", "jax", "-k", "test_value and cast-to_",
                        "-rs", "-p", "no:randomly"], capture_output=True, text=True, env=env, timeout=600,
                       cwd=tmp_path)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    assert "float64 output: output 0 is float64 by the spec's dtype rule" in r.stdout, r.stdout[-3000:]
    assert " failed" not in r.stdout.splitlines()[-1], r.stdout[-500:]
