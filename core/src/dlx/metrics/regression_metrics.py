"""Regression metrics: mean errors, RMSE, cosine similarity, log-cosh and R2."""

from __future__ import annotations

from dlx import losses, ops
from dlx.losses.loss import batch_size_of, divide_no_nan, squeeze_or_expand_to_same_rank, to_tensor
from dlx.metrics.metric import Metric
from dlx.metrics.reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity along ``axis`` (1: same direction).

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).
        axis: the axis along which both are L2-normalized and their product summed.

    Returns:
        The per-sample similarities, in ``[-1, 1]``: the inputs' shape without ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.cosine_similarity(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]]))
    array([0., 1.])
    """
    return ops.negative(losses.cosine_similarity(y_true, y_pred, axis=axis))


class MeanSquaredError(MeanMetricWrapper):
    """Mean of ``(y_true - y_pred)**2``.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.MeanSquaredError()
    >>> m.update_state(np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]]))
    >>> np.round(m.result(), 4)
    np.float32(0.5)
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of ``|y_true - y_pred|``.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.MeanAbsoluteError()
    >>> m.update_state(np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]]))
    >>> np.round(m.result(), 4)
    np.float32(0.5)
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean absolute percentage error.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.MeanAbsolutePercentageError()
    >>> m.update_state(np.array([[2.0, 4.0]]), np.array([[1.0, 5.0]]))
    >>> np.round(m.result(), 4)
    np.float32(37.5)
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean squared logarithmic error.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.MeanSquaredLogarithmicError()
    >>> m.update_state(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]))
    >>> np.round(m.result(), 4)
    np.float32(0.2402)
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """Mean of ``log(cosh(y_pred - y_true))``.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.LogCoshError()
    >>> m.update_state(np.array([[0.0, 0.0]]), np.array([[1.0, -1.0]]))
    >>> np.round(m.result(), 4)
    np.float32(0.4338)
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions along ``axis``.

    Arguments:
        axis: the axis along which the cosine similarity is computed.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.CosineSimilarity()
    >>> m.update_state(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]]))
    >>> np.round(m.result(), 4)
    np.float32(0.5)
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """``sqrt(mean((y_true - y_pred)**2))`` over every element seen.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.RootMeanSquaredError()
    >>> m.update_state(np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]]))
    >>> np.round(m.result(), 4)
    np.float32(0.7071)
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_tensor(y_pred, self.dtype)
        y_true = to_tensor(y_true, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(ops.square(ops.subtract(y_pred, y_true)), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(divide_no_nan(self.total.value, self.count.value))


class R2Score(Metric):
    """The coefficient of determination ``1 - SS_res / SS_tot`` per output, aggregated.

    Arguments:
        class_aggregation: ``"uniform_average"`` (default), ``"variance_weighted_average"`` or
            ``None`` (one score per output).
        num_regressors: for the adjusted R2 (0: plain R2).
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.R2Score()
    >>> m.update_state(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [2.0], [2.0]]))
    >>> np.round(m.result(), 4)
    np.float32(0.5)
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in ("uniform_average", "variance_weighted_average", None):
            raise ValueError(f"R2Score: class_aggregation={class_aggregation!r}; expected 'uniform_average', "
                             "'variance_weighted_average' or None")
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors={num_regressors!r}; expected an int >= 0")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.built = False

    def build(self, y_true_shape=None, y_pred_shape=None):
        if self.built:
            return
        shape = tuple(y_true_shape or (None, 1))
        if len(shape) not in (1, 2):
            raise ValueError(f"R2Score expects 1D or 2D labels; got shape {shape}")
        n = 1 if len(shape) == 1 else int(shape[-1])
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self.squared_sum = self.add_variable((n,), "zeros", name="squared_sum")
        self.sum = self.add_variable((n,), "zeros", name="sum")
        self.total_mse = self.add_variable((n,), "zeros", name="residual")
        self.count = self.add_variable((n,), "zeros", name="count")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_tensor(y_true, self.dtype)
        y_pred = to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        self.build(tuple(y_true.shape))
        if len(y_true.shape) == 1:
            y_true, y_pred = ops.expand_dims(y_true, 1), ops.expand_dims(y_pred, 1)
        sw = ops.ones_like(y_true) if sample_weight is None else to_tensor(sample_weight, self.dtype)
        if len(sw.shape) == 1:
            sw = ops.expand_dims(sw, 1)
        sw = ops.broadcast_to(sw, tuple(y_true.shape))
        wy = ops.multiply(y_true, sw)
        self.sum.assign(ops.add(self.sum.value, ops.sum(wy, axis=0)))
        self.squared_sum.assign(ops.add(self.squared_sum.value, ops.sum(ops.multiply(y_true, wy), axis=0)))
        self.total_mse.assign(ops.add(self.total_mse.value,
                                      ops.sum(ops.multiply(ops.square(ops.subtract(y_true, y_pred)), sw), axis=0)))
        self.count.assign(ops.add(self.count.value, ops.sum(sw, axis=0)))
        self.num_samples.assign(ops.add(self.num_samples.value, batch_size_of(y_true, self.dtype)))

    def result(self):
        if not self.built:
            raise ValueError("R2Score.result() before any update_state(): the metric has no data")
        mean = ops.divide(self.sum.value, self.count.value)
        total = ops.subtract(self.squared_sum.value, ops.multiply(self.sum.value, mean))
        raw = ops.subtract(1.0, ops.divide(self.total_mse.value, total))
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            r2 = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
        else:
            r2 = raw
        if self.num_regressors:
            n = self.num_samples.value
            p = float(self.num_regressors)
            r2 = ops.where(ops.greater(n, p + 1.0),
                           ops.subtract(1.0, ops.divide(ops.multiply(ops.subtract(1.0, r2), ops.subtract(n, 1.0)),
                                                        ops.maximum(ops.subtract(ops.subtract(n, p), 1.0), 1.0))),
                           r2)
        return r2

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}

