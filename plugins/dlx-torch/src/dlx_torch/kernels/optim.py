"""Optimizer kernels: the fused ops of :mod:`dlx.ops.defs.optim`."""

from __future__ import annotations

from typing import Any

import torch

from dlx_torch._tensors import donated, promote_all


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Adam in 7 passes (the op-by-op rule takes 12): ``lerp`` is ``m + w (g - m)``, the spec's
    formula, and the later steps work in place on one temporary. When the caller donated the state
    (the trainer's compiled step), weight and moments are updated in place, as ``torch.optim``
    does: 1 new buffer instead of 3."""
    m_in, v_in = m, v
    var, g, m, v, a = promote_all((variable, gradient, m, v, alpha))
    inplace = var is variable and m is m_in and v is v_in and donated(var, m, v)
    with torch.no_grad():  # not differentiable
        new_m = m.lerp_(g, 1 - beta_1) if inplace else torch.lerp(m, g, 1 - beta_1)
        g2 = torch.mul(g, g)
        new_v = v.lerp_(g2, 1 - beta_2) if inplace else torch.lerp(v, g2, 1 - beta_2)
        step = torch.sqrt(new_v, out=g2).add_(epsilon)  # g2 is no longer needed
        torch.div(new_m, step, out=step)
        return (var.addcmul_(step, a, value=-1) if inplace else torch.addcmul(var, step, a, value=-1)), new_m, new_v


def _states(variable, gradient, states, rate):
    """``(variable, gradient, *states, rate)`` promoted to one dtype, and whether the variable and
    ``states`` may be updated in place: all donated and unchanged by the promotion."""
    promoted = promote_all((variable, gradient, *states, rate))
    own = (promoted[0], *promoted[2:-1])
    inplace = all(a is b for a, b in zip(own, (variable, *states))) and donated(*own)
    return promoted, inplace


def sgd_update(variable, gradient, learning_rate):
    """One fused pass, ``variable += gradient * learning_rate * -1`` (``addcmul``; the rate stays a
    tensor, so a recorded step never reads it into Python); in place on a donated variable."""
    (var, g, lr), inplace = _states(variable, gradient, (), learning_rate)
    with torch.no_grad():
        return var.addcmul_(g, lr, value=-1) if inplace else torch.addcmul(var, g, lr, value=-1)


def sgd_momentum_update(variable, gradient, m, learning_rate, momentum=0.9, nesterov=False):
    """3 passes (4 with Nesterov), in place on donated state, as ``torch.optim.SGD``."""
    (var, g, m, lr), inplace = _states(variable, gradient, (m,), learning_rate)
    with torch.no_grad():
        new_m = (m.mul_(momentum) if inplace else torch.mul(m, momentum)).addcmul_(g, lr, value=-1)
        if nesterov:
            new_var = (var.add_(new_m, alpha=momentum) if inplace else torch.add(var, new_m, alpha=momentum))
            return new_var.addcmul_(g, lr, value=-1), new_m
        return (var.add_(new_m) if inplace else torch.add(var, new_m)), new_m


def _scaled_step(var, g, second_moment, lr, epsilon, inplace):
    """``var - lr * g / sqrt(second_moment + epsilon)`` in 4 passes and one temporary."""
    d = torch.add(second_moment, epsilon).sqrt_()
    torch.div(g, d, out=d)
    return var.addcmul_(d, lr, value=-1) if inplace else torch.addcmul(var, d, lr, value=-1)


def rmsprop_update(variable, gradient, v, learning_rate, rho=0.9, epsilon=1e-7):
    """6 passes, in place on donated state (the op-by-op rule takes 10)."""
    (var, g, v, lr), inplace = _states(variable, gradient, (v,), learning_rate)
    with torch.no_grad():
        new_v = (v.mul_(rho) if inplace else torch.mul(v, rho)).addcmul_(g, g, value=1 - rho)
        return _scaled_step(var, g, new_v, lr, epsilon, inplace), new_v


def adagrad_update(variable, gradient, accumulator, learning_rate, epsilon=1e-7):
    """5 passes, in place on donated state (the op-by-op rule takes 8)."""
    (var, g, acc, lr), inplace = _states(variable, gradient, (accumulator,), learning_rate)
    with torch.no_grad():
        new_acc = acc.addcmul_(g, g) if inplace else torch.addcmul(acc, g, g)
        return _scaled_step(var, g, new_acc, lr, epsilon, inplace), new_acc


def adamax_update(variable, gradient, m, u, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """7 passes, in place on donated state (the op-by-op rule takes 11)."""
    (var, g, m, u, a), inplace = _states(variable, gradient, (m, u), alpha)
    with torch.no_grad():
        new_m = m.lerp_(g, 1 - beta_1) if inplace else torch.lerp(m, g, 1 - beta_1)
        new_u = u.mul_(beta_2) if inplace else torch.mul(u, beta_2)
        d = torch.abs(g)
        torch.maximum(new_u, d, out=new_u)
        torch.div(new_m, torch.add(new_u, epsilon, out=d), out=d)
        return (var.addcmul_(d, a, value=-1) if inplace else torch.addcmul(var, d, a, value=-1)), new_m, new_u


def adadelta_update(variable, gradient, accumulated_grad, accumulated_delta, learning_rate, rho=0.95,
                    epsilon=1e-7):
    """11 passes, in place on donated state (the op-by-op rule takes 17)."""
    (var, g, eg, ed, lr), inplace = _states(variable, gradient, (accumulated_grad, accumulated_delta),
                                            learning_rate)
    with torch.no_grad():
        new_eg = (eg.mul_(rho) if inplace else torch.mul(eg, rho)).addcmul_(g, g, value=1 - rho)
        d = torch.add(ed, epsilon).sqrt_()  # -delta, built in place
        d.div_(torch.add(new_eg, epsilon).sqrt_()).mul_(g)
        new_ed = (ed.mul_(rho) if inplace else torch.mul(ed, rho)).addcmul_(d, d, value=1 - rho)
        return (var.addcmul_(d, lr, value=-1) if inplace else torch.addcmul(var, d, lr, value=-1)), new_eg, new_ed


def nadam_update(variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7):
    """10 passes, in place on donated state (the op-by-op rule takes 16)."""
    m_in, v_in = m, v
    var, g, m, v, cm, cg, cv, lr = promote_all((variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate))
    inplace = var is variable and m is m_in and v is v_in and donated(var, m, v)
    with torch.no_grad():
        new_m = m.lerp_(g, 1 - beta_1) if inplace else torch.lerp(m, g, 1 - beta_1)
        g2 = torch.mul(g, g)
        new_v = v.lerp_(g2, 1 - beta_2) if inplace else torch.lerp(v, g2, 1 - beta_2)
        den = torch.mul(new_v, cv, out=g2).sqrt_().add_(epsilon)
        num = torch.mul(new_m, cm).addcmul_(g, cg).div_(den)
        return (var.addcmul_(num, lr, value=-1) if inplace else torch.addcmul(var, num, lr, value=-1)), new_m, new_v


def weight_decay_update(variable, rate):
    """One fused pass, ``variable += variable * rate * -1``; in place on a donated variable."""
    var, r = promote_all((variable, rate))
    inplace = var is variable and donated(var)
    with torch.no_grad():
        return var.addcmul_(var, r, value=-1) if inplace else torch.addcmul(var, var, r, value=-1)


#: op name -> kernel
KERNELS: dict[str, Any] = {"adam_update": adam_update, "sgd_update": sgd_update,
                           "sgd_momentum_update": sgd_momentum_update, "rmsprop_update": rmsprop_update,
                           "adagrad_update": adagrad_update,
                           "adamax_update": adamax_update, "adadelta_update": adadelta_update,
                           "nadam_update": nadam_update,
                           "weight_decay_update": weight_decay_update}
