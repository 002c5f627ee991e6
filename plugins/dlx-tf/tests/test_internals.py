"""The private TensorFlow APIs (``dlx_tf._internals``) and their public fallbacks give the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dlx_tf import _internals

# a compiled function called repeatedly (the flat-call fast path from the second call on) and an
# eager op, printed with which path each call took
_PROGRAM = textwrap.dedent("""
    import json
    import numpy as np
    import dlx
    from dlx import ops
    from dlx_tf import _internals
    b = dlx.backend.get("tf")
    with dlx.backend.use(b):
        w = np.linspace(-1, 1, 6, dtype="float32").reshape(3, 2)
        x = np.linspace(0, 2, 12, dtype="float32").reshape(4, 3)
        f = b.compile(lambda w, x: ops.sum(ops.tanh(ops.matmul(x, w)), axis=0), jit=False)
        outs = [f(w, ops.convert_to_tensor(x)).numpy().tolist() for _ in range(3)]
        v = b.create_variable(w, dtype="float32", trainable=True, name="v")
        g = b.compile(lambda s, x: ops.matmul(x, b.read_variable(s[0])), jit=False)
        for k in range(1, 4):  # a variable argument: read when the function runs
            v.assign(w * k)
            outs.append(g([v], x).numpy().tolist())
        fast = sum(1 for fn in (f, g) for entry in fn._concrete.values() if entry)
        result = {"private": _internals.PRIVATE, "outs": outs, "fast": fast,
                  "shape": list(_internals.shape_tuple(ops.convert_to_tensor(x)))}
""")


def _run_here() -> dict:
    """The program in this process (private APIs on)."""
    ns: dict = {}
    exec(_PROGRAM, ns)
    return json.loads(json.dumps(ns["result"]))


def _run_with_fallbacks() -> dict:
    """The program in a subprocess with the private APIs off."""
    env = {**os.environ, "DLX_TF_PRIVATE_API": "0"}
    proc = subprocess.run([sys.executable, "-c", _PROGRAM + "print(json.dumps(result))\n"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not _internals.PRIVATE, reason="this TF version is not in WRITTEN_FOR: the fallback is on")
def test_plugin_gives_the_same_results_with_the_public_fallbacks():
    private, public = _run_here(), _run_with_fallbacks()
    assert private.pop("private") is True and public.pop("private") is False
    assert private.pop("fast") == 2 and public.pop("fast") == 0  # the fallback never takes the flat call
    w = np.linspace(-1, 1, 6).reshape(3, 2)
    x = np.linspace(0, 2, 12).reshape(4, 3)
    for out in public["outs"][:3]:
        np.testing.assert_allclose(out, np.tanh(x @ w).sum(0), rtol=1e-5)
    for k, out in enumerate(public["outs"][3:], 1):
        np.testing.assert_allclose(out, x @ (w * k), rtol=1e-5)
    assert public == private
