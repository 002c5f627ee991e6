"""The :class:`Loss` base class and the reduction/weighting helpers shared with metrics."""

from __future__ import annotations

from typing import Any

from dlx import dtypes, ops

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction={reduction!r}: expected one of {REDUCTIONS}")
    return reduction


def to_tensor(x, dtype=None):
    """``x`` as a tensor of the active backend (Variables are read; Python data converted)."""
    if hasattr(x, "value") and hasattr(x, "assign"):
        x = x.value
    if dtype is None:
        # a symbolic tensor (a loss called inside a layer's call() while a Functional model is
        # built) stays symbolic
        return x if isinstance(x, ops.SymbolicTensor) else ops.convert_to_tensor(x)
    if hasattr(x, "dtype") and hasattr(x, "shape"):
        return x if dtypes.standardize(x.dtype) == dtype else ops.cast(x, dtype)
    return ops.convert_to_tensor(x, dtype)


def divide_no_nan(x, y):
    """``x / y``, 0 where ``y == 0``."""
    zero = ops.equal(y, 0)
    return ops.where(zero, ops.zeros_like(ops.add(x, y)), ops.divide(x, ops.where(zero, ops.ones_like(y), y)))


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Makes ranks equal when they differ by one and the extra trailing axis has size 1.

    Arguments:
        x1, x2: the two tensors.
        expand_rank_1: when the lower-ranked tensor has rank 1, give it a trailing axis instead
            of squeezing the other one.

    Returns:
        ``(x1, x2)``, one of them squeezed or expanded on its last axis; both unchanged when
        their ranks are equal or the rule does not apply.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> a, b = losses.squeeze_or_expand_to_same_rank(np.zeros((4, 1)), np.zeros((4,)))
    >>> a.shape, b.shape
    ((4, 1), (4, 1))
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a boolean ``mask`` into ``sample_weight`` (rescaled so that
    ``sum_over_batch_size`` averages over the valid entries only)."""
    if mask is None:
        return sample_weight
    mask = ops.cast(mask, dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = num_elements(mask, dtype)
        mask = ops.multiply(mask, ops.divide(total, ops.add(ops.sum(mask), 1e-7)))
    if sample_weight is None:
        return mask
    sample_weight = ops.cast(sample_weight, dtype)
    mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
    return ops.multiply(sample_weight, mask)


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def num_elements(x, dtype="float32"):
    """The number of elements of ``x`` as a Python float when the shape is static, else as a
    tensor (inside traced functions with unknown dimensions)."""
    shape = tuple(x.shape)
    if all(d is not None for d in shape):
        return float(_numel(shape))
    return ops.sum(ops.ones_like(x, dtype=dtype))


def batch_size_of(x, dtype="float32"):
    """``x.shape[0]`` as a float (static) or a tensor (unknown batch dimension)."""
    d = x.shape[0] if len(x.shape) else 1
    if d is not None:
        return float(d)
    first = x
    while len(first.shape) > 1:
        first = first[:, 0]
    return ops.sum(ops.ones_like(first, dtype=dtype))


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    if reduction in (None, "none") or len(values.shape) == 0 or tuple(values.shape) == (0,):
        return values
    loss = ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = ops.cast(ops.sum(sample_weight), ops.dtype(loss))
            loss = divide_no_nan(loss, divisor)
        else:
            n = num_elements(values, ops.dtype(loss))
            if isinstance(n, float):
                loss = ops.divide(loss, n) if n else ops.zeros_like(loss)
            else:
                loss = divide_no_nan(loss, n)
    return loss


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None):
    """Weights ``values`` by ``sample_weight`` (and ``mask``), then reduces them.

    Arguments:
        values: the per-sample (or per-entry) losses.
        sample_weight: weights broadcast against ``values`` (per-sample weights are expanded
            over trailing axes); ``None``: unweighted.
        mask: a boolean tensor; masked-out entries get weight 0 and, for ``"mean"`` and
            ``"sum_over_batch_size"``, the mean is over the remaining entries. ``None``: no mask.
        reduction: ``"sum_over_batch_size"``, ``"sum"``, ``"mean"``, ``"mean_with_sample_weight"``
            (the weighted sum divided by the sum of the weights), ``"none"`` or ``None`` (the
            weighted values unreduced).
        dtype: the dtype ``values`` are cast to (``None``: kept).

    Returns:
        A scalar, or the weighted values for ``"none"`` / ``None``.

    Raises:
        ValueError: on an unknown ``reduction``, or when ``sample_weight`` has more dimensions
            than ``values``.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> values = np.array([1.0, 2.0, 3.0, 4.0], "float32")
    >>> losses.reduce_weighted_values(values, sample_weight=np.array([1.0, 1.0, 0.0, 0.0], "float32"))
    np.float32(0.75)
    >>> losses.reduce_weighted_values(values, reduction="sum")
    array(10., dtype=float32)
    """
    reduction = standardize_reduction(reduction)
    values = to_tensor(values, dtype)
    dt = ops.dtype(values)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, dt)
    sample_weight = apply_mask(sample_weight, mask, dt, reduction)
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        while len(sample_weight.shape) < len(values.shape):  # per-sample weights on per-timestep losses
            sample_weight = ops.expand_dims(sample_weight, -1)
        if len(sample_weight.shape) > len(values.shape):
            raise ValueError(f"sample_weight of shape {tuple(sample_weight.shape)} has more dimensions than the "
                             f"per-sample losses of shape {tuple(values.shape)}")
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class: subclasses implement ``call(y_true, y_pred)`` returning per-sample losses.

    Arguments:
        name: the loss name.
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"`` (same as the
            default), ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: the dtype the loss is computed in (default ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import losses, ops
    >>> class MeanCubicError(losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.abs(y_pred - y_true) ** 3, axis=-1)
    >>> loss = MeanCubicError()
    >>> loss(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]]))
    np.float32(4.5)
    >>> loss(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]]), sample_weight=np.array([0.5]))
    np.float32(2.25)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = dtypes.standardize(dtype) if dtype is not None else None

    @property
    def dtype(self) -> str:
        return self._dtype or dtypes.floatx()

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = to_tensor(y_pred, self.dtype)
        y_true = to_tensor(y_true)
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight=sample_weight, mask=mask, reduction=self.reduction,
                                      dtype=self.dtype)

    def _call_with_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None

    def call(self, y_true, y_pred):
        """The unreduced loss of a batch; every subclass overrides it (``__call__`` applies the sample
        weights, the mask and the reduction to what it returns).

        Arguments:
            y_true: the targets.
            y_pred: the predictions.

        Returns:
            The per-sample (or per-element) losses, a tensor.

        Raises:
            TypeError: on the base class.
        """
        raise TypeError(f"{type(self).__name__} is abstract: a Loss subclass defines call(y_true, y_pred)")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-compatible (``from_config(get_config())`` rebuilds the loss).

        Returns:
            A dict; the base class gives ``name``, ``reduction`` and ``dtype``, subclasses add their own.
        """
        return {"name": self.name, "reduction": self.reduction, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config):
        """Creates a loss from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new loss.
        """
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """Wraps ``fn(y_true, y_pred, **kwargs) -> per-sample losses`` as a :class:`Loss`.

    Arguments:
        fn: the loss function; ``y_true`` and ``y_pred`` reach it with their ranks matched by
            :func:`squeeze_or_expand_to_same_rank`.
        reduction: as for every :class:`Loss`.
        name: the loss name (``None``: ``fn``'s name).
        dtype: as for every :class:`Loss`.
        **kwargs: keyword arguments passed to ``fn`` on every call (and kept in the config).

    Example:

    >>> import numpy as np
    >>> from dlx import losses, ops
    >>> def scaled_mae(y_true, y_pred, scale=1.0):
    ...     return scale * ops.mean(ops.abs(y_pred - y_true), axis=-1)
    >>> loss = losses.LossFunctionWrapper(scaled_mae, name="scaled_mae", scale=10.0)
    >>> loss(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]))
    np.float32(5.0)
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        """Applies the wrapped function after matching the ranks of ``y_true`` and ``y_pred``.

        Arguments:
            y_true: the targets.
            y_pred: the predictions.

        Returns:
            What ``fn(y_true, y_pred, **kwargs)`` returns: the per-sample losses.
        """
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        """The base config plus the keyword arguments given for ``fn``; a plain ``LossFunctionWrapper`` also
        records ``fn`` by its name (subclasses fix their function, so they leave it out).

        Returns:
            A dict for :meth:`from_config`.
        """
        cfg = super().get_config()
        if type(self) is LossFunctionWrapper:
            cfg["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        cfg.update(self._fn_kwargs)
        return cfg

    @classmethod
    def from_config(cls, config):
        """Creates the wrapper from :meth:`get_config`'s output; for a plain ``LossFunctionWrapper`` the
        recorded function name is looked up with ``dlx.losses.get``.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new loss.
        """
        config = dict(config)
        if cls is LossFunctionWrapper:
            from dlx import losses

            config["fn"] = losses.get(config["fn"])
        return cls(**config)


def _snake(name: str) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
