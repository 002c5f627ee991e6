"""The compiled time loop of dlx's recurrent layers on JAX: what ``lax.scan`` carries and computes
per step, forward and in the gradient."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import dlx
from dlx import layers, models


@pytest.fixture(scope="module")
def backend():
    return dlx.backend.get("jax")


def _scan_bodies(jaxpr, out):
    """``(num_carry, primitive counts of the body)`` of every ``scan`` in ``jaxpr``, nested ones too."""
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "scan":
            body = eqn.params["jaxpr"].jaxpr
            out.append((eqn.params["num_carry"], collections.Counter(e.primitive.name for e in body.eqns)))
        for value in eqn.params.values():
            inner = getattr(value, "jaxpr", None)
            if inner is not None:
                _scan_bodies(getattr(inner, "jaxpr", inner), out)
    return out


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_lstm_training_loop_carries_h_and_c_alone(backend):
    """An LSTM's training step holds two scans (forward, and its transpose in the gradient). The
    forward one carries ``h`` and ``c`` alone (no copy of the previous output: no mask) and its
    transpose their cotangents and the three weight gradients, as a hand-written ``lax.scan``
    LSTM's do; two products per step forward, three backward. Values and gradients equal a
    float64 NumPy LSTM's."""
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 6, 3)).astype(np.float32)
    y = rng.standard_normal((4, 1)).astype(np.float32)
    with dlx.backend.use(backend):
        model = models.Sequential([layers.Input((6, 3)), layers.LSTM(5), layers.Dense(1)])
        tv = [v.value for v in model.trainable_variables]
        ntv = [v.value for v in model.non_trainable_variables]

        def loss(tv):
            pred, _ = model.stateless_call(tv, ntv, x, training=True)
            return jnp.mean((pred - y) ** 2)

        vg = jax.value_and_grad(loss)
        scans = _scan_bodies(jax.make_jaxpr(vg)(tv).jaxpr, [])
        value, grads = jax.jit(vg)(tv)
    assert len(scans) == 2, scans
    (fwd_carry, fwd), (bwd_carry, bwd) = scans
    assert (fwd_carry, bwd_carry) == (2, 5), scans
    assert (fwd["dot_general"], bwd["dot_general"]) == (2, 3), scans

    # float64 reference, with its gradient by central differences on a few entries of each weight
    w64 = [np.asarray(w, np.float64) for w in tv]

    def ref_loss(w):
        kernel, recurrent, bias, dense_w, dense_b = w
        h = c = np.zeros((4, 5))
        for t in range(6):
            i, f, g, o = np.split(x[:, t].astype(np.float64) @ kernel + h @ recurrent + bias, 4, axis=-1)
            c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h = _sigmoid(o) * np.tanh(c)
        return np.mean((h @ dense_w + dense_b - y) ** 2)

    np.testing.assert_allclose(float(value), ref_loss(w64), rtol=1e-5)
    eps = 1e-6
    for k, (w, g) in enumerate(zip(w64, grads)):
        for idx in list(np.ndindex(w.shape))[:: max(1, w.size // 7)]:
            up, down = [a.copy() for a in w64], [a.copy() for a in w64]
            up[k][idx] += eps
            down[k][idx] -= eps
            want = (ref_loss(up) - ref_loss(down)) / (2 * eps)
            np.testing.assert_allclose(float(np.asarray(g)[idx]), want, rtol=1e-3, atol=1e-6,
                                       err_msg=f"weight {k} at {idx}")
