"""Losses for metric learning and noisy labels: :class:`Circle` and
:class:`CategoricalGeneralizedCrossEntropy` (and their functions)."""

from __future__ import annotations

from dlx import ops
from dlx.losses.loss import Loss, LossFunctionWrapper


def _label_masks(labels, ref_labels, remove_diagonal):
    """``(same, different)``: boolean ``(n, m)`` masks of equal / unequal label pairs (the
    diagonal left out of ``same`` with ``remove_diagonal``)."""
    q = ops.reshape(labels, (-1, 1))
    k = ops.reshape(ref_labels, (1, -1))
    same = ops.equal(q, k)
    different = ops.logical_not(same)
    if remove_diagonal:
        eye = ops.eye(ops.tensors.shape(q)[0], ops.tensors.shape(k)[1], dtype="bool")
        same = ops.logical_and(same, ops.logical_not(eye))
    return same, different


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) of L2-normalized embeddings ``y_pred`` with integer labels
    ``y_true``: pulls same-label pairs' cosine distance below ``margin`` and pushes other pairs'
    above ``1 - margin``, each pair weighted by how far it is from its optimum.

    Arguments:
        y_true: ``(batch,)`` integer labels.
        y_pred: ``(batch, dim)`` L2-normalized embeddings.
        ref_labels, ref_embeddings: the pairs' other side (default: ``y_true`` / ``y_pred``).
        remove_diagonal: leave each sample's pair with itself out of the positives.
        gamma: the scale of the pair logits.
        margin: the relaxation margin.

    Returns:
        ``(batch,)`` losses.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> labels = np.array([0, 0, 1, 1])
    >>> embeddings = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]], "float32")
    >>> losses.circle(labels, embeddings).shape
    (4,)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.cast(y_true, "int32")
    ref = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref_labels = labels if ref_labels is None else ops.cast(ref_labels, "int32")
    dist = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref)), 0.0)
    same, different = _label_masks(labels, ref_labels, remove_diagonal)
    same_f, different_f = ops.cast(same, dist.dtype), ops.cast(different, dist.dtype)
    pos_weight = ops.maximum((margin + dist) * same_f, 0.0)
    neg_weight = ops.maximum((1.0 + margin - dist) * different_f, 0.0)
    pos_logits = -gamma * pos_weight * (margin - dist)
    neg_logits = gamma * neg_weight * ((1.0 - margin) - dist)
    pos = ops.logsumexp(ops.where(same, pos_logits, float("-inf")), axis=1)
    neg = ops.logsumexp(ops.where(different, neg_logits, float("-inf")), axis=1)
    return ops.softplus(pos + neg)


class Circle(LossFunctionWrapper):
    """Circle loss as a :class:`Loss` (see :func:`circle`); samples with a zero loss (no
    positive or no negative pair) are left out of the mean.

    Arguments:
        gamma: the scale of the pair logits.
        margin: the relaxation margin.
        remove_diagonal: leave each sample's pair with itself out of the positives.
        reduction, name, dtype: as for every :class:`Loss`.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> labels = np.array([0, 0, 1, 1])
    >>> embeddings = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]], "float32")
    >>> good = float(losses.Circle()(labels, embeddings))
    >>> bad = float(losses.Circle()(labels, embeddings[[0, 2, 1, 3]]))
    >>> good < bad
    True
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size",
                 name="circle", dtype=None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def _call_with_mask(self, y_true, y_pred):
        values = self.call(y_true, y_pred)
        return values, ops.greater(values, 0)

    def get_config(self):
        config = Loss.get_config(self)
        config.update({"gamma": self.gamma, "margin": self.margin, "remove_diagonal": self.remove_diagonal})
        return config


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018): ``(1 - p**q) / q`` with ``p`` the
    predicted probability of the true class -- cross-entropy as ``q -> 0``, mean absolute error
    at ``q = 1``, robust to noisy labels in between.

    Arguments:
        y_true: ``(batch,)`` or ``(batch, 1)`` integer class indices.
        y_pred: ``(batch, num_classes)`` probabilities.
        q: the noise parameter, in ``(0, 1)``.

    Returns:
        ``(batch,)`` losses.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> y_pred = np.array([[0.1, 0.8, 0.1], [0.5, 0.25, 0.25]])
    >>> np.round(losses.categorical_generalized_cross_entropy(np.array([1, 0]), y_pred, q=0.5), 4)
    array([0.2111, 0.5858])
    """
    y_pred = ops.convert_to_tensor(y_pred)
    one_hot = ops.cast(ops.one_hot(ops.cast(y_true, "int32"), ops.tensors.shape(y_pred)[-1]), y_pred.dtype)
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1.0 - ops.power(p, q)) / q


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy as a :class:`Loss` (see
    :func:`categorical_generalized_cross_entropy`).

    Arguments:
        q: the noise parameter, in ``(0, 1)``.
        reduction, name, dtype: as for every :class:`Loss`.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> y_pred = np.array([[0.1, 0.8, 0.1], [0.5, 0.25, 0.25]])
    >>> np.round(losses.CategoricalGeneralizedCrossEntropy(q=0.5)(np.array([1, 0]), y_pred), 4)
    np.float32(0.3985)
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: q={q!r}; expected a float in (0, 1)")
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q)
        self.q = q

    def get_config(self):
        config = Loss.get_config(self)
        config["q"] = self.q
        return config


__all__ = ["CategoricalGeneralizedCrossEntropy", "Circle", "categorical_generalized_cross_entropy", "circle"]
