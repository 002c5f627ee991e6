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


def fused_rnn(kind, sequences, initial_states, kernel, recurrent_kernel, bias, *, go_backwards, training):
    """A whole LSTM / GRU layer as one ``torch.lstm`` / ``torch.gru`` call (the kernels of
    ``nn.LSTM`` / ``nn.GRU``, cuDNN's on GPU) with the weights rearranged from Keras's layout:
    transposed, and GRU's gates reordered from ``z, r, h`` to torch's ``r, z, n``. ``None``
    where the plugin does not use the private kernels (``_internals``)."""
    from dlx_torch import _internals

    fn = _internals.fused_lstm if kind == "lstm" else _internals.fused_gru
    if fn is None or not all(isinstance(t, torch.Tensor) for t in (sequences, kernel, recurrent_kernel, bias,
                                                                   *initial_states)):
        return None
    x = torch.flip(sequences, (1,)) if go_backwards else sequences
    if kind == "lstm":
        params = [kernel.t(), recurrent_kernel.t(), bias, torch.zeros_like(bias)]
        h0, c0 = initial_states
        out, h, c = fn(x, (h0.unsqueeze(0), c0.unsqueeze(0)), params, True, 1, 0.0, bool(training), False, True)
        return out, [h[0], c[0]]

    def rzn(w):  # Keras's z, r, h blocks (last axis) -> torch's r, z, n
        z, r, n = torch.chunk(w, 3, dim=-1)
        return torch.cat([r, z, n], dim=-1)
    params = [rzn(kernel).t(), rzn(recurrent_kernel).t(), rzn(bias[0]), rzn(bias[1])]
    out, h = fn(x, initial_states[0].unsqueeze(0), params, True, 1, 0.0, bool(training), False, True)
    return out, [h[0]]


#: op name -> kernel (the other control ops run their decompositions)
KERNELS: dict = {"cond": cond, "vectorized_map": vectorized_map, "custom_gradient": custom_gradient}

__all__ = ["KERNELS"]
