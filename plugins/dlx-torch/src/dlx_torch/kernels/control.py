"""Control-flow kernels for the ops of :mod:`dlx.ops.defs.control`.

Eager torch runs the ops' Python semantics (their decompositions: a Python loop over torch ops,
which autograd and ``torch.func`` differentiate, and which ``compile(jit=False)`` replays as
straight-line calls, data-dependent branches excepted: reading a predicate makes the replay run
eagerly). Kernels here only where torch has a better primitive: ``torch.cond`` while
``torch.compile`` traces (one graph with both branches instead of a graph break on the
predicate) and ``torch.vmap`` for ``vectorized_map``.
"""

from __future__ import annotations

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


#: op name -> kernel (the other control ops run their decompositions)
KERNELS: dict = {"cond": cond, "vectorized_map": vectorized_map}

__all__ = ["KERNELS"]
