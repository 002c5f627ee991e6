"""Accuracy metrics (functions return one value per sample)."""

from __future__ import annotations

from dlx import dtypes, ops
from dlx.losses.loss import squeeze_or_expand_to_same_rank, to_tensor
from dlx.metrics.reduction_metrics import MeanMetricWrapper


def accuracy(y_true, y_pred):
    """1 where ``y_true == y_pred`` exactly.

    Arguments:
        y_true: the labels (cast to ``y_pred``'s dtype).
        y_pred: the predicted values, of ``y_true``'s shape (a trailing axis of size 1 on
            either side is squeezed or added to match the other's rank).

    Returns:
        ``floatx()`` 1.0 / 0.0 per entry: the inputs' (matched) shape.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.accuracy(np.array([1, 2, 3]), np.array([1, 2, 0]))
    array([1., 1., 0.], dtype=float32)
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.cast(ops.equal(y_true, y_pred), dtypes.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where ``(y_pred > threshold) == y_true``.

    Arguments:
        y_true: binary labels, 0 or 1.
        y_pred: the predicted scores or probabilities, of ``y_true``'s shape (a trailing axis
            of size 1 on either side is squeezed or added to match the other's rank).
        threshold: a prediction above it counts as 1, otherwise 0.

    Returns:
        ``floatx()`` 1.0 / 0.0 per entry: the inputs' (matched) shape.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.binary_accuracy(np.array([[1.0, 0.0]]), np.array([[0.7, 0.6]]))
    array([[1., 0.]], dtype=float32)
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return ops.cast(ops.equal(y_true, y_pred), dtypes.floatx())


def categorical_accuracy(y_true, y_pred):
    """1 where ``argmax(y_true) == argmax(y_pred)`` (one-hot labels).

    Arguments:
        y_true: one-hot labels, classes on the last axis.
        y_pred: the predicted scores, of ``y_true``'s shape.

    Returns:
        ``floatx()`` 1.0 / 0.0 per entry: the inputs' shape without the last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.categorical_accuracy(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.2, 0.8], [0.3, 0.7]]))
    array([1., 0.], dtype=float32)
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    return ops.cast(ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1)), dtypes.floatx())


def _sparse_labels(y_true, y_pred):
    y_true = to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    return ops.cast(y_true, "int32")


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the integer label equals ``argmax(y_pred)``.

    Arguments:
        y_true: integer class indices, of ``y_pred``'s shape without its last axis (a trailing
            axis of size 1 is squeezed).
        y_pred: the predicted scores, classes on the last axis.

    Returns:
        ``floatx()`` 1.0 / 0.0 per entry: ``y_pred``'s shape without the last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.sparse_categorical_accuracy(np.array([1, 0]), np.array([[0.2, 0.8], [0.3, 0.7]]))
    array([1., 0.], dtype=float32)
    """
    y_pred = to_tensor(y_pred)
    y_true = _sparse_labels(y_true, y_pred)
    return ops.cast(ops.equal(y_true, ops.cast(ops.argmax(y_pred, axis=-1), "int32")), dtypes.floatx())


def _in_top_k(labels, y_pred, k):
    target = ops.take_along_axis(y_pred, ops.expand_dims(labels, -1), axis=-1)
    n_greater = ops.sum(ops.cast(ops.greater(y_pred, target), "int32"), axis=-1)
    return ops.cast(ops.less(n_greater, k), dtypes.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the true class (one-hot) is among the ``k`` highest scores (ties count as in).

    Arguments:
        y_true: one-hot labels, classes on the last axis.
        y_pred: the predicted scores, of ``y_true``'s shape.
        k: how many of the highest scores count: a hit when fewer than ``k`` classes score
            strictly higher than the true one.

    Returns:
        ``floatx()`` 1.0 / 0.0 per entry: the inputs' shape without the last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> y_true = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    >>> y_pred = np.array([[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]])
    >>> metrics.top_k_categorical_accuracy(y_true, y_pred, k=2)
    array([1., 0.], dtype=float32)
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    return _in_top_k(ops.cast(ops.argmax(y_true, axis=-1), "int32"), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1 where the integer label is among the ``k`` highest scores; with ``from_sorted_ids``
    ``y_pred`` holds class ids sorted by score.

    Arguments:
        y_true: integer class indices, of ``y_pred``'s shape without its last axis (a trailing
            axis of size 1 is squeezed).
        y_pred: the predicted scores, classes on the last axis; or, with ``from_sorted_ids``,
            class ids, best first.
        k: how many of the highest scores (or of the first ids) count; with scores, a hit when
            fewer than ``k`` classes score strictly higher than the true one.
        from_sorted_ids: whether ``y_pred`` holds sorted class ids rather than scores.

    Returns:
        ``floatx()`` 1.0 / 0.0 per entry: ``y_pred``'s shape without the last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> y_pred = np.array([[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]])
    >>> metrics.sparse_top_k_categorical_accuracy(np.array([2, 0]), y_pred, k=2)
    array([1., 0.], dtype=float32)
    """
    y_pred = to_tensor(y_pred)
    if from_sorted_ids:
        y_true = to_tensor(y_true)
        if len(y_true.shape) == len(y_pred.shape):
            y_true = ops.squeeze(y_true, -1)
        hit = ops.equal(ops.expand_dims(ops.cast(y_true, "int32"), -1), ops.cast(y_pred[..., :k], "int32"))
        return ops.cast(ops.any(hit, axis=-1), dtypes.floatx())
    return _in_top_k(_sparse_labels(y_true, y_pred), y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.Accuracy()
    >>> m.update_state(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4]))
    >>> m.result()
    array(0.75, dtype=float32)
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels.

    Arguments:
        threshold: a prediction above it counts as 1, otherwise 0.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.BinaryAccuracy(threshold=0.5)
    >>> m.update_state(np.array([[1.0], [0.0], [1.0]]), np.array([[0.8], [0.6], [0.3]]))
    >>> np.round(m.result(), 4)
    np.float32(0.3333)
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions matches the argmax of one-hot labels.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.CategoricalAccuracy()
    >>> m.update_state(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.2, 0.8], [0.3, 0.7]]))
    >>> m.result()
    array(0.5, dtype=float32)
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions matches integer labels.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.SparseCategoricalAccuracy()
    >>> m.update_state(np.array([1, 0]), np.array([[0.2, 0.8], [0.3, 0.7]]))
    >>> m.result()
    array(0.5, dtype=float32)
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is in the top ``k`` predictions.

    Arguments:
        k: how many of the highest scores count (ties with the true class count as hits).
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when ``k`` is not an int >= 1.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.TopKCategoricalAccuracy(k=2)
    >>> m.update_state(np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), np.array([[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]]))
    >>> m.result()
    array(0.5, dtype=float32)
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"TopKCategoricalAccuracy: k={k!r}; expected an int >= 1")
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is in the top ``k`` predictions.

    Arguments:
        k: how many of the highest scores (or of the first ids) count.
        from_sorted_ids: whether ``y_pred`` holds class ids sorted by score rather than scores.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when ``k`` is not an int >= 1.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.SparseTopKCategoricalAccuracy(k=2)
    >>> m.update_state(np.array([2, 0]), np.array([[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]]))
    >>> m.result()
    array(0.5, dtype=float32)
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"SparseTopKCategoricalAccuracy: k={k!r}; expected an int >= 1")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
