"""Metrics named after losses: the mean over every sample seen of the loss function
(cross-entropies, the hinge family, KL divergence, Poisson)."""

from __future__ import annotations

from dlx import losses
from dlx.metrics.reduction_metrics import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy.

    Arguments:
        from_logits: predictions are logits (else probabilities).
        label_smoothing: labels are squeezed toward 0.5 by this amount.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.BinaryCrossentropy()
    >>> m.update_state(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]]))
    >>> np.round(m.result(), 4)
    np.float32(0.1643)
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy of one-hot labels (see :class:`BinaryCrossentropy`; ``axis``
    is the class axis).

    Arguments:
        from_logits: whether ``y_pred`` holds logits (else probabilities).
        label_smoothing: ``s``: the one-hot labels become ``y_true * (1 - s) + s / C`` for ``C`` classes.
        axis: the class axis.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.CategoricalCrossentropy()
    >>> m.update_state(np.array([[0.0, 1.0, 0.0]]), np.array([[0.05, 0.9, 0.05]]))
    >>> np.round(m.result(), 4)
    np.float32(0.1054)
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        super().__init__(losses.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean cross-entropy of integer labels; entries labelled ``ignore_class`` count as 0 (as in
    Keras, they stay in the mean's denominator).

    Arguments:
        from_logits: whether ``y_pred`` holds logits (else probabilities).
        ignore_class: a label value whose entries count as 0 (``None``: none ignored).
        axis: the class axis of ``y_pred``.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.SparseCategoricalCrossentropy()
    >>> m.update_state(np.array([1]), np.array([[0.05, 0.9, 0.05]]))
    >>> np.round(m.result(), 4)
    np.float32(0.1054)
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None,
                 axis=-1):
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)


class Hinge(MeanMetricWrapper):
    """Mean hinge loss (labels in {-1, 1} or {0, 1}).

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.Hinge()
    >>> m.update_state(np.array([[1.0, -1.0]]), np.array([[0.5, 0.5]]))
    >>> np.round(m.result(), 4)
    np.float32(1.0)
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(losses.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.SquaredHinge()
    >>> m.update_state(np.array([[1.0, -1.0]]), np.array([[0.5, 0.5]]))
    >>> np.round(m.result(), 4)
    np.float32(1.25)
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.CategoricalHinge()
    >>> m.update_state(np.array([[0.0, 1.0]]), np.array([[0.4, 0.6]]))
    >>> np.round(m.result(), 4)
    np.float32(0.8)
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(losses.categorical_hinge, name=name, dtype=dtype)


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.KLDivergence()
    >>> m.update_state(np.array([[0.5, 0.5]]), np.array([[0.25, 0.75]]))
    >>> np.round(m.result(), 4)
    np.float32(0.1438)
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Mean Poisson loss ``y_pred - y_true * log(y_pred)``.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.Poisson()
    >>> m.update_state(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]]))
    >>> np.round(m.result(), 4)
    np.float32(1.0)
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name=name, dtype=dtype)
