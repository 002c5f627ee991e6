"""Learning-rate schedules against their published formulas in NumPy float64."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dlx
from dlx.optimizers import schedules as S

STEPS = [0, 1, 5, 9, 10, 11, 25, 40, 100]


def cosine_restarts(step, lr, first, t_mul, m_mul, alpha):
    # SGDR (Loshchilov & Hutter): find the current period by walking the restarts
    start, period, i = 0.0, float(first), 0
    while step >= start + period:
        start += period
        period *= t_mul
        i += 1
    frac = (step - start) / period
    return lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * frac)) + alpha)


def cosine_warmup(step, lr, decay, alpha, target, warm):
    if target is None:
        s = min(step, decay)
        return lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay)) + alpha)
    if step < warm:
        return lr + (target - lr) * step / warm
    s = min(step - warm, decay)
    return target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay)) + alpha)


def poly(step, lr, decay, end, power, cycle):
    if cycle:
        decay = decay * (1.0 if step == 0 else math.ceil(step / decay))
    else:
        step = min(step, decay)
    return (lr - end) * (1 - step / decay) ** power + end


CASES = [
    ("exp", S.ExponentialDecay(0.1, 10, 0.5), lambda s: 0.1 * 0.5 ** (s / 10)),
    ("exp-staircase", S.ExponentialDecay(0.1, 10, 0.5, staircase=True), lambda s: 0.1 * 0.5 ** (s // 10)),
    ("piecewise", S.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1]),
     lambda s: 1.0 if s <= 5 else (0.5 if s <= 10 else 0.1)),
    ("poly", S.PolynomialDecay(0.1, 20, 0.01, power=2.0), lambda s: poly(s, 0.1, 20, 0.01, 2.0, False)),
    ("poly-cycle", S.PolynomialDecay(0.1, 20, 0.01, power=0.5, cycle=True), lambda s: poly(s, 0.1, 20, 0.01, 0.5, True)),
    ("inverse", S.InverseTimeDecay(0.1, 10, 0.5), lambda s: 0.1 / (1 + 0.5 * s / 10)),
    ("inverse-staircase", S.InverseTimeDecay(0.1, 10, 0.5, staircase=True), lambda s: 0.1 / (1 + 0.5 * (s // 10))),
    ("cosine", S.CosineDecay(0.1, 30, alpha=0.1), lambda s: cosine_warmup(s, 0.1, 30, 0.1, None, 0)),
    ("cosine-warmup", S.CosineDecay(0.0, 30, warmup_target=0.2, warmup_steps=10),
     lambda s: cosine_warmup(s, 0.0, 30, 0.0, 0.2, 10)),
    ("restarts", S.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5, alpha=0.05),
     lambda s: cosine_restarts(s, 0.1, 10, 2.0, 0.5, 0.05)),
    ("restarts-tmul1", S.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.9),
     lambda s: cosine_restarts(s, 0.1, 10, 1.0, 0.9, 0.0)),
]


@pytest.mark.parametrize("sched,ref", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_schedule_values(sched, ref):
    with dlx.backend.use("numpy"):
        got = [float(sched(np.int64(s))) for s in STEPS]
        again = S.deserialize(S.serialize(sched))
        assert again.get_config() == sched.get_config()
        got2 = [float(again(s)) for s in STEPS]
    np.testing.assert_allclose(got, [ref(s) for s in STEPS], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got2, got)


def test_schedule_errors():
    with pytest.raises(ValueError, match="decay_steps=0"):
        S.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="len\\(values\\) == len\\(boundaries\\) \\+ 1"):
        S.PiecewiseConstantDecay([1, 2], [1.0])
    with pytest.raises(ValueError, match="class_name='Nope'"):
        S.deserialize({"class_name": "Nope", "config": {}})
