"""Sum, Mean and MeanMetricWrapper."""

from __future__ import annotations

from dlx import ops
from dlx.losses.loss import batch_size_of, squeeze_or_expand_to_same_rank, to_tensor
from dlx.metrics.metric import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weights ``values`` and reduces them to one value per sample (Keras 3 rules)."""
    values = to_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_nd, v_nd = len(sample_weight.shape), len(values.shape)
        if v_nd > w_nd:
            values = reduce_fn(values, axis=tuple(range(w_nd, v_nd)))
        sample_weight = ops.broadcast_to(sample_weight, tuple(values.shape))
        values = ops.multiply(values, sample_weight)
        if w_nd > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, w_nd)))
    if len(values.shape) > 1:
        values = reduce_fn(values, axis=tuple(range(1, len(values.shape))))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the values seen.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.Sum()
    >>> m.update_state(np.array([1.0, 3.0, 5.0, 7.0]))
    >>> m.result()
    array(16., dtype=float32)
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(dtype=dtype, name=name)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign(ops.add(self.total.value, ops.sum(values)))

    def result(self):
        return ops.cast(self.total.value, self.dtype)


class Mean(Metric):
    """The (weighted) mean of the values seen: ``sum(w * v) / sum(w)``.

    Arguments:
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.Mean()
    >>> m.update_state(np.array([1.0, 3.0, 5.0, 7.0]))
    >>> m.result()
    array(4., dtype=float32)
    >>> m.update_state(np.array([2.0]), sample_weight=np.array([4.0]))
    >>> m.result()
    array(3., dtype=float32)
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(dtype=dtype, name=name)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, ops.mean, self.dtype)
        self.total.assign(ops.add(self.total.value, ops.sum(values)))
        if sample_weight is not None:
            n = ops.sum(sample_weight)
        elif len(values.shape) >= 1:
            n = batch_size_of(values, self.dtype)
        else:
            n = 1.0
        self.count.assign(ops.add(self.count.value, ops.cast(n, self.dtype)))

    def result(self):
        from dlx.losses.loss import divide_no_nan

        return divide_no_nan(self.total.value, self.count.value)


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over every sample seen.

    Arguments:
        fn: a per-sample function (a loss function or a metric function).
        name: the metric name.
        dtype: the state dtype.
        **kwargs: passed to ``fn``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> from dlx import losses
    >>> m = metrics.MeanMetricWrapper(losses.mean_absolute_error, name="mae")
    >>> m.update_state(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]))
    >>> m.result()
    array(0.5, dtype=float32)
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_tensor(y_pred)
        y_true = to_tensor(y_true)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        cfg = super().get_config()
        if type(self) is MeanMetricWrapper:
            cfg["fn"] = getattr(self._fn, "__name__", repr(self._fn))
        cfg.update(self._fn_kwargs)
        return cfg

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is MeanMetricWrapper:
            from dlx import metrics

            fn = config["fn"]
            if isinstance(fn, str):
                if fn not in metrics.FUNCTIONS:
                    raise ValueError(f"MeanMetricWrapper.from_config: fn={fn!r} is not a built-in metric function; "
                                     f"expected one of {sorted(metrics.FUNCTIONS)}")
                config["fn"] = metrics.FUNCTIONS[fn]
        return cls(**config)
