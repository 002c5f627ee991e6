"""Keras 3 loss functions and their :class:`~dlx.losses.Loss` classes.

Functions return per-sample losses (the last axis reduced); classes add ``reduction`` and
``sample_weight``. Every formula is written in ``dlx.ops`` and is differentiable on every backend.
"""

from __future__ import annotations

import math

from dlx import config, ops
from dlx.losses.loss import LossFunctionWrapper, squeeze_or_expand_to_same_rank, to_tensor

_NEG = -1e30  # "log 0" that keeps gradients finite


def _pair(y_true, y_pred):
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def l2_normalize(x, axis=-1):
    """``x / max(||x||_2, epsilon)`` along ``axis``.

    Arguments:
        x: the tensor to normalize.
        axis: the axis whose L2 norm divides ``x``.

    Returns:
        ``x``'s shape and dtype, unit L2 norm along ``axis`` (vectors shorter than
        ``config.epsilon()`` are divided by epsilon instead).

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.l2_normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    sq = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.minimum(ops.rsqrt(ops.maximum(sq, 1e-30)), 1.0 / config.epsilon()))


# ------------------------------------------------------------------------------ regression
def mean_squared_error(y_true, y_pred):
    """``mean((y_true - y_pred)**2, axis=-1)``.

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.mean_squared_error(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [1.0, 0.0]]))
    array([0.5, 0.5])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(|y_true - y_pred|, axis=-1)``.

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.mean_absolute_error(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[0.5, 1.0], [1.0, 0.0]]))
    array([0.25, 0.5 ])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon), axis=-1)``.

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.mean_absolute_percentage_error(np.array([[2.0, 4.0]]), np.array([[1.0, 5.0]]))
    array([37.5])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    diff = ops.abs(ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), config.epsilon())))
    return ops.multiply(100.0, ops.mean(diff, axis=-1))


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))**2, axis=-1)``.

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.mean_squared_logarithmic_error(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]])), 4)
    array([0.2402])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    a = ops.log(ops.add(ops.maximum(y_pred, eps), 1.0))
    b = ops.log(ops.add(ops.maximum(y_true, eps), 1.0))
    return ops.mean(ops.square(ops.subtract(a, b)), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The negated cosine similarity along ``axis`` (-1: same direction; a loss to minimize).

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).
        axis: the axis along which both are L2-normalized and their product summed.

    Returns:
        The per-sample losses, in ``[-1, 1]``: the inputs' shape without ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.cosine_similarity(np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [-1.0, -1.0]]))
    array([-1.,  1.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.negative(ops.sum(ops.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis)), axis=axis))


def huber(y_true, y_pred, delta=1.0):
    """``0.5 e**2`` where ``|e| <= delta``, else ``delta * (|e| - 0.5 delta)``; mean over the last axis.

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).
        delta: the error size where the loss turns from quadratic to linear.

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.huber(np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]]), delta=1.0)
    array([1.3125])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    err = ops.subtract(y_pred, y_true)
    abs_err = ops.abs(err)
    quad = ops.multiply(0.5, ops.square(err))
    lin = ops.subtract(ops.multiply(delta, abs_err), 0.5 * delta * delta)
    return ops.mean(ops.where(ops.less_equal(abs_err, delta), quad, lin), axis=-1)


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)`` (computed stably).

    Arguments:
        y_true: the targets.
        y_pred: the predictions, of ``y_true``'s shape (a trailing axis of size 1 on either side
            is squeezed or added to match the other's rank).

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.log_cosh(np.array([[0.0, 0.0]]), np.array([[1.0, -1.0]])), 4)
    array([0.4338])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    x = ops.subtract(y_pred, y_true)
    return ops.mean(ops.subtract(ops.add(x, ops.softplus(ops.multiply(-2.0, x))), math.log(2.0)), axis=-1)


# ------------------------------------------------------------------------------ hinge
def _hinge_labels(y_true):
    """{0, 1} labels become {-1, 1} (labels already in {-1, 1} are kept)."""
    binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(binary, ops.subtract(ops.multiply(2.0, y_true), 1.0), y_true)


def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)`` (labels -1/1 or 0/1).

    Arguments:
        y_true: labels in {-1, 1}, or in {0, 1} (then mapped to {-1, 1}).
        y_pred: the predicted scores, of ``y_true``'s shape.

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.hinge(np.array([[1.0, -1.0]]), np.array([[0.5, 0.5]]))
    array([1.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0)**2, axis=-1)``.

    Arguments:
        y_true: labels in {-1, 1}, or in {0, 1} (then mapped to {-1, 1}).
        y_pred: the predicted scores, of ``y_true``'s shape.

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.squared_hinge(np.array([[1.0, -1.0]]), np.array([[0.5, 0.5]]))
    array([1.25])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    return ops.mean(ops.square(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``.

    Arguments:
        y_true: one-hot labels, classes on the last axis.
        y_pred: the predicted scores, of ``y_true``'s shape.

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.categorical_hinge(np.array([[0.0, 1.0]]), np.array([[0.4, 0.6]]))
    array([0.8])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


# ------------------------------------------------------------------------------ probabilistic
def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)`` with both clipped to ``[eps, 1]``.

    Arguments:
        y_true: the target distributions, along the last axis.
        y_pred: the predicted distributions, of ``y_true``'s shape.

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.kl_divergence(np.array([[0.5, 0.5]]), np.array([[0.25, 0.75]])), 4)
    array([0.1438])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``.

    Arguments:
        y_true: the observed counts.
        y_pred: the predicted rates, of ``y_true``'s shape.

    Returns:
        The per-sample losses: ``y_pred``'s shape without its last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.poisson(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])), 4)
    array([1.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, config.epsilon())))), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean binary cross-entropy over ``axis``; labels are smoothed toward 0.5.

    Arguments:
        y_true: labels in ``[0, 1]``.
        y_pred: probabilities (or logits with ``from_logits``), of ``y_true``'s shape.
        from_logits: whether ``y_pred`` holds logits; otherwise probabilities, clipped to
            ``[1e-7, 1 - 1e-7]``.
        label_smoothing: ``s`` in ``[0, 1]``: the labels become ``y_true * (1 - s) + 0.5 * s``
            (0: no smoothing).
        axis: the axis the mean is taken over.

    Returns:
        The per-sample losses: the inputs' shape without ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.binary_crossentropy(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]])), 4)
    array([0.1643])
    >>> np.round(losses.binary_crossentropy(np.array([[1.0, 0.0]]), np.array([[2.0, -1.0]]), from_logits=True), 4)
    array([0.2201])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """Focal binary cross-entropy (Lin et al.): ``(1 - p_t)**gamma * bce``, optionally weighted
    by ``alpha`` (positives) / ``1 - alpha`` (negatives); mean over ``axis``.

    Arguments:
        y_true: labels in ``[0, 1]``.
        y_pred: probabilities (or logits with ``from_logits``), of ``y_true``'s shape.
        apply_class_balancing: whether to weight each term by ``alpha`` / ``1 - alpha``.
        alpha: the weight of the positive class (used only with ``apply_class_balancing``).
        gamma: the focusing exponent: larger values shrink the loss of well-classified entries
            more (0: plain binary cross-entropy).
        from_logits: whether ``y_pred`` holds logits (a sigmoid is applied first).
        label_smoothing: ``s`` in ``[0, 1]``: the labels become ``y_true * (1 - s) + 0.5 * s``.
        axis: the axis the mean is taken over.

    Returns:
        The per-sample losses: the inputs' shape without ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.binary_focal_crossentropy(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]]), gamma=2.0), 4)
    array([0.005])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = ops.add(ops.multiply(y_true, y_pred), ops.multiply(ops.subtract(1.0, y_true), ops.subtract(1.0, y_pred)))
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        w = ops.add(ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1.0, y_true), 1.0 - alpha))
        focal = ops.multiply(w, focal)
    return ops.mean(focal, axis=axis)


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"axis={axis!r}: expected an integer axis")


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy over ``axis`` (one-hot labels, smoothed toward uniform).

    Arguments:
        y_true: one-hot (or soft) labels, classes along ``axis``.
        y_pred: probabilities (or logits with ``from_logits``), of ``y_true``'s shape;
            probabilities are renormalized to sum 1 and clipped to ``[1e-7, 1 - 1e-7]``.
        from_logits: whether ``y_pred`` holds logits (a log-softmax is applied).
        label_smoothing: ``s`` in ``[0, 1]``: the labels become ``y_true * (1 - s) + s / C``
            for ``C`` classes (0: no smoothing).
        axis: the integer class axis.

    Returns:
        The per-sample losses: the inputs' shape without ``axis``.

    Raises:
        ValueError: when ``axis`` is not an integer.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = np.array([[0.05, 0.9, 0.05], [0.1, 0.8, 0.1]])
    >>> np.round(losses.categorical_crossentropy(y_true, y_pred), 4)
    array([0.1054, 2.3026])
    """
    _check_axis(axis)
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    if label_smoothing:
        n = float(y_pred.shape[axis])
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / n)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """Focal categorical cross-entropy: ``sum(alpha * (1 - p)**gamma * -y_true * log(p))``.

    Arguments:
        y_true: one-hot (or soft) labels, classes along ``axis``.
        y_pred: probabilities (or logits with ``from_logits``), of ``y_true``'s shape;
            ``p`` is ``y_pred`` renormalized to sum 1 and clipped to ``[eps, 1 - eps]``.
        alpha: the scalar weight of every term.
        gamma: the focusing exponent (0: ``alpha`` times plain categorical cross-entropy).
        from_logits: whether ``y_pred`` holds logits (a softmax over ``axis`` is applied first).
        label_smoothing: ``s`` in ``[0, 1]``: the labels become ``y_true * (1 - s) + s / C``
            for ``C`` classes.
        axis: the integer class axis.

    Returns:
        The per-sample losses: the inputs' shape without ``axis``.

    Raises:
        ValueError: when ``axis`` is not an integer.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true = np.array([[0.0, 1.0, 0.0]])
    >>> np.round(losses.categorical_focal_crossentropy(y_true, np.array([[0.05, 0.9, 0.05]])), 5)
    array([0.00026])
    """
    _check_axis(axis)
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    if label_smoothing:
        n = float(y_pred.shape[axis])
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / n)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    out = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    eps = config.epsilon()
    out = ops.clip(out, eps, 1.0 - eps)
    cce = ops.multiply(ops.negative(y_true), ops.log(out))
    factor = ops.multiply(ops.power(ops.subtract(1.0, out), gamma), alpha)
    return ops.sum(ops.multiply(factor, cce), axis=axis)


def _sparse_prepare(y_true, y_pred):
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    return y_true, y_pred


def _sparse_cce_with_mask(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    y_true, y_pred = _sparse_prepare(y_true, y_pred)
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ignore_class)
        y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
    res = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid is not None:
        res = ops.where(valid, res, ops.zeros_like(res))
    return res, valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy with integer labels; entries labelled ``ignore_class`` give 0.

    Arguments:
        y_true: integer class indices of ``y_pred``'s shape without ``axis`` (a trailing axis
            of size 1 is squeezed).
        y_pred: probabilities (or logits with ``from_logits``), classes along ``axis``.
        from_logits: whether ``y_pred`` holds logits; otherwise probabilities, renormalized to
            sum 1 and clipped to ``[1e-7, 1 - 1e-7]``.
        ignore_class: a label value whose entries get a loss of 0 (``None``: none ignored).
        axis: the class axis of ``y_pred``.

    Returns:
        The per-entry losses: ``y_true``'s shape (after the squeeze).

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> y_pred = np.array([[0.05, 0.9, 0.05], [0.1, 0.8, 0.1]])
    >>> np.round(losses.sparse_categorical_crossentropy(np.array([1, 2]), y_pred), 4)
    array([0.1054, 2.3026])
    """
    return _sparse_cce_with_mask(y_true, y_pred, from_logits, ignore_class, axis)[0]


# ------------------------------------------------------------------------------ segmentation
def dice(y_true, y_pred, axis=None):
    """``1 - 2 sum(y_true y_pred) / (sum(y_true) + sum(y_pred) + eps)`` over ``axis`` (all by default).

    Arguments:
        y_true: the target masks, in ``[0, 1]``.
        y_pred: the predicted masks, of ``y_true``'s shape.
        axis: the axis (or tuple of axes) the sums run over (``None``: all axes).

    Returns:
        The losses: the inputs' shape without ``axis`` (a scalar for ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.dice(np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 0.5, 0.0]])), 4)
    np.float64(0.1429)
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    inter = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    den = ops.add(ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis)), config.epsilon())
    return ops.subtract(1.0, ops.divide(ops.multiply(2.0, inter), den))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha FP + beta FN + eps)`` over ``axis`` (all by default).

    ``TP = sum(y_true y_pred)``, ``FP = sum((1 - y_true) y_pred)``, ``FN = sum(y_true (1 - y_pred))``.

    Arguments:
        y_true: the target masks, in ``[0, 1]``.
        y_pred: the predicted masks, of ``y_true``'s shape.
        alpha: the weight of false positives.
        beta: the weight of false negatives (``alpha = beta = 0.5`` is the Dice loss).
        axis: the axis (or tuple of axes) the sums run over (``None``: all axes).

    Returns:
        The losses: the inputs' shape without ``axis`` (a scalar for ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.tversky(np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 0.5, 0.0]])), 4)
    np.float64(0.1429)
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, ops.dtype(y_pred))
    tp = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    fp = ops.sum(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=axis)
    fn = ops.sum(ops.multiply(y_true, ops.subtract(1.0, y_pred)), axis=axis)
    den = ops.add(ops.add(ops.add(tp, ops.multiply(alpha, fp)), ops.multiply(beta, fn)), config.epsilon())
    return ops.subtract(1.0, ops.divide(tp, den))


# ------------------------------------------------------------------------------ CTC
def ctc_loss(labels, logits, label_length, logit_length, blank_index=0):
    """Connectionist temporal classification loss (Graves et al. 2006), per sample.

    Arguments:
        labels: ``(batch, max_label_length)`` integer labels.
        logits: ``(batch, time, classes)`` unnormalized scores.
        label_length: ``(batch,)`` number of valid labels per sample.
        logit_length: ``(batch,)`` number of valid time steps per sample.
        blank_index: the class index of the blank symbol.

    Returns:
        ``(batch,)``: ``-log p(labels | logits)`` by the forward algorithm in log space.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> logits = np.zeros((1, 4, 3), "float32")
    >>> np.round(losses.ctc_loss(np.array([[1, 2]]), logits, np.array([2]), np.array([4])), 4)
    array([1.6864], dtype=float32)
    """
    logits = to_tensor(logits)
    dt = ops.dtype(logits)
    labels = ops.cast(to_tensor(labels), "int32")
    t_max, n_classes = int(logits.shape[1]), int(logits.shape[2])
    n_labels = int(labels.shape[1])
    s = 2 * n_labels + 1
    logp = ops.log_softmax(logits, axis=-1)
    pos = ops.arange(s, dtype="int32")
    # extended label sequence: blank, l1, blank, l2, ..., blank
    lab_idx = ops.clip(ops.floor_divide(ops.subtract(pos, 1), 2), 0, max(n_labels - 1, 0))
    gathered = ops.take(labels, lab_idx, axis=1)  # (b, s)
    ext = ops.where(ops.equal(ops.mod(pos, 2), 1), gathered, ops.full_like(gathered, blank_index))
    onehot = ops.one_hot(ext, n_classes, dtype=dt)  # (b, s, c)
    emit = ops.einsum("btc,bsc->bts", logp, onehot)  # (b, t, s)
    ext_m2 = ops.concatenate([ops.full_like(ext[:, :2], -1), ext[:, :-2]], axis=1)
    can_skip = ops.logical_and(ops.not_equal(ext, blank_index), ops.not_equal(ext, ext_m2))
    neg = ops.full_like(emit[:, 0, :], _NEG)
    init_mask = ops.less(pos, 2)
    alpha = ops.where(init_mask, emit[:, 0, :], neg)
    logit_length = ops.cast(to_tensor(logit_length), "int32")
    pad1, pad2 = neg[:, :1], neg[:, :2]
    for t in range(1, t_max):
        a1 = ops.concatenate([pad1, alpha[:, :-1]], axis=1)
        a2 = ops.where(can_skip, ops.concatenate([pad2, alpha[:, :-2]], axis=1), neg)
        new = ops.add(ops.logaddexp(ops.logaddexp(alpha, a1), a2), emit[:, t, :])
        alpha = ops.where(ops.expand_dims(ops.less(t, logit_length), -1), new, alpha)
    label_length = ops.cast(to_tensor(label_length), "int32")
    last = ops.multiply(label_length, 2)
    end = ops.logaddexp(ops.sum(ops.where(ops.equal(pos, ops.expand_dims(last, -1)), alpha, 0.0), axis=-1),
                        ops.sum(ops.where(ops.equal(pos, ops.expand_dims(ops.subtract(last, 1), -1)), alpha, 0.0),
                                axis=-1))
    one_label_path = ops.equal(label_length, 0)
    end = ops.where(one_label_path, ops.sum(ops.where(ops.equal(pos, 0), alpha, 0.0), axis=-1), end)
    return ops.negative(end)


def ctc(y_true, y_pred):
    """Keras's CTC loss: ``y_true`` ``(batch, labels)`` integers, ``y_pred`` ``(batch, time,
    classes)`` logits, every label and time step counted, blank index 0.

    Arguments:
        y_true: ``(batch, max_label_length)`` integer labels (class 0 is the blank).
        y_pred: ``(batch, time, classes)`` unnormalized scores.

    Returns:
        ``(batch,)``: the negative log-likelihood of each label sequence (see :func:`ctc_loss`).

    Raises:
        ValueError: when ``y_true`` is not of rank 2 or ``y_pred`` not of rank 3.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true = np.array([[1, 2]])
    >>> y_pred = np.log(np.full((1, 4, 3), 1 / 3, "float32"))
    >>> losses.ctc(y_true, y_pred).shape
    (1,)
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    if len(y_true.shape) != 2 or len(y_pred.shape) != 3:
        raise ValueError(f"ctc: expected y_true of rank 2 and y_pred of rank 3; got shapes {tuple(y_true.shape)} "
                         f"and {tuple(y_pred.shape)}")
    ones = ops.ones_like(y_true[:, 0], dtype="int32")
    return ctc_loss(y_true, y_pred, ops.multiply(ones, int(y_true.shape[1])),
                    ops.multiply(ones, int(y_pred.shape[1])), blank_index=0)


# ------------------------------------------------------------------------------ classes
def _wrapper(fn, default_name, doc, params=(), order=None):
    """Builds the constructor of a Loss class for ``fn``: ``params`` are ``fn``'s own (name,
    default) pairs; ``order`` the names of all parameters in Keras's order (default: ``params``
    then ``reduction, name, dtype``). The constructor has exactly that signature."""
    import inspect

    own = dict(params)
    defaults = {**own, "reduction": "sum_over_batch_size", "name": default_name, "dtype": None}
    order = order or [*own, "reduction", "name", "dtype"]
    sig = inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + [
        inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=defaults[n]) for n in order])

    def __init__(self, *args, **kwargs):
        for k in kwargs:
            if k not in defaults:
                raise TypeError(f"{type(self).__name__}: unknown argument {k!r}; expected one of {order}")
        if len(args) > len(order):
            raise TypeError(f"{type(self).__name__}: too many positional arguments {args!r}; the parameters are "
                            f"{order}")
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        del values["self"]
        LossFunctionWrapper.__init__(self, fn, reduction=values.pop("reduction"), name=values.pop("name"),
                                     dtype=values.pop("dtype"), **values)

    __init__.__signature__ = sig
    return {"__init__": __init__, "__doc__": doc}


def _argument_entries(fn, names) -> str:
    """The entries (with their continuation lines) of ``fn``'s ``Arguments:`` section that
    document ``names``, as written in its docstring: a Loss class documents its own parameters
    with its function's words."""
    lines = (fn.__doc__ or "").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "Arguments:"), len(lines))
    header = len(lines[start]) - len(lines[start].lstrip()) if start < len(lines) else 0
    out, keep = [], False
    for line in lines[start + 1:]:
        indent = len(line) - len(line.lstrip())
        if line.strip() and indent <= header:
            break
        if line.strip() and indent == header + 4:
            keep = line.strip().split(":")[0] in names
        if keep and line.strip():
            out.append(line + "\n")
    return "".join(out)


# The Example section of each Loss class made by _make (the docstring shows it; the doctests run it).
_EXAMPLES = {
    "MeanSquaredError": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true, y_pred = np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [1.0, 0.0]])
    >>> losses.MeanSquaredError()(y_true, y_pred)
    np.float32(0.5)
    >>> losses.MeanSquaredError(reduction=None)(y_true, y_pred)
    array([0.5, 0.5], dtype=float32)
""",
    "MeanAbsoluteError": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.MeanAbsoluteError()(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[0.5, 1.0], [1.0, 0.0]]))
    np.float32(0.375)
""",
    "MeanAbsolutePercentageError": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.MeanAbsolutePercentageError()(np.array([[2.0, 4.0]]), np.array([[1.0, 5.0]]))
    np.float32(37.5)
""",
    "MeanSquaredLogarithmicError": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.MeanSquaredLogarithmicError()(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]])), 4)
    np.float32(0.2402)
""",
    "CosineSimilarity": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.CosineSimilarity()(np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]]))
    np.float32(-1.0)
""",
    "Huber": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.Huber(delta=1.0)(np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]]))
    np.float32(1.3125)
""",
    "LogCosh": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.LogCosh()(np.array([[0.0, 0.0]]), np.array([[1.0, -1.0]])), 4)
    np.float32(0.4338)
""",
    "Hinge": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.Hinge()(np.array([[1.0, -1.0]]), np.array([[0.5, 0.5]]))
    np.float32(1.0)
""",
    "SquaredHinge": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.SquaredHinge()(np.array([[1.0, -1.0]]), np.array([[0.5, 0.5]]))
    np.float32(1.25)
""",
    "CategoricalHinge": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.CategoricalHinge()(np.array([[0.0, 1.0]]), np.array([[0.4, 0.6]])), 4)
    np.float32(0.8)
""",
    "KLDivergence": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.KLDivergence()(np.array([[0.5, 0.5]]), np.array([[0.25, 0.75]])), 4)
    np.float32(0.1438)
""",
    "Poisson": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.Poisson()(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])), 4)
    np.float32(1.0)
""",
    "BinaryCrossentropy": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> np.round(losses.BinaryCrossentropy()(y_true, np.array([[0.9, 0.2], [0.3, 0.6]])), 4)
    np.float32(0.299)
    >>> np.round(losses.BinaryCrossentropy(from_logits=True)(y_true, np.array([[2.0, -1.0], [-1.0, 0.5]])), 4)
    np.float32(0.3069)
""",
    "BinaryFocalCrossentropy": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.BinaryFocalCrossentropy(gamma=2.0)(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]])), 4)
    np.float32(0.005)
""",
    "CategoricalCrossentropy": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = np.array([[0.05, 0.9, 0.05], [0.1, 0.8, 0.1]])
    >>> np.round(losses.CategoricalCrossentropy()(y_true, y_pred), 4)
    np.float32(1.204)
""",
    "CategoricalFocalCrossentropy": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = np.array([[0.05, 0.9, 0.05], [0.1, 0.8, 0.1]])
    >>> np.round(losses.CategoricalFocalCrossentropy()(y_true, y_pred), 4)
    np.float32(0.2333)
""",
    "CTC": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> y_true = np.array([[1, 2]])
    >>> y_pred = np.log(np.full((1, 4, 3), 1 / 3, "float32"))
    >>> np.round(losses.CTC()(y_true, y_pred), 4)
    np.float32(1.6864)
""",
    "Dice": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.Dice()(np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 0.5, 0.0]])), 4)
    np.float32(0.1429)
""",
    "Tversky": """\
    >>> import numpy as np
    >>> from dlx import losses
    >>> np.round(losses.Tversky(alpha=0.3, beta=0.7)(np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 0.5, 0.0]])), 4)
    np.float32(0.1892)
""",
}


def _make(cls_name, fn, default_name, params=(), base=LossFunctionWrapper, order=None):
    doc = (f"Loss class of :func:`{fn.__name__}` (``reduction``, ``sample_weight``).\n\n    "
           + (fn.__doc__ or "").strip().split("\n\n")[0] + "\n\n    Arguments:\n"
           + _argument_entries(fn, [n for n, _ in params])
           + f'        reduction, name, dtype: as for every :class:`Loss` (default name ``"{default_name}"``).\n    ')
    if cls_name in _EXAMPLES:
        doc += "\n    Example:\n\n" + _EXAMPLES[cls_name] + "    "
    return type(cls_name, (base,), {**_wrapper(fn, default_name, doc, params, order), "__module__": __name__})


MeanSquaredError = _make("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _make("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _make("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                    "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _make("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                    "mean_squared_logarithmic_error")
CosineSimilarity = _make("CosineSimilarity", cosine_similarity, "cosine_similarity", (("axis", -1),))
Huber = _make("Huber", huber, "huber_loss", (("delta", 1.0),))
LogCosh = _make("LogCosh", log_cosh, "log_cosh")
Hinge = _make("Hinge", hinge, "hinge")
SquaredHinge = _make("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _make("CategoricalHinge", categorical_hinge, "categorical_hinge")
KLDivergence = _make("KLDivergence", kl_divergence, "kl_divergence")
Poisson = _make("Poisson", poisson, "poisson")
BinaryCrossentropy = _make("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                           (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
BinaryFocalCrossentropy = _make("BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
                                (("apply_class_balancing", False), ("alpha", 0.25), ("gamma", 2.0),
                                 ("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
CategoricalCrossentropy = _make("CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
                                (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
CategoricalFocalCrossentropy = _make("CategoricalFocalCrossentropy", categorical_focal_crossentropy,
                                     "categorical_focal_crossentropy",
                                     (("alpha", 0.25), ("gamma", 2.0), ("from_logits", False),
                                      ("label_smoothing", 0.0), ("axis", -1)))
Dice = _make("Dice", dice, "dice", (("axis", None),), order=["reduction", "name", "axis", "dtype"])
Tversky = _make("Tversky", tversky, "tversky", (("alpha", 0.5), ("beta", 0.5), ("axis", None)),
                order=["alpha", "beta", "reduction", "name", "axis", "dtype"])
CTC = _make("CTC", ctc, "ctc")


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Loss class of :func:`sparse_categorical_crossentropy`; ``ignore_class`` entries are
    masked out of the reduction (the mean is over the other entries).

    Arguments:
        from_logits: whether ``y_pred`` holds logits; otherwise probabilities.
        ignore_class: a label value whose entries are left out of the loss and of the mean
            (``None``: none ignored).
        reduction, name, dtype: as for every :class:`Loss`.
        axis: the class axis of ``y_pred``.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> y_pred = np.array([[0.05, 0.9, 0.05], [0.1, 0.8, 0.1]])
    >>> np.round(losses.SparseCategoricalCrossentropy()(np.array([1, 2]), y_pred), 4)
    np.float32(1.204)
    >>> np.round(losses.SparseCategoricalCrossentropy(ignore_class=2)(np.array([1, 2]), y_pred), 4)
    np.float32(0.1054)
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)

    def _call_with_mask(self, y_true, y_pred):
        return _sparse_cce_with_mask(y_true, y_pred, **self._fn_kwargs)


# aliases (Keras 3 names)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
logcosh = log_cosh
huber_loss = huber

CLASSES = {c.__name__: c for c in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy, Dice, Tversky, CTC)}
FUNCTIONS = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, huber, log_cosh, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    sparse_categorical_crossentropy, dice, tversky, ctc)}
FUNCTIONS.update({"mse": mse, "MSE": MSE, "mae": mae, "MAE": MAE, "mape": mape, "MAPE": MAPE, "msle": msle,
                  "MSLE": MSLE, "kld": kld, "KLD": KLD, "logcosh": logcosh, "huber_loss": huber_loss})

__all__ = sorted([*CLASSES, *FUNCTIONS, "ctc_loss", "l2_normalize"])
