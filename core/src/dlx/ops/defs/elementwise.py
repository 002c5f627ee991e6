"""Elementwise ops: arithmetic, comparison, logic, bitwise, transcendental functions."""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import (
    as_array,
    as_float,
    binary_cases,
    bool_case,
    float_promote,
    int_cases,
    nd,
    promote,
    unary_cases,
    vectorize,
)
from dlx.ops.spec import Case, op

G = "numpy"
_erf = vectorize(math.erf)
_erfc = vectorize(math.erfc)


def _zero(g, out, *a, **k):
    return tuple(None for _ in a)


# ------------------------------------------------------------------------------ unary, exact
@op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x: (g * K.sign(x),))
def abs(x):
    """Absolute value, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        ``|x|``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.abs(np.array([-1.5, 0.0, 2.0]))
    array([1.5, 0. , 2. ])
    """
    return np.abs(np.asarray(x))


@op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x: (-g,))
def negative(x):
    """Numerical negative, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        ``-x``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.negative(np.array([1, -2, 3]))
    array([-1,  2, -3])
    """
    return np.negative(np.asarray(x))


@op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x: (K.zeros_like(g),))
def sign(x):
    """-1, 0 or 1 by the sign of ``x`` (NaN stays NaN).

    Arguments:
        x: input tensor.

    Returns:
        A tensor of ``x``'s shape and dtype holding -1, 0 or 1 (NaN where ``x`` is NaN).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sign(np.array([-3.0, 0.0, 2.5]))
    array([-1.,  0.,  1.])
    """
    return np.sign(np.asarray(x))


@op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x: (2 * g * x,))
def square(x):
    """``x * x``, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        A tensor of ``x``'s shape and dtype (integers keep their dtype and wrap on overflow).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.square(np.array([1, -2, 3]))
    array([1, 4, 9])
    """
    x = np.asarray(x)
    return x * x


def _example(call, result):
    """The ``Example:`` section of a docstring built in code: ``call`` on the NumPy backend prints
    ``result``."""
    return f"\nExample:\n\n>>> import numpy as np\n>>> from dlx import ops\n>>> {call}\n{result}\n"


# the examples of the ops whose docstrings are built below (name: (call, printed result))
_EXAMPLES = {
    "floor": ('ops.floor(np.array([-1.5, 0.2, 1.7]))', 'array([-2.,  0.,  1.])'),
    "ceil": ('ops.ceil(np.array([-1.5, 0.2, 1.7]))', 'array([-1.,  1.,  2.])'),
    "exp": ('np.round(ops.exp(np.array([0.0, 1.0, 2.0])), 4)', 'array([1.    , 2.7183, 7.3891])'),
    "exp2": ('ops.exp2(np.array([0.0, 1.0, 3.0]))', 'array([1., 2., 8.])'),
    "expm1": ('np.round(ops.expm1(np.array([0.0, 1.0])), 4)', 'array([0.    , 1.7183])'),
    "log": ('np.round(ops.log(np.array([1.0, np.e, 10.0])), 4)', 'array([0.    , 1.    , 2.3026])'),
    "log2": ('ops.log2(np.array([1.0, 2.0, 8.0]))', 'array([0., 1., 3.])'),
    "log10": ('ops.log10(np.array([1.0, 10.0, 1000.0]))', 'array([0., 1., 3.])'),
    "log1p": ('np.round(ops.log1p(np.array([0.0, 1.0])), 4)', 'array([0.    , 0.6931])'),
    "sin": ('np.round(ops.sin(np.array([0.0, np.pi / 6, np.pi / 2])), 4)', 'array([0. , 0.5, 1. ])'),
    "cos": ('np.round(ops.cos(np.array([0.0, np.pi / 3, np.pi])), 4)', 'array([ 1. ,  0.5, -1. ])'),
    "tan": ('np.round(ops.tan(np.array([0.0, np.pi / 4])), 4)', 'array([0., 1.])'),
    "arcsin": ('np.round(ops.arcsin(np.array([0.0, 0.5, 1.0])), 4)', 'array([0.    , 0.5236, 1.5708])'),
    "arccos": ('np.round(ops.arccos(np.array([1.0, 0.5, 0.0])), 4)', 'array([0.    , 1.0472, 1.5708])'),
    "arctan": ('np.round(ops.arctan(np.array([0.0, 1.0, -1.0])), 4)', 'array([ 0.    ,  0.7854, -0.7854])'),
    "sinh": ('np.round(ops.sinh(np.array([0.0, 1.0])), 4)', 'array([0.    , 1.1752])'),
    "cosh": ('np.round(ops.cosh(np.array([0.0, 1.0])), 4)', 'array([1.    , 1.5431])'),
    "tanh": ('np.round(ops.tanh(np.array([-1.0, 0.0, 2.0])), 4)', 'array([-0.7616,  0.    ,  0.964 ])'),
    "arcsinh": ('np.round(ops.arcsinh(np.array([0.0, 1.0])), 4)', 'array([0.    , 0.8814])'),
    "arccosh": ('np.round(ops.arccosh(np.array([1.0, 2.0])), 4)', 'array([0.   , 1.317])'),
    "arctanh": ('np.round(ops.arctanh(np.array([0.0, 0.5])), 4)', 'array([0.    , 0.5493])'),
    "erf": ('np.round(ops.erf(np.array([0.0, 0.5, 2.0])), 4)', 'array([0.    , 0.5205, 0.9953])'),
    "erfinv": ('np.round(ops.erfinv(np.array([0.0, 0.5, -0.9])), 4)', 'array([ 0.    ,  0.4769, -1.1631])'),
    "equal": ('ops.equal(np.array([1, 2, 3]), np.array([1, 0, 3]))', 'array([ True, False,  True])'),
    "not_equal": ('ops.not_equal(np.array([1, 2, 3]), np.array([1, 0, 3]))', 'array([False,  True, False])'),
    "less": ('ops.less(np.array([1, 2, 3]), 2)', 'array([ True, False, False])'),
    "less_equal": ('ops.less_equal(np.array([1, 2, 3]), 2)', 'array([ True,  True, False])'),
    "greater": ('ops.greater(np.array([1, 2, 3]), 2)', 'array([False, False,  True])'),
    "greater_equal": ('ops.greater_equal(np.array([1, 2, 3]), 2)', 'array([False,  True,  True])'),
    "logical_and": ('ops.logical_and(np.array([True, True, False]), np.array([True, False, False]))',
                    'array([ True, False, False])'),
    "logical_or": ('ops.logical_or(np.array([True, True, False]), np.array([True, False, False]))',
                   'array([ True,  True, False])'),
    "logical_xor": ('ops.logical_xor(np.array([True, True, False]), np.array([True, False, False]))',
                    'array([False,  True, False])'),
    "bitwise_and": ("ops.bitwise_and(np.array([12, 10], dtype='int32'), np.array([10, 6], dtype='int32'))",
                    'array([8, 2], dtype=int32)'),
    "bitwise_or": ("ops.bitwise_or(np.array([12, 10], dtype='int32'), np.array([10, 6], dtype='int32'))",
                   'array([14, 14], dtype=int32)'),
    "bitwise_xor": ("ops.bitwise_xor(np.array([12, 10], dtype='int32'), np.array([10, 6], dtype='int32'))",
                    'array([ 6, 12], dtype=int32)'),
}


for _name, _fn in [("floor", np.floor), ("ceil", np.ceil)]:
    def _mk(fn):
        def ref(x):
            return fn(as_float(x))
        return ref
    _r = _mk(_fn)
    _r.__doc__ = (
        f"{_name.capitalize()} of ``x``, elementwise (integers become floatx).\n\n"
        "Arguments:\n"
        "    x: input tensor.\n\n"
        "Returns:\n"
        f"    The {'largest' if _name == 'floor' else 'smallest'} integral value "
        f"{'not above' if _name == 'floor' else 'not below'} each element, as a float tensor of\n"
        "    ``x``'s shape: float inputs keep their dtype, integer and bool inputs give ``floatx()``.\n"
        + _example(*_EXAMPLES[_name]))
    op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x: (K.zeros_like(g),), name=_name)(_r)


@op(G, T.E0, [*unary_cases(ints=True), bool_case()], grad=lambda g, out, x: (K.zeros_like(g),))
def trunc(x):
    """Round toward zero, elementwise; integers and bools keep their dtype (as Keras).

    Arguments:
        x: input tensor.

    Returns:
        A tensor of ``x``'s shape and dtype (a copy for integer and bool inputs).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.trunc(np.array([-1.7, 0.2, 1.7]))
    array([-1.,  0.,  1.])
    """
    x = as_array(x)
    return x.copy() if x.dtype.kind in "biu" else np.trunc(x)


@op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x, decimals=0: (K.zeros_like(g),))
def round(x, decimals=0):
    """Round half to even, to ``decimals`` decimal places.

    Arguments:
        x: input tensor.
        decimals: how many decimal places to keep (an int; a negative value rounds to tens,
            hundreds, ...). Default 0.

    Returns:
        A tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.round(np.array([0.5, 1.5, 2.5, -0.7]))
    array([ 0.,  2.,  2., -1.])
    >>> ops.round(np.array([1.234, 5.678]), decimals=1)
    array([1.2, 5.7])
    """
    x = np.asarray(x)
    return np.round(x, decimals)


@op(G, T.E0, unary_cases(ints=True))
def isnan(x):
    """True where ``x`` is NaN.

    Arguments:
        x: input tensor (integer inputs are never NaN).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isnan(np.array([1.0, np.nan, np.inf]))
    array([False,  True, False])
    """
    return np.isnan(np.asarray(x))


@op(G, T.E0, unary_cases(ints=True))
def isinf(x):
    """True where ``x`` is +inf or -inf.

    Arguments:
        x: input tensor (integer inputs are never infinite).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isinf(np.array([1.0, np.nan, -np.inf]))
    array([False, False,  True])
    """
    return np.isinf(np.asarray(x))


@op(G, T.E0, unary_cases(ints=True))
def isfinite(x):
    """True where ``x`` is neither infinite nor NaN.

    Arguments:
        x: input tensor (integer inputs are always finite).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isfinite(np.array([1.0, np.nan, np.inf]))
    array([ True, False, False])
    """
    return np.isfinite(np.asarray(x))


@op(G, T.E0, [Case("bool", lambda r, dt: ((r.random((5, 7)) < 0.5,), {}), dtypes=("bool",), grad=False)])
def logical_not(x):
    """Elementwise NOT of truth values; returns bool.

    Arguments:
        x: input tensor; nonzero entries count as true.

    Returns:
        A bool tensor of ``x``'s shape, true where ``x`` is zero (false).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logical_not(np.array([True, False, True]))
    array([False,  True, False])
    """
    return np.logical_not(np.asarray(x))


@op(G, T.E0, int_cases(binary=False, dts=("int32", "uint32")))
def bitwise_invert(x):
    """Bitwise NOT of integers.

    Arguments:
        x: integer (or bool) tensor.

    Returns:
        ``~x``, a tensor of ``x``'s shape and dtype (for signed integers ``-x - 1``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_invert(np.array([0, 1, 5], dtype='int32'))
    array([-1, -2, -6], dtype=int32)
    """
    return np.invert(np.asarray(x))


# ------------------------------------------------------------------------------ unary, E1 / T8
@op(G, T.E1, unary_cases("positive"), grad=lambda g, out, x: (g / (2 * out),))
def sqrt(x):
    """Square root, elementwise (correctly rounded class E1).

    Arguments:
        x: input tensor; negative entries give NaN.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool inputs
        give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sqrt(np.array([1.0, 4.0, 9.0]))
    array([1., 2., 3.])
    """
    return np.sqrt(as_float(x))


@op("math", T.E1, unary_cases("positive"), grad=lambda g, out, x: (-0.5 * g * out / x,))
def rsqrt(x):
    """``1 / sqrt(x)``, elementwise.

    Arguments:
        x: input tensor; zero gives inf, negative entries give NaN.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool inputs
        give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.rsqrt(np.array([1.0, 4.0, 16.0]))
    array([1.  , 0.5 , 0.25])
    """
    x = as_float(x)
    if x.dtype == np.float32:
        return (1.0 / np.sqrt(x.astype(np.float64))).astype(np.float32)
    return 1.0 / np.sqrt(x)


@op(G, T.E1, unary_cases("positive"), grad=lambda g, out, x: (-g * out * out,))
def reciprocal(x):
    """``1 / x``, elementwise.

    Arguments:
        x: input tensor; zero gives a signed inf.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool inputs
        give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.reciprocal(np.array([1.0, 2.0, 4.0]))
    array([1.  , 0.5 , 0.25])
    """
    x = as_float(x)
    return np.ones((), x.dtype) / x


def _unary(name, fn, tol, domain, grad, doc, group=G, **case_kw):
    if domain == "unit":
        case_kw.setdefault("grad_domain", "unit_inner")
    def ref(x):
        return fn(as_float(x))
    ref.__doc__ = doc + _example(*_EXAMPLES[name])
    ref.__name__ = name
    op(group, tol, unary_cases(domain, **case_kw), grad=grad, name=name)(ref)


_LN2, _LN10 = math.log(2.0), math.log(10.0)
# the sections every float-valued unary op below shares (appended to its summary line)
_FLOAT_UNARY = ("\n\nArguments:\n"
                "    x: input tensor.\n\n"
                "Returns:\n"
                "    A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool\n"
                "    inputs give ``floatx()``. Inputs outside the function's domain give NaN.\n")
_unary("exp", np.exp, T.T8, "small", lambda g, out, x: (g * out,), "e**x, elementwise." + _FLOAT_UNARY)
_unary("exp2", np.exp2, T.T8, "small", lambda g, out, x: (g * out * _LN2,), "2**x, elementwise." + _FLOAT_UNARY)
_unary("expm1", np.expm1, T.T8, "small", lambda g, out, x: (g * K.exp(x),), "exp(x) - 1, accurate near 0." + _FLOAT_UNARY)
_unary("log", np.log, T.T8, "positive", lambda g, out, x: (g / x,), "Natural logarithm." + _FLOAT_UNARY)
_unary("log2", np.log2, T.T8, "positive", lambda g, out, x: (g / (x * _LN2),), "Base-2 logarithm." + _FLOAT_UNARY)
_unary("log10", np.log10, T.T8, "positive", lambda g, out, x: (g / (x * _LN10),), "Base-10 logarithm." + _FLOAT_UNARY)
_unary("log1p", np.log1p, T.T8, "positive", lambda g, out, x: (g / (1 + x),), "log(1 + x), accurate near 0." + _FLOAT_UNARY)
_unary("sin", np.sin, T.T8, "real", lambda g, out, x: (g * K.cos(x),), "Sine (full range)." + _FLOAT_UNARY)
_unary("cos", np.cos, T.T8, "real", lambda g, out, x: (-g * K.sin(x),), "Cosine (full range)." + _FLOAT_UNARY)
_unary("tan", np.tan, T.T8, "unit", lambda g, out, x: (g * (1 + out * out),), "Tangent." + _FLOAT_UNARY)
_unary("arcsin", np.arcsin, T.T8, "unit", lambda g, out, x: (g * K.rsqrt(1 - x * x),), "Inverse sine." + _FLOAT_UNARY)
_unary("arccos", np.arccos, T.T8, "unit", lambda g, out, x: (-g * K.rsqrt(1 - x * x),), "Inverse cosine." + _FLOAT_UNARY)
_unary("arctan", np.arctan, T.T8, "real", lambda g, out, x: (g / (1 + x * x),), "Inverse tangent." + _FLOAT_UNARY)
_unary("sinh", np.sinh, T.T8, "small", lambda g, out, x: (g * K.cosh(x),), "Hyperbolic sine." + _FLOAT_UNARY)
_unary("cosh", np.cosh, T.T8, "small", lambda g, out, x: (g * K.sinh(x),), "Hyperbolic cosine." + _FLOAT_UNARY)
_unary("tanh", np.tanh, T.T8, "real", lambda g, out, x: (g * (1 - out * out),), "Hyperbolic tangent." + _FLOAT_UNARY)
_unary("arcsinh", np.arcsinh, T.T8, "real", lambda g, out, x: (g * K.rsqrt(x * x + 1),), "Inverse hyperbolic sine." + _FLOAT_UNARY)
_unary("arccosh", np.arccosh, T.T8, "ge1", lambda g, out, x: (g * K.rsqrt(x * x - 1),), "Inverse hyperbolic cosine." + _FLOAT_UNARY)
_unary("arctanh", np.arctanh, T.T8, "unit", lambda g, out, x: (g / (1 - x * x),), "Inverse hyperbolic tangent." + _FLOAT_UNARY)
_unary("erf", _erf, T.T8, "small", lambda g, out, x: (g * (2 / math.sqrt(math.pi)) * K.exp(-x * x),), "Error function." + _FLOAT_UNARY, group="math")


def _erfinv_ref(x):
    x = as_float(x)
    x64 = np.asarray(x, np.float64)
    a = np.abs(x64)
    # Giles' single-precision seed, then Newton steps in float64: on erf(y) = |x| for |x| <= 0.5
    # and on erfc(y) = 1 - |x| (exact for |x| > 0.5, Sterbenz) in the tails, where erf(y) - |x|
    # would cancel.
    with np.errstate(all="ignore"):
        w = -np.log((1.0 - a) * (1.0 + a))
        small = w < 5.0
        ws = w - 2.5
        wl = np.sqrt(np.where(small, 5.0, w)) - 3.0
        p1 = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):
            p1 = c + p1 * ws
        p2 = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                  0.00943887047, 1.00167406, 2.83297682):
            p2 = c + p2 * wl
        y = np.where(small, p1, p2) * a
        erf = np.frompyfunc(math.erf, 1, 1)
        erfc = np.frompyfunc(math.erfc, 1, 1)
        tail = a > 0.5
        t = 1.0 - a
        for _ in range(4):
            fin = np.isfinite(y)
            yy = np.where(fin, y, 0.0)
            resid = np.where(tail, -(np.asarray(erfc(yy), np.float64) - t), np.asarray(erf(yy), np.float64) - a)
            y = np.where(fin, y - resid / (2 / math.sqrt(math.pi) * np.exp(-y * y)), y)
        y = np.where(a == 1, np.inf, y)
        y = np.where(a > 1, np.nan, np.copysign(y, x64))
    return y.astype(x.dtype) if np.ndim(y) else x.dtype.type(y)


_erfinv_ref.__doc__ = """Inverse error function.

Arguments:
    x: input tensor with entries in ``[-1, 1]``; -1 and 1 give -inf and inf, entries outside
        give NaN.

Returns:
    The ``y`` with ``erf(y) == x``, a float tensor of ``x``'s shape: float inputs keep their dtype,
    integer and bool inputs give ``floatx()``.
""" + _example(*_EXAMPLES["erfinv"])
op("math", T.T8, unary_cases("unit"), grad=lambda g, out, x: (g * (math.sqrt(math.pi) / 2) * K.exp(out * out),),
   name="erfinv")(_erfinv_ref)


# ------------------------------------------------------------------------------ binary
def _binary_grad(da, db):
    return lambda g, out, x1, x2: (da(g, out, x1, x2), db(g, out, x1, x2))


@op(G, T.E0, binary_cases() + int_cases(), grad=_binary_grad(lambda g, o, a, b: g, lambda g, o, a, b: g))
def add(x1, x2):
    """``x1 + x2`` with broadcasting.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.add(np.array([1, 2, 3]), 10)
    array([11, 12, 13])
    """
    a, b = promote(x1, x2)
    return a + b


@op(G, T.E0, binary_cases() + int_cases(), grad=_binary_grad(lambda g, o, a, b: g, lambda g, o, a, b: -g))
def subtract(x1, x2):
    """``x1 - x2`` with broadcasting.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.subtract(np.array([5.0, 3.0]), np.array([1.0, 4.0]))
    array([ 4., -1.])
    """
    a, b = promote(x1, x2)
    return a - b


@op(G, T.E0, binary_cases() + int_cases(), grad=_binary_grad(lambda g, o, a, b: g * b, lambda g, o, a, b: g * a))
def multiply(x1, x2):
    """``x1 * x2`` with broadcasting.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.multiply(np.array([[1], [2]]), np.array([10, 20, 30]))
    array([[10, 20, 30],
           [20, 40, 60]])
    """
    a, b = promote(x1, x2)
    return a * b


@op(G, T.E1, binary_cases(domain2="positive"),
    grad=_binary_grad(lambda g, o, a, b: g / b, lambda g, o, a, b: -g * o / b))
def divide(x1, x2):
    """True division; integer inputs give floatx.

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``; dividing by zero gives inf or NaN.

    Returns:
        ``x1 / x2``, a tensor of the broadcast shape in the operands' promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.divide(np.array([1, 2, 3]), 2)
    array([0.5, 1. , 1.5], dtype=float32)
    """
    a, b = float_promote(x1, x2)
    with np.errstate(all="ignore"):
        return a / b


@op(G, T.E0, binary_cases(domain2="positive", specials=False) + int_cases(low=1),
    grad=_binary_grad(lambda g, o, a, b: K.zeros_like(g), lambda g, o, a, b: K.zeros_like(g)))
def floor_divide(x1, x2):
    """``floor(x1 / x2)`` (Python / NumPy semantics).

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.floor_divide(np.array([7, -7, 9]), 2)
    array([ 3, -4,  4])
    """
    a, b = promote(x1, x2)
    with np.errstate(all="ignore"):
        return np.floor_divide(a, b)


@op(G, T.E0, binary_cases(domain2="positive", specials=False) + int_cases(low=1),
    grad=_binary_grad(lambda g, o, a, b: g, lambda g, o, a, b: -g * K.floor_divide(a, b)))
def mod(x1, x2):
    """Remainder with the sign of the divisor (Python / NumPy semantics).

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        ``x1 - floor(x1 / x2) * x2``, a tensor of the broadcast shape in the operands' promoted
        dtype (a Python scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.mod(np.array([7, -7, 9]), 3)
    array([1, 2, 0])
    """
    a, b = promote(x1, x2)
    with np.errstate(all="ignore"):
        return np.mod(a, b)


def _pow_db(g, o, a, b):
    return g * o * K.log(K.where(a > 0, a, K.ones_like(a)))


@op(G, T.T8, binary_cases("positive", "small") + int_cases(low=0, high=6),
    grad=_binary_grad(lambda g, o, a, b: g * b * K.power(a, b - 1), _pow_db))
def power(x1, x2):
    """``x1 ** x2``.

    Arguments:
        x1: base.
        x2: exponent, broadcast against ``x1``. With an integer result dtype a negative exponent
            counts as 0.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.power(np.array([2, 3, 4]), 2)
    array([ 4,  9, 16])
    """
    a, b = promote(x1, x2)
    with np.errstate(all="ignore"):
        if a.dtype.kind in "iu":
            return np.power(a, np.maximum(b, 0))
        return np.power(a, b)


def _select_grad(pick_first):
    def g1(g, o, a, b):
        return K.where(pick_first(a, b), g, K.zeros_like(g))

    def g2(g, o, a, b):
        return K.where(pick_first(a, b), K.zeros_like(g), g)
    return _binary_grad(g1, g2)


@op(G, T.E0, binary_cases() + int_cases(), grad=_select_grad(lambda a, b: K.greater_equal(a, b)))
def maximum(x1, x2):
    """Elementwise maximum (NaN propagates).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.maximum(np.array([1.0, 5.0, 3.0]), np.array([4.0, 2.0, 3.0]))
    array([4., 5., 3.])
    """
    a, b = promote(x1, x2)
    return np.maximum(a, b)


@op(G, T.E0, binary_cases() + int_cases(), grad=_select_grad(lambda a, b: K.less_equal(a, b)))
def minimum(x1, x2):
    """Elementwise minimum (NaN propagates).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.minimum(np.array([1.0, 5.0, 3.0]), np.array([4.0, 2.0, 3.0]))
    array([1., 2., 3.])
    """
    a, b = promote(x1, x2)
    return np.minimum(a, b)


@op(G, T.T8, binary_cases(),
    grad=_binary_grad(lambda g, o, a, b: g * b / (a * a + b * b), lambda g, o, a, b: -g * a / (a * a + b * b)))
def arctan2(x1, x2):
    """Angle of the point ``(x2, x1)``, elementwise, in ``[-pi, pi]``.

    Arguments:
        x1: y-coordinates.
        x2: x-coordinates, broadcast against ``x1``.

    Returns:
        The angles in radians, a tensor of the broadcast shape in the operands' promoted dtype,
        or ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arctan2(np.array([1.0, 1.0, -1.0]), np.array([1.0, -1.0, -1.0])), 4)
    array([ 0.7854,  2.3562, -2.3562])
    """
    a, b = float_promote(x1, x2)
    return np.arctan2(a, b)


@op(G, T.Hybrid(8, arg=None), binary_cases(),
    grad=_binary_grad(lambda g, o, a, b: g * K.exp(a - o), lambda g, o, a, b: g * K.exp(b - o)))
def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape in the operands' promoted dtype, or ``floatx()`` when
        that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.logaddexp(np.array([0.0, 1.0]), np.array([0.0, 2.0])), 4)
    array([0.6931, 2.3133])
    """
    a, b = float_promote(x1, x2)
    return np.logaddexp(a, b)


for _name, _fn in [("equal", np.equal), ("not_equal", np.not_equal), ("less", np.less),
                   ("less_equal", np.less_equal), ("greater", np.greater),
                   ("greater_equal", np.greater_equal)]:
    def _mkc(fn):
        def ref(x1, x2):
            a, b = promote(x1, x2)
            return fn(a, b)
        return ref
    _r = _mkc(_fn)
    _r.__doc__ = (
        f"``{_name}`` comparison with broadcasting; returns bool.\n\n"
        "Arguments:\n"
        "    x1: first operand.\n"
        "    x2: second operand, broadcast against ``x1``; both are compared in their promoted\n"
        "        dtype.\n\n"
        "Returns:\n"
        "    A bool tensor of the broadcast shape of ``x1`` and ``x2``.\n"
        + _example(*_EXAMPLES[_name]))
    op(G, T.E0, binary_cases() + int_cases(), name=_name)(_r)

_BOOL2 = [Case("bool", lambda r, dt: ((r.random((5, 7)) < 0.5, r.random((5, 7)) < 0.5), {}), dtypes=("bool",), grad=False)]
for _name, _fn in [("logical_and", np.logical_and), ("logical_or", np.logical_or),
                   ("logical_xor", np.logical_xor)]:
    def _mkl(fn):
        def ref(x1, x2):
            return fn(np.asarray(x1), np.asarray(x2))
        return ref
    _r = _mkl(_fn)
    _r.__doc__ = (
        f"Elementwise {_name.split('_')[1]} of truth values; returns bool.\n\n"
        "Arguments:\n"
        "    x1: first operand; nonzero entries count as true.\n"
        "    x2: second operand, broadcast against ``x1``; nonzero entries count as true.\n\n"
        "Returns:\n"
        "    A bool tensor of the broadcast shape of ``x1`` and ``x2``.\n"
        + _example(*_EXAMPLES[_name]))
    op(G, T.E0, _BOOL2, name=_name)(_r)

_INT2 = int_cases(low=0, high=2**31 - 1, dts=("int32", "uint32"))
for _name, _fn in [("bitwise_and", np.bitwise_and), ("bitwise_or", np.bitwise_or),
                   ("bitwise_xor", np.bitwise_xor)]:
    def _mkb(fn):
        def ref(x, y):
            a, b = promote(x, y)
            return fn(a, b)
        return ref
    _r = _mkb(_fn)
    _r.__doc__ = (
        f"Bitwise {_name.split('_')[1].upper()} of integers.\n\n"
        "Arguments:\n"
        "    x: first integer (or bool) operand.\n"
        "    y: second integer (or bool) operand, broadcast against ``x``.\n\n"
        "Returns:\n"
        "    A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.\n"
        + _example(*_EXAMPLES[_name]))
    op(G, T.E0, _INT2, name=_name)(_r)

_SHIFT = [Case("int", lambda r, dt: ((r.integers(0, 2**31 - 1, (6, 7)).astype(dt), r.integers(0, 31, (6, 7)).astype(dt)), {}),
               dtypes=("int32", "uint32"), grad=False)]


@op(G, T.E0, _SHIFT)
def left_shift(x, y):
    """``x << y`` (wraps around at the dtype's width).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.left_shift(np.array([1, 3], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([4, 6], dtype=int32)
    """
    a, b = promote(x, y)
    return np.left_shift(a, b)


@op(G, T.E0, _SHIFT)
def right_shift(x, y):
    """``x >> y`` (arithmetic for signed, logical for unsigned).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.right_shift(np.array([8, 7], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([2, 3], dtype=int32)
    """
    a, b = promote(x, y)
    return np.right_shift(a, b)


# ------------------------------------------------------------------------------ selection
def _clip_grad(g, out, x, x_min, x_max):
    inside = K.logical_and(K.greater_equal(x, x_min), K.less_equal(x, x_max))
    gx = K.where(inside, g, K.zeros_like(g))
    gmin = K.where(K.less(x, x_min), g, K.zeros_like(g))
    gmax = K.where(K.greater(x, x_max), g, K.zeros_like(g))
    return gx, gmin, gmax


@op(G, T.E0, [
    Case("scalars", lambda r, dt: ((r.standard_normal((8, 9)).astype(dt), -0.5, 0.7), {})),
    Case("arrays", lambda r, dt: ((r.standard_normal((8, 9)).astype(dt), np.full((9,), -0.3, dt), np.full((8, 1), 0.4, dt)), {})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (5, 5)).astype(dt), -3, 4), {}), dtypes=("int32",), grad=False),
], grad=_clip_grad, tensors=("x", "x_min", "x_max"))
def clip(x, x_min, x_max):
    """Clips ``x`` to ``[x_min, x_max]``.

    Arguments:
        x: input tensor.
        x_min: lower bound, a scalar or a tensor broadcast against ``x``.
        x_max: upper bound, a scalar or a tensor broadcast against ``x``; where it is below
            ``x_min`` the result is ``x_max``.

    Returns:
        ``minimum(maximum(x, x_min), x_max)``, a tensor of the broadcast shape in the promoted
        dtype of ``x``, ``x_min`` and ``x_max`` (Python scalar bounds take ``x``'s dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.clip(np.array([-2.0, 0.5, 3.0]), 0.0, 1.0)
    array([0. , 0.5, 1. ])
    """
    x = np.asarray(x)
    dt = nd(dtypes.result_type(x, x_min, x_max))
    return np.minimum(np.maximum(x.astype(dt), np.asarray(x_min, dt)), np.asarray(x_max, dt))


def _where_grad(g, out, condition, x1=None, x2=None):
    if x1 is None:  # the one-argument form (indices) has no gradient
        return None, None, None
    z = K.zeros_like(g)
    return None, K.where(condition, g, z), K.where(condition, z, g)


@op(G, T.E0, [
    Case("same", lambda r, dt: ((r.random((6, 7)) < 0.5, r.standard_normal((6, 7)).astype(dt), r.standard_normal((6, 7)).astype(dt)), {})),
    Case("broadcast", lambda r, dt: ((r.random((6, 1)) < 0.5, r.standard_normal((1, 7)).astype(dt), r.standard_normal((6, 7)).astype(dt)), {})),
    Case("scalar", lambda r, dt: ((r.random((6, 7)) < 0.5, r.standard_normal((6, 7)).astype(dt), 0.0), {}), grad=False),
    Case("indices", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt) > 0.3,), {}), grad=False),
    Case("indices_1d", lambda r, dt: ((np.array([0, 2, 0, -1, 5], np.int32),), {}), dtypes=("int32",), grad=False),
], grad=_where_grad, tensors=("condition", "x1", "x2"))
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``. With neither ``x1`` nor ``x2``: the indices
    of ``condition``'s nonzero entries, a tuple of int32 arrays, one per axis (its length depends
    on the data: eager only).

    Arguments:
        condition: tensor read as truth values (nonzero is true).
        x1: values taken where ``condition`` is true, broadcast against the others
            (``None`` together with ``x2``: the indices form).
        x2: values taken where ``condition`` is false, broadcast against the others
            (``None`` together with ``x1``: the indices form).

    Returns:
        A tensor of the broadcast shape of the three arguments in the promoted dtype of ``x1``
        and ``x2``; in the indices form, a tuple of ``condition.ndim`` int32 tensors.

    Raises:
        ValueError: when only one of ``x1`` and ``x2`` is given.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.where(np.array([True, False, True]), np.array([1, 2, 3]), np.array([10, 20, 30]))
    array([ 1, 20,  3])
    >>> ops.where(np.array([0, 3, 0, 5]))
    (array([1, 3], dtype=int32),)
    """
    if x1 is None and x2 is None:
        return tuple(i.astype(np.int32) for i in np.nonzero(np.asarray(condition)))
    if x1 is None or x2 is None:
        raise ValueError(f"where: x1 and x2 must both be given or both be None, got "
                         f"x1={'None' if x1 is None else 'a value'}, x2={'None' if x2 is None else 'a value'}")
    a, b = promote(x1, x2)
    return np.where(np.asarray(condition, bool), a, b)


def _half_tie_inputs(rng, target, dtype="float64"):
    """Inputs of ``dtype`` for a cast to ``target`` (``"float16"`` or ``"bfloat16"``): the
    target's halfway points, normal and subnormal, the overflow threshold, and (in float64) values
    a relative 2**-40 off each; specials and values past both ends of the range. A float64 cast
    through float32 rounds the ones just off a halfway point onto it and then to even: half of them
    come out one step off."""
    m, lo, hi, sub = (10, 113, 142, -25) if target == "float16" else (7, 1, 254, -134)
    n = 400
    sign = rng.integers(0, 2, n).astype(np.uint32) << 31
    exponent = rng.integers(lo, hi + 1, n).astype(np.uint32) << 23
    mantissa = rng.integers(0, 2**m, n).astype(np.uint32) << (23 - m)
    # float32 bit patterns with the bit below the target's last mantissa bit set: halfway points
    mid = (sign | exponent | mantissa | np.uint32(1 << (22 - m))).view(np.float32).astype(np.float64)
    top = float(np.array(hi << 23 | (2**m - 1) << (23 - m) | 1 << (22 - m), np.uint32).view(np.float32))  # overflow
    # subnormal halfway points, but not the top one: it rounds up to the smallest normal, where
    # float32 is subnormal for bfloat16 (flushed to zero by XLA's CPU code: the FTZ allowance)
    mid = np.concatenate([mid, np.ldexp(2.0 * rng.integers(0, 2**m - 1, 40) + 1, sub), [top, -top]])
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e300, 1e-300, -1e-300, 2.0**-150, 3e38]
    with np.errstate(over="ignore"):
        return np.concatenate([mid * (1 + 2.0**-40), mid * (1 - 2.0**-40), mid, specials]).astype(dtype)


@op("core", T.E0, [
    Case("to_f64", lambda r, dt: ((r.standard_normal((5, 6)).astype(dt), "float64"), {})),
    Case("to_int", lambda r, dt: ((r.standard_normal((5, 6)).astype(dt) * 10, "int32"), {}), grad=False),
    Case("to_bool", lambda r, dt: ((np.array([0.0, 1.0, -2.0, 0.5]).astype(dt), "bool"), {}), grad=False),
    Case("from_int", lambda r, dt: ((r.integers(-100, 100, (5,)).astype(np.int32), "float32"), {}), dtypes=("int32",), grad=False),
    Case("to_half", lambda r, dt: ((r.standard_normal((5, 6)).astype(dt), "float16"), {})),
    Case("to_c64", lambda r, dt: (((r.standard_normal(9) + 1j * r.standard_normal(9)) * 1e5, "complex64"), {}),
         dtypes=("complex128",), grad=False),
    # float64 -> half: one rounding, as NumPy (not two through float32; docs/parity.md)
    Case("f16_ties", lambda r, dt: ((_half_tie_inputs(r, "float16", dt), "float16"), {}), grad=False),
    Case("bf16_ties", lambda r, dt: ((_half_tie_inputs(r, "bfloat16", dt), "bfloat16"), {}), grad=False),
], grad=lambda g, out, x, dtype: (K.cast(g, tensors.dtype(x)) if dtypes.is_float(tensors.dtype(x)) else None,), tensors=("x",))
def cast(x, dtype):
    """Converts ``x`` to ``dtype`` (floats to ints truncate toward zero; floats to narrower floats
    round once, to nearest with ties to even, float64 to float16 / bfloat16 included).

    Arguments:
        x: input tensor.
        dtype: the target dtype, a name such as ``"float32"`` (or any spelling
            ``dlx.dtypes.standardize`` accepts). Casting to ``"bool"`` maps nonzero to true.

    Returns:
        A tensor of ``x``'s shape and dtype ``dtype``.

    Raises:
        ValueError: when ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cast(np.array([1.7, -2.2]), 'int32')
    array([ 1, -2], dtype=int32)
    """
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        return x.astype(nd(dtype))


@op("core", T.E0, unary_cases(specials=False), grad=lambda g, out, variable: (None,))
def stop_gradient(variable):
    """Returns ``variable``'s value; no gradient flows through it.

    Arguments:
        variable: a tensor or variable.

    Returns:
        A tensor equal to ``variable`` (same shape and dtype) whose gradient is zero.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.stop_gradient(np.array([1.0, 2.0]))
    array([1., 2.])
    """
    return np.asarray(variable)


@op(G, T.E0, [Case("nan", lambda r, dt: ((np.array([np.nan, np.inf, -np.inf, 1.5]).astype(dt),), {}), grad=False)], exact_in_dtype=True,
    grad=lambda g, out, x, nan=0.0, posinf=None, neginf=None: (K.where(K.isfinite(x), g, K.zeros_like(g)),))
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities with finite numbers.

    Arguments:
        x: input tensor.
        nan: value that replaces NaN (default 0.0).
        posinf: value that replaces +inf (``None``: the largest finite value of ``x``'s dtype).
        neginf: value that replaces -inf (``None``: the most negative finite value of ``x``'s
            dtype).

    Returns:
        A tensor of ``x``'s shape and dtype with only finite values (integer inputs are
        returned unchanged).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1.0]), posinf=100.0, neginf=-100.0)
    array([   0.,  100., -100.,    1.])
    """
    return np.nan_to_num(np.asarray(x), nan=nan, posinf=posinf, neginf=neginf)
