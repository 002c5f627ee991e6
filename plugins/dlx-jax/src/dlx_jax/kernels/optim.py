"""Optimizer kernels: the fused ops of :mod:`dlx.ops.defs.optim`."""

from __future__ import annotations

import functools

import jax

from dlx_jax._common import Array, promote


@functools.partial(jax.jit, static_argnums=(5, 6, 7))
def _adam(var, g, m, v, alpha, beta_1, beta_2, epsilon):
    # one XLA computation (fused): a single pass over the four arrays, also when called eagerly
    new_m = m + (g - m) * (1 - beta_1)
    new_v = v + (g * g - v) * (1 - beta_2)
    return var - new_m * alpha / (jax.numpy.sqrt(new_v) + epsilon), new_m, new_v


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    args = (variable, gradient, m, v, alpha)
    d = variable.dtype if type(variable) is Array else None
    if d is None or any(type(a) is not Array or a.dtype != d for a in args):
        args = promote(*args)
    return _adam(*args, float(beta_1), float(beta_2), float(epsilon))


#: op name -> kernel
KERNELS: dict = {"adam_update": adam_update}

__all__ = ["KERNELS"]
