"""Threshold-based confusion metrics: TP/TN/FP/FN counts, Precision, Recall and AUC."""

from __future__ import annotations

import numpy as np

from dlx import config, ops
from dlx.losses.loss import divide_no_nan, to_tensor
from dlx.metrics.metric import Metric

_KINDS = ("tp", "fp", "tn", "fn")
_NEG_INF = -1e10


def _thresholds(thresholds, default=0.5):
    if thresholds is None:
        return [default], True
    if isinstance(thresholds, (int, float)):
        t, single = [float(thresholds)], True
    else:
        t, single = [float(x) for x in thresholds], False
    for x in t:
        if not 0 <= x <= 1:
            raise ValueError(f"thresholds={thresholds!r}: every threshold must be in [0, 1]")
    return t, single


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, top_k=None, class_id=None, multi_label=False,
                     kinds=_KINDS):
    """Weighted TP/FP/TN/FN counts at each threshold (``pred > threshold`` is positive).

    Returns a dict kind -> ``(num_thresholds,)`` (``(num_thresholds, num_labels)`` with
    ``multi_label``)."""
    y_pred = to_tensor(y_pred, "float32")
    y_true = ops.cast(to_tensor(y_true), "bool")
    if top_k is not None:
        _, idx = ops.top_k(y_pred, top_k)
        in_top = ops.greater(ops.sum(ops.one_hot(idx, y_pred.shape[-1], dtype="float32"), axis=-2), 0)
        y_pred = ops.where(in_top, y_pred, ops.full_like(y_pred, _NEG_INF))
    if class_id is not None:
        y_true = y_true[..., class_id]
        y_pred = y_pred[..., class_id]
    if len(y_true.shape) + 1 == len(y_pred.shape) and y_pred.shape[-1] == 1:
        y_pred = ops.squeeze(y_pred, -1)
    if len(y_true.shape) == len(y_pred.shape) + 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    w = None
    if sample_weight is not None:
        w = ops.cast(to_tensor(sample_weight), "float32")
        while len(w.shape) < len(y_pred.shape):
            w = ops.expand_dims(w, -1)
        w = ops.broadcast_to(w, tuple(y_pred.shape))
    th = ops.convert_to_tensor(np.asarray(thresholds, np.float32))
    if multi_label:  # (N, L) -> counts per (threshold, label)
        n_labels = y_pred.shape[-1]
        y_pred, y_true = ops.reshape(y_pred, (-1, n_labels)), ops.reshape(y_true, (-1, n_labels))
        pred_pos = ops.greater(ops.expand_dims(y_pred, 0), ops.reshape(th, (-1, 1, 1)))
        w = None if w is None else ops.expand_dims(ops.reshape(w, (-1, n_labels)), 0)
    else:
        y_pred, y_true = ops.reshape(y_pred, (-1,)), ops.reshape(y_true, (-1,))
        pred_pos = ops.greater(ops.expand_dims(y_pred, 0), ops.expand_dims(th, 1))
        w = None if w is None else ops.expand_dims(ops.reshape(w, (-1,)), 0)
    label = ops.expand_dims(y_true, 0)
    axis = 1
    out = {}
    for kind in kinds:
        pp = pred_pos if kind in ("tp", "fp") else ops.logical_not(pred_pos)
        lp = label if kind in ("tp", "fn") else ops.logical_not(label)
        hit = ops.cast(ops.logical_and(pp, lp), "float32")
        if w is not None:
            hit = ops.multiply(hit, w)
        out[kind] = ops.sum(hit, axis=axis)
    return out


class _ConfusionCount(Metric):
    _kind = "tp"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.thresholds, self._single = _thresholds(thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros", name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        c = confusion_counts(y_true, y_pred, self.thresholds, sample_weight, kinds=(self._kind,))
        self.accumulator.assign(ops.add(self.accumulator.value, ops.cast(c[self._kind], self.dtype)))

    def result(self):
        return self.accumulator.value[0] if self._single else self.accumulator.value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.thresholds[0] if self._single else self.thresholds}


class TruePositives(_ConfusionCount):
    """Weighted count of true positives (``pred > threshold`` and label 1).

    Arguments:
        thresholds: a float or a list of floats in ``[0, 1]``; a prediction above a threshold
            counts as positive. ``None``: 0.5. With a list the result has one count per threshold.
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when a threshold is outside ``[0, 1]``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.TruePositives()
    >>> m.update_state(np.array([1, 1, 0, 0]), np.array([0.9, 0.2, 0.7, 0.1]))
    >>> m.result()
    np.float32(1.0)
    """

    _kind = "tp"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, name, dtype)


class FalsePositives(_ConfusionCount):
    """Weighted count of false positives.

    Arguments:
        thresholds: a float or a list of floats in ``[0, 1]``; a prediction above a threshold
            counts as positive. ``None``: 0.5. With a list the result has one count per threshold.
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when a threshold is outside ``[0, 1]``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.FalsePositives()
    >>> m.update_state(np.array([1, 1, 0, 0]), np.array([0.9, 0.2, 0.7, 0.1]))
    >>> m.result()
    np.float32(1.0)
    """

    _kind = "fp"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, name, dtype)


class TrueNegatives(_ConfusionCount):
    """Weighted count of true negatives.

    Arguments:
        thresholds: a float or a list of floats in ``[0, 1]``; a prediction above a threshold
            counts as positive. ``None``: 0.5. With a list the result has one count per threshold.
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when a threshold is outside ``[0, 1]``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.TrueNegatives()
    >>> m.update_state(np.array([1, 1, 0, 0]), np.array([0.9, 0.2, 0.7, 0.1]))
    >>> m.result()
    np.float32(1.0)
    """

    _kind = "tn"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, name, dtype)


class FalseNegatives(_ConfusionCount):
    """Weighted count of false negatives.

    Arguments:
        thresholds: a float or a list of floats in ``[0, 1]``; a prediction above a threshold
            counts as positive. ``None``: 0.5. With a list the result has one count per threshold.
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when a threshold is outside ``[0, 1]``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.FalseNegatives()
    >>> m.update_state(np.array([1, 1, 0, 0]), np.array([0.9, 0.2, 0.7, 0.1]))
    >>> m.result()
    np.float32(1.0)
    """

    _kind = "fn"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, name, dtype)


class Precision(Metric):
    """``TP / (TP + FP)`` at ``thresholds`` (default 0.5).

    Arguments:
        thresholds: a float or a list of floats in ``[0, 1]`` (a list gives one value each).
        top_k: only the ``top_k`` highest predictions of each sample count as positive.
        class_id: compute the metric for this class (column) only.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.Precision()
    >>> m.update_state(np.array([1, 1, 0, 0]), np.array([0.9, 0.2, 0.7, 0.1]))
    >>> m.result()
    np.float32(0.5)
    """

    _second = "fp"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name or ("precision" if self._second == "fp" else "recall"), dtype=dtype)
        self.thresholds, self._single = _thresholds(thresholds)
        if top_k is not None and thresholds is None:
            self.thresholds = [_NEG_INF / 2]  # every top-k prediction counts as positive
        self._thresholds_arg = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.true_positives = self.add_variable((len(self.thresholds),), "zeros", name="true_positives")
        self.second = self.add_variable((len(self.thresholds),), "zeros",
                                        name="false_positives" if self._second == "fp" else "false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        c = confusion_counts(y_true, y_pred, self.thresholds, sample_weight, self.top_k, self.class_id,
                             kinds=("tp", self._second))
        self.true_positives.assign(ops.add(self.true_positives.value, c["tp"]))
        self.second.assign(ops.add(self.second.value, c[self._second]))

    def result(self):
        r = divide_no_nan(self.true_positives.value, ops.add(self.true_positives.value, self.second.value))
        return r[0] if self._single else r

    def get_config(self):
        return {**super().get_config(), "thresholds": self._thresholds_arg, "top_k": self.top_k,
                "class_id": self.class_id}


class Recall(Precision):
    """``TP / (TP + FN)`` at ``thresholds`` (same arguments as :class:`Precision`).

    Arguments:
        thresholds: a float or a list of floats in ``[0, 1]`` (a list gives one value each;
            ``None``: 0.5, or with ``top_k`` every top-k prediction counts as positive).
        top_k: only the ``top_k`` highest predictions of each sample count as positive.
        class_id: compute the metric for this class (column) only.
        name: the metric's name (its key in the logs; ``None``: ``"recall"``).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.Recall()
    >>> m.update_state(np.array([1, 1, 1, 0]), np.array([0.9, 0.8, 0.2, 0.7]))
    >>> np.round(m.result(), 4)
    np.float32(0.6667)
    """

    _second = "fn"


class AUC(Metric):
    """Area under the ROC or PR curve by a Riemann sum over ``num_thresholds`` thresholds.

    Arguments:
        num_thresholds: number of thresholds (> 1): ``0 - eps``, ``i / (n - 1)``, ``1 + eps``.
        curve: ``"ROC"`` or ``"PR"``.
        summation_method: ``"interpolation"`` (default; for PR the Davis & Goadrich
            interpolation), ``"minoring"`` or ``"majoring"``.
        thresholds: explicit thresholds in ``[0, 1]`` (``0 - eps`` and ``1 + eps`` are added).
        multi_label: one curve per label (averaged, weighted by ``label_weights``).
        num_labels: number of labels with ``multi_label``.
        label_weights: per-label weights of the average.
        from_logits: apply a sigmoid to predictions first.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.AUC()
    >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> np.round(m.result(), 2)
    np.float32(0.75)
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        super().__init__(name=name or "auc", dtype=dtype)
        curve = str(curve).upper()
        if curve not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve={curve!r}; expected 'ROC' or 'PR'")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method={summation_method!r}; expected 'interpolation', "
                             "'minoring' or 'majoring'")
        eps = config.epsilon()
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            num_thresholds = len(inner) + 2
            self._init_thresholds = True
        else:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds={num_thresholds!r}; expected an int > 1")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._init_thresholds = False
        self.thresholds = [0.0 - eps, *inner, 1.0 + eps]
        self.num_thresholds = num_thresholds
        self.curve = curve
        self.summation_method = summation_method
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else [float(w) for w in label_weights]
        self.from_logits = bool(from_logits)
        self.built = not self.multi_label or num_labels is not None
        if self.built:
            self._build_vars(num_labels)

    def _build_vars(self, num_labels):
        shape = (self.num_thresholds,) if not self.multi_label else (self.num_thresholds, int(num_labels))
        self.num_labels = num_labels
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self.built = True

    def build(self, y_true_shape=None, y_pred_shape=None):
        if not self.built:
            shape = y_pred_shape or y_true_shape
            self._build_vars(int(shape[-1]))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_tensor(y_pred, "float32")
        if not self.built:
            self.build(None, tuple(y_pred.shape))
        if self.from_logits:
            y_pred = ops.sigmoid(y_pred)
        c = confusion_counts(y_true, y_pred, self.thresholds, sample_weight, multi_label=self.multi_label)
        for var, k in ((self.true_positives, "tp"), (self.false_positives, "fp"), (self.true_negatives, "tn"),
                       (self.false_negatives, "fn")):
            var.assign(ops.add(var.value, c[k]))

    def _average(self, by_label):
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return ops.mean(by_label)
        w = ops.convert_to_tensor(np.asarray(self.label_weights, np.float32))
        return divide_no_nan(ops.sum(ops.multiply(by_label, w)), ops.sum(w))

    def _interpolate_pr_auc(self):
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        n = self.num_thresholds
        dtp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[: n - 1], p[1:])
        slope = divide_no_nan(dtp, ops.maximum(dp, 0.0))
        intercept = ops.subtract(tp[1:], ops.multiply(slope, p[1:]))
        both = ops.logical_and(ops.greater(p[: n - 1], 0), ops.greater(p[1:], 0))
        ratio = ops.where(both, divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0.0)), ops.ones_like(p[1:]))
        inc = divide_no_nan(ops.multiply(slope, ops.add(dtp, ops.multiply(intercept, ops.log(ratio)))),
                            ops.maximum(ops.add(tp[1:], fn[1:]), 0.0))
        return self._average(ops.sum(inc, axis=0))

    def result(self):
        if not self.built:
            raise ValueError("AUC.result() before any update_state(): multi_label AUC needs data to build")
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp, tn, fn = (v.value for v in (self.true_positives, self.false_positives, self.true_negatives,
                                            self.false_negatives))
        recall = divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, ops.add(fp, tn)), recall
        else:
            x, y = recall, divide_no_nan(tp, ops.add(tp, fp))
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = ops.divide(ops.add(y[: n - 1], y[1:]), 2.0)
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average(ops.sum(ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights), axis=0))

    def get_config(self):
        cfg = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
               "summation_method": self.summation_method, "multi_label": self.multi_label,
               "num_labels": self.num_labels, "label_weights": self.label_weights, "from_logits": self.from_logits}
        if self._init_thresholds:
            cfg["thresholds"] = self.thresholds[1:-1]
        return cfg


class _SensitivitySpecificityBase(Metric):
    """TP/FP/TN/FN at ``num_thresholds`` evenly spaced thresholds ``0, 1/(n-1), ..., 1`` (``[0.5]``
    when ``num_thresholds == 1``); :meth:`result` is the best ``dependent`` rate among thresholds
    whose ``constrained`` rate reaches :attr:`value` (0 if none does)."""

    _value_name = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"{owner}: {self._value_name}={value!r}; expected a number in [0, 1]")
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise ValueError(f"{owner}: num_thresholds={num_thresholds!r}; expected an int > 0")
        self.value = float(value)
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            self.thresholds = [0.0, *((i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)), 1.0]
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), "zeros", name="true_positives")
        self.false_positives = self.add_variable((n,), "zeros", name="false_positives")
        self.true_negatives = self.add_variable((n,), "zeros", name="true_negatives")
        self.false_negatives = self.add_variable((n,), "zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        c = confusion_counts(y_true, y_pred, self.thresholds, sample_weight, class_id=self.class_id)
        for var, k in ((self.true_positives, "tp"), (self.false_positives, "fp"), (self.true_negatives, "tn"),
                       (self.false_negatives, "fn")):
            var.assign(ops.add(var.value, ops.cast(c[k], var.dtype)))

    def _rates(self):
        tp, fp, tn, fn = (v.value for v in (self.true_positives, self.false_positives, self.true_negatives,
                                            self.false_negatives))
        return {"sensitivity": divide_no_nan(tp, ops.add(tp, fn)), "specificity": divide_no_nan(tn, ops.add(tn, fp)),
                "precision": divide_no_nan(tp, ops.add(tp, fp))}

    def _best(self, constrained, dependent):
        r = self._rates()
        feasible = ops.greater_equal(r[constrained], self.value)
        return ops.max(ops.concatenate([ops.where(feasible, r[dependent], ops.zeros_like(r[dependent])),
                                        ops.zeros((1,), r[dependent].dtype)]))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self._value_name: self.value}


class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    """The best sensitivity (recall) over the thresholds whose specificity is ``>= specificity``.

    Arguments:
        specificity: the required specificity, in ``[0, 1]``.
        num_thresholds: how many evenly spaced thresholds in ``[0, 1]`` to try (default 200).
        class_id: compute the metric for this class (column) only.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.SensitivityAtSpecificity(specificity=0.5)
    >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> m.result()
    array(1., dtype=float32)
    """

    _value_name = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("specificity", "sensitivity")


class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    """The best specificity over the thresholds whose sensitivity is ``>= sensitivity``.

    Arguments:
        sensitivity: the required sensitivity, in ``[0, 1]``.
        num_thresholds: how many evenly spaced thresholds in ``[0, 1]`` to try (1: only 0.5).
        class_id: compute the metric for this class (column) only (``None``: all entries).
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when the required value is not a number in ``[0, 1]`` or ``num_thresholds`` is
            not an int > 0.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.SpecificityAtSensitivity(sensitivity=0.5)
    >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> m.result()
    array(1., dtype=float32)
    """

    _value_name = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("sensitivity", "specificity")


class PrecisionAtRecall(_SensitivitySpecificityBase):
    """The best precision over the thresholds whose recall is ``>= recall``.

    Arguments:
        recall: the required sensitivity (recall), in ``[0, 1]``.
        num_thresholds: how many evenly spaced thresholds in ``[0, 1]`` to try (1: only 0.5).
        class_id: compute the metric for this class (column) only (``None``: all entries).
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when the required value is not a number in ``[0, 1]`` or ``num_thresholds`` is
            not an int > 0.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.PrecisionAtRecall(recall=0.5)
    >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> m.result()
    array(1., dtype=float32)
    """

    _value_name = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("sensitivity", "precision")


class RecallAtPrecision(_SensitivitySpecificityBase):
    """The best recall over the thresholds whose precision is ``>= precision`` (0 if none).

    Arguments:
        precision: the required precision, in ``[0, 1]``.
        num_thresholds: how many evenly spaced thresholds in ``[0, 1]`` to try (1: only 0.5).
        class_id: compute the metric for this class (column) only (``None``: all entries).
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when the required value is not a number in ``[0, 1]`` or ``num_thresholds`` is
            not an int > 0.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.RecallAtPrecision(precision=1.0)
    >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> m.result()
    array(0.5, dtype=float32)
    """

    _value_name = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("precision", "sensitivity")
