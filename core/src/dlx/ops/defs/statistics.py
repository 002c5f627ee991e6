"""Statistics: NaN-ignoring reductions, order statistics (median, quantiles), histograms,
weighted averages and correlation (Keras's ``numpy`` group).

Result dtypes follow Keras 3: NaN-ignoring sums and products of ``bool``/``int8``/``int16`` give
int32 (``uint8``/``uint16`` give uint32); means, variances and order statistics of integers give
``floatx()``; ``nanmax``/``nanmin``/``ptp`` and the NaN-ignoring scans keep the input dtype (a
bool scan gives int32); arg-reductions, counts and bin indices are int32.
"""

from __future__ import annotations

import warnings

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs import _order_stats as _os
from dlx.ops.defs._common import as_float, axis_tuple, nd
from dlx.ops.spec import Case, op

G = "numpy"
QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quiet(fn, *args, **kwargs):
    """NumPy's NaN functions warn on all-NaN slices; the NaN they return is the spec's result."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


def _small_int_acc(dt: np.dtype) -> np.dtype:
    """Keras's accumulator of an integer sum/product: bool/int8/int16 -> int32, uint8/uint16 ->
    uint32, wider integers keep their dtype."""
    if dt.kind == "b" or (dt.kind == "i" and dt.itemsize < 4):
        return np.dtype(np.int32)
    if dt.kind == "u" and dt.itemsize < 4:
        return np.dtype(np.uint32)
    return dt


def _expand(g, x, axis, keepdims):
    if not keepdims and axis is not None:
        for a in sorted(axis_tuple(axis, tensors.ndim(x))):
            g = K.expand_dims(g, a)
    return K.broadcast_to(g, tensors.shape(x))


def _valid(x):
    return K.cast(K.logical_not(K.isnan(x)), tensors.dtype(x))


# ------------------------------------------------------------------------------------- cases
def _nan_data(r, shape, frac=0.2, positive=False):
    x = r.standard_normal(shape)
    if positive:
        x = np.abs(x)
    x[r.random(shape) < frac] = np.nan
    return x


def _nan_cases(positive=False, ints=True, big=True, all_nan=True, scan=False):
    def mk(shape, frac=0.2, **kw):
        return lambda r, dt: ((_nan_data(r, shape, frac, positive).astype(dt),), dict(kw))
    cases = [Case("all", mk((40, 25))), Case("axis0", mk((30, 20), axis=0)),
             Case("axis_neg", mk((4, 5, 6), axis=-1)), Case("no_nan", mk((7, 9), 0.0, axis=1))]
    if not scan:
        cases.append(Case("axes_keepdims", mk((4, 5, 6), axis=(0, 2), keepdims=True)))
    if all_nan:  # row 0 holds only NaN
        def allnan(r, dt):
            x = _nan_data(r, (5, 8), 0.2, positive)
            x[0] = np.nan
            return (x.astype(dt),), {"axis": 1}
        cases.append(Case("all_nan_slice", allnan, grad=False))
    if big:
        cases.append(Case("n1e5", mk((10**5,), 0.1), grad=False))
    if ints:
        cases.append(Case("int", lambda r, dt: ((r.integers(-9, 9, (6, 7)).astype(dt),), {"axis": 1}),
                          dtypes=("int32", "int8"), grad=False))
        cases.append(Case("bool", lambda r, dt: ((r.random((6, 7)) < 0.5,), {"axis": 0}), dtypes=("bool",),
                          grad=False))
    return cases


# --------------------------------------------------------------------------- NaN reductions
def _nansum_grad(g, out, x, axis=None, keepdims=False):
    return (_expand(g, x, axis, keepdims) * _valid(x),)


@op(G, T.Kr(), _nan_cases(), grad=_nansum_grad)
def nansum(x, axis=None, keepdims=False):
    """Sum over ``axis`` treating NaN as zero (an all-NaN slice sums to 0).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``). Floats keep their dtype; bool, int8 and int16 give int32, uint8 and
        uint16 uint32, wider integers keep theirs.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nansum(np.array([1.0, np.nan, 3.0]))
    array(4.)
    """
    x = np.asarray(x)
    if x.dtype.kind == "f":
        return np.asarray(np.nansum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))
    acc = _small_int_acc(x.dtype)
    return np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=acc))


def _nanprod_grad(g, out, x, axis=None, keepdims=False):
    o = _expand(out, x, axis, keepdims)
    safe = K.where(K.isnan(x), K.ones_like(x), x)
    return (_expand(g, x, axis, keepdims) * _valid(x) * o / safe,)


def _nanprod_cases():
    def mk(shape, **kw):
        def make(r, dt):
            x = r.uniform(0.6, 1.4, shape) * np.where(r.random(shape) < 0.3, -1, 1)
            x[r.random(shape) < 0.2] = np.nan
            return (x.astype(dt),), kw
        return make
    return [Case("all", mk((6, 8))), Case("axis1", mk((6, 30), axis=1)),
            Case("keepdims", mk((4, 5, 6), axis=(0, 2), keepdims=True)),
            Case("int", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(dt),), {"axis": 0}),
                 dtypes=("int32", "int8"), grad=False),
            Case("bool", lambda r, dt: ((r.random((4, 5)) < 0.7,), {"axis": 1}), dtypes=("bool",), grad=False)]


@op(G, T.Ks(scale=lambda c: np.abs(c.exact)), _nanprod_cases(), grad=_nanprod_grad)
def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis`` treating NaN as one (an all-NaN slice gives 1).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``). Floats keep their dtype; bool, int8 and int16 give int32, uint8 and
        uint16 uint32, wider integers keep theirs.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanprod(np.array([2.0, np.nan, 3.0]))
    array(6.)
    """
    x = np.asarray(x)
    if x.dtype.kind == "f":
        return np.asarray(np.nanprod(x, axis=axis, keepdims=keepdims, dtype=x.dtype))
    return np.asarray(np.prod(x, axis=axis, keepdims=keepdims, dtype=_small_int_acc(x.dtype)))


def _nanmean_grad(g, out, x, axis=None, keepdims=False):
    v = _valid(x)
    n = _expand(K.sum(v, axis=axis, keepdims=True), x, axis, True)
    return (_expand(g, x, axis, keepdims) * v / n,)


@op(G, T.Kr(), _nan_cases(), grad=_nanmean_grad)
def nanmean(x, axis=None, keepdims=False):
    """Mean over ``axis`` of the non-NaN entries (NaN for an all-NaN slice); integers give
    floatx.

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
    >>> ops.nanmean(np.array([1.0, np.nan, 3.0]))
    array(2.)
    """
    x = as_float(x)
    return np.asarray(_quiet(np.nanmean, x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def _nanvar_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    kw = ctx.kwargs
    return _quiet(np.nanmean, x * x, axis=kw.get("axis"), keepdims=kw.get("keepdims", False)) * 2


def _nanvar_grad(g, out, x, axis=None, keepdims=False):
    v = _valid(x)
    n = _expand(K.sum(v, axis=axis, keepdims=True), x, axis, True)
    m = _expand(nanmean_k(x, axis), x, axis, True)
    d = K.where(K.isnan(x), K.zeros_like(x), x - m)
    return (_expand(g, x, axis, keepdims) * 2.0 * d / n,)


def nanmean_k(x, axis):
    """``nanmean(x, axis, keepdims=True)`` in ``dlx.ops`` (for gradient rules)."""
    v = _valid(x)
    s = K.sum(K.where(K.isnan(x), K.zeros_like(x), x), axis=axis, keepdims=True)
    return s / K.sum(v, axis=axis, keepdims=True)


@op(G, T.Kr(_nanvar_scale), _nan_cases(), grad=_nanvar_grad)
def nanvar(x, axis=None, keepdims=False):
    """Population variance over ``axis`` of the non-NaN entries (two-pass; NaN for an all-NaN
    slice).

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
    >>> ops.nanvar(np.array([1.0, np.nan, 3.0]))
    array(1.)
    """
    x = as_float(x)
    return np.asarray(_quiet(np.nanvar, x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def _nanstd_scale(ctx):
    return _nanvar_scale(ctx) / (2 * np.maximum(np.abs(ctx.exact), 1e-300))


def _nanstd_grad(g, out, x, axis=None, keepdims=False):
    (gv,) = _nanvar_grad(g, out, x, axis, keepdims)
    return (gv / (2.0 * _expand(out, x, axis, keepdims)),)


@op(G, T.Kr(_nanstd_scale), _nan_cases(), grad=_nanstd_grad)
def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` of the non-NaN entries.

    The square root of :func:`nanvar` (NaN for an all-NaN slice).

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
    >>> ops.nanstd(np.array([[1.0, np.nan, 3.0], [2.0, 2.0, np.nan]]), axis=1)
    array([1., 0.])
    """
    return np.sqrt(nanvar(x, axis, keepdims))


def _nan_extreme_grad(g, out, x, axis=None, keepdims=False):
    o = _expand(out, x, axis, keepdims)
    hit = K.cast(K.equal(x, o), tensors.dtype(x))
    count = _expand(K.sum(hit, axis=axis, keepdims=True), x, axis, True)
    return (_expand(g, x, axis, keepdims) * hit / K.maximum(count, K.ones_like(count)),)


def _nan_extreme(np_nan, np_plain, bool_fn):
    def ref(x, axis=None, keepdims=False):
        x = np.asarray(x)
        if x.dtype.kind == "b":
            return np.asarray(bool_fn(x, axis=axis, keepdims=keepdims))
        fn = np_nan if x.dtype.kind == "f" else np_plain
        return np.asarray(_quiet(fn, x, axis=axis, keepdims=keepdims))
    return ref


@op(G, T.E0, _nan_cases(), grad=_nan_extreme_grad)
def nanmax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` ignoring NaN (NaN for an all-NaN slice; ``any`` for bool).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanmax(np.array([1.0, np.nan, 3.0]))
    array(3.)
    """
    return _nan_extreme(np.nanmax, np.max, np.any)(x, axis, keepdims)


@op(G, T.E0, _nan_cases(), grad=_nan_extreme_grad)
def nanmin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` ignoring NaN (NaN for an all-NaN slice; ``all`` for bool).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanmin(np.array([1.0, np.nan, 3.0]))
    array(1.)
    """
    return _nan_extreme(np.nanmin, np.min, np.all)(x, axis, keepdims)


def _nanarg_cases():
    def no_ties(r, shape, frac=0.25):
        x = r.permutation(int(np.prod(shape))).reshape(shape).astype(np.float64) / 7.0
        x[r.random(shape) < frac] = np.nan
        return x
    def allnan(r, dt):
        x = no_ties(r, (5, 8))
        x[2] = np.nan
        return (x.astype(dt),), {"axis": 1}
    return [Case("flat", lambda r, dt: ((no_ties(r, (30, 20)).astype(dt),), {}), grad=False),
            Case("axis1", lambda r, dt: ((no_ties(r, (30, 20)).astype(dt),), {"axis": 1}), grad=False),
            Case("keepdims", lambda r, dt: ((no_ties(r, (6, 5)).astype(dt),), {"axis": 0, "keepdims": True}),
                 grad=False),
            Case("all_nan_slice", allnan, grad=False),
            Case("int", lambda r, dt: ((r.permutation(42).reshape(6, 7).astype(dt),), {"axis": -1}),
                 dtypes=("int32", "int8"), grad=False)]


def _nanarg(fn, fill):
    def ref(x, axis=None, keepdims=False):
        x = np.asarray(x)
        if x.dtype.kind != "f":
            return np.asarray(fn(x, axis=axis, keepdims=keepdims)).astype(np.int32)
        nan = np.isnan(x)
        idx = np.asarray(fn(np.where(nan, fill, x), axis=axis, keepdims=keepdims))
        every = np.all(nan, axis=axis, keepdims=keepdims)
        return np.where(every, -1, idx).astype(np.int32)
    return ref


@op(G, T.E0, _nanarg_cases())
def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum ignoring NaN (first on ties) as int32; -1 for an all-NaN slice.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1.

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanargmax(np.array([1.0, np.nan, 3.0]))
    array(2, dtype=int32)
    """
    return _nanarg(np.argmax, -np.inf)(x, axis, keepdims)


@op(G, T.E0, _nanarg_cases())
def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum ignoring NaN (first on ties) as int32; -1 for an all-NaN slice.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1.

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanargmin(np.array([np.nan, 2.0, 1.0]))
    array(2, dtype=int32)
    """
    return _nanarg(np.argmin, np.inf)(x, axis, keepdims)


# ------------------------------------------------------------------------------ NaN scans
def _scan_dtype(x, dtype):
    if dtype is not None:
        return nd(dtype)
    return np.dtype(np.int32) if x.dtype.kind == "b" else x.dtype


def _scan_len(args, kwargs):
    x = np.asarray(args[0])
    axis = kwargs.get("axis")
    return x.size if axis is None else x.shape[axis]


def _rev_cumsum(v, axis):
    return K.flip(K.cumsum(K.flip(v, axis), axis), axis)


def _nancumsum_grad(g, out, x, axis=None, dtype=None):
    if axis is None:
        r = K.reshape(_rev_cumsum(K.reshape(g, (-1,)), 0), tensors.shape(x))
    else:
        r = _rev_cumsum(g, axis)
    return (r * _valid(x),)


def _nancumsum_scale(ctx):
    x = np.abs(np.nan_to_num(np.asarray(ctx.args[0], np.float64), nan=0.0))
    axis = ctx.kwargs.get("axis")
    return np.cumsum(x.ravel()) if axis is None else np.cumsum(x, axis=axis)


def _nanscan_cases(prod=False):
    def data(r, shape):
        x = r.uniform(0.6, 1.4, shape) if prod else r.standard_normal(shape)
        x[r.random(shape) < 0.2] = np.nan
        return x
    return [Case("flat", lambda r, dt: ((data(r, (6, 9)).astype(dt),), {})),
            Case("axis0", lambda r, dt: ((data(r, (20, 7)).astype(dt),), {"axis": 0})),
            Case("axis1", lambda r, dt: ((data(r, (6, 25)).astype(dt),), {"axis": 1})),
            Case("dtype_arg", lambda r, dt: ((r.integers(-3, 4, (4, 6)).astype(dt),), {"axis": 1, "dtype": "float32"}),
                 dtypes=("int32",), grad=False),
            Case("int", lambda r, dt: ((r.integers(-3, 4, (4, 5)).astype(dt),), {"axis": 1}),
                 dtypes=("int32", "int8"), grad=False),
            Case("bool", lambda r, dt: ((r.random((4, 5)) < 0.5,), {"axis": 0}), dtypes=("bool",), grad=False)]


@op(G, T.Ks(_scan_len, _nancumsum_scale), _nanscan_cases(), grad=_nancumsum_grad)
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (flattened if ``None``) treating NaN as zero; the result
    has ``dtype`` if given, else ``x``'s (int32 for bool).

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the result dtype (``None``: ``x``'s dtype, int32 for bool).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``).

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nancumsum(np.array([1.0, np.nan, 3.0]))
    array([1., 1., 4.])
    """
    x = np.asarray(x)
    out_dt = _scan_dtype(x, dtype)
    if x.dtype.kind == "f":
        x = np.where(np.isnan(x), 0, x)
    acc = np.float64 if out_dt.kind == "f" else out_dt
    return np.asarray(np.cumsum(x.astype(acc), axis=axis)).astype(out_dt)


def _nancumprod_grad(g, out, x, axis=None, dtype=None):
    safe = K.where(K.isnan(x), K.ones_like(x), x)
    if axis is None:
        r = K.reshape(_rev_cumsum(K.reshape(g * out, (-1,)), 0), tensors.shape(x))
    else:
        r = _rev_cumsum(g * out, axis)
    return (r * _valid(x) / safe,)


@op(G, T.Ks(_scan_len, lambda c: np.abs(c.exact)), _nanscan_cases(prod=True), grad=_nancumprod_grad)
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (flattened if ``None``) treating NaN as one; the
    result has ``dtype`` if given, else ``x``'s (int32 for bool).

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the result dtype (``None``: ``x``'s dtype, int32 for bool).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``).

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nancumprod(np.array([2.0, np.nan, 3.0]))
    array([2., 2., 6.])
    """
    x = np.asarray(x)
    out_dt = _scan_dtype(x, dtype)
    if x.dtype.kind == "f":
        x = np.where(np.isnan(x), 1, x)
    acc = np.float64 if out_dt.kind == "f" else out_dt
    return np.asarray(np.cumprod(x.astype(acc), axis=axis)).astype(out_dt)


# ------------------------------------------------------------------ simple reductions
def _ptp_grad(g, out, x, axis=None, keepdims=False):
    (gmax,) = _nan_extreme_grad(g, K.max(x, axis=axis, keepdims=keepdims), x, axis, keepdims)
    (gmin,) = _nan_extreme_grad(g, K.min(x, axis=axis, keepdims=keepdims), x, axis, keepdims)
    return (gmax - gmin,)


def _plain_cases():
    def mk(shape, **kw):
        return lambda r, dt: ((r.standard_normal(shape).astype(dt),), dict(kw))
    return [Case("all", mk((10, 12))), Case("axis1", mk((8, 9), axis=1)),
            Case("keepdims", mk((4, 5, 6), axis=(0, 2), keepdims=True)),
            Case("int", lambda r, dt: ((r.integers(-50, 50, (6, 7)).astype(dt),), {"axis": 0}),
                 dtypes=("int32", "int8"), grad=False)]


@op(G, T.E0, _plain_cases(), grad=_ptp_grad)
def ptp(x, axis=None, keepdims=False):
    """Range ``max - min`` over ``axis``, in ``x``'s dtype (bool is rejected).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``) (integers wrap on overflow).

    Raises:
        TypeError: when ``x`` is a bool tensor.
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ptp(np.array([[1, 5], [4, 2]]), axis=1)
    array([4, 2])
    """
    x = np.asarray(x)
    if x.dtype.kind == "b":
        raise TypeError("ptp: x has dtype bool; expected a numeric dtype")
    with np.errstate(all="ignore"):
        return np.asarray(np.ptp(x, axis=axis, keepdims=keepdims))


_COUNT_CASES = [
    Case("all", lambda r, dt: ((np.where(r.random((6, 7)) < 0.4, 0, r.standard_normal((6, 7))).astype(dt),), {}),
         dtypes=("float32", "int32"), grad=False),
    Case("axis", lambda r, dt: ((np.where(r.random((6, 7)) < 0.4, 0, 3).astype(dt),), {"axis": 1}),
         dtypes=("float32", "int8"), grad=False),
    Case("axes", lambda r, dt: ((r.random((3, 4, 5)) < 0.5,), {"axis": (0, 2)}), dtypes=("bool",), grad=False),
    Case("nan_counts", lambda r, dt: ((np.array([0.0, -0.0, np.nan, np.inf, 1.0]).astype(dt),), {}), grad=False),
]


@op(G, T.E0, _COUNT_CASES)
def count_nonzero(x, axis=None):
    """Number of non-zero entries over ``axis`` (all axes if ``None``) as int32 (NaN counts).

    Arguments:
        x: input tensor.
        axis: an axis or tuple (or list) of axes to count over (``None``: all axes).

    Returns:
        An int32 tensor of ``x``'s shape without the counted axes.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.count_nonzero(np.array([[0, 1, 2], [3, 0, 0]]), axis=1)
    array([2, 1], dtype=int32)
    """
    x = np.asarray(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    return np.asarray(np.count_nonzero(x, axis=axis)).astype(np.int32)


def _avg_weights(x, axis, weights):
    """``weights`` shaped to broadcast against ``x`` (same shape, or 1-D along ``axis``)."""
    w = np.asarray(weights)
    if w.shape == x.shape:
        return w
    if w.ndim != 1 or axis is None or isinstance(axis, (tuple, list)):
        raise ValueError(f"average: weights of shape {w.shape} do not match x of shape {x.shape}; expected "
                         f"x's shape, or a 1-D array along an int axis")
    a = axis % x.ndim
    if w.shape[0] != x.shape[a]:
        raise ValueError(f"average: weights has length {w.shape[0]}; expected x.shape[{axis}] = {x.shape[a]}")
    return w.reshape([-1 if i == a else 1 for i in range(x.ndim)])


def average(x, axis=None, weights=None):
    """Weighted mean ``sum(x * weights) / sum(weights)`` over ``axis`` (the plain mean without
    ``weights``); integers give floatx, the dtype is that of ``x`` and ``weights`` promoted.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to average over (``None``: all axes).
        weights: the weight of each entry: a tensor of ``x``'s shape, or a 1-D tensor of length
            ``x.shape[axis]`` when ``axis`` is an int (``None``: equal weights).

    Returns:
        A float tensor of ``x``'s shape without the averaged axes, in the promoted dtype of
        ``x`` and ``weights`` (``floatx()`` when that is an integer or bool dtype).

    Raises:
        ValueError: when ``weights`` has neither ``x``'s shape nor the 1-D shape above, or
            ``axis`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.average(np.array([1.0, 2.0, 3.0]), weights=np.array([3.0, 1.0, 0.0]))
    array(1.25)
    """
    if weights is None:
        x = as_float(x)
        return np.asarray(np.mean(x, axis=axis, dtype=x.dtype))
    dt = nd(dtypes.result_type(x, weights))
    if dt.kind != "f":
        dt = nd(dtypes.floatx())
    x = np.asarray(x).astype(dt)
    w = _avg_weights(x, axis, weights).astype(dt)
    with np.errstate(all="ignore"):
        num = np.sum(x * w, axis=axis, dtype=dt)
        den = np.sum(np.broadcast_to(w, x.shape), axis=axis, dtype=dt)
        return np.asarray(num / den)


def _average_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    axis = ctx.kwargs.get("axis")
    w = ctx.kwargs.get("weights")
    if w is None:
        return np.mean(np.abs(x), axis=axis)
    w = np.broadcast_to(_avg_weights(x, axis, np.asarray(w, np.float64)), x.shape)
    den = np.abs(np.sum(w, axis=axis))
    return (np.sum(np.abs(x * w), axis=axis) + np.abs(ctx.exact) * np.sum(np.abs(w), axis=axis)) / den


def _average_grad(g, out, x, axis=None, weights=None):
    if weights is None:
        n = tensors.size(x) if axis is None else tensors.shape(x)[axis]
        return (_expand(g, x, axis, False) / n, None)
    shape = tensors.shape(x)
    w = weights
    if tensors.shape(weights) != shape:
        a = axis % len(shape)
        w = K.reshape(weights, tuple(-1 if i == a else 1 for i in range(len(shape))))
    wb = K.broadcast_to(w, shape)
    den = _expand(K.sum(wb, axis=axis, keepdims=True), x, axis, True)
    ge = _expand(g, x, axis, False)
    gx = ge * wb / den
    gw = ge * (x - _expand(out, x, axis, False)) / den
    if tensors.shape(weights) != shape:
        a = axis % len(shape)
        gw = K.sum(gw, axis=tuple(i for i in range(len(shape)) if i != a))
    return (gx, gw)


_AVG_CASES = [
    Case("plain", lambda r, dt: ((r.standard_normal((6, 7)).astype(dt),), {"axis": 1})),
    Case("plain_all", lambda r, dt: ((r.standard_normal((6, 7)).astype(dt),), {})),
    Case("weights_full", lambda r, dt: ((r.standard_normal((6, 7)).astype(dt),),
                                        {"axis": 0, "weights": r.uniform(0.5, 2, (6, 7)).astype(dt)})),
    Case("weights_1d", lambda r, dt: ((r.standard_normal((5, 8)).astype(dt),),
                                      {"axis": 1, "weights": r.uniform(0.5, 2, (8,)).astype(dt)})),
    Case("weights_all", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt),),
                                       {"weights": r.uniform(0.5, 2, (4, 5)).astype(dt)})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (4, 5)).astype(dt),), {"axis": 1}), dtypes=("int32",), grad=False),
    Case("int_weights", lambda r, dt: ((r.integers(-9, 9, (4, 5)).astype(dt),),
                                       {"axis": 1, "weights": r.integers(1, 4, (5,)).astype(dt)}),
         dtypes=("int32",), grad=False),
]

op(G, T.Kr(_average_scale), _AVG_CASES, grad=_average_grad, tensors=("x", "weights"))(average)


# ------------------------------------------------------------------ order statistics
def _quantile(name, x, q, axis, method, keepdims, nan, q_scale=1.0):
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{name}: method={method!r} is invalid; expected one of {QUANTILE_METHODS}")
    x = as_float(x)
    qa = np.asarray(q, np.float64) / q_scale
    if np.any(~((qa >= 0) & (qa <= 1))):
        raise ValueError(f"{name}: q={q!r} is invalid; expected values in [0, {q_scale:g}]")
    if isinstance(axis, list):
        axis = tuple(axis)
    fn = np.nanquantile if nan else np.quantile
    out = _quiet(fn, x.astype(np.float64), qa, axis=axis, method=method, keepdims=keepdims)
    return np.asarray(out).astype(x.dtype)


def _q_length(args, kwargs):
    return T.reduced_length((args[0], kwargs.get("axis")), {})


_QTOL = T.Kr(_os.maxabs_scale, _q_length)


@op(G, _QTOL, _os.quantile_cases(), grad=_os.quantile_grad(False))
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1], scalar or 1-D: its dims lead the result) over
    ``axis``; ``method`` is ``'linear'``, ``'lower'``, ``'higher'``, ``'midpoint'`` or
    ``'nearest'`` (half to even), as NumPy. A slice holding NaN gives NaN; integers give floatx.

    Arguments:
        x: input tensor.
        q: the quantile(s) to compute, a number or a 1-D tensor of numbers in [0, 1].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.quantile(np.array([1.0, 2.0, 3.0, 4.0]), 0.5)
    array(2.5)
    >>> ops.quantile(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.25, 0.75]))
    array([1.75, 3.25])
    """
    return _quantile("quantile", x, q, axis, method, keepdims, False)


@op(G, _QTOL, _os.quantile_cases(q_scale=100.0), grad=_os.quantile_grad(False, 100.0))
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """:func:`quantile` with ``q`` in percent ([0, 100]).

    Arguments:
        x: input tensor.
        q: the percentile(s) to compute, a number or a 1-D tensor of numbers in [0, 100].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.percentile(np.array([1.0, 2.0, 3.0, 4.0]), 25)
    array(1.75)
    """
    return _quantile("percentile", x, q, axis, method, keepdims, False, 100.0)


@op(G, _QTOL, _os.quantile_cases(with_q=False), grad=_os.quantile_grad(False, fixed_q=0.5))
def median(x, axis=None, keepdims=False):
    """Median over ``axis`` (the mean of the two middle values for an even count); integers give
    floatx; a slice holding NaN gives NaN.

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
    >>> ops.median(np.array([[1.0, 3.0, 2.0], [4.0, 6.0, 5.0]]), axis=1)
    array([2., 5.])
    """
    return _quantile("median", x, 0.5, axis, "linear", keepdims, False)


@op(G, _QTOL, _os.quantile_cases(nan=True), grad=_os.quantile_grad(True))
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """:func:`quantile` of the non-NaN entries (NaN for an all-NaN slice).

    Arguments:
        x: input tensor; its NaN entries are left out.
        q: the quantile(s) to compute, a number or a 1-D tensor of numbers in [0, 1].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanquantile(np.array([1.0, np.nan, 3.0, 5.0]), 0.5)
    array(3.)
    """
    return _quantile("nanquantile", x, q, axis, method, keepdims, True)


@op(G, _QTOL, _os.quantile_cases(nan=True, q_scale=100.0), grad=_os.quantile_grad(True, 100.0))
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """:func:`percentile` of the non-NaN entries (NaN for an all-NaN slice).

    Arguments:
        x: input tensor; its NaN entries are left out.
        q: the percentile(s) to compute, a number or a 1-D tensor of numbers in [0, 100].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanpercentile(np.array([1.0, np.nan, 3.0, 5.0]), 50)
    array(3.)
    """
    return _quantile("nanpercentile", x, q, axis, method, keepdims, True, 100.0)


@op(G, _QTOL, _os.quantile_cases(nan=True, with_q=False), grad=_os.quantile_grad(True, fixed_q=0.5))
def nanmedian(x, axis=None, keepdims=False):
    """:func:`median` of the non-NaN entries (NaN for an all-NaN slice).

    Arguments:
        x: input tensor; its NaN entries are left out.
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
    >>> ops.nanmedian(np.array([1.0, np.nan, 3.0, 4.0]))
    array(3.)
    """
    return _quantile("nanmedian", x, 0.5, axis, "linear", keepdims, True)


# ------------------------------------------------------------------ histograms and bins
def _hist_cases():
    def spread(r, dt):  # min -4 and max 4 present: edges are exact in every float dtype
        x = np.concatenate([[-4.0, 4.0], r.uniform(-3.99, 3.99, 200)])
        return (x.astype(dt),), {"bins": 8}
    return [Case("auto_range", spread, grad=False),
            Case("range", lambda r, dt: ((r.standard_normal(300).astype(dt),), {"bins": 12, "range": (-3.0, 3.0)}),
                 grad=False),
            Case("default_bins", lambda r, dt: ((r.uniform(0.01, 0.99, 50).astype(dt),), {"range": (0, 1)}),
                 grad=False),
            Case("int", lambda r, dt: ((r.integers(0, 10, 40).astype(dt),), {"bins": 4, "range": (-0.5, 9.5)}),
                 dtypes=("int32",), grad=False)]


@op(G, T.Kr(lambda c: np.full(np.shape(c.exact), float(np.max(np.abs(c.exact), initial=1.0)))),
    _hist_cases(), tensors=("x",))
def histogram(x, bins=10, range=None):
    """``(counts, edges)`` of 1-D ``x`` over ``bins`` equal bins spanning ``range`` (default: the
    data's min and max); the last bin includes its right edge, values outside are dropped. Both
    outputs have ``x``'s float dtype (floatx for integers).

    Arguments:
        x: 1-D input tensor.
        bins: the number of equal-width bins, a positive int (default 10).
        range: ``(min, max)`` of the binned interval, with ``min <= max`` (``None``: the
            smallest and largest entry of ``x``).

    Returns:
        A tuple ``(counts, edges)``: ``counts`` of shape ``(bins,)`` and ``edges`` of shape
        ``(bins + 1,)``, both in ``x``'s float dtype (``floatx()`` for integer inputs).

    Raises:
        ValueError: when ``x`` is not 1-D, ``bins`` is not a positive int, or ``range`` has
            ``min > max``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> counts, edges = ops.histogram(np.array([0.0, 0.5, 1.0, 1.5, 4.0]), bins=4)
    >>> counts
    array([2., 2., 0., 1.])
    >>> edges
    array([0., 1., 2., 3., 4.])
    """
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: x has shape {x.shape}; expected a 1-D tensor")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"histogram: bins={bins!r} is invalid; expected a positive int")
    dt = as_float(x).dtype
    xf = x.astype(np.float64)
    if range is not None:
        lo, hi = float(range[0]), float(range[1])
        if not lo <= hi:
            raise ValueError(f"histogram: range={range!r} is invalid; expected (min, max) with min <= max")
        rng = (lo, hi)
    else:
        rng = None
    counts, edges = np.histogram(xf, bins=int(bins), range=rng)
    return counts.astype(dt), edges.astype(dt)


_BINCOUNT_CASES = [
    Case("plain", lambda r, dt: ((r.integers(0, 9, 50).astype(np.int32),), {}), dtypes=("int32",), grad=False),
    Case("minlength", lambda r, dt: ((r.integers(0, 4, 20).astype(np.int32),), {"minlength": 7}),
         dtypes=("int32",), grad=False),
    Case("weights", lambda r, dt: ((r.integers(0, 6, 40).astype(np.int32),),
                                   {"weights": r.standard_normal(40).astype(dt)})),
    Case("weights_batched", lambda r, dt: ((r.integers(0, 5, (3, 8)).astype(np.int32),),
                                           {"weights": r.standard_normal((3, 8)).astype(dt), "minlength": 7})),
    Case("weights_int", lambda r, dt: ((r.integers(0, 6, 40).astype(np.int32),),
                                       {"weights": r.integers(-5, 5, 40).astype(np.int32)}),
         dtypes=("int32",), grad=False),
    Case("batched", lambda r, dt: ((r.integers(0, 5, (3, 10)).astype(np.int32),), {"minlength": 6}),
         dtypes=("int32",), grad=False),
    Case("uint8", lambda r, dt: ((r.integers(0, 5, 12).astype(np.uint8),), {}), dtypes=("uint8",), grad=False),
]


def _bincount_grad(g, out, x, weights=None, minlength=0, sparse=False):
    """Each weight lands in bin ``x[i]``: its cotangent is ``g`` at that bin (per row for 2-D)."""
    if weights is None:
        return (None, None)
    return (None, K.take_along_axis(g, K.cast(x, "int32"), axis=-1))


@op(G, T.Kr(), _BINCOUNT_CASES, grad=_bincount_grad, tensors=("x", "weights"))
def bincount(x, weights=None, minlength=0, sparse=False):
    """Occurrences of each value ``0..max(x)`` (at least ``minlength`` bins) in non-negative int
    ``x`` (1-D, or 2-D counted per row); with ``weights`` their sums per value instead. int32
    counts; weighted sums have ``x`` and ``weights``'s promoted dtype.

    Arguments:
        x: 1-D or 2-D tensor of non-negative integers (a 2-D ``x`` is counted row by row).
        weights: a tensor of ``x``'s shape whose entries are summed per value instead of
            counting 1 (``None``: plain counts).
        minlength: the least number of bins (default 0).
        sparse: must be ``False``; dlx has no sparse tensors.

    Returns:
        A tensor of shape ``(max(max(x) + 1, minlength),)`` (with the row axis first for a 2-D
        ``x``): int32 counts, or sums in the promoted dtype of ``x`` and ``weights``.

    Raises:
        TypeError: when ``x`` is not of an integer dtype.
        ValueError: when ``x`` is not 1-D or 2-D, holds negative values, or ``sparse`` is true.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bincount(np.array([0, 1, 1, 3]))
    array([1, 2, 0, 1], dtype=int32)
    >>> ops.bincount(np.array([0, 1, 1]), weights=np.array([0.5, 1.0, 2.0]), minlength=3)
    array([0.5, 3. , 0. ])
    """
    if sparse:
        raise ValueError("bincount: sparse=True is not supported (dlx has no sparse tensors); pass sparse=False")
    x = np.asarray(x)
    if x.dtype.kind not in "iu":
        raise TypeError(f"bincount: x has dtype {x.dtype}; expected an integer dtype")
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x has shape {x.shape}; expected a 1-D or 2-D tensor")
    if x.size and x.min() < 0:
        raise ValueError("bincount: x holds negative values; expected non-negative integers")
    length = max(int(x.max()) + 1 if x.size else 0, int(minlength))
    dt = np.dtype(np.int32) if weights is None else nd(dtypes.result_type(x, weights))
    w = None if weights is None else np.asarray(weights, np.float64)
    rows = x.reshape(-1, x.shape[-1])
    ws = None if w is None else w.reshape(rows.shape)
    out = np.stack([np.bincount(rows[i], None if ws is None else ws[i], minlength=length)
                    for i in np.arange(rows.shape[0])]) if rows.shape[0] else np.zeros((0, length))
    return out.reshape((*x.shape[:-1], length)).astype(dt)


_DIGITIZE_CASES = [
    Case("increasing", lambda r, dt: ((r.uniform(-3, 3, (5, 8)).astype(dt), np.array([-2.0, -0.5, 0.0, 1.25, 2.5], dt)),
                                      {}), grad=False),
    Case("decreasing", lambda r, dt: ((r.uniform(-3, 3, 30).astype(dt), np.array([2.0, 0.5, -1.0], dt)), {}),
         grad=False),
    Case("on_edges", lambda r, dt: ((np.array([-1.0, 0.0, 1.0, 2.0, 3.0, np.nan], dt), np.array([0.0, 1.0, 2.0], dt)), {}),
         grad=False),
    Case("int", lambda r, dt: ((r.integers(-5, 5, 20).astype(dt), np.array([-2, 0, 3], dt)), {}),
         dtypes=("int32",), grad=False),
]


@op(G, T.E0, _DIGITIZE_CASES)
def digitize(x, bins):
    """Index of the bin of each entry of ``x`` as int32, for monotonic 1-D ``bins``: ``i`` with
    ``bins[i-1] <= x < bins[i]`` (increasing) or ``bins[i-1] > x >= bins[i]`` (decreasing).

    Arguments:
        x: input tensor of values to place.
        bins: 1-D tensor of bin edges, increasing or decreasing.

    Returns:
        An int32 tensor of ``x``'s shape with values in ``[0, len(bins)]`` (0 before the first
        edge, ``len(bins)`` past the last).

    Raises:
        ValueError: when ``bins`` is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.digitize(np.array([0.5, 1.5, 2.5, 3.5]), np.array([1.0, 2.0, 3.0]))
    array([0, 1, 2, 3], dtype=int32)
    """
    x, b = np.asarray(x), np.asarray(bins)
    if b.ndim != 1:
        raise ValueError(f"digitize: bins has shape {b.shape}; expected a 1-D tensor")
    return np.asarray(np.digitize(x, b)).astype(np.int32)


# ------------------------------------------------------------------ correlation
_CORRCOEF_CASES = [
    Case("rows", lambda r, dt: ((r.standard_normal((4, 30)).astype(dt),), {})),
    Case("correlated", lambda r, dt: (((lambda a: np.stack([a, 2 * a + 0.1 * r.standard_normal(50),
                                                             r.standard_normal(50)]))(r.standard_normal(50)).astype(dt),),
                                      {}), grad=False),
    Case("one_row", lambda r, dt: ((r.standard_normal(20).astype(dt),), {}), grad=False),
    Case("int", lambda r, dt: ((r.integers(-5, 5, (3, 12)).astype(np.int32),), {}), dtypes=("int32",), grad=False),
]


def _corrcoef_len(args, kwargs):
    return np.shape(args[0])[-1]


@op(G, T.Kc(_corrcoef_len, lambda c: np.full(np.shape(c.exact), 4.0)), _CORRCOEF_CASES, grad=_os.corrcoef_grad)
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x`` (1-D: one variable), clipped to
    [-1, 1]; integers give floatx.

    Arguments:
        x: a 2-D tensor with one variable per row and one observation per column, or a 1-D
            tensor (a single variable).

    Returns:
        The ``(rows, rows)`` correlation matrix (a scalar for 1-D ``x``), in ``x``'s float dtype
        (``floatx()`` for integer and bool inputs); a constant row gives NaN.

    Raises:
        ValueError: when ``x`` has more than 2 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.corrcoef(np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]])).round(4)
    array([[1.    , 0.9934],
           [0.9934, 1.    ]])
    """
    x = as_float(x)
    if x.ndim > 2:
        raise ValueError(f"corrcoef: x has shape {x.shape}; expected a 1-D or 2-D tensor")
    out = _quiet(np.corrcoef, x.astype(np.float64))
    return np.asarray(np.clip(out, -1.0, 1.0)).astype(x.dtype)


_CORRELATE_CASES = [
    Case(f"{mode}_{n1}_{n2}", (lambda n1, n2, mode: lambda r, dt: (
        (r.standard_normal(n1).astype(dt), r.standard_normal(n2).astype(dt)), {"mode": mode}))(n1, n2, mode))
    for mode in ("valid", "same", "full") for n1, n2 in ((12, 4), (5, 7), (6, 1))
] + [Case("int", lambda r, dt: ((r.integers(-4, 4, 9).astype(np.int32), r.integers(-4, 4, 3).astype(np.int32)),
                                {"mode": "full"}), dtypes=("int32",), grad=False)]


def _correlate_dtype(x1, x2):
    dt = nd(dtypes.result_type(x1, x2))
    if dt.kind == "f":
        return dt
    return np.dtype(np.float64) if dt.itemsize == 8 else nd(dtypes.floatx())


@op(G, T.Kc(lambda a, k: min(np.size(a[0]), np.size(a[1]))), _CORRELATE_CASES, grad=_os.correlate_grad)
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of 1-D ``x1`` and ``x2`` (``c[k] = sum_n x1[n + k] * x2[n]``) with
    NumPy's ``mode`` (``'valid'``, ``'same'``, ``'full'``). int64 inputs give float64, other
    integers floatx.

    Arguments:
        x1: first 1-D tensor.
        x2: second 1-D tensor (the one shifted along ``x1``).
        mode: which lags to keep: ``"valid"`` (full overlap only, length
            ``max(n1, n2) - min(n1, n2) + 1``), ``"same"`` (length ``max(n1, n2)``) or
            ``"full"`` (every overlap, length ``n1 + n2 - 1``).

    Returns:
        A 1-D tensor in the promoted float dtype of ``x1`` and ``x2`` (float64 when that dtype
        is a 64-bit integer, ``floatx()`` for other integer and bool dtypes).

    Raises:
        ValueError: when ``mode`` is not one of the three above or an input is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]), mode='full')
    array([0.5, 2. , 3.5, 3. , 0. ])
    """
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode={mode!r} is invalid; expected 'valid', 'same' or 'full'")
    dt = _correlate_dtype(x1, x2)
    a, b = np.asarray(x1), np.asarray(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"correlate: x1 and x2 have shapes {a.shape} and {b.shape}; expected 1-D tensors")
    return np.correlate(a.astype(np.float64), b.astype(np.float64), mode).astype(dt)
