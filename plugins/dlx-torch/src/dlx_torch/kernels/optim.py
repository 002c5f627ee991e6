"""Optimizer kernels: the fused ops of :mod:`dlx.ops.defs.optim`."""

from __future__ import annotations

from typing import Any

import torch

from dlx_torch._tensors import donated, promote_all


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Adam in 8 passes (the op-by-op rule takes 12): ``lerp`` is ``m + w (g - m)``, the spec's
    formula, and the later steps work in place on temporaries. When the caller donated the state
    (the trainer's compiled step), weight and moments are updated in place, as ``torch.optim``
    does: 3 new buffers instead of 5."""
    m_in, v_in = m, v
    var, g, m, v, a = promote_all((variable, gradient, m, v, alpha))
    inplace = var is variable and m is m_in and v is v_in and donated(var, m, v)
    with torch.no_grad():  # not differentiable
        new_m = m.lerp_(g, 1 - beta_1) if inplace else torch.lerp(m, g, 1 - beta_1)
        g2 = torch.mul(g, g)
        new_v = v.lerp_(g2, 1 - beta_2) if inplace else torch.lerp(v, g2, 1 - beta_2)
        step = torch.mul(new_m, a)
        step.div_(torch.sqrt(new_v).add_(epsilon))
        return (var.sub_(step) if inplace else torch.sub(var, step, out=step)), new_m, new_v


#: op name -> kernel
KERNELS: dict[str, Any] = {"adam_update": adam_update}
