"""Reductions and scans."""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import as_float, axis_tuple, nd
from dlx.ops.spec import Case, op

G = "numpy"


def _red_cases(big=True, positive_only=False, ints=False, grad_big=False):
    def mk(shape, fn=None, **kw):
        def make(r, dt):
            x = r.standard_normal(shape)
            if fn is not None:
                x = fn(x)
            return (x.astype(dt),), dict(kw)
        return make
    pos = np.abs
    cases = [
        Case("all", mk((40, 25))),
        Case("all_positive", mk((40, 25), pos)),
        Case("axis0", mk((30, 20), axis=0)),
        Case("axis_neg", mk((4, 5, 6), axis=-1)),
        Case("axes_keepdims", mk((4, 5, 6), axis=(0, 2), keepdims=True)),
        Case("n1e3", mk((1000,))),
    ]
    if big:
        cases += [Case("n1e6", mk((10**6,)), grad=grad_big), Case("n1e6_positive", mk((10**6,), pos), grad=grad_big)]
    if ints:
        cases.append(Case("int", lambda r, dt: ((r.integers(-50, 50, (6, 7)).astype(np.int32),), {"axis": 1}),
                          dtypes=("int32",), grad=False))
    return cases


def _expand(g, x, axis, keepdims):
    """Broadcasts a reduced cotangent back to ``x``'s shape."""
    if not keepdims and axis is not None:
        axes = sorted(axis_tuple(axis, tensors.ndim(x)))
        for a in axes:
            g = K.expand_dims(g, a)
    return K.broadcast_to(g, tensors.shape(x))


def _count(x, axis):
    shape = tensors.shape(x)
    n = 1
    for a in axis_tuple(axis, len(shape)):
        n *= shape[a]
    return n


def int_reduce_dtype(dtype) -> np.dtype:
    """The accumulator and result dtype of ``sum`` / ``prod`` of a bool or integer input, as
    Keras's: bool and int8 / int16 give int32, uint8 / uint16 give uint32, wider ints keep
    their dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return np.dtype(np.int32)
    if dtype.itemsize >= 4:
        return dtype
    return np.dtype(np.uint32) if dtype.kind == "u" else np.dtype(np.int32)


def _small_int_cases():
    return [Case("small_ints", lambda r, dt: ((r.integers(0, 6, (6, 7)).astype(dt),), {"axis": 1}),
                 dtypes=("bool", "int8", "int16", "uint8", "uint16"), grad=False)]


@op(G, T.Kr(), _red_cases(ints=True) + _small_int_cases(),
    grad=lambda g, out, x, axis=None, keepdims=False: (_expand(g, x, axis, keepdims),))
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes if ``None``), pairwise accumulated. bool, int8 and int16 sum
    to int32, uint8 and uint16 to uint32 (Keras's rule).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``); floats keep their dtype, integers and bools follow the rule above (wider
        integers keep theirs).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sum(np.array([[1, 2], [3, 4]]), axis=0)
    array([4, 6])
    """
    x = np.asarray(x)
    if x.dtype.kind == "f":
        return np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))
    acc = int_reduce_dtype(x.dtype)
    return np.asarray(np.sum(x.astype(acc), axis=axis, keepdims=keepdims, dtype=acc))


def _mean_grad(g, out, x, axis=None, keepdims=False):
    return (_expand(g, x, axis, keepdims) / _count(x, axis),)


@op(G, T.Kr(lambda c: T.abs_scale(c)), _red_cases(), grad=_mean_grad)
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``; integers give floatx.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.mean(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    array([1.5, 3.5])
    """
    x = as_float(x)
    return np.asarray(np.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def _var_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    kw = ctx.kwargs
    return np.mean(x * x, axis=kw.get("axis"), keepdims=kw.get("keepdims", False)) * 2


def _var_grad(g, out, x, axis=None, keepdims=False):
    m = K.mean(x, axis=axis, keepdims=True)
    return (_expand(g, x, axis, keepdims) * (2.0 / _count(x, axis)) * (x - m),)


@op(G, T.Kr(_var_scale), _red_cases(), grad=_var_grad)
def var(x, axis=None, keepdims=False):
    """Population variance (two-pass) over ``axis``.

    The mean of the squared deviations from the mean (divides by ``N``, not ``N - 1``).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.var(np.array([1.0, 2.0, 3.0, 4.0]))
    array(1.25)
    """
    x = as_float(x)
    m = np.mean(x, axis=axis, keepdims=True, dtype=x.dtype)
    d = x - m
    return np.asarray(np.mean(d * d, axis=axis, keepdims=keepdims, dtype=x.dtype))


def _std_scale(ctx):
    return _var_scale(ctx) / (2 * np.maximum(np.abs(ctx.exact), 1e-300))


def _std_grad(g, out, x, axis=None, keepdims=False):
    m = K.mean(x, axis=axis, keepdims=True)
    o = _expand(out, x, axis, keepdims)
    return (_expand(g, x, axis, keepdims) * (x - m) / (o * _count(x, axis)),)


@op(G, T.Kr(_std_scale), _red_cases(), grad=_std_grad)
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``.

    The square root of :func:`var` (divides by ``N``, not ``N - 1``).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.std(np.array([[1.0, 3.0], [2.0, 2.0]]), axis=1)
    array([1., 0.])
    """
    return np.sqrt(var(x, axis, keepdims))


def _extreme_grad(g, out, x, axis=None, keepdims=False, initial=None):
    o = _expand(out, x, axis, keepdims)
    hit = K.cast(K.equal(x, o), tensors.dtype(x))
    count = _expand(K.sum(hit, axis=axis, keepdims=True), x, axis, True)
    if initial is not None:  # where ``initial`` wins, no entry of x gets a gradient
        count = K.maximum(count, 1)
    return (_expand(g, x, axis, keepdims) * hit / count,)


def _initial_cases():
    return [Case("initial", lambda r, dt: ((r.standard_normal((6, 5)).astype(dt),), {"axis": 1, "initial": 0.25})),
            Case("initial_int", lambda r, dt: ((r.integers(-9, 9, (6, 5)).astype(np.int32),), {"initial": 3}),
                 dtypes=("int32",), grad=False)]


def _check_initial(op_name, initial):
    if initial is not None and (isinstance(initial, bool) or not isinstance(initial, (int, float, np.number))):
        raise ValueError(f"{op_name}: initial={initial!r} is invalid; expected None or a Python number")


@op(G, T.E0, _red_cases(ints=True) + _initial_cases(), grad=_extreme_grad)
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis`` (NaN propagates), at least ``initial`` if given (a number, cast to
    ``x``'s dtype). Gradient splits evenly between ties.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.
        initial: a Python number the result may not be below (``None``: no bound).

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.max(np.array([[1, 5], [4, 2]]), axis=1, keepdims=True)
    array([[5],
           [4]])
    """
    _check_initial("max", initial)
    x = np.asarray(x)
    kw = {} if initial is None else {"initial": np.asarray(initial).astype(x.dtype)}
    return np.asarray(np.max(x, axis=axis, keepdims=keepdims, **kw))


@op(G, T.E0, _red_cases(ints=True) + _initial_cases(), grad=_extreme_grad)
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis`` (NaN propagates), at most ``initial`` if given (a number, cast to
    ``x``'s dtype). Gradient splits evenly between ties.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.
        initial: a Python number the result may not be above (``None``: no bound).

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.min(np.array([[1, 5], [4, 2]]), axis=0)
    array([1, 2])
    """
    _check_initial("min", initial)
    x = np.asarray(x)
    kw = {} if initial is None else {"initial": np.asarray(initial).astype(x.dtype)}
    return np.asarray(np.min(x, axis=axis, keepdims=keepdims, **kw))


def _prod_scale(ctx):
    return np.abs(ctx.exact)


def _in_dtype(x, dtype):
    """``x`` cast to ``dtype`` (the ``dtype`` argument of prod / cumsum / cumprod), unchanged if None."""
    return x if dtype is None else K.cast(x, dtype)


def _back_to(gx, x, dtype):
    """A cotangent computed in ``dtype`` returned in ``x``'s dtype (None for integer x)."""
    if dtype is None:
        return gx
    return K.cast(gx, tensors.dtype(x)) if dtypes.is_float(tensors.dtype(x)) else None


def _prod_grad(g, out, x, axis=None, keepdims=False, dtype=None):
    xd = _in_dtype(x, dtype)
    o = _expand(out, xd, axis, keepdims)
    return (_back_to(_expand(g, xd, axis, keepdims) * o / xd, x, dtype),)


_PROD_CASES = [
    Case("all", lambda r, dt: ((r.uniform(0.5, 1.5, (10, 10)).astype(dt),), {})),
    Case("axis", lambda r, dt: ((r.uniform(-1.5, 1.5, (6, 40)).astype(dt),), {"axis": 1})),
    Case("keepdims", lambda r, dt: ((r.uniform(0.5, 1.5, (4, 5, 6)).astype(dt),), {"axis": (0, 2), "keepdims": True})),
    Case("int", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(np.int32),), {"axis": 0}), dtypes=("int32",), grad=False),
    Case("dtype", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(np.int32),), {"axis": 1, "dtype": "float32"}),
         dtypes=("int32",), grad=False),
    Case("dtype_same", lambda r, dt: ((r.uniform(0.5, 1.5, (4, 5)).astype(dt),), {"axis": 0, "dtype": dt})),
    Case("int_to_f64", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(np.int32),), {"dtype": "float64"}),
         dtypes=("float64",), grad=False),
]


@op(G, T.Ks(scale=_prod_scale), _PROD_CASES + _small_int_cases(), grad=_prod_grad)
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``, computed in ``dtype`` if given (``x`` is cast to it first). bool,
    int8 and int16 give int32, uint8 and uint16 uint32 (Keras's rule).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.
        dtype: the dtype to cast ``x`` to before multiplying (``None``: ``x``'s own).

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``), in ``dtype`` (or ``x``'s dtype) after the integer rule above.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            ``keepdims`` is not a bool, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.prod(np.array([[1, 2], [3, 4]]), axis=1)
    array([ 2, 12])
    """
    x = np.asarray(x)
    if dtype is not None:
        x = x.astype(nd(dtype))
    if x.dtype.kind == "f":
        return np.asarray(np.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)).astype(x.dtype)
    acc = int_reduce_dtype(x.dtype)
    return np.asarray(np.prod(x.astype(acc), axis=axis, keepdims=keepdims, dtype=acc))


def _arg_cases():
    def no_ties(r, shape):
        return r.permutation(int(np.prod(shape))).reshape(shape).astype(np.float64) / 7.0
    return [
        Case("flat", lambda r, dt: ((no_ties(r, (30, 20)).astype(dt),), {}), grad=False),
        Case("axis1", lambda r, dt: ((no_ties(r, (30, 20)).astype(dt),), {"axis": 1}), grad=False),
        Case("axis0_keepdims", lambda r, dt: ((no_ties(r, (30, 20)).astype(dt),), {"axis": 0, "keepdims": True}), grad=False),
        Case("int", lambda r, dt: ((r.permutation(42).reshape(6, 7).astype(np.int32),), {"axis": -1}), dtypes=("int32",), grad=False),
        Case("bool", lambda r, dt: ((r.random((6, 7)) < 0.4,), {"axis": -1}), dtypes=("bool",), grad=False),
    ]


@op(G, T.E0, _arg_cases())
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum (first on ties) as int32.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1 (with ``axis=None``: every
            axis stays as 1).

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.argmax(np.array([[1, 5, 3], [7, 2, 0]]), axis=1)
    array([1, 0], dtype=int32)
    """
    x = np.asarray(x)
    return np.asarray(np.argmax(x, axis=axis, keepdims=keepdims)).astype(np.int32)


@op(G, T.E0, _arg_cases())
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum (first on ties) as int32.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1 (with ``axis=None``: every
            axis stays as 1).

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.argmin(np.array([[1, 5, 3], [7, 2, 0]]), axis=1)
    array([0, 2], dtype=int32)
    """
    x = np.asarray(x)
    return np.asarray(np.argmin(x, axis=axis, keepdims=keepdims)).astype(np.int32)


def _lse_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    axis = ctx.kwargs.get("axis")
    keep = ctx.kwargs.get("keepdims", False)
    m = np.max(x, axis=axis, keepdims=True)
    m_out = np.max(x, axis=axis, keepdims=keep)
    return np.abs(m_out) + np.abs(np.asarray(ctx.exact) - m_out) + 1.0 + 0 * m.sum()


def _lse_grad(g, out, x, axis=None, keepdims=False):
    o = _expand(out, x, axis, keepdims)
    return (_expand(g, x, axis, keepdims) * K.exp(x - o),)


@op("math", T.Kr(_lse_scale), _red_cases(), grad=_lse_grad)
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.logsumexp(np.array([1.0, 2.0, 3.0])), 4)
    np.float64(3.4076)
    """
    x = as_float(x)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, np.zeros_like(m))
    s = np.sum(np.exp(x - m), axis=axis, keepdims=True, dtype=x.dtype)
    out = np.log(s) + m
    if not keepdims:
        out = np.squeeze(out, axis=axis_tuple(axis, x.ndim)) if x.ndim else out
    return np.asarray(out).astype(x.dtype)


_BOOL_CASES = [
    Case("all", lambda r, dt: ((r.random((6, 7)) < 0.8,), {}), dtypes=("bool",), grad=False),
    Case("axis", lambda r, dt: ((r.random((6, 7)) < 0.5,), {"axis": 1}), dtypes=("bool",), grad=False),
    Case("float", lambda r, dt: ((np.where(r.random((6, 7)) < 0.3, 0.0, 1.0).astype(dt),), {"axis": 0, "keepdims": True}), grad=False),
]


@op(G, T.E0, _BOOL_CASES)
def any(x, axis=None, keepdims=False):
    """True where any element along ``axis`` is truthy.

    Arguments:
        x: input tensor; nonzero entries count as true.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A bool tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.any(np.array([[True, False], [False, False]]), axis=1)
    array([ True, False])
    """
    return np.asarray(np.any(np.asarray(x), axis=axis, keepdims=keepdims))


@op(G, T.E0, _BOOL_CASES)
def all(x, axis=None, keepdims=False):
    """True where every element along ``axis`` is truthy.

    Arguments:
        x: input tensor; nonzero entries count as true.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A bool tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.all(np.array([[True, False], [True, True]]), axis=1)
    array([False,  True])
    """
    return np.asarray(np.all(np.asarray(x), axis=axis, keepdims=keepdims))


def _scan_cases():
    def mk(shape, fn=None, **kw):
        def make(r, dt):
            x = r.standard_normal(shape)
            return ((fn(x) if fn else x).astype(dt),), dict(kw)
        return make
    return [
        Case("flat", mk((20, 30))),
        Case("axis0", mk((20, 30), axis=0)),
        Case("axis1", mk((20, 30), axis=1)),
        Case("n1e6_positive", mk((10**6,), np.abs), grad=False),
        Case("int", lambda r, dt: ((r.integers(-9, 9, (5, 6)).astype(np.int32),), {"axis": 1}), dtypes=("int32",), grad=False),
        Case("dtype", lambda r, dt: ((r.integers(-9, 9, (5, 6)).astype(np.int32),), {"axis": 0, "dtype": "float32"}),
             dtypes=("int32",), grad=False),
        Case("dtype_same", lambda r, dt: ((r.standard_normal((6, 7)).astype(dt),), {"axis": 1, "dtype": dt})),
        Case("int_to_f64", lambda r, dt: ((r.integers(-9, 9, (5, 6)).astype(np.int32),), {"dtype": "float64"}),
             dtypes=("float64",), grad=False),
    ]


def _cumsum_scale(ctx):
    x = np.abs(np.asarray(ctx.args[0], np.float64))
    axis = ctx.kwargs.get("axis")
    if axis is None:
        return np.cumsum(x.ravel())
    return np.cumsum(x, axis=axis)


def _scan_len(args, kwargs):
    x = np.asarray(args[0])
    axis = kwargs.get("axis")
    return x.size if axis is None else x.shape[axis]


def _cumsum_grad(g, out, x, axis=None, dtype=None):
    if axis is None:
        return (_back_to(K.reshape(K.flip(K.cumsum(K.flip(g, 0), 0), 0), tensors.shape(x)), x, dtype),)
    return (_back_to(K.flip(K.cumsum(K.flip(g, axis), axis), axis), x, dtype),)


def _small_int_scan_cases():
    return [Case("small_ints", lambda r, dt: ((r.integers(0, 3, (3, 6)).astype(dt),), {"axis": 1}),
                 dtypes=("bool", "int8", "int16", "uint8", "uint16"), grad=False)]


@op(G, T.Ks(_scan_len, _cumsum_scale), _scan_cases() + _small_int_scan_cases(), grad=_cumsum_grad)
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (flattened if ``None``), in ``dtype`` if given (``x`` is cast
    to it first); accumulated in float64 here.

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the dtype to cast ``x`` to before summing (``None``: ``x``'s own).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``) in ``dtype`` or
        ``x``'s dtype; a bool input gives int32.

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cumsum(np.array([1, 2, 3]))
    array([1, 3, 6])
    """
    x = np.asarray(x)
    if dtype is not None:
        x = x.astype(nd(dtype))
    if x.dtype.kind == "f":
        return np.cumsum(x.astype(np.float64) if x.dtype.itemsize < 8 else x, axis=axis).astype(x.dtype)
    return np.cumsum(x, axis=axis).astype(np.int32 if x.dtype.kind == "b" else x.dtype)  # ints keep their dtype


def _cumprod_grad(g, out, x, axis=None, dtype=None):
    # d/dx_j of prod_{k<=i} x_k = out_i / x_j for j <= i (x nonzero)
    xd = _in_dtype(x, dtype)
    if axis is None:
        gf = K.reshape(g, (-1,))
        of = K.reshape(out, (-1,))
        r = K.flip(K.cumsum(K.flip(gf * of, 0), 0), 0)
        return (_back_to(K.reshape(r, tensors.shape(x)) / xd, x, dtype),)
    r = K.flip(K.cumsum(K.flip(g * out, axis), axis), axis)
    return (_back_to(r / xd, x, dtype),)


_CUMPROD_CASES = [
    Case("flat", lambda r, dt: ((r.uniform(0.6, 1.4, (8, 9)).astype(dt),), {})),
    Case("axis1", lambda r, dt: ((r.uniform(-1.4, 1.4, (8, 30)).astype(dt),), {"axis": 1})),
    Case("int", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(np.int32),), {"axis": 0}), dtypes=("int32",), grad=False),
    Case("dtype", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(np.int32),), {"axis": 1, "dtype": "float32"}),
         dtypes=("int32",), grad=False),
    Case("dtype_same", lambda r, dt: ((r.uniform(0.6, 1.4, (5, 6)).astype(dt),), {"axis": 0, "dtype": dt})),
    Case("int_to_f64", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(np.int32),), {"axis": 1, "dtype": "float64"}),
         dtypes=("float64",), grad=False),
]


@op(G, T.Ks(_scan_len, lambda c: np.abs(c.exact)), _CUMPROD_CASES + _small_int_scan_cases(), grad=_cumprod_grad)
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (flattened if ``None``), in ``dtype`` if given (``x`` is
    cast to it first).

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the dtype to cast ``x`` to before multiplying (``None``: ``x``'s own).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``) in ``dtype`` or
        ``x``'s dtype; a bool input gives int32.

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cumprod(np.array([1, 2, 3, 4]))
    array([ 1,  2,  6, 24])
    """
    x = np.asarray(x)
    if dtype is not None:
        x = x.astype(nd(dtype))
    if x.dtype.kind == "f":
        return np.cumprod(x.astype(np.float64), axis=axis).astype(x.dtype)
    return np.cumprod(x, axis=axis).astype(np.int32 if x.dtype.kind == "b" else x.dtype)  # ints keep their dtype
