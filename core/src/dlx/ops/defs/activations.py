"""More activations and normalizing functions of Keras's ``nn`` group: shrinkage and hard/sparse
activations, ``swish`` / ``hard_swish`` (Keras's aliases of ``silu`` / ``hard_silu``), ``glu``,
``sparsemax``, ``normalize`` and ``psnr``. Split from :mod:`dlx.ops.defs.nn` to keep both short.
"""

from __future__ import annotations

import math

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import as_float, axis_tuple, float_promote, unary_cases
from dlx.ops.defs.nn import _sigmoid_np
from dlx.ops.spec import Case, op

G = "nn"


def _shape(x):
    return tensors.shape(x) if hasattr(x, "shape") else np.shape(x)


def _float(x):
    return x if "float" in tensors.dtype(x) else K.cast(x, "float32")


def _zero(g):
    return K.zeros_like(g)


# ------------------------------------------------------------------------------ elementwise
def _hard_tanh_grad(g, out, x):
    return (K.where(K.logical_and(K.greater(x, -1), K.less(x, 1)), g, _zero(g)),)


@op(G, T.E0, unary_cases(), grad=_hard_tanh_grad)
def hard_tanh(x):
    """``clip(x, -1, 1)``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hard_tanh(np.array([-2.0, 0.5, 3.0]))
    array([-1. ,  0.5,  1. ])
    """
    x = as_float(x)
    return np.clip(x, x.dtype.type(-1), x.dtype.type(1)).astype(x.dtype)


@op(G, T.E0, [*unary_cases(), Case("threshold_2", lambda r, dt: ((r.standard_normal((8, 9)).astype(dt) * 3,), {"threshold": 2.0}))],
    grad=lambda g, out, x, threshold=0.5: (K.where(K.greater(K.abs(x), threshold), g, _zero(g)),))
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        threshold: values with ``|x|`` at most this become 0.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hard_shrink(np.array([-1.0, 0.3, 2.0]))
    array([-1.,  0.,  2.])
    """
    x = as_float(x)
    return np.where(np.abs(x) > x.dtype.type(threshold), x, x.dtype.type(0)).astype(x.dtype)


@op(G, T.E1, [*unary_cases(), Case("threshold_1", lambda r, dt: ((r.standard_normal((8, 9)).astype(dt) * 3,), {"threshold": 1.0}))],
    grad=lambda g, out, x, threshold=0.5: (K.where(K.greater(K.abs(x), threshold), g, _zero(g)),))
def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        threshold: the amount every value is shrunk toward 0 by (values within it become 0).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.soft_shrink(np.array([-1.0, 0.3, 2.0]))
    array([-0.5,  0. ,  1.5])
    """
    x = as_float(x)
    t = x.dtype.type(threshold)
    with np.errstate(all="ignore"):
        return np.where(x > t, x - t, np.where(x < -t, x + t, x.dtype.type(0))).astype(x.dtype)


@op(G, T.E0, [
    Case("normal", lambda r, dt: ((r.standard_normal((16, 9)).astype(dt) * 3,), {"threshold": 0.5, "default_value": -1.0})),
    Case("special", lambda r, dt: ((np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -2.0]).astype(dt),), {"threshold": 0.0, "default_value": 0.0}), grad=False),
], grad=lambda g, out, x, threshold, default_value: (K.where(K.greater(x, threshold), g, _zero(g)),), tensors=("x",))
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        threshold: the value ``x`` must exceed to be kept (a Python number).
        default_value: the value that replaces every element at or below ``threshold``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.threshold(np.array([-1.0, 0.5, 2.0]), 1.0, 0.0)
    array([0., 0., 2.])
    """
    x = as_float(x)
    return np.where(x > threshold, x, x.dtype.type(default_value)).astype(x.dtype)


def _sparse_plus_grad(g, out, x):
    inner = K.logical_and(K.greater(x, -1), K.less(x, 1))
    return (K.where(inner, g * (x + 1) / 2, K.where(K.greater_equal(x, 1), g, _zero(g))),)


@op(G, T.T8, unary_cases(), grad=_sparse_plus_grad)
def sparse_plus(x):
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sparse_plus(np.array([-2.0, 0.0, 2.0]))
    array([0.  , 0.25, 2.  ])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        y = x + x.dtype.type(1)
        return np.where(x <= -1, x.dtype.type(0), np.where(x < 1, y * y / x.dtype.type(4), x)).astype(x.dtype)


@op(G, T.E1, unary_cases(),
    grad=lambda g, out, x: (K.where(K.logical_and(K.greater(x, -1), K.less(x, 1)), g / 2, _zero(g)),))
def sparse_sigmoid(x):
    """0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sparse_sigmoid(np.array([-2.0, 0.0, 0.5, 2.0]))
    array([0.  , 0.5 , 0.75, 1.  ])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        mid = (x + x.dtype.type(1)) * x.dtype.type(0.5)
        return np.where(x <= -1, x.dtype.type(0), np.where(x >= 1, x.dtype.type(1), mid)).astype(x.dtype)


def _squareplus_grad(g, out, x, b=4):
    s = K.sqrt(x * x + b)
    return (g * (1 + x / s) / 2,)


def _squareplus_decomposition(x, b=4):
    if b < 0:
        raise ValueError(f"squareplus: b={b!r}; expected b >= 0")
    x = _float(x)
    a = K.abs(x)
    sb = math.sqrt(b)
    m = K.maximum(a, sb)
    m = K.where(K.greater(m, 0), m, K.ones_like(m))
    s = m * K.sqrt(K.square(x / m) + K.square(sb / m))
    s = K.where(K.isinf(x), a, s)
    pos = K.greater_equal(x, 0)
    den = K.where(pos, K.ones_like(x), 2 * (s - x))
    return K.where(pos, (x + s) / 2, b / den)


@op(G, T.T8, [*unary_cases(), Case("b_1", lambda r, dt: ((r.standard_normal((8, 9)).astype(dt) * 3,), {"b": 1.0}))],
    grad=_squareplus_grad, decomposition=_squareplus_decomposition)
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, evaluated without cancellation (``b / (2 (s - x))`` for
    ``x < 0``) or overflow (``s = hypot(x, sqrt(b))``).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        b: the smoothness of the bend at 0 (``b = 0`` gives ``relu``); must be ``>= 0``.

    Returns:
        A float tensor of ``x``'s shape.

    Raises:
        ValueError: when ``b < 0``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.squareplus(np.array([-2.0, 0.0, 2.0])), 4)
    array([0.4142, 1.    , 2.4142])
    """
    x = as_float(x)
    if b < 0:
        raise ValueError(f"squareplus: b={b!r}; expected b >= 0")
    with np.errstate(all="ignore"):
        s = np.hypot(x, x.dtype.type(math.sqrt(b)))
        y = np.where(x >= 0, (x + s) / 2, x.dtype.type(b) / (2 * (s - x)))
        return np.where(np.isnan(x), x, y).astype(x.dtype)


@op(G, T.H8, unary_cases(), grad=lambda g, out, x: (g * K.square(K.tanh(x)),))
def tanh_shrink(x):
    """``x - tanh(x)``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.tanh_shrink(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.2384,  0.    ,  1.036 ])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        return (x - np.tanh(x)).astype(x.dtype)


# the derivative s (1 + x (1 - s)) cancels near its zero at x = -1.278: a looser normwise bound
@op(G, T.T8, unary_cases(), grad=lambda g, out, x: (g * (K.sigmoid(x) * (1 + x * (1 - K.sigmoid(x)))),),
    grad_tol=T.Normwise(32))
def swish(x):
    """``x * sigmoid(x)``: Keras's name for :func:`silu`.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.swish(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.2689,  0.    ,  1.7616])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        return (x * _sigmoid_np(x)).astype(x.dtype)


def _hard_swish_grad(g, out, x):
    d = K.where(K.less(x, -3), K.zeros_like(x), K.where(K.greater(x, 3), K.ones_like(x), (2 * x + 3) / 6))
    return (g * d,)


@op(G, T.T8, unary_cases(), grad=_hard_swish_grad)
def hard_swish(x):
    """``x * relu6(x + 3) / 6``: Keras's name for :func:`hard_silu`.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.hard_swish(np.array([-1.0, 0.0, 1.0, 4.0])), 4)
    array([-0.3333,  0.    ,  0.6667,  4.    ])
    """
    x = as_float(x)
    with np.errstate(all="ignore"):
        return (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype)


# ------------------------------------------------------------------------------ glu
def _glu_grad(g, out, x, axis=-1):
    a, b = K.split(x, 2, axis=axis)
    s = K.sigmoid(b)
    return (K.concatenate([g * s, g * a * s * (1 - s)], axis=axis),)


def _glu_check(x, axis):
    n = _shape(x)[axis]
    if n is not None and n % 2:
        raise ValueError(f"glu: x.shape[{axis}] = {n} (x.shape={_shape(x)}); expected an even size")


@op(G, T.Ulp(10), [
    Case("last", lambda r, dt: ((r.standard_normal((6, 10)).astype(dt) * 3,), {})),
    Case("axis0", lambda r, dt: ((r.standard_normal((8, 3, 5)).astype(dt) * 3,), {"axis": 0})),
], grad=_glu_grad)
def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the two halves of ``x`` along
    ``axis`` (its size must be even).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axis: the axis split in two halves; default the last.

    Returns:
        A float tensor of ``x``'s shape with ``axis`` halved.

    Raises:
        ValueError: when ``x.shape[axis]`` is odd.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.glu(np.array([1.0, 2.0, 0.0, 3.0])), 4)
    array([0.5   , 1.9051])
    """
    x = as_float(x)
    _glu_check(x, axis)
    a, b = np.split(x, 2, axis=axis)
    with np.errstate(all="ignore"):
        return (a * _sigmoid_np(b)).astype(x.dtype)


# ------------------------------------------------------------------------------ sparsemax
def _sparsemax_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    axis = ctx.kwargs.get("axis", -1)
    return np.abs(x) + np.sum(np.abs(x), axis=axis, keepdims=True) + 1


def _sparsemax_len(args, kwargs):
    return np.shape(args[0])[kwargs.get("axis", -1)] + 2


def _sparsemax_grad(g, out, x, axis=-1):
    s = K.cast(K.greater(out, 0), tensors.dtype(out))
    k = K.sum(s, axis=axis, keepdims=True)
    return (s * (g - K.sum(g * s, axis=axis, keepdims=True) / k),)


def _sparsemax_decomposition(x, axis=-1):
    x = _float(x)
    z = K.moveaxis(x, axis, -1)
    zs = -K.sort(-z, axis=-1)
    cs = K.cumsum(zs, axis=-1)
    n = tensors.shape(z)[-1]
    k = K.cast(K.arange(1, n + 1), tensors.dtype(x))
    support = K.greater(1 + k * zs, cs)
    kz = K.sum(K.cast(support, tensors.dtype(x)), axis=-1, keepdims=True)
    tau = (K.sum(K.where(support, zs, K.zeros_like(zs)), axis=-1, keepdims=True) - 1) / kz
    return K.moveaxis(K.maximum(z - tau, 0), -1, axis)


@op(G, T.Kr(_sparsemax_scale, _sparsemax_len), [
    Case("last", lambda r, dt: ((r.standard_normal((6, 10)).astype(dt),), {})),
    Case("axis0", lambda r, dt: ((r.standard_normal((7, 4)).astype(dt) * 2,), {"axis": 0})),
    Case("wide", lambda r, dt: ((r.standard_normal((3, 200)).astype(dt) * 0.1,), {})),
], grad=_sparsemax_grad, decomposition=_sparsemax_decomposition)
def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``:
    ``max(x - tau, 0)`` with ``tau`` chosen so the result sums to 1.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axis: the axis the result sums to 1 along; default the last.

    Returns:
        A float tensor of ``x``'s shape, non-negative, often with exact zeros.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sparsemax(np.array([1.0, 2.0, 0.0]))
    array([0., 1., 0.])
    """
    x = as_float(x)
    z = np.moveaxis(x, axis, -1)
    zs = -np.sort(-z, axis=-1)
    cs = np.cumsum(zs, axis=-1, dtype=np.float64 if x.dtype != np.float64 else None)
    k = np.arange(1, z.shape[-1] + 1)
    support = 1 + k * zs > cs
    kz = np.sum(support, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, axis=-1) - 1) / kz
    y = np.maximum(z - tau.astype(x.dtype), 0)
    return np.moveaxis(y, -1, axis).astype(x.dtype)


# ------------------------------------------------------------------------------ normalize
def _normalize_check(order, axis, ndim):
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: order={order!r}; expected an int >= 1")
    if order != 2 and not isinstance(axis, int):
        raise ValueError(f"normalize: axis={axis!r} with order={order}; a p-norm other than 2 "
                         "needs a single int axis (Keras computes a matrix norm there)")


def _normalize_grad(g, out, x, axis=-1, order=2, epsilon=None):
    eps = 1e-7 if epsilon is None else epsilon
    if tensors.ndim(x) == 0:
        x = K.expand_dims(x, 0)
        g = K.reshape(g, (1,))
        scalar = True
    else:
        scalar = False
    ax = axis_tuple(axis, tensors.ndim(x))
    if order == 2:
        n = K.sqrt(K.sum(x * x, axis=ax, keepdims=True))
        dn = x / n
    else:
        a = K.abs(x)
        n = K.power(K.sum(K.power(a, order), axis=ax, keepdims=True), 1.0 / order)
        dn = K.sign(x) * K.power(a / n, order - 1)
    clipped = K.less_equal(n, eps)
    nn_ = K.where(clipped, K.full_like(n, eps), n)
    gx = g / nn_ - K.where(clipped, K.zeros_like(n), K.sum(g * x, axis=ax, keepdims=True) / (nn_ * nn_)) * dn
    if scalar:
        gx = K.reshape(gx, ())
    return (gx,)


def _normalize_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    if x.ndim == 0:
        x = x[None]
    kw = ctx.kwargs
    eps = kw.get("epsilon") or 1e-7
    order = kw.get("order", 2)
    ax = axis_tuple(kw.get("axis", -1), x.ndim)
    n = np.sum(np.abs(x) ** order, axis=ax, keepdims=True) ** (1 / order)
    return np.abs(x) / np.maximum(n, eps) * 4


def _normalize_len(args, kwargs):
    x = np.asarray(args[0])
    if x.ndim == 0:
        return 4
    return int(np.prod([x.shape[a] for a in axis_tuple(kwargs.get("axis", -1), x.ndim)])) + 4


def _normalize_decomposition(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    if tensors.ndim(x) == 0:
        x = K.reshape(x, (1,))
    _normalize_check(order, axis, tensors.ndim(x))
    eps = 1e-7 if epsilon is None else epsilon
    ax = axis_tuple(axis, tensors.ndim(x))
    if order == 2:
        n = K.sqrt(K.sum(x * x, axis=ax, keepdims=True))
    else:
        n = K.power(K.sum(K.power(K.abs(x), order), axis=ax, keepdims=True), 1.0 / order)
    return x / K.maximum(n, eps)


@op(G, T.Kr(_normalize_scale, _normalize_len), [
    Case("l2", lambda r, dt: ((r.standard_normal((5, 8)).astype(dt),), {})),
    Case("l2_axes", lambda r, dt: ((r.standard_normal((3, 4, 5)).astype(dt),), {"axis": (1, 2)})),
    Case("l1_axis0", lambda r, dt: ((r.standard_normal((6, 4)).astype(dt),), {"axis": 0, "order": 1})),
    Case("l3", lambda r, dt: ((r.standard_normal((4, 6)).astype(dt),), {"order": 3})),
    Case("eps_floor", lambda r, dt: ((r.standard_normal((3, 4)).astype(dt) * 1e-3,), {"epsilon": 0.1})),
    Case("zeros", lambda r, dt: ((np.zeros((2, 3), dt),), {}), grad=False),
], grad=_normalize_grad, decomposition=_normalize_decomposition)
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x / max(norm(x, order), epsilon)`` along ``axis`` (``epsilon`` defaults to 1e-7, Keras's
    ``backend.epsilon()``). A scalar ``x`` is treated as a vector of length 1.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axis: the axis (or, for ``order=2``, a tuple of axes) the norm is taken over; default the
            last.
        order: the ``p`` of the p-norm, an int ``>= 1``.
        epsilon: the smallest norm divided by (guards against division by zero); ``None`` means
            ``1e-7``.

    Returns:
        A float tensor of ``x``'s shape (``(1,)`` for a scalar).

    Raises:
        ValueError: when ``order`` is not an int ``>= 1``, or when ``order != 2`` with an ``axis``
            that is not a single int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    x = as_float(x)
    if x.ndim == 0:
        x = x[None]
    _normalize_check(order, axis, x.ndim)
    eps = 1e-7 if epsilon is None else epsilon
    ax = axis_tuple(axis, x.ndim)
    with np.errstate(all="ignore"):
        if order == 2:
            m = np.max(np.abs(x), axis=ax, keepdims=True) if x.size else np.ones((), x.dtype)
            m = np.where(m == 0, np.ones_like(m), m)
            n = m * np.sqrt(np.sum((x / m) ** 2, axis=ax, keepdims=True, dtype=x.dtype))
        else:
            n = np.sum(np.abs(x) ** order, axis=ax, keepdims=True, dtype=x.dtype) ** x.dtype.type(1 / order)
        return (x / np.maximum(n, x.dtype.type(eps))).astype(x.dtype)


# ------------------------------------------------------------------------------ psnr
def _psnr_check(x1, x2):
    s1, s2 = _shape(x1), _shape(x2)
    if s1 != s2:
        raise ValueError(f"psnr: x1.shape={s1} and x2.shape={s2} must be equal")


def _psnr_grad(g, out, x1, x2, max_val):
    n = float(max(np.prod(tensors.shape(x1)), 1))
    d = x1 - x2
    mse = K.sum(d * d) / n
    c = 10.0 / math.log(10.0)
    gd = g * (-c * 2.0 / n) * d / mse
    gm = g * (2 * c) / max_val
    return gd, -gd, gm


def _psnr_scale(ctx):
    x1, x2, mv = (np.asarray(a, np.float64) for a in ctx.args[:3])
    mse = np.mean((x1 - x2) ** 2)
    return 20 * abs(np.log10(mv)) + 10 * abs(np.log10(mse)) + 10


def _psnr_decomposition(x1, x2, max_val):
    x1, x2 = _float(x1), _float(x2)
    dt = tensors.dtype(x1)
    if dt != tensors.dtype(x2):
        x2 = K.cast(x2, dt)
    _psnr_check(x1, x2)
    d = x1 - x2
    mse = K.mean(d * d)
    mv = K.cast(max_val, dt)
    c = 1.0 / math.log(10.0)
    return (20 * c) * K.log(mv) - (10 * c) * K.log(mse)


@op(G, T.Kr(_psnr_scale, lambda a, k: np.size(a[0]) + 4), [
    Case("image", lambda r, dt: ((r.random((2, 6, 6, 3)).astype(dt), r.random((2, 6, 6, 3)).astype(dt), 1.0), {})),
    Case("max255", lambda r, dt: (((r.random((8, 8)) * 255).astype(dt), (r.random((8, 8)) * 255).astype(dt), 255.0), {})),
    Case("tensor_max", lambda r, dt: ((r.random((4, 5)).astype(dt), r.random((4, 5)).astype(dt), np.asarray(2.0, dt)), {})),
], grad=_psnr_grad, decomposition=_psnr_decomposition)
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: ``20 log10(max_val) - 10 log10(mean((x1 - x2)**2))``
    over all elements (a scalar).

    Arguments:
        x1: the first signal or image batch.
        x2: the second, the same shape as ``x1``.
        max_val: the largest possible value of the signal (e.g. 1.0 or 255).

    Returns:
        A float scalar tensor (``inf`` for identical inputs).

    Raises:
        ValueError: when ``x1`` and ``x2`` differ in shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([0.0, 0.5, 1.0])
    >>> print(np.round(ops.psnr(x, x + 0.1, max_val=1.0), 4))
    20.0
    """
    x1, x2 = float_promote(x1, x2)
    _psnr_check(x1, x2)
    d = x1 - x2
    mse = np.mean(d * d, dtype=x1.dtype)
    mv = np.asarray(max_val, x1.dtype)
    with np.errstate(all="ignore"):
        return np.asarray(20 * np.log10(mv) - 10 * np.log10(mse)).astype(x1.dtype)
