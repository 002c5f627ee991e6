"""Correlation metrics: Pearson's r and Lin's concordance correlation, per sample along ``axis``
and averaged over the samples seen."""

from __future__ import annotations

from dlx import config, ops
from dlx.losses.loss import squeeze_or_expand_to_same_rank, to_tensor
from dlx.metrics.reduction_metrics import MeanMetricWrapper


def _pair(y_true, y_pred):
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient between ``y_true`` and ``y_pred`` along ``axis``.

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).
        axis: the axis along which the coefficient is computed.

    Returns:
        The coefficients, in ``[-1, 1]``: the inputs' shape without ``axis`` (NaN where either
        side is constant along ``axis``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> np.round(metrics.pearson_correlation(np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 4.0, 5.0]])), 4)
    array([0.982])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    t = ops.subtract(y_true, ops.mean(y_true, axis=axis, keepdims=True))
    p = ops.subtract(y_pred, ops.mean(y_pred, axis=axis, keepdims=True))
    t = ops.divide(t, ops.std(t, axis=axis, keepdims=True))
    p = ops.divide(p, ops.std(p, axis=axis, keepdims=True))
    return ops.mean(ops.multiply(t, p), axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis``:
    ``2 cov(t, p) / (var(t) + var(p) + (mean(t) - mean(p))**2)``.

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).
        axis: the axis along which the coefficient is computed.

    Returns:
        The coefficients, in ``[-1, 1]``: the inputs' shape without ``axis`` (``epsilon`` is
        added to the denominator).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> np.round(metrics.concordance_correlation(np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 4.0, 5.0]])), 4)
    array([0.4])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    mt = ops.mean(y_true, axis=axis, keepdims=True)
    mp = ops.mean(y_pred, axis=axis, keepdims=True)
    cov = ops.mean(ops.multiply(ops.subtract(y_true, mt), ops.subtract(y_pred, mp)), axis=axis, keepdims=True)
    norm = ops.add(ops.add(ops.var(y_true, axis=axis, keepdims=True), ops.var(y_pred, axis=axis, keepdims=True)),
                   ops.square(ops.subtract(mt, mp)))
    return ops.squeeze(ops.divide(ops.multiply(2.0, cov), ops.add(norm, config.epsilon())), axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean over samples of Pearson's r along ``axis``.

    Arguments:
        axis: the axis along which each sample's coefficient is computed.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.PearsonCorrelation()
    >>> m.update_state(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.5, 2.5, 4.5]))
    >>> np.round(m.result(), 4)
    np.float32(0.9439)
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean over samples of Lin's concordance correlation coefficient along ``axis``.

    Arguments:
        axis: the axis along which each sample's coefficient is computed.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.ConcordanceCorrelation()
    >>> m.update_state(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.5, 2.5, 4.5]))
    >>> np.round(m.result(), 4)
    np.float32(0.9333)
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
