"""Same seed, weights and data: 50 steps of SGD and of Adam give the same loss curve on every
training backend, within PARITY.md's reduction bound at every step.

Each backend is compared with an exact float64 run of the same steps on the NumPy backend (the
oracle), at ``(2*ceil(log2 n) + 8) * u * S`` per step -- ``n`` the batch size, ``u`` float32's unit
roundoff, ``S`` the mean absolute per-sample loss -- with a growth allowance for the rounding
that 50 optimizer steps feed back into the weights (``sqrt(step)``).
"""

import math

import numpy as np
import pytest

import dlx
from dlx.backend import registry

BATCH, STEPS = 32, 50


def training_backends():
    names = []
    for name, rec in sorted(registry.records().items()):
        if not registry.usable(rec):
            continue
        try:
            b = registry.get(name)
        except Exception:
            continue
        if b.capabilities.training:
            names.append(name)
    return names


def data():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4 * BATCH, 16)).astype(np.float32)
    y = rng.integers(0, 4, 4 * BATCH).astype(np.int32)
    return x, y


def initial_weights():
    rng = np.random.default_rng(3)
    return [rng.standard_normal((16, 32)) * 0.3, np.zeros(32), rng.standard_normal((32, 4)) * 0.3, np.zeros(4)]


def loss_curve(backend, optimizer, dtype="float32"):
    saved = dlx.config.floatx()
    dlx.config.set_floatx(dtype)  # the oracle keeps losses, metrics and optimizer state in float64 too
    try:
        return _loss_curve(backend, optimizer, dtype)
    finally:
        dlx.config.set_floatx(saved)


def _loss_curve(backend, optimizer, dtype):
    x, y = data()
    with dlx.backend.use(backend):
        model = dlx.Sequential([dlx.Input((16,)), dlx.layers.Dense(32, activation="tanh", dtype=dtype),
                                dlx.layers.Dense(4, dtype=dtype)])
        model.set_weights([w.astype(dtype) for w in initial_weights()])
        opt = dlx.optimizers.SGD(0.05, momentum=0.9) if optimizer == "sgd" else dlx.optimizers.Adam(0.01)
        model.compile(optimizer=opt, loss=dlx.losses.SparseCategoricalCrossentropy(from_logits=True))
        losses = []
        for step in range(STEPS):
            i = (step % 4) * BATCH
            xb = x[i:i + BATCH].astype(dtype)
            losses.append(float(model.train_on_batch(xb, y[i:i + BATCH])))
    return np.array(losses)


@pytest.fixture(scope="module")
def oracles():
    return {opt: loss_curve("numpy", opt, dtype="float64") for opt in ("sgd", "adam")}


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("backend", training_backends())
def test_loss_curves_agree_with_the_float64_oracle(backend, optimizer, oracles):
    exact = oracles[optimizer]
    got = loss_curve(backend, optimizer)
    assert got[-1] < got[0] * 0.9  # it trains
    u = 2.0 ** -24
    factor = 2 * math.ceil(math.log2(BATCH)) + 8
    bound = factor * u * np.abs(exact) * np.sqrt(np.arange(1, STEPS + 1))
    kappa = np.abs(got - exact) / (u * np.abs(exact))
    bad = np.nonzero(np.abs(got - exact) > bound)[0]
    assert bad.size == 0, (f"{backend}/{optimizer}: step {bad[0]} loss {got[bad[0]]!r} vs exact {exact[bad[0]]!r} "
                           f"(kappa {kappa[bad[0]]:.1f}, bound {bound[bad[0]] / (u * abs(exact[bad[0]])):.1f})")


def test_backends_agree_pairwise_bitwise_or_within_bound(oracles):
    curves = {b: loss_curve(b, "adam") for b in training_backends()}
    u = 2.0 ** -24
    factor = 2 * (2 * math.ceil(math.log2(BATCH)) + 8)  # pairwise: twice the per-backend bound
    exact = oracles["adam"]
    bound = factor * u * np.abs(exact) * np.sqrt(np.arange(1, STEPS + 1))
    names = sorted(curves)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.all(np.abs(curves[a] - curves[b]) <= bound), (a, b)
