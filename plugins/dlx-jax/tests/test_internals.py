"""The private JAX APIs (``dlx_jax._internals``) and their public fallbacks give the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx_jax import _internals

_PROGRAM = textwrap.dedent("""
    import json
    import numpy as np
    import dlx
    from dlx import ops
    from dlx_jax import _common, _internals
    with dlx.backend.use("jax"):
        x = np.linspace(-2, 2, 12, dtype="float32").reshape(3, 4)
        y = ops.sum(ops.multiply(ops.exp(ops.convert_to_tensor(x)), 2.0), axis=1)
        z = ops.matmul(x, ops.transpose(x))
        out = {"private": _internals.PRIVATE, "array": _common.Array.__name__,
               "y": np.asarray(y).tolist(), "z": np.asarray(z).tolist(), "dtype": str(y.dtype)}
    print(json.dumps(out))
""")


def _run(private: bool) -> dict:
    env = {**os.environ, "DLX_JAX_PRIVATE_API": "1" if private else "0"}
    proc = subprocess.run([sys.executable, "-c", _PROGRAM], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_array_class_fallback_is_the_same_class():
    dlx.backend.get("jax")
    assert _internals.array_class(private=False) is _internals.array_class(private=True)


@pytest.mark.skipif(not _internals.PRIVATE, reason="this JAX version is not in WRITTEN_FOR: the fallback is on")
def test_plugin_gives_the_same_results_with_the_public_fallback():
    private, public = _run(True), _run(False)
    assert private.pop("private") is True and public.pop("private") is False
    assert public["array"] == private["array"]
    x = np.linspace(-2, 2, 12, dtype=np.float64).reshape(3, 4)
    np.testing.assert_allclose(public["y"], (np.exp(x) * 2).sum(1), rtol=1e-6)
    np.testing.assert_allclose(public["z"], x @ x.T, rtol=1e-5, atol=1e-6)
    assert public == private


def test_tracing_is_true_inside_transformations_only():
    import jax

    seen = []
    jax.jit(lambda x: seen.append(_internals.tracing(private=True)) or x)(1.0)
    jax.grad(lambda x: seen.append(_internals.tracing(private=True)) or x)(1.0)
    if _internals.PRIVATE:
        assert _internals.tracing(private=True) is False and seen == [True, True]
    assert _internals.tracing(private=False) is True  # the fallback: always the jnp path
