"""Activation functions, by Keras 3 name, written in ``dlx.ops``.

``get("relu")`` returns :func:`relu`; ``serialize(relu) == "relu"``; ``get(None)`` is
:func:`linear`.

>>> import dlx, numpy as np
>>> with dlx.backend.use("numpy"):
...     get("relu6")(np.array([-1.0, 3.0, 9.0], np.float32)).tolist()
[0.0, 3.0, 6.0]
"""

from __future__ import annotations

from collections.abc import Callable

from dlx import ops
from dlx import serialization as _serialization


def relu(x, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0):
    """Rectified linear unit: ``max(x, threshold)``, with an optional slope below ``threshold``
    and a cap at ``max_value``.

    Arguments:
        x: the input tensor.
        negative_slope: the slope applied to ``x - threshold`` where ``x <= threshold``
            (``0.0``: those entries become zero).
        max_value: the largest value the output may take (``None``: no cap).
        threshold: the value at and below which ``x`` is zeroed (or scaled by ``negative_slope``).

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.relu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([0., 0., 0., 1., 3.])
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    if negative_slope != 0.0 and threshold == 0.0 and max_value is None:
        return ops.leaky_relu(x, negative_slope)
    y = ops.where(ops.greater(x, threshold), x, ops.zeros_like(x) if negative_slope == 0.0
                  else negative_slope * (x - threshold))
    if max_value is not None:
        y = ops.minimum(y, ops.cast(max_value, ops.dtype(y)))
    return y


def leaky_relu(x, negative_slope: float = 0.2):
    """``x`` for ``x > 0`` else ``negative_slope * x``.

    Arguments:
        x: the input tensor.
        negative_slope: the slope used for negative inputs.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.leaky_relu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0]), negative_slope=0.1), 4)
    array([-0.2 , -0.05,  0.  ,  1.  ,  3.  ])
    """
    return ops.leaky_relu(x, negative_slope)


def relu6(x):
    """``min(max(x, 0), 6)``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> activations.relu6(np.array([-1.0, 3.0, 8.0]))
    array([0., 3., 6.])
    """
    return ops.relu6(x)


def elu(x, alpha: float = 1.0):
    """Exponential linear unit.

    Arguments:
        x: the input tensor.
        alpha: the scale of the negative part, ``alpha * (exp(x) - 1)`` for ``x < 0``.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.elu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.8647, -0.3935,  0.    ,  1.    ,  3.    ])
    """
    return ops.elu(x, alpha)


def selu(x):
    """Scaled exponential linear unit (self-normalizing).

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.selu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-1.5202, -0.6918,  0.    ,  1.0507,  3.1521])
    """
    return ops.selu(x)


def celu(x, alpha: float = 1.0):
    """Continuously differentiable ELU.

    Arguments:
        x: the input tensor.
        alpha: the shape parameter of the negative part, ``alpha * (exp(x / alpha) - 1)``.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.celu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.8647, -0.3935,  0.    ,  1.    ,  3.    ])
    """
    return ops.celu(x, alpha)


def gelu(x, approximate: bool = False):
    """Gaussian error linear unit (exact erf form unless ``approximate``).

    Arguments:
        x: the input tensor.
        approximate: use the tanh approximation instead of the exact erf form.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.gelu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.0455, -0.1543,  0.    ,  0.8413,  2.996 ])
    """
    return ops.gelu(x, approximate)


def glu(x, axis: int = -1):
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` split ``x`` in two along ``axis``.

    Arguments:
        x: the input tensor.
        axis: the axis split into the halves ``a`` and ``b``; its size must be even.

    Returns:
        A tensor shaped like ``x`` with the size of ``axis`` halved.

    Raises:
        ValueError: when the (known) size of ``axis`` is odd.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.glu(np.array([[1.0, 2.0, 0.0, 1.0]])), 4)
    array([[0.5   , 1.4621]])
    """
    n = ops.tensors.shape(x)[axis]
    if n is not None and n % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even; received shape {ops.tensors.shape(x)}")
    a, b = ops.split(x, 2, axis)
    return a * ops.sigmoid(b)


def softmax(x, axis: int | tuple[int, ...] = -1):
    """Softmax along ``axis``.

    Arguments:
        x: the input tensor.
        axis: the axis along which the outputs sum to one, or a tuple of axes they sum to one
            over jointly.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.softmax(np.array([[1.0, 2.0, 3.0]])), 4)
    array([[0.09  , 0.2447, 0.6652]])
    """
    return ops.softmax(x, axis)


def log_softmax(x, axis: int | tuple[int, ...] = -1):
    """Log-softmax along ``axis``.

    Arguments:
        x: the input tensor.
        axis: the axis along which the softmax is normalized, or a tuple of axes normalized
            over jointly.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.log_softmax(np.array([[1.0, 2.0, 3.0]])), 4)
    array([[-2.4076, -1.4076, -0.4076]])
    """
    return ops.log_softmax(x, axis)


def sparsemax(x, axis: int = -1):
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Arguments:
        x: the input tensor.
        axis: the axis along which the outputs sum to one.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.sparsemax(np.array([[1.0, 2.0, 2.5]])), 4)
    array([[0.  , 0.25, 0.75]])
    """
    z = ops.moveaxis(x, axis, -1)
    zs = ops.flip(ops.sort(z, axis=-1), -1)
    n = ops.tensors.shape(z)[-1]
    k = ops.cast(ops.arange(1, n + 1), ops.dtype(z))
    cs = ops.cumsum(zs, axis=-1)
    support = ops.cast(ops.greater(1 + k * zs, cs), ops.dtype(z))
    kz = ops.sum(support, axis=-1, keepdims=True)
    tau = (ops.sum(zs * support, axis=-1, keepdims=True) - 1) / kz
    return ops.moveaxis(ops.maximum(z - tau, ops.zeros_like(z)), -1, axis)


def softplus(x):
    """``log(1 + exp(x))``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.softplus(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([0.1269, 0.4741, 0.6931, 1.3133, 3.0486])
    """
    return ops.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.softsign(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.6667, -0.3333,  0.    ,  0.5   ,  0.75  ])
    """
    return ops.softsign(x)


def soft_shrink(x, threshold: float = 0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0.

    Arguments:
        x: the input tensor.
        threshold: the half-width of the band around zero that is set to zero.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.soft_shrink(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-1.5,  0. ,  0. ,  0.5,  2.5])
    """
    return ops.where(ops.greater(x, threshold), x - threshold,
                     ops.where(ops.less(x, -threshold), x + threshold, ops.zeros_like(x)))


def hard_shrink(x, threshold: float = 0.5):
    """``x`` where ``|x| > threshold`` else 0.

    Arguments:
        x: the input tensor.
        threshold: entries with ``|x|`` at or below it become zero.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.hard_shrink(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-2.,  0.,  0.,  1.,  3.])
    """
    return ops.where(ops.greater(ops.abs(x), threshold), x, ops.zeros_like(x))


def sparse_plus(x):
    """0 for ``x <= -1``, ``(x + 1)^2 / 4`` for ``|x| < 1``, ``x`` for ``x >= 1``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.sparse_plus(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([0.    , 0.0625, 0.25  , 1.    , 3.    ])
    """
    return ops.where(ops.less_equal(x, -1.0), ops.zeros_like(x),
                     ops.where(ops.less(x, 1.0), ops.square(x + 1.0) / 4.0, x))


def sparse_sigmoid(x):
    """0 for ``x <= -1``, ``(x + 1) / 2`` for ``|x| < 1``, 1 for ``x >= 1``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.sparse_sigmoid(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([0.  , 0.25, 0.5 , 1.  , 1.  ])
    """
    return ops.clip(0.5 * (x + 1.0), 0.0, 1.0)


def squareplus(x, b: float = 4):
    """``(x + sqrt(x^2 + b)) / 2``.

    Arguments:
        x: the input tensor.
        b: the non-negative constant added under the square root; it sets how smooth the
            curve is near zero.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.squareplus(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([0.4142, 0.7808, 1.    , 1.618 , 3.3028])
    """
    return (x + ops.sqrt(ops.square(x) + b)) / 2.0


def silu(x):
    """``x * sigmoid(x)``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.silu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.2384, -0.1888,  0.    ,  0.7311,  2.8577])
    """
    return ops.silu(x)


swish = silu


def tanh(x):
    """Hyperbolic tangent.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.tanh(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.964 , -0.4621,  0.    ,  0.7616,  0.9951])
    """
    return ops.tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.tanh_shrink(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-1.036 , -0.0379,  0.    ,  0.2384,  2.0049])
    """
    return x - ops.tanh(x)


def hard_tanh(x):
    """``clip(x, -1, 1)``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.hard_tanh(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-1. , -0.5,  0. ,  1. ,  1. ])
    """
    return ops.clip(x, -1.0, 1.0)


def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.sigmoid(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([0.1192, 0.3775, 0.5   , 0.7311, 0.9526])
    """
    return ops.sigmoid(x)


def exponential(x):
    """``exp(x)``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.exponential(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([ 0.1353,  0.6065,  1.    ,  2.7183, 20.0855])
    """
    return ops.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.hard_sigmoid(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([0.1667, 0.4167, 0.5   , 0.6667, 1.    ])
    """
    return ops.hard_sigmoid(x)


def log_sigmoid(x):
    """``log(sigmoid(x))``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.log_sigmoid(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-2.1269, -0.9741, -0.6931, -0.3133, -0.0486])
    """
    return ops.log_sigmoid(x)


def hard_silu(x):
    """``x * hard_sigmoid(x)``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.hard_silu(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.3333, -0.2083,  0.    ,  0.6667,  3.    ])
    """
    return ops.hard_silu(x)


hard_swish = hard_silu


def linear(x):
    """The identity.

    Arguments:
        x: the input tensor.

    Returns:
        ``x`` itself.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.linear(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-2. , -0.5,  0. ,  1. ,  3. ])
    """
    return x


def mish(x):
    """``x * tanh(softplus(x))``.

    Arguments:
        x: the input tensor.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> np.round(activations.mish(np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), 4)
    array([-0.2525, -0.2207,  0.    ,  0.8651,  2.9865])
    """
    return ops.mish(x)


def threshold(x, threshold: float, default_value: float):
    """``x`` where ``x > threshold`` else ``default_value``.

    Arguments:
        x: the input tensor.
        threshold: entries at or below it are replaced.
        default_value: the value that replaces them.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> activations.threshold(np.array([-2.0, -0.5, 0.0, 1.0, 3.0]), threshold=0.5, default_value=0.0)
    array([0., 0., 0., 1., 3.])
    """
    return ops.where(ops.greater(x, threshold), x, ops.full_like(x, default_value))


ALL_OBJECTS = {f.__name__: f for f in (
    relu, leaky_relu, relu6, elu, selu, celu, gelu, glu, softmax, log_softmax, sparsemax, softplus, softsign,
    soft_shrink, hard_shrink, sparse_plus, sparse_sigmoid, squareplus, silu, tanh, tanh_shrink, hard_tanh, sigmoid,
    exponential, hard_sigmoid, log_sigmoid, hard_silu, linear, mish, threshold)}
ALIASES = {"swish": silu, "hard_swish": hard_silu}
_BY_ID = {id(f): n for n, f in ALL_OBJECTS.items()}


def get(identifier) -> Callable:
    """The activation function for a name, a serialized function, a callable or ``None``
    (:func:`linear`).

    Arguments:
        identifier: a built-in name (or the alias ``"swish"`` / ``"hard_swish"``), the name of a
            function registered with ``dlx.saving.register_keras_serializable``, a serialized
            config dict, a callable (returned as is) or ``None``.

    Returns:
        The activation callable.

    Raises:
        ValueError: for an unknown name, listing the known ones.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> activations.get("relu") is activations.relu
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = ALL_OBJECTS.get(identifier) or ALIASES.get(identifier)
        if fn is None:
            fn = _serialization.get_registered_object(identifier)
        if fn is None:
            raise ValueError(f"unknown activation {identifier!r}; expected one of "
                             f"{sorted([*ALL_OBJECTS, *ALIASES])} or a registered function")
        return fn
    if isinstance(identifier, dict):
        return _serialization.deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"activation={identifier!r} of type {type(identifier).__name__} is not a name or a callable")


def serialize(activation):
    """The name of a built-in activation, else the serialized function (or layer).

    Arguments:
        activation: a built-in activation function, a registered custom function or a layer.

    Returns:
        A string for a built-in activation, otherwise the config that
        ``dlx.saving.serialize_keras_object`` produces.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> activations.serialize(activations.relu)
    'relu'
    """
    if id(activation) in _BY_ID:
        return _BY_ID[id(activation)]
    return _serialization.serialize(activation)


def deserialize(config, custom_objects=None) -> Callable:
    """Inverse of :func:`serialize`.

    Arguments:
        config: a name (looked up in ``custom_objects`` first, then as in :func:`get`) or a
            serialized config dict.
        custom_objects: an optional mapping of names to classes or functions consulted while
            deserializing.

    Returns:
        The activation callable.

    Example:

    >>> import numpy as np
    >>> from dlx import activations
    >>> activations.deserialize("gelu") is activations.gelu
    True
    """
    if isinstance(config, str):
        if custom_objects and config in custom_objects:
            return custom_objects[config]
        return get(config)
    return _serialization.deserialize(config, custom_objects)


__all__ = sorted([*ALL_OBJECTS, *ALIASES, "deserialize", "get", "serialize"])
