"""Control-flow kernels for the ops of :mod:`dlx.ops.defs.control`.

Eager torch runs the ops' Python semantics (their decompositions: a Python loop over torch ops,
which autograd and ``torch.func`` differentiate, and which ``compile(jit=False)`` replays as
straight-line calls, data-dependent branches excepted: reading a predicate makes the replay run
eagerly). Kernels here only where torch has a better primitive: ``torch.cond`` while
``torch.compile`` traces (one graph with both branches instead of a graph break on the
predicate) and ``torch.vmap`` for ``vectorized_map``.
"""

from __future__ import annotations

import functools

import torch

from dlx import tree_util as tree
from dlx.ops import tensors
from dlx.ops.defs import control as ref


def cond(pred, true_fn, false_fn):
    if torch.compiler.is_compiling() and isinstance(pred, torch.Tensor):
        return torch.cond(pred.to(torch.bool).reshape(()), lambda: true_fn(), lambda: false_fn(), ())
    return ref.cond(pred, true_fn, false_fn)


def vectorized_map(function, elements):
    elements = tree.map_structure(lambda v: v if isinstance(v, torch.Tensor) else tensors.convert_to_tensor(v),
                                  elements)
    return torch.vmap(function)(elements)


class _Box:
    """Carries the user's gradient function from ``forward`` to ``backward``."""

    __slots__ = ("grad_fn", "n")


class _CustomGradient(torch.autograd.Function):
    # forward/setup_context split: works under torch.func transforms (TorchBackend.value_and_grad)
    @staticmethod
    def forward(f, box, *args):
        out, box.grad_fn = f(*args)
        box.n = len(args)
        return out

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.box = inputs[1]

    @staticmethod
    def backward(ctx, *upstream):
        grads = ctx.box.grad_fn(*upstream)
        grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)
        return (None, None, *grads)


def custom_gradient(f):
    if not callable(f):
        raise TypeError(f"custom_gradient: f={f!r} is not callable")

    @functools.wraps(f)
    def wrapped(*args):
        return _CustomGradient.apply(f, _Box(), *args)
    return wrapped


#: op name -> kernel (the other control ops run their decompositions)
KERNELS: dict = {"cond": cond, "vectorized_map": vectorized_map, "custom_gradient": custom_gradient}

__all__ = ["KERNELS"]
