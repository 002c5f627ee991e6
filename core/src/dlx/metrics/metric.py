"""The :class:`Metric` base class: variables, stateful updates and the stateless path."""

from __future__ import annotations

import re
from typing import Any

from dlx import dtypes, ops
from dlx.variables import StatelessScope, Variable, scoped_path


class Metric:
    """Base class of metrics: state lives in :attr:`variables`, updated by ``update_state``.

    Subclasses implement ``update_state(...)`` and ``result()`` in ``dlx.ops`` over their
    variables (``variable.assign``); :meth:`stateless_update_state` and :meth:`stateless_result`
    run the same code over explicit values (for compiled training steps).

    Arguments:
        name: the metric name (the key in training logs).
        dtype: the dtype of the state and result (default ``floatx()``).

    Example:

    >>> import numpy as np
    >>> from dlx import metrics, ops
    >>> class MaxAbsError(metrics.Metric):
    ...     def __init__(self, name="max_abs_error", **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.worst = self.add_variable(shape=(), name="worst")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.worst.assign(ops.maximum(self.worst, ops.max(ops.abs(y_pred - y_true))))
    ...     def result(self):
    ...         return self.worst
    >>> m = MaxAbsError()
    >>> m.update_state(np.array([1.0, 2.0]), np.array([1.5, 2.0]))
    >>> m.update_state(np.array([0.0]), np.array([-0.25]))
    >>> float(m.result())
    0.5
    >>> m.reset_state()
    >>> float(m.result())
    0.0
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or _snake(type(self).__name__)
        self._dtype = dtypes.standardize(dtype) if dtype is not None else None
        self._variables: list[Variable] = []
        self._initial_values: list[Any] = []
        self.built = True

    @property
    def dtype(self) -> str:
        return self._dtype or dtypes.floatx()

    @property
    def variables(self) -> list[Variable]:
        return list(self._variables)

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None) -> Variable:
        """Creates a state variable (``initializer``: "zeros", "ones" or a number)."""
        dtype = dtype or self.dtype
        fill = initializer
        if isinstance(initializer, str):
            fill = {"zeros": 0.0, "ones": 1.0}.get(initializer, initializer)
        if not isinstance(fill, (int, float)):
            raise ValueError(f"{type(self).__name__}.add_variable: initializer={initializer!r}; expected 'zeros', "
                             "'ones' or a number")
        name = name or f"var{len(self._variables)}"
        # as Keras, the path keeps the metric's name at creation ("mean_absolute_error/total"), under
        # the open name scopes ("block/mean/total")
        v = Variable(ops.full(tuple(shape), fill, dtype), dtype=dtype, trainable=False, name=name,
                     path=scoped_path(self.name, name))
        v.aggregation = aggregation
        self._variables.append(v)
        self._initial_values.append(fill)
        return v

    def build(self, y_true_shape=None, y_pred_shape=None) -> None:
        """Creates shape-dependent state (metrics that need the data's shape override this)."""
        self.built = True

    def update_state(self, *args, **kwargs) -> None:
        """Accumulates one batch into the metric's variables; every subclass overrides it.

        Arguments:
            *args: the batch, in the subclass's order (most take ``y_true, y_pred``).
            **kwargs: further inputs the subclass accepts (most take ``sample_weight``).

        Raises:
            TypeError: on the base class, which has nothing to accumulate.
        """
        raise TypeError(f"{type(self).__name__} is abstract: a Metric subclass defines update_state()")

    def result(self):
        """The metric's value computed from the state accumulated so far; every subclass overrides it.

        Returns:
            A scalar tensor (or a structure of tensors, for metrics with several values).

        Raises:
            TypeError: on the base class.
        """
        raise TypeError(f"{type(self).__name__} is abstract: a Metric subclass defines result()")

    def reset_state(self) -> None:
        """Restores every variable to its initial value."""
        for v, fill in zip(self._variables, self._initial_values):
            v.assign(ops.full(v.shape, fill, v.dtype))

    def __call__(self, *args, **kwargs):
        """Updates the state with one batch and returns the batch's result (state untouched)."""
        if not self.built:
            self.update_state(*args, **kwargs)
            self.reset_state()
        values = self.stateless_update_state(self.stateless_reset_state(), *args, **kwargs)
        return self.stateless_result(values)

    # -- stateless path -----------------------------------------------------------------------------
    def _check_values(self, metric_variables, where):
        metric_variables, variables = list(metric_variables), self.variables
        if len(metric_variables) != len(variables):
            raise ValueError(f"{type(self).__name__}.{where}: got {len(metric_variables)} values; the metric has "
                             f"{len(variables)} variables")
        return metric_variables, variables

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """The pure update: returns the new values of :attr:`variables`."""
        metric_variables, variables = self._check_values(metric_variables, "stateless_update_state")
        with StatelessScope(list(zip(variables, metric_variables))) as scope:
            self.update_state(*args, **kwargs)
        return [scope.updated(v) for v in variables]

    def stateless_result(self, metric_variables):
        """:meth:`result` computed from explicit variable values."""
        metric_variables, variables = self._check_values(metric_variables, "stateless_result")
        with StatelessScope(list(zip(variables, metric_variables))):
            return self.result()

    def stateless_reset_state(self):
        """The initial values of :attr:`variables`."""
        return [ops.full(v.shape, fill, v.dtype) for v, fill in zip(self._variables, self._initial_values)]

    # -- config ---------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-compatible (``from_config(get_config())`` rebuilds the metric
        without its accumulated state).

        Returns:
            A dict; the base class gives ``name`` and ``dtype``, subclasses add their own arguments.
        """
        return {"name": self.name, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config):
        """Creates a metric from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new metric, with freshly initialized state.
        """
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
