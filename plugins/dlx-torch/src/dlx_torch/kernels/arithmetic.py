"""Elementwise math kernels: the ops of :mod:`dlx.ops.defs.arithmetic` (Keras's aliases such as
``absolute`` and ``amax`` run their spec's decomposition into the op they name)."""

from __future__ import annotations

import math

import torch

from dlx.ops.defs.arithmetic import _saturate_bounds, saturate_range
from dlx_torch._tensors import NAMES, F, T, floatx, pair_tensors, unsigned_safe
from dlx_torch.kernels.elementwise import cast

_PI = math.pi


def _fpair(x1, x2):
    a, b = pair_tensors(x1, x2)
    if not a.is_floating_point():
        a, b = a.to(floatx()), b.to(floatx())
    return a, b


def divide_no_nan(x1, x2):
    a, b = _fpair(x1, x2)
    zero = b == 0
    q = a / torch.where(zero, torch.ones((), dtype=b.dtype, device=b.device), b)
    return torch.where(zero, torch.zeros((), dtype=q.dtype, device=q.device), q)


def cbrt(x):
    # no native cube root: |x| ** (1/3) in float64 (relative error ~1e-16), with x's sign
    x = F(x)
    a = torch.abs(x).to(torch.float64)
    y = torch.pow(a, 1.0 / 3.0)
    finite = torch.isfinite(y) & (a > 0)
    y = torch.where(finite, y - (y * y * y - a) / (3 * y * y + (~finite).to(y.dtype)), y)  # one Newton step
    return (torch.sign(x) * y.to(x.dtype)).to(x.dtype)


def deg2rad(x):
    return torch.deg2rad(F(x))


def rad2deg(x):
    return torch.rad2deg(F(x))


def sinc(x):
    return torch.sinc(F(x))


def i0(x):
    return torch.special.i0(F(x))


def erfc(x):
    return torch.special.erfc(F(x))


def signbit(x):
    x = T(x)
    if x.dtype is torch.bool:
        return torch.zeros_like(x)
    return torch.signbit(x)


def isposinf(x):
    return torch.isposinf(T(x))


def isneginf(x):
    return torch.isneginf(T(x))


def fmax(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.fmax(a, b)


def fmin(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.fmin(a, b)


def fmod(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.fmod(a, b)


def hypot(x1, x2):
    return torch.hypot(*_fpair(x1, x2))


def heaviside(x1, x2):
    # torch.heaviside has no derivative: the same values by selection
    a, b = _fpair(x1, x2)
    one, zero = torch.ones_like(a), torch.zeros_like(a)
    return torch.where(a < 0, zero, torch.where(a > 0, one, torch.where(a == 0, b + zero, a)))


def _int_pair(name, fn):
    def kernel(x1, x2):
        a, b = pair_tensors(x1, x2)
        if a.is_floating_point() or a.dtype is torch.bool:
            raise TypeError(f"{name}: arguments must be integers, got {NAMES[a.dtype]}")
        return fn(a, b)
    kernel.__name__ = name
    return kernel


def ldexp(x1, x2):
    e = T(x2)
    if e.is_floating_point():
        raise TypeError(f"ldexp: the exponent x2 must be an integer, got dtype {NAMES[e.dtype]}")
    a = F(x1)
    return (a * torch.pow(torch.tensor(2.0, dtype=torch.float64, device=a.device), e.to(torch.float64))).to(a.dtype) \
        if a.dtype is not torch.float64 else torch.ldexp(a, e)



def logaddexp2(x1, x2):
    a, b = _fpair(x1, x2)
    # equal arguments: exactly a + 1 (torch's formula leaves a rounding error where the result is 0)
    return torch.where(a == b, a + 1, torch.logaddexp2(a, b))


def _close(x1, x2, rtol, atol, equal_nan):
    a, b = _fpair(x1, x2)
    return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _close(x1, x2, rtol, atol, equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return torch.all(_close(x1, x2, rtol, atol, equal_nan))



def saturate_cast(x, dtype):
    x = T(x)
    lo, hi = _saturate_bounds(NAMES[x.dtype], dtype)
    y = cast(torch.clamp(x, lo.item(), hi.item()), dtype)  # float64 -> half: rounded once
    if x.is_floating_point() and not y.is_floating_point():  # beyond the float bounds: the range's ends
        tlo, thi = saturate_range(dtype)
        y = torch.where(x > hi.item(), torch.full_like(y, thi.item()), y)
        y = torch.where(x < lo.item(), torch.full_like(y, tlo.item()), y)
    return y


def bitwise_not(x):
    return torch.bitwise_not(T(x))


#: op name -> kernel
KERNELS: dict = {
    "divide_no_nan": divide_no_nan, "cbrt": cbrt, "deg2rad": deg2rad, "rad2deg": rad2deg, "sinc": sinc, "i0": i0,
    "erfc": erfc, "signbit": signbit, "isposinf": isposinf, "isneginf": isneginf, "fmax": unsigned_safe(fmax),
    "fmin": unsigned_safe(fmin), "fmod": unsigned_safe(fmod), "hypot": hypot, "heaviside": heaviside,
    "gcd": unsigned_safe(_int_pair("gcd", torch.gcd)), "lcm": unsigned_safe(_int_pair("lcm", torch.lcm)),
    "ldexp": ldexp, "logaddexp2": logaddexp2, "isclose": isclose, "allclose": allclose,
    "saturate_cast": saturate_cast, "bitwise_not": unsigned_safe(bitwise_not),
}
