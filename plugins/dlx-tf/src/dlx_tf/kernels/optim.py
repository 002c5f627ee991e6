"""Optimizer kernels: the fused ops of :mod:`dlx.ops.defs.optim`."""

from __future__ import annotations

from dlx_tf._core import promote, tf


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Adam's step as one kernel: TF ops on the promoted operands, without a dlx dispatch per
    elementary op (the constants are Python floats: TF makes them the operands' dtype)."""
    var, g, m, v, a = promote(variable, gradient, m, v, alpha)
    new_m = m + (g - m) * (1 - beta_1)
    new_v = v + (g * g - v) * (1 - beta_2)
    return var - new_m * a / (tf.sqrt(new_v) + epsilon), new_m, new_v


#: op name -> kernel
KERNELS: dict = {"adam_update": adam_update}

__all__ = ["KERNELS"]
