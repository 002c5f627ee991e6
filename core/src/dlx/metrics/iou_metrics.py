"""Intersection-over-union metrics."""

from __future__ import annotations

from dlx import config, ops
from dlx.losses.loss import to_tensor
from dlx.metrics.metric import Metric


class MeanIoU(Metric):
    """Mean intersection-over-union over the classes that occur (in labels or predictions).

    Arguments:
        num_classes: the number of classes.
        ignore_class: a label value excluded from the confusion matrix.
        sparse_y_true: labels are class indices (else one-hot / scores, argmax taken).
        sparse_y_pred: predictions are class indices (else scores, argmax taken).
        axis: the class axis for the argmax.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"MeanIoU: num_classes={num_classes!r}; expected an int >= 1")
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable((num_classes, num_classes), "zeros", name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_tensor(y_true)
        y_pred = to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        y_pred = ops.reshape(ops.cast(y_pred, "int32"), (-1,))
        if sample_weight is None:
            w = ops.ones_like(y_true, dtype=self.dtype)
        else:
            w = ops.reshape(to_tensor(sample_weight, self.dtype), (-1,))
            if tuple(w.shape) != tuple(y_true.shape):
                raise ValueError(f"MeanIoU: sample_weight has {w.shape[0]} elements; expected one per label "
                                 f"({y_true.shape[0]})")
        if self.ignore_class is not None:
            keep = ops.not_equal(y_true, self.ignore_class)
            w = ops.where(keep, w, ops.zeros_like(w))
            y_true = ops.where(keep, y_true, ops.zeros_like(y_true))
        t = ops.one_hot(y_true, self.num_classes, dtype=self.dtype)
        p = ops.one_hot(y_pred, self.num_classes, dtype=self.dtype)
        cm = ops.matmul(ops.transpose(ops.multiply(t, ops.expand_dims(w, 1))), p)
        self.total_cm.assign(ops.add(self.total_cm.value, cm))

    def result(self):
        cm = self.total_cm.value
        sum_pred = ops.sum(cm, axis=0)
        sum_true = ops.sum(cm, axis=1)
        tp = ops.sum(ops.multiply(cm, ops.eye(self.num_classes, dtype=self.dtype)), axis=1)
        den = ops.subtract(ops.add(sum_pred, sum_true), tp)
        valid = ops.sum(ops.cast(ops.greater(den, 1e-9), self.dtype))
        iou = ops.divide(tp, ops.add(den, config.epsilon()))
        return ops.divide(ops.sum(iou), ops.add(valid, config.epsilon()))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
