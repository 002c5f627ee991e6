"""Weight regularizers: ``regularizer(weight) -> scalar penalty`` added to ``layer.losses``.

>>> import dlx, numpy as np
>>> with dlx.backend.use("numpy"):
...     float(L1L2(l1=0.5, l2=1.0)(np.array([1.0, -2.0], np.float32)))
6.5
"""

from __future__ import annotations

from dlx import ops
from dlx._accessors import accessors


def _check(name, value):
    value = float(value)
    if value < 0 or value != value:
        raise ValueError(f"{name}={value!r}: expected a non-negative number")
    return value


class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar penalty.

    Example:

    >>> import numpy as np
    >>> from dlx import ops, regularizers
    >>> class MaxAbs(regularizers.Regularizer):
    ...     def __call__(self, x):
    ...         return 0.5 * ops.max(ops.abs(x))
    >>> float(MaxAbs()(np.array([1.0, -4.0])))
    2.0
    """

    def __call__(self, x):
        return ops.zeros((), "float32")

    def get_config(self) -> dict:
        """The constructor arguments, JSON-compatible (``from_config(get_config())`` gives an equal
        regularizer); the base class has none.

        Returns:
            A dict.
        """
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        """Creates a regularizer from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new regularizer.
        """
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x^2)``.

    Arguments:
        l1: the non-negative factor of the L1 term (``0``: no L1 term).
        l2: the non-negative factor of the L2 term (``0``: no L2 term).

    Raises:
        ValueError: when ``l1`` or ``l2`` is negative or NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import regularizers
    >>> x = np.array([[1.0, -2.0], [3.0, 0.0]])
    >>> round(float(regularizers.L1L2(l1=0.1, l2=0.1)(x)), 4)  # 0.6 + 1.4
    2.0
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _check("l1", l1)
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        out = None
        if self.l1:
            out = self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            term = self.l2 * ops.sum(ops.square(x))
            out = term if out is None else out + term
        return out if out is not None else ops.zeros((), ops.dtype(x))

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)``.

    Arguments:
        l1: the non-negative factor of the penalty.

    Raises:
        ValueError: when ``l1`` is negative or NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import regularizers
    >>> x = np.array([[1.0, -2.0], [3.0, 0.0]])
    >>> round(float(regularizers.L1(0.1)(x)), 4)  # 0.1 * (1 + 2 + 3)
    0.6
    """

    def __init__(self, l1: float = 0.01):
        self.l1 = _check("l1", l1)

    def __call__(self, x):
        return self.l1 * ops.sum(ops.abs(x))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x^2)``.

    Arguments:
        l2: the non-negative factor of the penalty.

    Raises:
        ValueError: when ``l2`` is negative or NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import regularizers
    >>> x = np.array([[1.0, -2.0], [3.0, 0.0]])
    >>> round(float(regularizers.L2(0.1)(x)), 4)  # 0.1 * (1 + 4 + 9)
    1.4
    """

    def __init__(self, l2: float = 0.01):
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(x))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalizes non-orthogonal rows (``mode="rows"``) or columns of a 2-D weight:
    ``factor * mean |<v_i, v_j>|`` over pairs ``i < j`` of L2-normalized vectors.

    Calling it on a weight that is not 2-D raises ``ValueError``.

    Arguments:
        factor: the non-negative factor of the penalty.
        mode: ``"rows"`` (the rows must be orthogonal) or ``"columns"``.

    Raises:
        ValueError: when ``factor`` is negative or NaN, or ``mode`` is neither value.

    Example:

    >>> import numpy as np
    >>> from dlx import regularizers
    >>> columns = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> round(float(regularizers.OrthogonalRegularizer(1.0)(columns)), 4)  # orthogonal: no penalty
    0.0
    >>> round(float(regularizers.OrthogonalRegularizer(1.0)(np.array([[1.0, 0.0], [1.0, 0.0]]))), 4)
    1.0
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _check("factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode={mode!r}; expected 'rows' or 'columns'")
        self.mode = mode

    def __call__(self, x):
        if len(ops.tensors.shape(x)) != 2:
            raise ValueError(f"OrthogonalRegularizer: expected a 2-D weight; received shape {ops.tensors.shape(x)}")
        axis = 1 if self.mode == "rows" else 0
        v = x / ops.maximum(ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True)), 1e-12)
        prod = ops.matmul(v, ops.transpose(v)) if self.mode == "rows" else ops.matmul(ops.transpose(v), v)
        size = ops.tensors.shape(prod)[0]
        off = prod * (1.0 - ops.eye(size, None, 0, ops.dtype(prod)))
        pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * ops.sum(ops.abs(off)) / max(pairs, 1.0)

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer
ALL_OBJECTS = {c.__name__: c for c in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)}
_SNAKE = {"l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}


get, _serialize, deserialize = accessors("regularizer", ALL_OBJECTS, _SNAKE, __name__)


def serialize(regularizer):
    """The config dict of a regularizer (``dlx.saving.serialize``).

    Arguments:
        regularizer: a :class:`Regularizer` (or a registered custom one).

    Returns:
        A dict with ``"module"``, ``"class_name"``, ``"config"`` and ``"registered_name"``.

    Example:

    >>> from dlx import regularizers
    >>> regularizers.serialize(regularizers.L1(0.1))
    {'module': 'dlx.regularizers', 'class_name': 'L1', 'config': {'l1': 0.1}, 'registered_name': None}
    """
    return _serialize(regularizer)

__all__ = sorted([*ALL_OBJECTS, *_SNAKE, "deserialize", "get", "serialize"])
