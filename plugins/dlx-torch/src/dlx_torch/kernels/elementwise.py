"""Elementwise kernels (arithmetic, comparison, logic, bitwise, transcendental functions): the ops
of :mod:`dlx.ops.defs.elementwise`."""

from __future__ import annotations

from typing import Any

import torch

from dlx_torch._grad import Expm1, HalfFromFloat64, half_from_float64
from dlx_torch._tensors import F, T, Tensor, floatx, pair, pair_tensors, promote_all, tdtype, unsigned_safe

_T = Tensor


# ------------------------------------------------------------------------------ unary, exact
def abs(x):
    return torch.abs(x if type(x) is _T else T(x))


def negative(x):
    return torch.neg(x if type(x) is _T else T(x))


def sign(x):
    x = x if type(x) is _T else T(x)
    if x.is_floating_point():  # torch.sign(nan) is 0; NumPy keeps NaN
        return torch.where(torch.isnan(x), x, torch.sign(x))
    return torch.sign(x)


def square(x):
    x = x if type(x) is _T else T(x)
    if x.dtype is torch.bool:
        return torch.logical_and(x, x)
    return torch.square(x)


def floor(x):
    return torch.floor(F(x))


def ceil(x):
    return torch.ceil(F(x))


def trunc(x):
    x = T(x)
    return torch.trunc(x) if x.is_floating_point() else x.clone()  # ints and bools keep their dtype


def round(x, decimals=0):
    x = T(x)
    if x.is_floating_point():
        return torch.round(x, decimals=decimals) if decimals else torch.round(x)
    if decimals >= 0:
        return x.clone()
    return torch.round(x.to(torch.float64), decimals=decimals).to(x.dtype)


def isnan(x):
    return torch.isnan(T(x))


def isinf(x):
    return torch.isinf(T(x))


def isfinite(x):
    return torch.isfinite(T(x))


def logical_not(x):
    return torch.logical_not(T(x))


def bitwise_invert(x):
    return torch.bitwise_not(T(x))


# ------------------------------------------------------------------------------ unary, floats
def sqrt(x):
    return torch.sqrt(F(x))


def rsqrt(x):
    return torch.rsqrt(F(x))


def reciprocal(x):
    return torch.reciprocal(F(x))


def exp(x):
    return torch.exp(x if type(x) is _T and x.is_floating_point() else F(x))


def _unary_float(fn):
    def kernel(x):
        return fn(F(x))
    return kernel


exp2 = _unary_float(torch.exp2)


def expm1(x):
    x = F(x)
    return Expm1.apply(x) if x.requires_grad else torch.expm1(x)


log = _unary_float(torch.log)
log2 = _unary_float(torch.log2)
log10 = _unary_float(torch.log10)
log1p = _unary_float(torch.log1p)
sin = _unary_float(torch.sin)
cos = _unary_float(torch.cos)
tan = _unary_float(torch.tan)
arcsin = _unary_float(torch.asin)
arccos = _unary_float(torch.acos)
arctan = _unary_float(torch.atan)
sinh = _unary_float(torch.sinh)
cosh = _unary_float(torch.cosh)
tanh = _unary_float(torch.tanh)
arcsinh = _unary_float(torch.asinh)
arccosh = _unary_float(torch.acosh)
arctanh = _unary_float(torch.atanh)
erf = _unary_float(torch.erf)
erfinv = _unary_float(torch.erfinv)


# ------------------------------------------------------------------------------ binary
def _binary(fn, commutative=False):
    """A binary kernel: torch's call when both operands are tensors of one dtype, else the
    promoting slow path (which also retries unsigned inputs in int64)."""

    if commutative:
        def slow(x1, x2):
            a, b = pair(x1, x2)
            return fn(a, b) if isinstance(a, _T) else fn(b, a)
    else:
        def slow(x1, x2):
            a, b = pair_tensors(x1, x2)
            return fn(a, b)
    slow = unsigned_safe(slow)

    def kernel(x1, x2):
        if type(x1) is _T and type(x2) is _T and x1.dtype is x2.dtype:
            try:
                return fn(x1, x2)
            except RuntimeError:  # no kernel for this dtype (uint32...): the slow path retries
                pass
        return slow(x1, x2)

    return kernel


add = _binary(torch.add, commutative=True)
subtract = _binary(torch.sub)
multiply = _binary(torch.mul, commutative=True)


def divide(x1, x2):
    if type(x1) is _T and type(x2) is _T and x1.dtype is x2.dtype and x1.is_floating_point():
        return torch.div(x1, x2)
    a, b = pair_tensors(x1, x2)
    if not a.is_floating_point():
        a, b = a.to(floatx()), b.to(floatx())
    return torch.div(a, b)


def floor_divide(x1, x2):
    a, b = pair_tensors(x1, x2)
    # piecewise constant: no gradient (torch defines no derivative for floor_divide at all)
    return torch.floor_divide(a.detach(), b.detach())


def mod(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.remainder(a, b)


def power(x1, x2):
    a, b = pair_tensors(x1, x2)
    if not a.is_floating_point() and a.dtype is not torch.bool:
        b = torch.clamp_min(b, 0)
    return torch.pow(a, b)


def maximum(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.maximum(a, b)


def minimum(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.minimum(a, b)


def arctan2(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.atan2(F(a), F(b))


def logaddexp(x1, x2):
    a, b = pair_tensors(x1, x2)
    return torch.logaddexp(F(a), F(b))


def _compare(fn):
    return _binary(fn)


equal = _compare(torch.eq)
not_equal = _compare(torch.ne)
less = _compare(torch.lt)
less_equal = _compare(torch.le)
greater = _compare(torch.gt)
greater_equal = _compare(torch.ge)


def logical_and(x1, x2):
    return torch.logical_and(T(x1), T(x2))


def logical_or(x1, x2):
    return torch.logical_or(T(x1), T(x2))


def logical_xor(x1, x2):
    return torch.logical_xor(T(x1), T(x2))


def bitwise_and(x, y):
    a, b = pair_tensors(x, y)
    return torch.bitwise_and(a, b)


def bitwise_or(x, y):
    a, b = pair_tensors(x, y)
    return torch.bitwise_or(a, b)


def bitwise_xor(x, y):
    a, b = pair_tensors(x, y)
    return torch.bitwise_xor(a, b)


def left_shift(x, y):
    a, b = pair_tensors(x, y)
    return torch.bitwise_left_shift(a, b)


def right_shift(x, y):
    a, b = pair_tensors(x, y)
    return torch.bitwise_right_shift(a, b)


# ------------------------------------------------------------------------------ selection
def clip(x, x_min, x_max):
    x, lo, hi = promote_all((x, x_min, x_max))
    return torch.clamp(x, lo, hi)


def where(condition, x1=None, x2=None):
    if x1 is None or x2 is None:
        if x1 is not None or x2 is not None:
            raise ValueError("where: x1 and x2 must both be given or both be None")
        # the indices of the nonzero entries (their number depends on the data: eager)
        return tuple(i.to(torch.int32) for i in torch.nonzero(T(condition), as_tuple=True))
    c = T(condition)
    if c.dtype is not torch.bool:
        c = c.to(torch.bool)
    a, b = pair(x1, x2)
    if type(a) is not _T and type(b) is not _T:
        a, b = pair_tensors(a, b)
    return torch.where(c, a, b)


def cast(x, dtype):
    x, dt = T(x), tdtype(dtype)
    if x.dtype is torch.float64 and (dt is torch.float16 or dt is torch.bfloat16):
        return HalfFromFloat64.apply(x, dt) if x.requires_grad else half_from_float64(x, dt)
    return x.to(dt)


def stop_gradient(variable):
    return T(variable).detach()


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = T(x)
    if not x.is_floating_point():
        return x.clone()
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


_UNSIGNED_OK = ("abs", "negative", "sign", "square", "bitwise_invert",
                "floor_divide", "mod", "power", "maximum", "minimum", "bitwise_and", "bitwise_or", "bitwise_xor",
                "left_shift", "right_shift", "clip", "where", "round", "isnan", "isinf", "isfinite")


_NAMES = (
    "abs", "negative", "sign", "square", "floor", "ceil", "trunc", "round", "isnan", "isinf", "isfinite",
    "logical_not", "bitwise_invert", "sqrt", "rsqrt", "reciprocal", "exp", "exp2", "expm1", "log", "log2",
    "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "erf", "erfinv", "add", "subtract", "multiply", "divide", "floor_divide", "mod",
    "power", "maximum", "minimum", "arctan2", "logaddexp", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
    "bitwise_xor", "left_shift", "right_shift", "clip", "where", "cast", "stop_gradient", "nan_to_num",
)

#: op name -> kernel (integer dtypes torch lacks for uint16/32/64 retried on int64: unsigned_safe)
KERNELS: dict[str, Any] = {n: unsigned_safe(globals()[n]) if n in _UNSIGNED_OK else globals()[n] for n in _NAMES}
