"""Fused optimizer updates (op-spec v2): one op per update rule, so that an eager backend can run
a rule as a few fused kernels instead of a dozen separate passes over every weight. Each op's
decomposition is the rule written in ops (what backends without a native kernel run, and what a
compiler such as XLA fuses by itself). Not differentiable."""

from __future__ import annotations

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tolerance as T
from dlx.ops.defs._common import promote
from dlx.ops.spec import Case, op

G = "optimizers"


def adam_moments(gradient, m, v, beta_1, beta_2):
    """Adam's moment updates in ops: ``m + (g - m)(1 - beta_1)``, ``v + (g**2 - v)(1 - beta_2)``."""
    new_m = K.add(m, K.multiply(K.subtract(gradient, m), 1 - beta_1))
    new_v = K.add(v, K.multiply(K.subtract(K.square(gradient), v), 1 - beta_2))
    return new_m, new_v


def adam_step(variable, new_m, new_v, alpha, epsilon):
    """Adam's weight update in ops: ``variable - new_m alpha / (sqrt(new_v) + epsilon)``."""
    return K.subtract(variable, K.divide(K.multiply(new_m, alpha), K.add(K.sqrt(new_v), epsilon)))


def adam_update_decomposition(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    new_m, new_v = adam_moments(gradient, m, v, beta_1, beta_2)
    return adam_step(variable, new_m, new_v, alpha, epsilon), new_m, new_v


def _adam_cases():
    def mk(shape, g_scale=1.0, zero_m=False):
        def make(r, dt):
            var = r.standard_normal(shape)
            g = r.standard_normal(shape) * g_scale
            m = np.zeros(shape) if zero_m else r.standard_normal(shape) * 0.1
            v = np.zeros(shape) if zero_m else np.abs(r.standard_normal(shape)) * 0.01
            args = (*(a.astype(dt) for a in (var, g, m, v)), np.asarray(0.003, dt))
            return args, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
        return make
    return [
        Case("matrix", mk((7, 5)), grad=False),
        Case("vector", mk((11,)), grad=False),
        Case("first_step", mk((6, 3), zero_m=True), grad=False),
        Case("large_gradient", mk((4, 4), g_scale=1e3), grad=False),
        Case("tiny_gradient", mk((4, 4), g_scale=1e-6), grad=False),
    ]


@op(G, T.H8, _adam_cases(), tensors=("variable", "gradient", "m", "v", "alpha"),
    decomposition=adam_update_decomposition, since=2)
def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step for one weight: returns ``(new_variable, new_m, new_v)`` with
    ``new_m = m + (gradient - m)(1 - beta_1)``, ``new_v = v + (gradient**2 - v)(1 - beta_2)`` and
    ``new_variable = variable - new_m * alpha / (sqrt(new_v) + epsilon)``; ``alpha`` is the step
    size with the bias corrections folded in (a scalar tensor)."""
    var, g, m, v, a = promote(variable, gradient, m, v, alpha)
    t = var.dtype.type
    new_m = m + (g - m) * t(1 - beta_1)
    new_v = v + (g * g - v) * t(1 - beta_2)
    return var - new_m * a / (np.sqrt(new_v) + t(epsilon)), new_m, new_v
