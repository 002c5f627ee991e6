"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from __future__ import annotations

import warnings

from dlx import activations, constraints, initializers, ops, regularizers
from dlx.layers.layer import Layer


class _Elementwise(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class ReLU(_Elementwise):
    """``max(x, threshold)`` with ``negative_slope`` below the threshold and an optional cap.

    ``x`` above ``threshold``, ``negative_slope * (x - threshold)`` at or below it; then capped
    at ``max_value``.

    Arguments:
        max_value: the largest output (``None``: no cap); non-negative.
        negative_slope: the slope at or below ``threshold`` (non-negative; 0: the output is 0 there).
        threshold: where the output switches from the negative slope to the identity.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``max_value`` or ``negative_slope`` is negative.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.ReLU()(np.array([-2.0, -0.5, 0.0, 3.0, 8.0], "float32"))
    array([0., 0., 0., 3., 8.], dtype=float32)
    >>> layers.ReLU(max_value=6.0, negative_slope=0.1)(np.array([-2.0, -0.5, 0.0, 3.0, 8.0], "float32"))
    array([-0.2 , -0.05,  0.  ,  3.  ,  6.  ], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU '{self.name}': max_value={max_value!r} must be non-negative")
        if negative_slope < 0:
            raise ValueError(f"ReLU '{self.name}': negative_slope={negative_slope!r} must be non-negative")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        return activations.relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(_Elementwise):
    """``x`` for ``x > 0`` else ``negative_slope * x``.

    Arguments:
        negative_slope: the slope for negative inputs.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...); Keras 2's ``alpha``
            is still taken as ``negative_slope``, with a deprecation warning.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.LeakyReLU(negative_slope=0.1)(np.array([-2.0, -0.5, 0.0, 3.0, 8.0], "float32"))
    array([-0.2 , -0.05,  0.  ,  3.  ,  8.  ], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # Keras 2's name (Keras 3 takes it too, and warns)
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: the argument `alpha` is deprecated; use `negative_slope`",
                          UserWarning, stacklevel=2)
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs):
        return ops.leaky_relu(inputs, self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_Elementwise):
    """Exponential linear unit: ``x`` for ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Arguments:
        alpha: the scale of the negative part (its limit is ``-alpha``).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> np.round(layers.ELU(alpha=1.0)(np.array([-2.0, -0.5, 0.0, 3.0, 8.0], "float32")), 4)
    array([-0.8647, -0.3935,  0.    ,  3.    ,  8.    ], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return ops.elu(inputs, self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(_Elementwise):
    """Softmax along ``axis``; masked positions (``mask`` False) get probability 0.

    Arguments:
        axis: the axis (or list of axes, normalized together) the probabilities sum to 1 over.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> np.round(layers.Softmax()(np.array([[1.0, 2.0, 3.0]], "float32")), 4)
    array([[0.09  , 0.2447, 0.6652]], dtype=float32)
    >>> mask = np.array([[True, True, False]])
    >>> np.round(layers.Softmax()(np.array([[1.0, 2.0, 3.0]], "float32"), mask=mask), 4)
    array([[0.2689, 0.7311, 0.    ]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            big = -1e9 if ops.dtype(inputs) != "float16" else -3e4
            inputs = ops.where(ops.cast(mask, "bool"), inputs, ops.full_like(inputs, big))
        if isinstance(self.axis, (list, tuple)):
            return ops.exp(inputs - ops.logsumexp(inputs, axis=tuple(self.axis), keepdims=True))
        return ops.softmax(inputs, axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class PReLU(_Elementwise):
    """Parametric ReLU: ``x`` for ``x >= 0`` else ``alpha * x`` with a learned ``alpha`` per
    element of the input's non-batch shape (of size 1 along ``shared_axes``).

    Arguments:
        alpha_initializer, alpha_regularizer, alpha_constraint: for the ``alpha`` weight.
        shared_axes: axes (1 = the first non-batch axis) along which ``alpha`` is shared, e.g.
            ``[1, 2]`` for one slope per channel of ``(batch, h, w, c)`` images.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.PReLU()
    >>> layer(np.array([[-2.0, -0.5, 0.0, 3.0]], "float32"))
    array([[0., 0., 0., 3.]], dtype=float32)
    >>> layer.alpha.shape
    (4,)
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.built = False
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = [int(a) for a in (shared_axes if isinstance(shared_axes, (list, tuple))
                                                 else [shared_axes])]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for a in self.shared_axes or ():
            if not 1 <= a < len(input_shape):
                raise ValueError(f"PReLU '{self.name}': shared_axes={self.shared_axes} has axis {a}, out of range "
                                 f"[1, {len(input_shape) - 1}] for inputs of shape {tuple(input_shape)}")
            shape[a - 1] = 1
        if None in shape:
            raise ValueError(f"PReLU '{self.name}': every non-shared axis must have a known size; received input "
                             f"shape {tuple(input_shape)}")
        self.alpha = self.add_weight(shape=shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint,
                                     name="alpha")

    def call(self, inputs):
        return ops.relu(inputs) - self.alpha * ops.relu(-inputs)

    def get_config(self) -> dict:
        def ser(m, o):
            return None if o is None else m.serialize(o)

        return {**super().get_config(), "alpha_initializer": ser(initializers, self.alpha_initializer),
                "alpha_regularizer": ser(regularizers, self.alpha_regularizer),
                "alpha_constraint": ser(constraints, self.alpha_constraint), "shared_axes": self.shared_axes}


__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
