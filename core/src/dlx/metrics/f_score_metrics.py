"""F-beta and F1 scores."""

from __future__ import annotations

from dlx import config, ops
from dlx.losses.loss import to_tensor
from dlx.metrics.metric import Metric


class FBetaScore(Metric):
    """``(1 + beta**2) * P * R / (beta**2 * P + R)`` from per-class TP/FP/FN counts.

    Arguments:
        average: ``None`` (one score per class), ``"micro"``, ``"macro"`` or ``"weighted"``.
        beta: the weight of recall.
        threshold: predictions above it are positive; ``None``: the row's argmax is positive.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.FBetaScore(beta=2.0, threshold=0.5, average="micro")
    >>> m.update_state(np.array([[1, 0, 1], [0, 1, 0]]), np.array([[0.9, 0.1, 0.3], [0.2, 0.8, 0.6]]))
    >>> np.round(m.result(), 4)
    np.float32(0.6667)
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"{type(self).__name__}: average={average!r}; expected None, 'micro', 'macro' or "
                             "'weighted'")
        if not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{type(self).__name__}: beta={beta!r}; expected a positive float")
        if threshold is not None and not (isinstance(threshold, (int, float)) and 0 < threshold <= 1):
            raise ValueError(f"{type(self).__name__}: threshold={threshold!r}; expected a float in (0, 1]")
        self.average = average
        self.beta = float(beta)
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self.built = False

    def build(self, y_true_shape=None, y_pred_shape=None):
        if self.built:
            return
        shape = y_true_shape or y_pred_shape
        if shape is None or len(shape) != 2:
            raise ValueError(f"{type(self).__name__} expects 2D inputs (batch, num_classes); got shape {shape}")
        init_shape = () if self.average == "micro" else (int(shape[-1]),)
        self.true_positives = self.add_variable(init_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(init_shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(init_shape, "zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(init_shape, "zeros", name="intermediate_weights")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_tensor(y_true, self.dtype)
        y_pred = to_tensor(y_pred, self.dtype)
        self.build(tuple(y_true.shape), tuple(y_pred.shape))
        if self.threshold is None:
            top = ops.max(y_pred, axis=-1, keepdims=True)
            pred = ops.logical_and(ops.greater_equal(y_pred, top), ops.greater(ops.abs(y_pred), 1e-9))
        else:
            pred = ops.greater(y_pred, self.threshold)
        pred = ops.cast(pred, self.dtype)

        def wsum(v):
            if sample_weight is not None:
                v = ops.multiply(v, ops.expand_dims(to_tensor(sample_weight, self.dtype), 1))
            return ops.sum(v, axis=self.axis)

        self.true_positives.assign(ops.add(self.true_positives.value, wsum(ops.multiply(pred, y_true))))
        self.false_positives.assign(ops.add(self.false_positives.value,
                                            wsum(ops.multiply(pred, ops.subtract(1.0, y_true)))))
        self.false_negatives.assign(ops.add(self.false_negatives.value,
                                            wsum(ops.multiply(ops.subtract(1.0, pred), y_true))))
        self.intermediate_weights.assign(ops.add(self.intermediate_weights.value, wsum(y_true)))

    def result(self):
        if not self.built:
            raise ValueError(f"{type(self).__name__}.result() before any update_state(): the metric has no data")
        eps = config.epsilon()
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        precision = ops.divide(tp, ops.add(ops.add(tp, fp), eps))
        recall = ops.divide(tp, ops.add(ops.add(tp, fn), eps))
        b2 = self.beta**2
        f = ops.multiply(ops.divide(ops.multiply(precision, recall),
                                    ops.add(ops.add(ops.multiply(b2, precision), recall), eps)), 1.0 + b2)
        if self.average == "weighted":
            iw = self.intermediate_weights.value
            f = ops.sum(ops.multiply(f, ops.divide(iw, ops.add(ops.sum(iw), eps))))
        elif self.average is not None:
            f = ops.mean(f)
        return f

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score (:class:`FBetaScore` with ``beta=1``).

    Arguments:
        average: ``None`` (one score per class), ``"micro"`` (from counts summed over the
            classes), ``"macro"`` (the mean of the class scores) or ``"weighted"`` (their mean
            weighted by each class's label count).
        threshold: predictions above it are positive (a float in ``(0, 1]``); ``None``: each
            row's largest (non-zero) prediction is positive.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: on an unknown ``average`` or a ``threshold`` outside ``(0, 1]``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.F1Score(threshold=0.5)
    >>> m.update_state(np.array([[1, 0, 1], [0, 1, 0]]), np.array([[0.9, 0.1, 0.3], [0.2, 0.8, 0.6]]))
    >>> np.round(m.result(), 4)
    array([1., 1., 0.], dtype=float32)
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("beta")
        return cfg
