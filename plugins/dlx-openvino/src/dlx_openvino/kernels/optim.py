"""Graph builders of the fused optimizer ops (:mod:`dlx.ops.defs.optim`).

A builder receives tensor parameters as ``openvino.Output`` edges (or Python scalars, kept weak, or
``None``) and static parameters as Python values, and returns an Output or a list / tuple of them
(see :mod:`dlx_openvino.kernels`)."""

from __future__ import annotations

import openvino.opset16 as O

from dlx_openvino._graph import const, out, promote


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step as one graph (an eager call compiles and caches one model for all three
    results instead of running ten one-op models)."""
    d, var, g, m, v, a = promote(variable, gradient, m, v, alpha)
    new_m = out(O.add(m, out(O.multiply(out(O.subtract(g, m)), const(1 - beta_1, d)))))
    new_v = out(O.add(v, out(O.multiply(out(O.subtract(out(O.multiply(g, g)), v)), const(1 - beta_2, d)))))
    den = out(O.add(out(O.sqrt(new_v)), const(epsilon, d)))
    return out(O.subtract(var, out(O.divide(out(O.multiply(new_m, a)), den)))), new_m, new_v


#: op name -> graph builder
KERNELS: dict = {"adam_update": adam_update}

__all__ = ["KERNELS"]
