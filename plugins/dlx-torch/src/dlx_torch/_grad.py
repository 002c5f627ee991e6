"""Gradient rules where torch's own backward is numerically poor or missing (``torch.autograd.Function``s
usable under ``torch.func`` and ``torch.compile``). Kernels use them only when their input is
being differentiated, so inference runs the plain native kernel."""

from __future__ import annotations

import math

import torch


class Expm1(torch.autograd.Function):
    """``expm1`` whose backward is ``g * exp(x)``: torch's ``g * (expm1(x) + 1)`` cancels for
    x << 0 (float32 gives a relative error of 1e-5 at x = -5 and 0 instead of 2e-9 at x = -20)."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x: torch.Tensor) -> torch.Tensor:
        return torch.expm1(x)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return g * torch.exp(x)


_C = math.sqrt(2.0 / math.pi)
_K = 0.044715


class GeluTanh(torch.autograd.Function):
    """tanh-form ``gelu`` (``x * sigmoid(2z)``, z = sqrt(2/pi) (x + 0.044715 x**3)) whose backward
    is ``s + 2 x s (1 - s) z'`` with ``s = sigmoid(2z)`` and ``1 - s = sigmoid(-2z)``: torch's
    backward forms ``1 + tanh(z)``, which cancels for x << 0 (a relative error of 7.5e-10 in
    float64 at x = -5.4)."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.gelu(x, approximate="tanh")

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        x2 = x * x
        z2 = 2.0 * _C * (x + _K * x2 * x)
        s, s_neg = torch.sigmoid(z2), torch.sigmoid(-z2)  # 1 - s is sigmoid(-2z): no cancellation
        dz = _C * (1.0 + 3.0 * _K * x2)
        return g * (s + 2.0 * x * s * s_neg * dz)


def half_from_float64(x: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
    """float64 ``x`` rounded once to ``dt`` (float16 or bfloat16; to nearest, ties to even), as
    NumPy's cast: torch's own conversion goes through float32 on CPUs (two roundings). Rounding to
    float32 *to odd* first (docs/parity.md, "Half-precision casts") makes the second rounding the
    only one."""
    r = x.to(torch.float32)
    back = r.to(torch.float64)
    inexact = back != x  # NaN too: its bits only gain a payload bit
    bits = r.view(torch.int32)
    # rounded away from zero (overflow to inf included): one step back toward it, then the last bit set
    bits = (bits - (inexact & (back.abs() > x.abs())).to(torch.int32)) | inexact.to(torch.int32)
    return bits.view(torch.float32).to(dt)


class HalfFromFloat64(torch.autograd.Function):
    """:func:`half_from_float64` with the gradient of a cast (its bit operations have none)."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
        return half_from_float64(x, dt)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        pass

    @staticmethod
    def backward(ctx, g: torch.Tensor):
        return g.to(torch.float64), None
