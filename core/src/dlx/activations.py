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
    and a cap at ``max_value``."""
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
    """``x`` for ``x > 0`` else ``negative_slope * x``."""
    return ops.leaky_relu(x, negative_slope)


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return ops.relu6(x)


def elu(x, alpha: float = 1.0):
    """Exponential linear unit."""
    return ops.elu(x, alpha)


def selu(x):
    """Scaled exponential linear unit (self-normalizing)."""
    return ops.selu(x)


def celu(x, alpha: float = 1.0):
    """Continuously differentiable ELU."""
    return ops.celu(x, alpha)


def gelu(x, approximate: bool = False):
    """Gaussian error linear unit (exact erf form unless ``approximate``)."""
    return ops.gelu(x, approximate)


def glu(x, axis: int = -1):
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` split ``x`` in two along ``axis``."""
    n = ops.tensors.shape(x)[axis]
    if n is not None and n % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even; received shape {ops.tensors.shape(x)}")
    a, b = ops.split(x, 2, axis)
    return a * ops.sigmoid(b)


def softmax(x, axis: int = -1):
    """Softmax along ``axis``."""
    return ops.softmax(x, axis)


def log_softmax(x, axis: int = -1):
    """Log-softmax along ``axis``."""
    return ops.log_softmax(x, axis)


def sparsemax(x, axis: int = -1):
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
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
    """``log(1 + exp(x))``."""
    return ops.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``."""
    return ops.softsign(x)


def soft_shrink(x, threshold: float = 0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    return ops.where(ops.greater(x, threshold), x - threshold,
                     ops.where(ops.less(x, -threshold), x + threshold, ops.zeros_like(x)))


def hard_shrink(x, threshold: float = 0.5):
    """``x`` where ``|x| > threshold`` else 0."""
    return ops.where(ops.greater(ops.abs(x), threshold), x, ops.zeros_like(x))


def sparse_plus(x):
    """0 for ``x <= -1``, ``(x + 1)^2 / 4`` for ``|x| < 1``, ``x`` for ``x >= 1``."""
    return ops.where(ops.less_equal(x, -1.0), ops.zeros_like(x),
                     ops.where(ops.less(x, 1.0), ops.square(x + 1.0) / 4.0, x))


def sparse_sigmoid(x):
    """0 for ``x <= -1``, ``(x + 1) / 2`` for ``|x| < 1``, 1 for ``x >= 1``."""
    return ops.clip(0.5 * (x + 1.0), 0.0, 1.0)


def squareplus(x, b: float = 4):
    """``(x + sqrt(x^2 + b)) / 2``."""
    return (x + ops.sqrt(ops.square(x) + b)) / 2.0


def silu(x):
    """``x * sigmoid(x)``."""
    return ops.silu(x)


swish = silu


def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    return x - ops.tanh(x)


def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    return ops.clip(x, -1.0, 1.0)


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(x)


def exponential(x):
    """``exp(x)``."""
    return ops.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``."""
    return ops.hard_sigmoid(x)


def log_sigmoid(x):
    """``log(sigmoid(x))``."""
    return ops.log_sigmoid(x)


def hard_silu(x):
    """``x * hard_sigmoid(x)``."""
    return ops.hard_silu(x)


hard_swish = hard_silu


def linear(x):
    """The identity."""
    return x


def mish(x):
    """``x * tanh(softplus(x))``."""
    return ops.mish(x)


def threshold(x, threshold: float, default_value: float):
    """``x`` where ``x > threshold`` else ``default_value``."""
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

    Raises:
        ValueError: for an unknown name, listing the known ones.
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
    """The name of a built-in activation, else the serialized function (or layer)."""
    if id(activation) in _BY_ID:
        return _BY_ID[id(activation)]
    return _serialization.serialize(activation)


def deserialize(config, custom_objects=None) -> Callable:
    """Inverse of :func:`serialize`."""
    if isinstance(config, str):
        if custom_objects and config in custom_objects:
            return custom_objects[config]
        return get(config)
    return _serialization.deserialize(config, custom_objects)


__all__ = sorted([*ALL_OBJECTS, *ALIASES, "deserialize", "get", "serialize"])
