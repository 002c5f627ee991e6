"""Intersection-over-union metrics: IoU, MeanIoU, BinaryIoU, OneHotIoU and OneHotMeanIoU.

Every one accumulates a ``(num_classes, num_classes)`` confusion matrix (rows: labels, columns:
predictions) in ``total_confusion_matrix`` and reports, per class ``c`` among the target classes,
``TP_c / (TP_c + FP_c + FN_c)``, averaged over the classes whose denominator is non-zero.
"""

from __future__ import annotations

import numpy as np

from dlx import ops
from dlx.losses.loss import divide_no_nan, to_tensor
from dlx.metrics.metric import Metric


class _IoUBase(Metric):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"{type(self).__name__}: num_classes={num_classes!r}; expected an int >= 1")
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
            w = ops.ones_like(y_true, dtype="float32")
        else:
            w = to_tensor(sample_weight, "float32")
            if len(w.shape) == 0:
                w = ops.broadcast_to(w, tuple(y_true.shape))
            w = ops.reshape(w, (-1,))
            if tuple(w.shape) != tuple(y_true.shape):
                raise ValueError(f"{type(self).__name__}: sample_weight has {w.shape[0]} elements; expected one "
                                 f"per label ({y_true.shape[0]})")
        if self.ignore_class is not None:
            keep = ops.not_equal(y_true, self.ignore_class)
            w = ops.where(keep, w, ops.zeros_like(w))
            y_true = ops.where(keep, y_true, ops.zeros_like(y_true))
        t = ops.one_hot(y_true, self.num_classes, dtype="float32")
        p = ops.one_hot(y_pred, self.num_classes, dtype="float32")
        cm = ops.matmul(ops.transpose(ops.multiply(t, ops.expand_dims(w, 1))), p)
        self.total_cm.assign(ops.add(self.total_cm.value, ops.cast(cm, self.total_cm.dtype)))

    def _iou(self, target_class_ids):
        cm = ops.cast(self.total_cm.value, "float32")
        sum_pred = ops.sum(cm, axis=0)
        sum_true = ops.sum(cm, axis=1)
        tp = ops.sum(ops.multiply(cm, ops.eye(self.num_classes, dtype="float32")), axis=1)
        ids = ops.convert_to_tensor(np.asarray(target_class_ids, np.int32))
        sum_pred, sum_true, tp = (ops.take(v, ids, axis=0) for v in (sum_pred, sum_true, tp))
        den = ops.subtract(ops.add(sum_pred, sum_true), tp)
        valid = ops.sum(ops.cast(ops.greater(den, 1e-9), "float32"))
        return divide_no_nan(ops.sum(divide_no_nan(tp, den)), valid)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


def _target_ids(owner, target_class_ids, num_classes):
    if isinstance(target_class_ids, (int, np.integer)):
        target_class_ids = [int(target_class_ids)]
    ids = [int(i) for i in target_class_ids]
    if not ids or any(i < 0 or i >= num_classes for i in ids):
        raise ValueError(f"{owner}: target_class_ids={target_class_ids!r}; expected a non-empty list of class "
                         f"indices in [0, {num_classes})")
    return ids


class IoU(_IoUBase):
    """Mean intersection-over-union over the classes ``target_class_ids``.

    Arguments:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged (an int or a list of ints).
        ignore_class: a label value excluded from the confusion matrix.
        sparse_y_true: labels are class indices (else one-hot / scores, argmax taken).
        sparse_y_pred: predictions are class indices (else scores, argmax taken).
        axis: the class axis for the argmax.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     m = dlx.metrics.IoU(num_classes=2, target_class_ids=[0])
    ...     m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    ...     round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name, dtype, ignore_class, sparse_y_true, sparse_y_pred, axis)
        self.target_class_ids = _target_ids(type(self).__name__, target_class_ids, num_classes)

    def result(self):
        return self._iou(self.target_class_ids)

    def get_config(self):
        return {**super().get_config(), "target_class_ids": list(self.target_class_ids)}


class MeanIoU(_IoUBase):
    """Mean intersection-over-union over every class (those that never occur are skipped).

    Arguments:
        num_classes: the number of classes.
        name: the metric's name, its key in the logs (``None``: ``"mean_io_u"``).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).
        ignore_class: a label value whose entries are left out of the confusion matrix
            (``None``: none).
        sparse_y_true: labels are class indices (else one-hot / scores, argmax taken).
        sparse_y_pred: predictions are class indices (else scores, argmax taken).
        axis: the class axis for the argmax.

    Raises:
        ValueError: when ``num_classes`` is not an int >= 1.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.MeanIoU(num_classes=2)
    >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    >>> np.round(m.result(), 4)
    np.float32(0.5833)
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True, sparse_y_pred=True,
                 axis=-1):
        super().__init__(num_classes, name, dtype, ignore_class, sparse_y_true, sparse_y_pred, axis)

    def result(self):
        return self._iou(range(self.num_classes))


class BinaryIoU(IoU):
    """IoU of a binary task: labels and ``prediction >= threshold`` are the two classes.

    Arguments:
        target_class_ids: which of the classes 0 and 1 to average over (default both).
        threshold: predictions at or above it are class 1.
        name: the metric's name (its key in the logs).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    >>> m.update_state(np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.6, 0.3]))
    >>> np.round(m.result(), 4)
    np.float32(0.3333)
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = float(threshold)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(ops.greater_equal(to_tensor(y_pred, "float32"), self.threshold), "int32")
        super().update_state(ops.cast(to_tensor(y_true), "int32"), y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": list(self.target_class_ids), "threshold": self.threshold, "name": self.name,
                "dtype": self._dtype}


class OneHotIoU(IoU):
    """:class:`IoU` with one-hot labels (and, by default, per-class scores as predictions).

    Arguments:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged (an int or a list of ints).
        ignore_class: a label value whose entries are left out of the confusion matrix
            (``None``: none).
        sparse_y_pred: predictions are class indices (default: scores, argmax taken).
        axis: the class axis of the labels (and of scored predictions) for the argmax.
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when ``num_classes`` is not an int >= 1, or a target class id is outside
            ``[0, num_classes)``.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    >>> m.update_state(np.array([[0, 0, 1], [1, 0, 0]]), np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7]]))
    >>> np.round(m.result(), 4)
    np.float32(0.25)
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        cfg = super().get_config()
        del cfg["sparse_y_true"]
        return cfg


class OneHotMeanIoU(MeanIoU):
    """:class:`MeanIoU` with one-hot labels (and, by default, per-class scores as predictions).

    Arguments:
        num_classes: the number of classes.
        ignore_class: a label value whose entries are left out of the confusion matrix
            (``None``: none).
        sparse_y_pred: predictions are class indices (default: scores, argmax taken).
        axis: the class axis of the labels (and of scored predictions) for the argmax.
        name: the metric's name, its key in the logs (``None``: the class name in snake case).
        dtype: the dtype of the metric's state and result (default: ``floatx()``).

    Raises:
        ValueError: when ``num_classes`` is not an int >= 1.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> m = metrics.OneHotMeanIoU(num_classes=3)
    >>> m.update_state(np.array([[0, 0, 1], [1, 0, 0]]), np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7]]))
    >>> np.round(m.result(), 4)
    np.float32(0.25)
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        cfg = super().get_config()
        del cfg["sparse_y_true"]
        return cfg
