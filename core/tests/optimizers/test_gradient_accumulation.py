"""``gradient_accumulation_steps`` on every optimizer, stateful and stateless, on every training
backend, against a float64 NumPy trajectory: updates every ``k`` steps with the mean gradient,
the update rule's step count ``t`` counting updates, learning-rate schedules seeing every step."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import optimizers as O
from dlx.backend import registry

BACKENDS = [n for n in ("numpy", "jax", "torch", "tf") if n in registry.records()
            and registry.usable(registry.records()[n])]
K, STEPS, LR = 3, 9, 0.05


def _data():
    r = np.random.default_rng(3)
    w0 = [r.standard_normal((3, 2)), r.standard_normal((2,))]
    gs = [[r.standard_normal((3, 2)), r.standard_normal((2,))] for _ in range(STEPS)]
    return w0, gs


def ref(kind, w0, gs, lrs=None):
    """float64: the plain update rule applied to the mean of each block of K gradients."""
    ws = [w.copy() for w in w0]
    m = [np.zeros_like(w) for w in ws]
    v = [np.zeros_like(w) for w in ws]
    acc = [np.zeros_like(w) for w in ws]
    t = 0
    for step, g in enumerate(gs):
        acc = [a + gi for a, gi in zip(acc, g)]
        if (step + 1) % K:
            continue
        t += 1
        lr = LR if lrs is None else lrs[step]
        mean = [a / K for a in acc]
        acc = [np.zeros_like(w) for w in ws]
        for i, gi in enumerate(mean):
            if kind == "sgd":
                ws[i] = ws[i] - lr * gi
            elif kind == "momentum":
                m[i] = 0.9 * m[i] - lr * gi
                ws[i] = ws[i] + m[i]
            else:  # adam
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                a = lr * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
                ws[i] = ws[i] - a * m[i] / (np.sqrt(v[i]) + 1e-7)
    return ws


def make(kind, lr=LR):
    if kind == "sgd":
        return O.SGD(lr, gradient_accumulation_steps=K)
    if kind == "momentum":
        return O.SGD(lr, momentum=0.9, gradient_accumulation_steps=K)
    return O.Adam(lr, gradient_accumulation_steps=K)


@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_trajectory(backend_name, kind):
    w0, gs = _data()
    want = ref(kind, w0, gs)
    with dlx.backend.use(backend_name):
        # stateful
        vs = [dlx.Variable(w.astype(np.float32)) for w in w0]
        opt = make(kind)
        for step, g in enumerate(gs):
            opt.apply([x.astype(np.float32) for x in g], vs)
            assert int(np.asarray(dlx.ops.convert_to_numpy(opt.iterations))) == (step + 1) // K
        for got, w in zip(vs, want):
            np.testing.assert_allclose(np.asarray(got.numpy(), np.float64), w, rtol=2e-5, atol=2e-6)
        # stateless
        vs2 = [dlx.Variable(w.astype(np.float32)) for w in w0]
        opt2 = make(kind)
        opt2.build(vs2)
        tv = [v.value for v in vs2]
        ov = [v.value for v in opt2.variables]
        for g in gs:
            tv, ov = opt2.stateless_apply(ov, [x.astype(np.float32) for x in g], tv)
        for got, w in zip(tv, want):
            np.testing.assert_allclose(np.asarray(dlx.ops.convert_to_numpy(got), np.float64), w, rtol=2e-5,
                                       atol=2e-6)


def test_schedule_sees_every_step_and_config():
    w0, gs = _data()
    sched = O.schedules.ExponentialDecay(LR, decay_steps=1, decay_rate=0.9)
    want = ref("sgd", w0, gs, lrs=[LR * 0.9**s for s in range(STEPS)])
    with dlx.backend.use("numpy"):
        vs = [dlx.Variable(w.astype(np.float32)) for w in w0]
        opt = make("sgd", lr=sched)
        for g in gs:
            opt.apply([x.astype(np.float32) for x in g], vs)
        for got, w in zip(vs, want):
            np.testing.assert_allclose(np.asarray(got.numpy(), np.float64), w, rtol=2e-5, atol=2e-6)
        assert all(v.name.endswith("_gradient_accumulator") for v in opt.variables[-2:])
        cfg = O.Adam(gradient_accumulation_steps=4).get_config()
        assert cfg["gradient_accumulation_steps"] == 4
        assert O.Adam.from_config(cfg).gradient_accumulation_steps == 4
        with pytest.raises(ValueError, match="gradient_accumulation_steps=1"):
            O.SGD(gradient_accumulation_steps=1)


@pytest.mark.parametrize("backend_name", [b for b in BACKENDS if b != "numpy"])
def test_fit_with_accumulation(backend_name):
    """Inside compiled fit steps: with batch 4 and K=3, the weights equal float64 SGD on the mean
    gradient of each block of 3 batches."""
    r = np.random.default_rng(0)
    x = r.standard_normal((24, 3)).astype(np.float32)
    y = r.standard_normal((24, 1)).astype(np.float32)
    with dlx.backend.use(backend_name):
        model = dlx.Sequential([dlx.Input((3,)), dlx.layers.Dense(1, kernel_initializer="ones")])
        model.compile(O.SGD(0.1, gradient_accumulation_steps=K), "mse")
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        got = [np.asarray(w, np.float64) for w in model.get_weights()]
    w, b = np.ones((3, 1)), np.zeros(1)
    acc_w, acc_b = np.zeros_like(w), np.zeros_like(b)
    for i in range(6):
        xb, yb = x[i * 4:(i + 1) * 4].astype(np.float64), y[i * 4:(i + 1) * 4].astype(np.float64)
        err = xb @ w + b - yb
        acc_w += 2 * xb.T @ err / len(xb)
        acc_b += 2 * err.sum(0) / len(xb)
        if (i + 1) % K == 0:
            w, b = w - 0.1 * acc_w / K, b - 0.1 * acc_b / K
            acc_w, acc_b = np.zeros_like(w), np.zeros_like(b)
    np.testing.assert_allclose(got[0], w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], b, rtol=1e-5, atol=1e-6)
