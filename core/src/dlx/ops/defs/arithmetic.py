"""More elementwise math (Keras's numpy and math groups): NaN-aware extrema, IEEE remainders,
closeness tests, angle conversions, special functions, and Keras's aliases of existing ops
(``absolute``, ``true_divide``, ``bitwise_not``, ``amax``...; each its own op with the alias's
Keras signature and a decomposition into the op it names)."""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs import _arithmetic_decompositions as D
from dlx.ops.defs._common import (
    as_float,
    binary_cases,
    float_promote,
    int_cases,
    nd,
    promote,
    unary_cases,
)
from dlx.ops.defs.elementwise import _example, _half_tie_inputs
from dlx.ops.defs.reduction import _extreme_grad
from dlx.ops.spec import REGISTRY, Case, op

G = "numpy"


def _binary_grad(da, db):
    return lambda g, out, x1, x2: (da(g, out, x1, x2), db(g, out, x1, x2))


def _zero2(g, out, x1, x2):
    return K.zeros_like(g), K.zeros_like(g)


# ------------------------------------------------------------------------------ aliases
@op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x: (g * K.sign(x),), decomposition=lambda x: K.abs(x))
def absolute(x):
    """Absolute value, elementwise (Keras's alias of ``abs``).

    Arguments:
        x: input tensor.

    Returns:
        ``|x|``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.absolute(np.array([-1, 0, 2]))
    array([1, 0, 2])
    """
    return np.abs(np.asarray(x))


@op(G, T.E0, unary_cases(ints=True), grad=lambda g, out, x: (g * K.sign(x),),
    decomposition=lambda x: K.abs(x if dtypes.is_float(tensors.dtype(x)) else K.cast(x, dtypes.floatx())))
def fabs(x):
    """Absolute value as a float (integers and bools give floatx).

    Arguments:
        x: input tensor.

    Returns:
        ``|x|``, a float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fabs(np.array([-1, 0, 2]))
    array([1., 0., 2.], dtype=float32)
    """
    return np.abs(as_float(x))


@op(G, T.E1, binary_cases(domain2="positive"),
    grad=_binary_grad(lambda g, o, a, b: g / b, lambda g, o, a, b: -g * o / b),
    decomposition=lambda x1, x2: K.divide(x1, x2))
def true_divide(x1, x2):
    """True division (Keras's alias of ``divide``); integer inputs give floatx.

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``; dividing by zero gives inf or NaN.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.true_divide(np.array([1, 2, 3]), 2)
    array([0.5, 1. , 1.5], dtype=float32)
    """
    a, b = float_promote(x1, x2)
    with np.errstate(all="ignore"):
        return a / b


def _dnn_cases():
    def mk(r, dt):
        b = r.standard_normal((6, 7))
        b[r.random((6, 7)) < 0.3] = 0.0
        return (r.standard_normal((6, 7)).astype(dt), b.astype(dt)), {}
    return [Case("zeros", mk, grad=False),
            *binary_cases(domain2="positive", specials=False, scalar=False),
            Case("int", lambda r, dt: ((r.integers(-9, 9, (4, 5)).astype(np.int32), r.integers(-2, 3, (4, 5)).astype(np.int32)), {}),
                 dtypes=("int32",), grad=False)]


def _dnn_grad(g, out, x1, x2):
    zero = K.equal(x2, 0)
    safe = K.where(zero, K.ones_like(x2), x2)
    z = K.zeros_like(g)
    return K.where(zero, z, g / safe), K.where(zero, z, -g * out / safe)


def _dnn_decomposition(x1, x2):
    zero = K.equal(x2, 0)
    q = K.divide(x1, K.where(zero, K.ones_like(x2), x2))
    return K.where(zero, K.zeros_like(q), q)


@op("numpy", T.E1, _dnn_cases(), grad=_dnn_grad, decomposition=_dnn_decomposition)
def divide_no_nan(x1, x2):
    """``x1 / x2``, and 0 where ``x2`` is 0 (even for ``0/0`` and ``inf/0``); integers give floatx.

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.divide_no_nan(np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.0, 4.0]))
    array([0.5 , 0.  , 0.75])
    """
    a, b = float_promote(x1, x2)
    with np.errstate(all="ignore"):
        return np.where(b == 0, np.zeros((), a.dtype), a / np.where(b == 0, np.ones((), b.dtype), b)).astype(a.dtype)


_INT1 = [Case("int", lambda r, dt: ((r.integers(-2**31, 2**31 - 1, (6, 7)).astype(dt),), {}), dtypes=("int32", "uint32"),
              grad=False),
         Case("bool", lambda r, dt: ((r.random((4, 5)) < 0.5,), {}), dtypes=("bool",), grad=False)]


@op(G, T.E0, _INT1, decomposition=lambda x: K.bitwise_invert(x))
def bitwise_not(x):
    """Bitwise NOT of integers (logical NOT of bools); Keras's alias of ``bitwise_invert``.

    Arguments:
        x: integer or bool tensor.

    Returns:
        ``~x``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_not(np.array([0, 1, 5], dtype='int32'))
    array([-1, -2, -6], dtype=int32)
    """
    return np.invert(np.asarray(x))


_SHIFT = [Case("int", lambda r, dt: ((r.integers(0, 2**31 - 1, (6, 7)).astype(dt), r.integers(0, 31, (6, 7)).astype(dt)), {}),
               dtypes=("int32", "uint32"), grad=False)]


@op(G, T.E0, _SHIFT, decomposition=lambda x, y: K.left_shift(x, y))
def bitwise_left_shift(x, y):
    """``x << y`` (Keras's alias of ``left_shift``).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_left_shift(np.array([1, 3], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([4, 6], dtype=int32)
    """
    a, b = promote(x, y)
    return np.left_shift(a, b)


@op(G, T.E0, _SHIFT, decomposition=lambda x, y: K.right_shift(x, y))
def bitwise_right_shift(x, y):
    """``x >> y`` (Keras's alias of ``right_shift``).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_right_shift(np.array([8, 7], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([2, 3], dtype=int32)
    """
    a, b = promote(x, y)
    return np.right_shift(a, b)


def _red_cases():
    return [Case("all", lambda r, dt: ((r.permutation(30).reshape(5, 6).astype(dt),), {})),
            Case("axis", lambda r, dt: ((r.permutation(30).reshape(5, 6).astype(dt),), {"axis": 1, "keepdims": True})),
            Case("int", lambda r, dt: ((r.integers(-50, 50, (6, 7)).astype(np.int32),), {"axis": 0}),
                 dtypes=("int32",), grad=False)]


def _amax_grad(g, out, x, axis=None, keepdims=False):
    return _extreme_grad(g, out, x, axis, keepdims)


@op(G, T.E0, _red_cases(), grad=_amax_grad, decomposition=lambda x, axis=None, keepdims=False: K.max(x, axis, keepdims))
def amax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (Keras's alias of ``max``; NaN propagates).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype: ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.amax(np.array([[1, 5], [4, 2]]), axis=0)
    array([4, 5])
    """
    return np.asarray(np.max(np.asarray(x), axis=axis, keepdims=keepdims))


@op(G, T.E0, _red_cases(), grad=_amax_grad, decomposition=lambda x, axis=None, keepdims=False: K.min(x, axis, keepdims))
def amin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` (Keras's alias of ``min``; NaN propagates).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype: ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.amin(np.array([[1, 5], [4, 2]]), axis=1)
    array([1, 2])
    """
    return np.asarray(np.min(np.asarray(x), axis=axis, keepdims=keepdims))


# ------------------------------------------------------------------------------ unary math
# the sections every float-valued unary op below shares (appended to its summary)
_FLOAT_UNARY = ("\n\nArguments:\n"
                "    x: input tensor.\n\n"
                "Returns:\n"
                "    A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool\n"
                "    inputs give ``floatx()``.\n")


# the examples of the ops whose docstrings are built below (name: (call, printed result))
_EXAMPLES = {
    "cbrt": ('ops.cbrt(np.array([-8.0, 1.0, 27.0]))', 'array([-2.,  1.,  3.])'),
    "deg2rad": ('np.round(ops.deg2rad(np.array([0.0, 90.0, 180.0])), 4)', 'array([0.    , 1.5708, 3.1416])'),
    "rad2deg": ('ops.rad2deg(np.array([0.0, np.pi / 2, np.pi]))', 'array([  0.,  90., 180.])'),
    "sinc": ('np.round(ops.sinc(np.array([0.0, 0.5, 1.0])), 4)', 'array([1.    , 0.6366, 0.    ])'),
    "i0": ('np.round(ops.i0(np.array([0.0, 1.0, 2.0])), 4)', 'array([1.    , 1.2661, 2.2796])'),
    "erfc": ('np.round(ops.erfc(np.array([0.0, 0.5, 1.0])), 4)', 'array([1.    , 0.4795, 0.1573])'),
    "signbit": ('ops.signbit(np.array([-1.0, -0.0, 0.0, 2.0]))', 'array([ True,  True, False, False])'),
    "isposinf": ('ops.isposinf(np.array([np.inf, -np.inf, 1.0, np.nan]))',
                 'array([ True, False, False, False])'),
    "isneginf": ('ops.isneginf(np.array([np.inf, -np.inf, 1.0, np.nan]))',
                 'array([False,  True, False, False])'),
}


def _unary(name, fn, tol, domain, grad, doc, group=G, **case_kw):
    decomposition = getattr(D, name, None)
    def ref(x):
        x = as_float(x)
        with np.errstate(all="ignore"):
            return np.asarray(fn(x)).astype(x.dtype)
    ref.__doc__ = doc + _example(*_EXAMPLES[name])
    ref.__name__ = name
    op(group, tol, unary_cases(domain, **case_kw), grad=grad, name=name, decomposition=decomposition)(ref)


_unary("cbrt", np.cbrt, T.T8, "real", lambda g, out, x: (g / (3 * out * out),), "Cube root, elementwise." + _FLOAT_UNARY)
_unary("deg2rad", np.deg2rad, T.Ulp(2), "real", lambda g, out, x: (g * (math.pi / 180),),
       "Degrees to radians (``x * pi / 180``)." + _FLOAT_UNARY)
_unary("rad2deg", np.rad2deg, T.Ulp(2), "real", lambda g, out, x: (g * (180 / math.pi),),
       "Radians to degrees (``x * 180 / pi``)." + _FLOAT_UNARY)


def _sinc_grad(g, out, x):
    px = x * math.pi
    safe = K.where(K.equal(x, 0), K.ones_like(x), x)
    d = (K.cos(px) - out) / safe
    return (g * K.where(K.equal(x, 0), K.zeros_like(x), d),)


_unary("sinc", np.sinc, T.Hybrid(8), "small", _sinc_grad, "Normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0)." + _FLOAT_UNARY,
       tails=False)
# the rule (cos(pi x) - sinc(x)) / x cancels where the two terms meet: in float32 its error is
# ~eps / |result| there, far above N16 (measured kappa 379 for the rule in float32, 1460 for
# JAX's own derivative of jnp.sinc), though exact in float64
REGISTRY["sinc"].grad_tolerance = T.Normwise(4096)


def _i0_ref(x):
    return np.i0(x)


def _i1(x):
    """Modified Bessel function of the first kind, order 1 (its power series, float64)."""
    x = np.asarray(x, np.float64)
    term = x / 2
    total = term.copy()
    q = (x / 2) ** 2
    for k in range(1, 200):
        term = term * q / (k * (k + 1))
        total = total + term
        if np.all(np.abs(term) <= 1e-17 * np.abs(total)):
            break
    return total


def _i0_grad(g, out, x):
    # d/dx I0 = I1: as an op sequence, the series is long; I1 = (I0 from i0e...) -- use the
    # identity I1(x) = x/2 * sum_k (x^2/4)^k / (k! (k+1)!) up to the float precision via a
    # fixed-length polynomial in x^2/4 (|x| <= 5 in the cases: 30 terms exceed float64 precision)
    q = x * x / 4
    term = x / 2
    total = term
    for k in range(1, 30):
        term = term * q / (k * (k + 1))
        total = total + term
    return (g * total,)


_unary("i0", _i0_ref, T.Ulp(16), "small", _i0_grad, "Modified Bessel function of the first kind, order 0." + _FLOAT_UNARY,
       tails=False)


def _erfc_ref(x):
    return np.vectorize(math.erfc, otypes=[np.float64])(x) if np.ndim(x) else math.erfc(float(x))


# XLA's erfc is off in the tail (measured: float32 up to 34 ULP, float64 up to 179 ULP near 1e-173),
# beyond T8: its own class
_unary("erfc", _erfc_ref, T.Ulp(256), "small", lambda g, out, x: (-g * (2 / math.sqrt(math.pi)) * K.exp(-x * x),),
       "Complementary error function, ``1 - erf(x)`` (accurate where erf is near 1)." + _FLOAT_UNARY, group="math")


# the sections the three bool-valued unary ops below share
_BOOL_UNARY = ("\n\nArguments:\n"
               "    x: input tensor (integer and bool inputs give all false).\n\n"
               "Returns:\n"
               "    A bool tensor of ``x``'s shape.\n")


def _bool_unary(name, fn, doc):
    def ref(x):
        return np.asarray(fn(np.asarray(x)))
    ref.__doc__ = doc + _example(*_EXAMPLES[name])
    ref.__name__ = name
    op(G, T.E0, unary_cases(ints=True), name=name, decomposition=getattr(D, name))(ref)


_bool_unary("signbit", np.signbit, "True where the sign bit is set (``-0.0`` and NaNs with the bit included)." + _BOOL_UNARY.replace(
    "integer and bool inputs give all false", "integers: true where negative"))
_bool_unary("isposinf", lambda x: np.isposinf(x) if x.dtype.kind == "f" else np.zeros(x.shape, bool),
            "True where ``x`` is +inf." + _BOOL_UNARY)
_bool_unary("isneginf", lambda x: np.isneginf(x) if x.dtype.kind == "f" else np.zeros(x.shape, bool),
            "True where ``x`` is -inf." + _BOOL_UNARY)


# ------------------------------------------------------------------------------ binary math
def _fext_grad(pick_a):
    def grad(g, out, a, b):
        ga = K.cast(pick_a(a, b), tensors.dtype(g))
        return g * ga, g * (1 - ga)
    return grad


def _pick_fmax(a, b):
    return K.logical_or(K.greater_equal(a, b), K.isnan(b))


def _pick_fmin(a, b):
    return K.logical_or(K.less_equal(a, b), K.isnan(b))


@op(G, T.E0, binary_cases() + int_cases(), grad=_fext_grad(_pick_fmax), decomposition=D.fmax)
def fmax(x1, x2):
    """Elementwise maximum that ignores NaNs (NaN only where both are NaN).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fmax(np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, np.nan]))
    array([2., 0., 3.])
    """
    a, b = promote(x1, x2)
    return np.fmax(a, b)


@op(G, T.E0, binary_cases() + int_cases(), grad=_fext_grad(_pick_fmin), decomposition=D.fmin)
def fmin(x1, x2):
    """Elementwise minimum that ignores NaNs (NaN only where both are NaN).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fmin(np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, np.nan]))
    array([1., 0., 3.])
    """
    a, b = promote(x1, x2)
    return np.fmin(a, b)


def _int_nonzero_cases():
    return [Case("int", lambda r, dt: ((r.integers(-50, 50, (6, 7)).astype(np.int32),
                                        (r.integers(1, 9, (6, 7)) * np.where(r.random((6, 7)) < 0.5, -1, 1)).astype(np.int32)), {}),
                 dtypes=("int32",), grad=False)]


@op(G, T.E0, binary_cases(domain2="positive", specials=False) + _int_nonzero_cases(),
    grad=_binary_grad(lambda g, o, a, b: g, lambda g, o, a, b: -g * K.trunc(a / b)), decomposition=D.fmod)
def fmod(x1, x2):
    """Remainder of truncated division: the sign of ``x1`` (C's ``fmod``; ``mod`` follows ``x2``).

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fmod(np.array([7, -7, 9]), 3)
    array([ 1, -1,  0])
    """
    a, b = promote(x1, x2)
    with np.errstate(all="ignore"):
        return np.fmod(a, b)


@op(G, T.T8, binary_cases(), grad=_binary_grad(lambda g, o, a, b: g * a / o, lambda g, o, a, b: g * b / o),
    decomposition=D.hypot)
def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` without overflow or underflow in the squares; integers give floatx.

    Arguments:
        x1: first leg.
        x2: second leg, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hypot(np.array([3.0, 5.0]), np.array([4.0, 12.0]))
    array([ 5., 13.])
    """
    a, b = float_promote(x1, x2)
    return np.hypot(a, b)


@op(G, T.E0, [*binary_cases(),
    Case("zeros", lambda r, dt: ((np.array([-1.0, 0.0, -0.0, 2.0, np.nan, 0.0]).astype(dt), np.array([0.5, 0.5, 0.25, 0.5, 0.5, np.nan]).astype(dt)), {}), grad=False),
    Case("int", lambda r, dt: ((r.integers(-3, 4, (5, 6)).astype(np.int32), r.integers(0, 3, (5, 6)).astype(np.int32)), {}),
         dtypes=("int32",), grad=False)],
    grad=_binary_grad(lambda g, o, a, b: K.zeros_like(g), lambda g, o, a, b: g * K.cast(K.equal(a, 0), tensors.dtype(g))),
    decomposition=D.heaviside)
def heaviside(x1, x2):
    """Step function: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``; integers give floatx.

    Arguments:
        x1: the step's input; NaN gives NaN.
        x2: the value at ``x1 == 0``, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.heaviside(np.array([-1.5, 0.0, 2.0]), 0.5)
    array([0. , 0.5, 1. ])
    """
    a, b = float_promote(x1, x2)
    return np.heaviside(a, b).astype(a.dtype)


_GCD = [Case("int", lambda r, dt: ((r.integers(-60, 60, (6, 7)).astype(dt), r.integers(-60, 60, (6, 7)).astype(dt)), {}),
             dtypes=("int32",), grad=False),
        Case("scalar", lambda r, dt: ((r.integers(0, 100, (8,)).astype(dt), 12), {}), dtypes=("int32",), grad=False)]


def _int_only(name, a, b):
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        raise TypeError(f"{name}: arguments must be integers, got {a.dtype} and {b.dtype}")


@op(G, T.E0, _GCD, decomposition=D.gcd)
def gcd(x1, x2):
    """Greatest common divisor of integers (non-negative).

    Arguments:
        x1: first integer tensor.
        x2: second integer tensor, broadcast against ``x1``.

    Returns:
        A non-negative tensor of the broadcast shape in the operands' promoted integer dtype
        (``gcd(0, 0)`` is 0).

    Raises:
        TypeError: when an operand is not of an integer dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.gcd(np.array([12, 18, 7]), np.array([8, 12, 5]))
    array([4, 6, 1])
    """
    a, b = promote(x1, x2)
    _int_only("gcd", a, b)
    return np.gcd(a, b)


@op(G, T.E0, _GCD, decomposition=D.lcm)
def lcm(x1, x2):
    """Least common multiple of integers (non-negative).

    Arguments:
        x1: first integer tensor.
        x2: second integer tensor, broadcast against ``x1``.

    Returns:
        A non-negative tensor of the broadcast shape in the operands' promoted integer dtype
        (0 where either operand is 0).

    Raises:
        TypeError: when an operand is not of an integer dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.lcm(np.array([4, 6, 7]), np.array([6, 8, 5]))
    array([12, 24, 35])
    """
    a, b = promote(x1, x2)
    _int_only("lcm", a, b)
    return np.lcm(a, b)


@op(G, T.E0, [
    Case("basic", lambda r, dt: ((r.standard_normal((6, 7)).astype(dt), r.integers(-10, 10, (6, 7)).astype(np.int32)), {}), grad=False),
    Case("scalar", lambda r, dt: ((r.standard_normal((6, 7)).astype(dt), 3), {})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (6, 7)).astype(np.int32), r.integers(0, 5, (6, 7)).astype(np.int32)), {}),
         dtypes=("int32",), grad=False),
], grad=lambda g, out, x1, x2: (g * K.power(2.0, K.cast(x2, tensors.dtype(g))), None), decomposition=D.ldexp)
def ldexp(x1, x2):
    """``x1 * 2**x2`` for an integer exponent ``x2`` (exact unless it overflows or underflows);
    integer ``x1`` gives floatx.

    Arguments:
        x1: the mantissas.
        x2: integer (or bool) exponents, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape in ``x1``'s float dtype (``floatx()`` for an integer or
        bool ``x1``).

    Raises:
        TypeError: when ``x2`` is not of an integer or bool dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ldexp(np.array([1.0, 3.0]), np.array([3, -1]))
    array([8. , 1.5])
    """
    x2a = np.asarray(x2)
    if x2a.dtype.kind not in "iub":
        raise TypeError(f"ldexp: the exponent x2 must be an integer, got dtype {x2a.dtype}")
    a = as_float(x1)
    dt = nd(dtypes.result_type(a, x2)) if isinstance(x1, (int, float)) else a.dtype
    if dt.kind != "f":
        dt = nd(dtypes.floatx())
    with np.errstate(all="ignore"):
        return np.ldexp(a.astype(dt), x2a.astype(np.int32)).astype(dt)


_LN2 = math.log(2.0)


def _lae2_grad(g, out, a, b):
    return g * K.power(2.0, a - out), g * K.power(2.0, b - out)


@op(G, T.Hybrid(8, arg=None), binary_cases(), grad=_lae2_grad, decomposition=D.logaddexp2)
def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` without overflow; integers give floatx.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logaddexp2(np.array([1.0, 3.0]), np.array([1.0, 3.0]))
    array([2., 4.])
    """
    a, b = float_promote(x1, x2)
    with np.errstate(all="ignore"):
        return np.logaddexp2(a, b)


# ------------------------------------------------------------------------------ closeness
def _close_cases():
    def mk(r, dt):
        a = r.standard_normal((6, 7))
        b = a + r.choice([0.0, 1e-9, 1e-6, 1e-3, 1.0], (6, 7)) * np.abs(a)
        a[0, :4] = [np.nan, np.inf, -np.inf, 0.0]
        b[0, :4] = [np.nan, np.inf, np.inf, 1e-9]
        return (a.astype(dt), b.astype(dt)), {}
    return [Case("mixed", mk, grad=False),
            Case("equal_nan", lambda r, dt: (mk(r, dt)[0], {"equal_nan": True}), grad=False),
            Case("tols", lambda r, dt: (mk(r, dt)[0], {"rtol": 1e-3, "atol": 1e-4}), grad=False),
            Case("int", lambda r, dt: ((r.integers(-3, 3, (4, 5)).astype(np.int32), r.integers(-3, 3, (4, 5)).astype(np.int32)), {}),
                 dtypes=("int32",), grad=False)]


def _isclose_np(x1, x2, rtol, atol, equal_nan):
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        a, b = a.astype(np.float64), b.astype(np.float64)
    return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose_decomposition(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    dt = dtypes.result_type(tensors.dtype(x1) if not isinstance(x1, (int, float)) else x1,
                            tensors.dtype(x2) if not isinstance(x2, (int, float)) else x2)
    if not dtypes.is_float(dt):
        dt = dtypes.floatx()
    a, b = K.cast(x1, dt), K.cast(x2, dt)
    close = K.less_equal(K.abs(a - b), atol + rtol * K.abs(b))
    close = K.logical_and(close, K.logical_and(K.isfinite(a), K.isfinite(b)))
    close = K.logical_or(close, K.logical_and(K.isinf(a), K.equal(a, b)))
    if equal_nan:
        close = K.logical_or(close, K.logical_and(K.isnan(a), K.isnan(b)))
    return close


@op(G, T.E0, _close_cases(), tensors=("x1", "x2"), decomposition=isclose_decomposition)
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where ``|x1 - x2| <= atol + rtol * |x2|`` (equal infinities are close; NaNs only with
    ``equal_nan``).

    Arguments:
        x1: first tensor.
        x2: second tensor, broadcast against ``x1``; it is the reference the relative tolerance
            scales with. Both are compared in their promoted dtype (integers and bools as floats).
        rtol: relative tolerance (default ``1e-05``).
        atol: absolute tolerance (default ``1e-08``).
        equal_nan: whether NaNs in the same place count as close (default ``False``).

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isclose(np.array([1.0, 1.0, np.nan]), np.array([1.0 + 1e-9, 1.1, np.nan]))
    array([ True, False, False])
    """
    return _isclose_np(x1, x2, rtol, atol, equal_nan)


@op(G, T.E0, _close_cases(), tensors=("x1", "x2"),
    decomposition=lambda x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False: K.all(isclose_decomposition(x1, x2, rtol, atol, equal_nan)))
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if ``isclose`` holds everywhere (a scalar bool tensor).

    Arguments:
        x1: first tensor.
        x2: second tensor, broadcast against ``x1``; it is the reference the relative tolerance
            scales with. Both are compared in their promoted dtype (integers and bools as floats).
        rtol: relative tolerance (default ``1e-05``).
        atol: absolute tolerance (default ``1e-08``).
        equal_nan: whether NaNs in the same place count as close (default ``False``).

    Returns:
        A scalar bool tensor: whether every pair of broadcast elements is close.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
    array(True)
    """
    return np.asarray(np.all(_isclose_np(x1, x2, rtol, atol, equal_nan)))


# ------------------------------------------------------------------------------ saturate_cast
def _dtype_range(dt):
    npd = nd(dt)
    if npd.kind == "b":
        return 0, 1
    if npd.kind in "iu":
        info = np.iinfo(npd)
        return int(info.min), int(info.max)
    info = np.finfo(npd)
    return float(info.min), float(info.max)


def _saturate_bounds(x_dtype, dtype):
    """Clip bounds, in ``x_dtype``, that keep every value in ``dtype``'s range after the cast
    (for floats, the nearest ones inside: values beyond them become the range's ends)."""
    lo, hi = _dtype_range(dtype)
    xd = nd(x_dtype)
    if xd.kind == "f":
        # the largest x_dtype value not above hi (a float above 2**31-1 rounds up to 2**31)
        lo_x = np.asarray(lo, np.float64).astype(xd)
        hi_x = np.asarray(hi, np.float64).astype(xd)
        if float(hi_x) > hi:
            hi_x = np.nextafter(hi_x, xd.type(0))
        if float(lo_x) < lo:
            lo_x = np.nextafter(lo_x, xd.type(0))
        return lo_x, hi_x
    xlo, xhi = _dtype_range(x_dtype)
    return np.asarray(max(lo, xlo)).astype(xd), np.asarray(min(hi, xhi)).astype(xd)


def saturate_range(dtype):
    """``dtype``'s smallest and largest values as NumPy scalars of ``dtype``."""
    lo, hi = _dtype_range(dtype)
    return np.asarray(lo).astype(nd(dtype)), np.asarray(hi).astype(nd(dtype))


def saturate_cast_decomposition(x, dtype):
    lo, hi = _saturate_bounds(tensors.dtype(x), dtype)
    y = K.cast(K.clip(x, lo.item(), hi.item()), dtype)
    if dtypes.is_float(tensors.dtype(x)) and not dtypes.is_float(dtype):
        tlo, thi = saturate_range(dtype)
        y = K.where(K.greater(x, hi.item()), K.full_like(y, thi.item()), y)
        y = K.where(K.less(x, lo.item()), K.full_like(y, tlo.item()), y)
    return y


@op("core", T.E0, [
    Case("to_uint8", lambda r, dt: ((r.uniform(-300, 300, (6, 7)).astype(dt), "uint8"), {}), grad=False),
    Case("to_int32", lambda r, dt: ((np.array([-3e9, 3e9, 1.5, -2.5, 2147483520.0]).astype(dt), "int32"), {}), grad=False),
    Case("int_to_int8", lambda r, dt: ((r.integers(-1000, 1000, (5, 6)).astype(np.int32), "int8"), {}), dtypes=("int32",), grad=False),
    Case("to_float16", lambda r, dt: ((np.array([1e5, -1e5, 3.0]).astype(dt), "float16"), {}), grad=False),
    Case("f16_ties", lambda r, dt: ((_half_tie_inputs(r, "float16", dt), "float16"), {}), grad=False),
], tensors=("x",), decomposition=saturate_cast_decomposition)
def saturate_cast(x, dtype):
    """Casts to ``dtype``, clipping first to its range (no wrap-around; floats to ints truncate).

    Arguments:
        x: input tensor.
        dtype: the target dtype, a name such as ``"uint8"``. Values beyond its range become its
            smallest or largest value.

    Returns:
        A tensor of ``x``'s shape and dtype ``dtype``.

    Raises:
        ValueError: when ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.saturate_cast(np.array([-5.0, 100.0, 300.0]), 'uint8')
    array([  0, 100, 255], dtype=uint8)
    """
    x = np.asarray(x)
    lo, hi = _saturate_bounds(x.dtype, dtype)
    with np.errstate(all="ignore"):
        y = np.clip(x, lo, hi).astype(nd(dtype))
    if x.dtype.kind == "f" and nd(dtype).kind in "iub":
        tlo, thi = saturate_range(dtype)
        y = np.where(x > hi, thi, np.where(x < lo, tlo, y))
    return y


# ------------------------------------------------------------------------------ isin
def _isin_decomposition(x1, x2, assume_unique=False, invert=False):
    a = x1 if not isinstance(x1, (int, float)) else K.full((), x1, dtypes.result_type(x1))
    hit = K.any(K.equal(K.expand_dims(a, -1), K.reshape(x2, (-1,))), axis=-1)
    return K.logical_not(hit) if invert else hit


@op(G, T.E0, [
    Case("float", lambda r, dt: ((np.round(r.standard_normal((4, 5)) * 2).astype(dt), np.array([0.0, 1.0, -2.0, np.nan]).astype(dt)), {}),
         grad=False),
    Case("invert", lambda r, dt: ((np.round(r.standard_normal((6,)) * 2).astype(dt), np.array([[0.0, 1.0]]).astype(dt)),
                                  {"invert": True}), grad=False),
    Case("int", lambda r, dt: ((r.integers(0, 9, (3, 4)).astype(np.int32), np.array([1, 3, 5], np.int32)), {"assume_unique": True}),
         dtypes=("int32",), grad=False),
], tensors=("x1", "x2"), decomposition=_isin_decomposition)
def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of ``x1`` equals some element of ``x2`` (``x1``'s shape; NaN is in
    nothing); ``invert`` negates. ``assume_unique`` is a speed hint only: the result is the same.

    Arguments:
        x1: the elements to look up.
        x2: the values to look for, any shape (read as a flat list); compared with ``x1`` in
            their promoted dtype.
        assume_unique: accepted for NumPy's and Keras's signature; it does not change the result.
        invert: when ``True``, true where the element is *not* in ``x2``.

    Returns:
        A bool tensor of ``x1``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isin(np.array([1, 2, 3, 4]), np.array([2, 4]))
    array([False,  True, False,  True])
    """
    a, b = promote(x1, x2)
    return np.isin(a, b, invert=invert)
