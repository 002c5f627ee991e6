"""Weight constraints: projections ``constraint(w) -> w'`` applied by optimizers after updates.

>>> import dlx, numpy as np
>>> with dlx.backend.use("numpy"):
...     NonNeg()(np.array([-1.0, 2.0], np.float32)).tolist()
[-0.0, 2.0]
"""

from __future__ import annotations

from dlx import config as _config
from dlx import ops
from dlx._accessors import accessors


class Constraint:
    """Base class: ``__call__(w)`` returns the projected weight.

    Example:

    >>> import numpy as np
    >>> from dlx import constraints, ops
    >>> class Clip(constraints.Constraint):
    ...     def __call__(self, w):
    ...         return ops.clip(w, -1.0, 1.0)
    >>> Clip()(np.array([-3.0, 0.5, 2.0]))
    array([-1. ,  0.5,  1. ])
    """

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        """The constructor arguments, JSON-compatible (``from_config(get_config())`` gives an equal
        constraint); the base class has none.

        Returns:
            A dict.
        """
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        """Creates a constraint from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new constraint.
        """
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales slices along ``axis`` whose L2 norm exceeds ``max_value``.

    Arguments:
        max_value: the largest norm a slice may keep.
        axis: the axis (or tuple of axes) the L2 norm is taken over; for a ``Dense`` kernel of
            shape ``(input_dim, units)``, ``0`` constrains each unit's incoming weights.

    Example:

    >>> import numpy as np
    >>> from dlx import constraints
    >>> w = np.array([[3.0, 0.0], [4.0, 1.0]])  # column norms 5 and 1
    >>> np.round(constraints.MaxNorm(2.0)(w), 4)  # the first column is scaled to norm 2
    array([[1.2, 0. ],
           [1.6, 1. ]])
    """

    def __init__(self, max_value: float = 2, axis: int | tuple = 0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0.0, self.max_value)
        return w * (desired / (_config.epsilon() + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps slice norms in ``[min_value, max_value]``; ``rate`` blends old and clipped norms.

    Arguments:
        min_value: the smallest norm a slice is scaled up to.
        max_value: the largest norm a slice may keep.
        rate: the weight of the clipped norm in the new norm, ``rate * clipped + (1 - rate) *
            norm`` (``1.0``: clip exactly; smaller values move the norm only part of the way).
        axis: the axis (or tuple of axes) the L2 norm is taken over; for a ``Dense`` kernel of
            shape ``(input_dim, units)``, ``0`` constrains each unit's incoming weights.

    Example:

    >>> import numpy as np
    >>> from dlx import constraints
    >>> w = np.array([[3.0, 0.0], [4.0, 1.0]])  # column norms 5 and 1
    >>> np.round(constraints.MinMaxNorm(min_value=0.5, max_value=1.0)(w), 4)
    array([[0.6, 0. ],
           [0.8, 1. ]])
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int | tuple = 0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (_config.epsilon() + norms))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class NonNeg(Constraint):
    """Zeroes negative entries.

    Example:

    >>> import numpy as np
    >>> from dlx import constraints
    >>> np.abs(constraints.NonNeg()(np.array([-1.0, 2.0])))  # abs: the zero may print as -0.
    array([0., 2.])
    """

    def __call__(self, w):
        return w * ops.cast(ops.greater_equal(w, 0.0), ops.dtype(w))


class UnitNorm(Constraint):
    """Scales slices along ``axis`` to unit L2 norm.

    Arguments:
        axis: the axis (or tuple of axes) the L2 norm is taken over; for a ``Dense`` kernel of
            shape ``(input_dim, units)``, ``0`` constrains each unit's incoming weights.

    Example:

    >>> import numpy as np
    >>> from dlx import constraints
    >>> w = np.array([[3.0, 0.0], [4.0, 1.0]])  # column norms 5 and 1
    >>> np.round(constraints.UnitNorm()(w), 4)
    array([[0.6, 0. ],
           [0.8, 1. ]])
    """

    def __init__(self, axis: int | tuple = 0):
        self.axis = axis

    def __call__(self, w):
        return w / (_config.epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm
ALL_OBJECTS = {c.__name__: c for c in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)}
_SNAKE = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}


get, _serialize, deserialize = accessors("constraint", ALL_OBJECTS, _SNAKE, __name__)


def serialize(constraint):
    """The config dict of a constraint (``dlx.saving.serialize``).

    Arguments:
        constraint: a :class:`Constraint` (or a registered custom one).

    Returns:
        A dict with ``"module"``, ``"class_name"``, ``"config"`` and ``"registered_name"``.

    Example:

    >>> from dlx import constraints
    >>> constraints.serialize(constraints.MaxNorm(2.0))
    {'module': 'dlx.constraints', 'class_name': 'MaxNorm', 'config': {'max_value': 2.0, 'axis': 0},
     'registered_name': None}
    """
    return _serialize(constraint)

__all__ = sorted([*ALL_OBJECTS, *_SNAKE, "deserialize", "get", "serialize"])
