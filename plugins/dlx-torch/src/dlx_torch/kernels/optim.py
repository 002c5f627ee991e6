"""Optimizer kernels: the fused ops of :mod:`dlx.ops.defs.optim`.

Each update rule is written once, as a ``_rule`` that reads its inputs and writes its outputs
with ``out=`` (an output may be its input itself: elementwise torch ops accept an exact alias).
:func:`_fused` runs it:

* **in place** when the caller donated the variable and its state (the trainer's compiled step),
  as ``torch.optim`` updates its parameters; else into new tensors;
* **block by block** on a CPU weight over 2 blocks: a rule makes 4-10 passes over its arrays,
  and on a weight of megabytes each pass streams them through the memory hierarchy again. Run
  on :data:`BLOCK` elements at a time, the passes after the first find the block in the core's
  cache, so a weight is read and written about once, as a hand-written fused kernel would
  (``torch.optim``'s foreach kernels make one pass per op). The temporaries are one reused
  scratch block (no weight-sized buffer is allocated), the scalars Python numbers, so that the
  last two passes fold into one ``addcdiv`` as in ``torch.optim``. Such a run is **one recorded
  step** of a replayed program (:func:`dlx_torch._replay.record_call`): the replay calls the
  kernel again instead of a line per block;
* **whole** otherwise (small weights, accelerators: a few launches per weight, no device sync),
  its torch calls recorded one by one.

``adam_update`` on CPU float32/float64 weights goes to torch's own fused Adam instead
(``_torch_adam``: one pass and one call per weight, where the rule makes 5-7 calls or, blocked,
5-7 per block; a W1 MLP's train step spent ~0.27 ms less per step, at any batch size).

The rules compute the spec's formulas (``lerp`` is ``m + w (g - m)``); blocked and whole runs
differ at most in the rounding of the last pass (``addcdiv``'s ``(a * num) / den``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from dlx_torch._replay import record_call
from dlx_torch._tensors import donated, promote_all

#: elements per block on CPU: a block of each of a rule's 4-7 float32 arrays (256 KiB each)
#: stays in a core's L2 cache; weights up to 2 blocks run whole
BLOCK = 1 << 16


def _fused(rule: Callable, n_state: int, n_scratch: int, args: tuple, hyper: tuple = (), block: bool = True):
    """``(new_variable, *new_states)`` of ``rule(inputs, outputs, scratch, *scalars, *hyper)`` on
    ``args = (variable, gradient, *n_state states, *scalars)`` (promoted to one dtype; the
    scalars are 0-d tensors), as one recorded step. ``n_state=-1``: ``args = (variable,
    *scalars)``, a rule of the variable alone. ``block=False``: a rule of 1-3 passes, which
    blocks would not speed up (their Python costs about what the cache saves).

    A CPU weight over 2 blocks runs block by block as one recorded step; any other runs whole,
    its torch calls recorded one by one (a replay then runs no Python of this module)."""
    if block and _blocked(args[0]):
        return record_call(_run, rule, n_state, n_scratch, args, hyper, True)
    return _run(rule, n_state, n_scratch, args, hyper, False)


def _blocked(v) -> bool:
    """Whether a rule runs on ``v`` block by block: a CPU tensor of more than 2 blocks."""
    return type(v) is torch.Tensor and v.device.type == "cpu" and v.numel() > 2 * BLOCK


def _memory_order(t: torch.Tensor):
    """The dimension order in which ``t``'s memory is contiguous (``t.permute(order)`` is
    contiguous), or ``None`` when it is not a permutation of a contiguous tensor."""
    order = sorted(range(t.dim()), key=lambda d: -t.stride(d))
    return order if t.permute(order).is_contiguous() else None


def _run(rule, n_state, n_scratch, args, hyper, blocked):
    dt = args[0].dtype if type(args[0]) is torch.Tensor else None
    same = dt is not None and all(type(a) is torch.Tensor and a.dtype is dt for a in args)
    promoted = list(args) if same else promote_all(args)
    k = 2 + n_state
    xs, scalars = promoted[:k], promoted[k:]
    own = [xs[0], *xs[2:k]]
    given = [args[0], *args[2:k]]
    inplace = all(a is b for a, b in zip(own, given)) and donated(*own)
    with torch.no_grad():  # not differentiable
        outs = own if inplace else [torch.empty_like(t) for t in own]
        n = xs[0].numel()
        order = _memory_order(xs[0]) if blocked else None
        if blocked and order is not None and all(t.shape == xs[0].shape and t.stride() == xs[0].stride()
                                                 for t in (*xs, *outs)):
            # Python numbers: torch's fused scalar forms (addcdiv) take them; read once per call,
            # inside the one recorded step (a replay calls this function again)
            scalars = [t.item() if t.dim() == 0 else t for t in scalars]
            # tensors of one dense layout (contiguous, or a permutation of it such as the torch
            # backend's convolution kernels) flattened in memory order: the same element pairing
            blocks_x = zip(*(t.permute(order).view(-1).split(BLOCK) for t in xs))
            blocks_o = zip(*(t.permute(order).view(-1).split(BLOCK) for t in outs))
            scratch = [xs[0].new_empty(BLOCK) for _ in range(n_scratch)]
            tail = [s[:n % BLOCK] for s in scratch]
            for i, (bx, bo) in enumerate(zip(blocks_x, blocks_o)):
                rule(bx, bo, tail if (i + 1) * BLOCK > n else scratch, *scalars, *hyper)
        else:
            rule(xs, outs, [torch.empty_like(xs[0]) for _ in range(n_scratch)], *scalars, *hyper)
    return outs[0] if len(outs) == 1 else tuple(outs)


# ------------------------------------------------------------------------------------ the rules
# A rule's scalars are Python numbers when it runs in blocks and 0-d tensors otherwise (a recorded
# call must not read tensor data into Python; no device sync); the two helpers below take either.
def _axpy(y, x, a, out, sign=-1):
    """``y + sign * a * x`` into ``out``."""
    if isinstance(a, torch.Tensor):
        return torch.addcmul(y, x, a, value=sign, out=out)
    return torch.add(y, x, alpha=sign * a, out=out)


def _sub_ratio(var, num, den, a, out):
    """``var - a * num / den`` into ``out`` (one ``addcdiv`` pass; ``den`` is a scratch)."""
    if isinstance(a, torch.Tensor):
        torch.div(num, den, out=den)
        return torch.addcmul(var, den, a, value=-1, out=out)
    return torch.addcdiv(var, num, den, value=-a, out=out)


def _decay(x, o, rate):
    _axpy(x[0], x[0], rate, o[0])


def _weight_decay(x, o, s, rate):
    _decay(x, o, rate)


def _sgd(x, o, s, lr):
    var, g = x
    _axpy(var, g, lr, o[0])


def _momentum(x, o, s, lr, momentum, nesterov):
    var, g, m = x
    new_m = _axpy(torch.mul(m, momentum, out=o[1]), g, lr, o[1])
    if nesterov:
        _axpy(torch.add(var, new_m, alpha=momentum, out=o[0]), g, lr, o[0])
    else:
        torch.add(var, new_m, out=o[0])


def _scaled_step(var, g, second_moment, lr, epsilon, t, out):
    """``var - lr * g / sqrt(second_moment + epsilon)`` through the scratch ``t``."""
    _sub_ratio(var, g, torch.add(second_moment, epsilon, out=t).sqrt_(), lr, out)


def _rmsprop(x, o, s, lr, rho, epsilon):
    var, g, v = x
    new_v = torch.mul(v, rho, out=o[1]).addcmul_(g, g, value=1 - rho)
    _scaled_step(var, g, new_v, lr, epsilon, s[0], o[0])


def _rmsprop_centered(x, o, s, lr, rho, epsilon):
    var, g, v, a = x
    new_v = torch.mul(v, rho, out=o[1]).addcmul_(g, g, value=1 - rho)
    new_a = torch.mul(a, rho, out=o[2]).add_(g, alpha=1 - rho)
    t = torch.mul(new_a, new_a, out=s[0])
    _scaled_step(var, g, torch.sub(new_v, t, out=t), lr, epsilon, t, o[0])


def _adagrad(x, o, s, lr, epsilon):
    var, g, acc = x
    new_acc = torch.addcmul(acc, g, g, out=o[1])
    _scaled_step(var, g, new_acc, lr, epsilon, s[0], o[0])


def _adam_moments(g, m, v, t, o, beta_1, beta_2):
    """Adam's moments into ``o[1]``, ``o[2]`` (``t`` holds ``g * g`` afterwards)."""
    new_m = torch.lerp(m, g, 1 - beta_1, out=o[1])
    torch.mul(g, g, out=t)
    return new_m, torch.lerp(v, t, 1 - beta_2, out=o[2])


def _adam_step(var, new_m, second_moment, alpha, epsilon, t, out):
    """``var - alpha * new_m / (sqrt(second_moment) + epsilon)`` through the scratch ``t``."""
    _sub_ratio(var, new_m, torch.sqrt(second_moment, out=t).add_(epsilon), alpha, out)


def _adam(x, o, s, alpha, beta_1, beta_2, epsilon):
    var, g, m, v = x
    new_m, new_v = _adam_moments(g, m, v, s[0], o, beta_1, beta_2)
    _adam_step(var, new_m, new_v, alpha, epsilon, s[0], o[0])


def _adamw(x, o, s, alpha, rate, beta_1, beta_2, epsilon):
    _decay(x, o, rate)
    _adam([o[0], *x[1:]], o, s, alpha, beta_1, beta_2, epsilon)


def _amsgrad(x, o, s, alpha, beta_1, beta_2, epsilon):
    var, g, m, v, v_hat = x
    new_m, new_v = _adam_moments(g, m, v, s[0], o, beta_1, beta_2)
    new_v_hat = torch.maximum(v_hat, new_v, out=o[3])
    _adam_step(var, new_m, new_v_hat, alpha, epsilon, s[0], o[0])


def _adamax(x, o, s, alpha, beta_1, beta_2, epsilon):
    var, g, m, u = x
    new_m = torch.lerp(m, g, 1 - beta_1, out=o[1])
    new_u = torch.mul(u, beta_2, out=o[2])
    d = torch.abs(g, out=s[0])
    torch.maximum(new_u, d, out=new_u)
    _sub_ratio(var, new_m, torch.add(new_u, epsilon, out=d), alpha, o[0])


def _adadelta(x, o, s, lr, rho, epsilon):
    var, g, eg, ed = x
    new_eg = torch.mul(eg, rho, out=o[1]).addcmul_(g, g, value=1 - rho)
    d = torch.add(ed, epsilon, out=s[0]).sqrt_()  # -delta, built in place
    d.div_(torch.add(new_eg, epsilon, out=s[1]).sqrt_()).mul_(g)
    torch.mul(ed, rho, out=o[2]).addcmul_(d, d, value=1 - rho)
    _axpy(var, d, lr, o[0])


def _nadam(x, o, s, m_scale, g_scale, v_scale, lr, beta_1, beta_2, epsilon):
    var, g, m, v = x
    new_m, new_v = _adam_moments(g, m, v, s[0], o, beta_1, beta_2)
    den = torch.mul(new_v, v_scale, out=s[0]).sqrt_().add_(epsilon)
    num = _axpy(torch.mul(new_m, m_scale, out=s[1]), g, g_scale, s[1], sign=1)
    _sub_ratio(var, num, den, lr, o[0])


# ------------------------------------------------------------------------------- torch's Adam
#: the step count handed to torch's fused Adam: ``beta ** step`` underflows to 0 for every
#: ``0 <= beta < 1``, so its bias corrections are exactly 1 (dlx folds them into ``alpha``)
_NO_BIAS_CORRECTION = 1e30
#: the ``state_steps`` entry of every call (the fused kernel reads it and never writes it)
_STEP = torch.tensor(_NO_BIAS_CORRECTION)
_TORCH_ADAM_DTYPES = (torch.float32, torch.float64)


def _torch_adam_fits(args, beta_1, beta_2):
    """Whether ``torch._fused_adam_`` can compute ``adam_update`` on ``args`` (variable, gradient,
    m, v, alpha): CPU float32/float64 tensors of one shape, a scalar ``alpha`` and betas in [0, 1).
    (Their layouts are read in ``_torch_adam``, inside its recorded step: a replay's recording
    refuses stride reads outside one.)"""
    var, alpha = args[0], args[4]
    if not (type(var) is torch.Tensor and var.device.type == "cpu" and var.dtype in _TORCH_ADAM_DTYPES
            and 0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        return False
    if not all(type(t) is torch.Tensor and t.dtype is var.dtype and t.device == var.device and t.shape == var.shape
               for t in args[1:4]):
        return False
    return (type(alpha) is torch.Tensor and alpha.dim() == 0 and alpha.device.type == "cpu") or \
        (type(alpha) in (float, int) and not isinstance(alpha, bool))


def _torch_adam(variable, gradient, m, v, alpha, beta_1, beta_2, epsilon):
    """``adam_update`` as one pass of torch's fused CPU Adam (the kernel of ``torch.optim.Adam(fused=True)``),
    in place on donated buffers, else on copies. Its update is ``m.lerp_(g, 1 - beta_1)``,
    ``v * beta_2 + g * g * (1 - beta_2)`` and ``var - lr * m / (sqrt(v) / bc2 + eps)`` with the
    bias corrections ``bc`` = 1 here, i.e. the spec's formula with ``lr = alpha``. Tensors of
    different layouts (or not dense) run the ``_adam`` rule instead."""
    layout = variable.stride()
    if _memory_order(variable) is None or any(t.stride() != layout for t in (gradient, m, v)):
        return _run(_adam, 2, 1, (variable, gradient, m, v, alpha), (beta_1, beta_2, epsilon), _blocked(variable))
    with torch.no_grad():
        inplace = donated(variable, m, v)
        var, new_m, new_v = (variable, m, v) if inplace else (variable.clone(), m.clone(), v.clone())
        lr = alpha.to(var.dtype) if type(alpha) is torch.Tensor else float(alpha)
        torch._fused_adam_([var], [gradient], [new_m], [new_v], [], [_STEP], lr=lr, beta1=float(beta_1),
                           beta2=float(beta_2), weight_decay=0.0, eps=float(epsilon), amsgrad=False, maximize=False)
    return var, new_m, new_v


# ------------------------------------------------------------------------------------ the kernels
def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One fused pass where torch has one (``_torch_adam``: 4-6x faster than the rule's 5-7 calls
    per weight, as ``torch.optim.Adam(fused=True)`` runs); the ``_adam`` rule otherwise."""
    args = (variable, gradient, m, v, alpha)
    if _torch_adam_fits(args, beta_1, beta_2):
        return record_call(_torch_adam, *args, beta_1, beta_2, epsilon)
    return _fused(_adam, 2, 1, args, (beta_1, beta_2, epsilon))


def adamw_update(variable, gradient, m, v, alpha, rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _fused(_adamw, 2, 1, (variable, gradient, m, v, alpha, rate), (beta_1, beta_2, epsilon))


def amsgrad_update(variable, gradient, m, v, v_hat, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _fused(_amsgrad, 3, 1, (variable, gradient, m, v, v_hat, alpha), (beta_1, beta_2, epsilon))


def sgd_update(variable, gradient, learning_rate):
    return _fused(_sgd, 0, 0, (variable, gradient, learning_rate), block=False)


def sgd_momentum_update(variable, gradient, m, learning_rate, momentum=0.9, nesterov=False):
    return _fused(_momentum, 1, 0, (variable, gradient, m, learning_rate), (momentum, nesterov), block=False)


def rmsprop_update(variable, gradient, v, learning_rate, rho=0.9, epsilon=1e-7):
    return _fused(_rmsprop, 1, 1, (variable, gradient, v, learning_rate), (rho, epsilon))


def rmsprop_centered_update(variable, gradient, v, average_gradient, learning_rate, rho=0.9, epsilon=1e-7):
    return _fused(_rmsprop_centered, 2, 1, (variable, gradient, v, average_gradient, learning_rate),
                  (rho, epsilon))


def adagrad_update(variable, gradient, accumulator, learning_rate, epsilon=1e-7):
    return _fused(_adagrad, 1, 1, (variable, gradient, accumulator, learning_rate), (epsilon,))


def adamax_update(variable, gradient, m, u, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _fused(_adamax, 2, 1, (variable, gradient, m, u, alpha), (beta_1, beta_2, epsilon))


def adadelta_update(variable, gradient, accumulated_grad, accumulated_delta, learning_rate, rho=0.95,
                    epsilon=1e-7):
    return _fused(_adadelta, 2, 2, (variable, gradient, accumulated_grad, accumulated_delta, learning_rate),
                  (rho, epsilon))


def nadam_update(variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7):
    return _fused(_nadam, 2, 2, (variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate),
                  (beta_1, beta_2, epsilon))


def weight_decay_update(variable, rate):
    return _fused(_weight_decay, -1, 0, (variable, rate), block=False)


#: op name -> kernel
KERNELS: dict[str, Any] = {name: globals()[name] for name in (
    "adam_update", "adamw_update", "amsgrad_update", "sgd_update", "sgd_momentum_update", "rmsprop_update",
    "rmsprop_centered_update", "adagrad_update", "adamax_update", "adadelta_update", "nadam_update",
    "weight_decay_update")}
