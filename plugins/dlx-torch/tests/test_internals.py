"""The private torch APIs (``dlx_torch._internals``) and their public fallbacks give the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dlx_torch import _internals

# autodiff (autograd and torch.func paths), a replayed compiled function with a grad-mode switch,
# and random bits inside a torch.func transform
_PROGRAM = textwrap.dedent("""
    import json
    import numpy as np
    import torch
    import dlx
    from dlx import ops
    from dlx_torch import _internals
    b = dlx.backend.get("torch")
    with dlx.backend.use(b):
        w = np.linspace(-1, 1, 6, dtype="float32").reshape(3, 2)
        x = np.linspace(0, 2, 12, dtype="float32").reshape(4, 3)

        def loss(w, x):
            return ops.mean(ops.square(ops.tanh(ops.matmul(x, w))))

        value, grad = b.value_and_grad(loss)(w, x)
        gg = b.value_and_grad(lambda w, x: ops.sum(b.value_and_grad(loss)(w, x)[1]))(w, x)[1]

        def step(w, x):
            with torch.no_grad():
                y = ops.matmul(x, w)
            return ops.add(y, ops.random_uniform(np.array([1, 2], "uint32"), (4, 2)))

        cf = b.compile(step, jit=False)
        outs = [cf(torch.from_numpy(w), torch.from_numpy(x)).numpy().tolist() for _ in range(3)]
        seed = torch.tensor([3, 4], dtype=torch.uint32)
        bits = torch.func.grad(lambda t: ops.sum(ops.multiply(t, ops.random_uniform(seed, (5,)))))(torch.ones(5))
        print(json.dumps({"private": _internals.PRIVATE, "value": float(value), "grad": grad.numpy().tolist(),
                          "gg": gg.numpy().tolist(), "outs": outs, "grad_mode": torch.is_grad_enabled(),
                          "bits": bits.tolist()}))
""")


def _run(private: bool) -> dict:
    env = {**os.environ, "DLX_TORCH_PRIVATE_API": "1" if private else "0"}
    proc = subprocess.run([sys.executable, "-c", _PROGRAM], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_fallbacks_answer_like_the_private_apis_outside_transforms():
    assert _internals.function_mode_count() >= 0
    with _internals.no_functorch_dispatch():
        pass
    _internals.set_grad_enabled(True)


@pytest.mark.skipif(not _internals.PRIVATE, reason="this torch version is not in WRITTEN_FOR: the fallback is on")
def test_plugin_gives_the_same_results_with_the_public_fallbacks():
    private, public = _run(True), _run(False)
    assert private.pop("private") is True and public.pop("private") is False
    w = np.linspace(-1, 1, 6).reshape(3, 2)
    x = np.linspace(0, 2, 12).reshape(4, 3)
    t = np.tanh(x @ w)
    np.testing.assert_allclose(public["value"], np.mean(t * t), rtol=1e-6)
    np.testing.assert_allclose(public["grad"], x.T @ (2 * t * (1 - t * t) / t.size), rtol=1e-5, atol=1e-7)
    assert public["grad_mode"] is True
    assert public == private
